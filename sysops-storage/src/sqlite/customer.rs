//! Customers on SQLite: the `customers` index rows, and the search keys and name words
//! helpdesk looks callers up by.

use super::Tx;
use crate::error::backend;
use sysops_core::helpdesk::key_words;
use sysops_core::store::Change;
use sysops_core::{CustomerIndex, StoreError};
use uuid::Uuid;

pub(super) async fn write_index(tx: &mut Tx, change: &Change) -> Result<(), StoreError> {
    let Some(index) = change.index.get::<CustomerIndex>() else { return Ok(()) };
    let id = change.stream().id;
    sqlx::query(
        "INSERT INTO customers (id, name, email, phone) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone",
    )
    .bind(id)
    .bind(&index.name)
    .bind(&index.email)
    .bind(&index.phone)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    write_keys(tx, id, index).await
}

/// A customer's search keys, and their name words when the name changed.
pub(super) async fn write_keys(tx: &mut Tx, id: Uuid, index: &CustomerIndex) -> Result<(), StoreError> {
    let old: Option<String> = sqlx::query_scalar("SELECT name_key FROM customer_keys WHERE customer = ?1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(backend)?;
    sqlx::query(
        "INSERT INTO customer_keys (customer, name_key, email_key, phone) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (customer) DO UPDATE SET name_key = excluded.name_key, email_key = excluded.email_key,
             phone = excluded.phone",
    )
    .bind(id)
    .bind(&index.name_key)
    .bind(&index.email_key)
    .bind(&index.phone)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    if old.as_deref() == Some(index.name_key.as_str()) {
        return Ok(());
    }
    sqlx::query("DELETE FROM customer_words WHERE customer = ?1").bind(id).execute(&mut **tx).await.map_err(backend)?;
    for word in key_words(&index.name_key) {
        sqlx::query("INSERT INTO customer_words (word, customer) VALUES (?1, ?2)")
            .bind(word)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    Ok(())
}
