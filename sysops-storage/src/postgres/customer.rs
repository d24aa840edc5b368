//! Customers on PostgreSQL: the `customers` index rows helpdesk looks callers up by.

use super::{OneStatement, Tx, shard};
use crate::error::backend;
use crate::rows::{self, Bind};
use sysops_core::store::Change;
use sysops_core::{CustomerIndex, StoreError};

fn binds(index: &CustomerIndex) -> Vec<Bind> {
    vec![Bind::String(index.name.clone()), Bind::String(index.email.clone()), Bind::String(index.phone.clone())]
}

pub(super) fn one_statement(change: &Change) -> Option<OneStatement> {
    let index = change.index.get::<CustomerIndex>()?;
    Some(OneStatement {
        call: "SELECT sysops_write_customer($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        index: binds(index),
    })
}

pub(super) async fn write_index(tx: &mut Tx, change: &Change) -> Result<(), StoreError> {
    let Some(index) = change.index.get::<CustomerIndex>() else { return Ok(()) };
    let query = sqlx::query(
        "INSERT INTO customers (shard, id, name, email, phone) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (shard, id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone",
    )
    .bind(shard(change.stream()))
    .bind(change.stream().id);
    rows::bind_all!(query, binds(index)).execute(&mut **tx).await.map(drop).map_err(backend)
}
