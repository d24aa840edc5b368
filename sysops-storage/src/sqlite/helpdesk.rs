//! Helpdesk search on SQLite, and the backfill of the search columns of rows stored before
//! the helpdesk migration.

use super::{SqliteStore, customer};
use crate::error::backend;
use crate::rows;
use crate::sql;
use sqlx::AssertSqlSafe;
use sqlx::sqlite::SqlitePool;
use sysops_core::helpdesk::{CustomerLookup, HelpdeskStore, TicketLookup, name_key};
use sysops_core::store::StoredState;
use sysops_core::{AggregateKind, StoreError, TicketId, TicketNumber};
use uuid::Uuid;

/// Rows backfilled per transaction.
const BACKFILL_PAGE: i64 = 1_000;

impl HelpdeskStore for SqliteStore {
    async fn find_customers(&self, lookup: &CustomerLookup) -> Result<Vec<StoredState>, StoreError> {
        let (sql, binds) = sql::helpdesk::customers_query(lookup, rows::Placeholders::Sqlite);
        self.listed(sql, binds, AggregateKind::Customer).await
    }

    async fn find_tickets(&self, lookup: &TicketLookup) -> Result<Vec<StoredState>, StoreError> {
        let (sql, binds) = sql::helpdesk::tickets_query(lookup, rows::Placeholders::Sqlite);
        self.listed(sql, binds, AggregateKind::Ticket).await
    }
}

impl SqliteStore {
    async fn listed(
        &self,
        sql: String,
        binds: Vec<rows::Bind>,
        kind: AggregateKind,
    ) -> Result<Vec<StoredState>, StoreError> {
        let found: Vec<rows::ListedRow> = rows::bind_all!(sqlx::query_as(AssertSqlSafe(sql)), binds)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        Ok(found.into_iter().map(|r| rows::listed(r, kind)).collect())
    }
}

/// Gives the rows stored before the helpdesk migration their search columns: each ticket
/// its number, each customer its folded name, name words and lower-cased email. A page per
/// transaction; a database without such rows costs two index probes.
pub(super) async fn backfill(pool: &SqlitePool) -> Result<(), StoreError> {
    loop {
        let page: Vec<(Uuid, String, String)> =
            sqlx::query_as("SELECT id, name, email FROM customers WHERE name_key IS NULL LIMIT ?1")
                .bind(BACKFILL_PAGE)
                .fetch_all(pool)
                .await
                .map_err(backend)?;
        if page.is_empty() {
            break;
        }
        let mut tx = pool.begin().await.map_err(backend)?;
        for (id, name, email) in page {
            let key = name_key(&name);
            sqlx::query("UPDATE customers SET name_key = ?1, email_key = ?2 WHERE id = ?3")
                .bind(&key)
                .bind(email.to_lowercase())
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
            customer::write_words(&mut tx, id, &key).await?;
        }
        tx.commit().await.map_err(backend)?;
    }
    loop {
        let page: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM tickets WHERE number IS NULL LIMIT ?1")
            .bind(BACKFILL_PAGE)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
        if page.is_empty() {
            return Ok(());
        }
        let mut tx = pool.begin().await.map_err(backend)?;
        for id in page {
            let number = TicketNumber::of(TicketId::from_uuid(id));
            sqlx::query("UPDATE tickets SET number = ?1 WHERE id = ?2")
                .bind(rows::to_i64(number.get()))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
    }
}
