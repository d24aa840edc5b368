//! Customers on PostgreSQL: the `customers` index rows and name words helpdesk looks callers
//! up by, written by the customer migration's database functions.

use super::{OneStatement, Tx, shard};
use crate::error::backend;
use crate::rows::{self, Bind};
use sysops_core::store::Change;
use sysops_core::{CustomerIndex, StoreError};

fn binds(index: &CustomerIndex) -> Vec<Bind> {
    vec![
        Bind::String(index.name.clone()),
        Bind::String(index.email.clone()),
        Bind::String(index.phone.clone()),
        Bind::String(index.name_key.clone()),
        Bind::String(index.email_key.clone()),
    ]
}

pub(super) fn one_statement(change: &Change) -> Option<OneStatement> {
    let index = change.index.get::<CustomerIndex>()?;
    Some(OneStatement { function: "sysops_write_customer", index: binds(index) })
}

pub(super) async fn write_index(tx: &mut Tx, change: &Change) -> Result<(), StoreError> {
    let Some(index) = change.index.get::<CustomerIndex>() else { return Ok(()) };
    let query = sqlx::query("SELECT sysops_write_customer_index($1, $2, $3, $4, $5, $6, $7)")
        .bind(shard(change.stream()))
        .bind(change.stream().id);
    rows::bind_all!(query, binds(index)).execute(&mut **tx).await.map(drop).map_err(backend)
}
