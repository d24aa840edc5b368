//! Customers on SQLite: the `customers` index rows and name words helpdesk looks callers up by.

use super::Tx;
use crate::error::backend;
use sysops_core::helpdesk::key_words;
use sysops_core::store::Change;
use sysops_core::{CustomerIndex, StoreError};
use uuid::Uuid;

pub(super) async fn write_index(tx: &mut Tx, change: &Change) -> Result<(), StoreError> {
    let Some(index) = change.index.get::<CustomerIndex>() else { return Ok(()) };
    let id = change.stream().id;
    let old: Option<Option<String>> = sqlx::query_scalar("SELECT name_key FROM customers WHERE id = ?1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(backend)?;
    sqlx::query(
        "INSERT INTO customers (id, name, email, phone, name_key, email_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone,
             name_key = excluded.name_key, email_key = excluded.email_key",
    )
    .bind(id)
    .bind(&index.name)
    .bind(&index.email)
    .bind(&index.phone)
    .bind(&index.name_key)
    .bind(&index.email_key)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    if old.flatten().as_deref() != Some(index.name_key.as_str()) {
        write_words(tx, id, &index.name_key).await?;
    }
    Ok(())
}

/// Replaces a customer's name words with those of `name_key`.
pub(super) async fn write_words(tx: &mut Tx, id: Uuid, name_key: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM customer_words WHERE customer = ?1").bind(id).execute(&mut **tx).await.map_err(backend)?;
    for word in key_words(name_key) {
        sqlx::query("INSERT INTO customer_words (word, customer) VALUES (?1, ?2)")
            .bind(word)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
    }
    Ok(())
}
