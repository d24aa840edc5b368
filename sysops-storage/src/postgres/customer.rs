//! Customers on PostgreSQL: the `customers` index rows helpdesk looks callers up by.

use super::{OneStatement, Tx, one_event_sql, shard};
use crate::error::backend;
use crate::rows::{self, Bind};
use sysops_core::store::Change;
use sysops_core::{CustomerIndex, StoreError};

/// The customer's index row as a CTE of [`OneStatement`]: parameters $11..=$13.
macro_rules! customer_index {
    () => {
        ", x AS (INSERT INTO customers (shard, id, name, email, phone) SELECT shard, id, $11, $12, $13 FROM s \
         ON CONFLICT (shard, id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone)"
    };
}

fn binds(index: &CustomerIndex) -> Vec<Bind> {
    vec![Bind::String(index.name.clone()), Bind::String(index.email.clone()), Bind::String(index.phone.clone())]
}

pub(super) fn one_statement(change: &Change) -> Option<OneStatement> {
    let index = change.index.get::<CustomerIndex>()?;
    Some(OneStatement {
        new: one_event_sql!(new, customer_index!()),
        update: one_event_sql!(update, customer_index!()),
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
