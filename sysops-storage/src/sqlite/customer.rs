//! Customers on SQLite: the `customers` index rows helpdesk looks callers up by.

use super::Tx;
use crate::error::backend;
use sysops_core::store::Change;
use sysops_core::{CustomerIndex, StoreError};

pub(super) async fn write_index(tx: &mut Tx, change: &Change) -> Result<(), StoreError> {
    let Some(index) = change.index.get::<CustomerIndex>() else { return Ok(()) };
    sqlx::query(
        "INSERT INTO customers (id, name, email, phone) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone",
    )
    .bind(change.stream().id)
    .bind(&index.name)
    .bind(&index.email)
    .bind(&index.phone)
    .execute(&mut **tx)
    .await
    .map(drop)
    .map_err(backend)
}
