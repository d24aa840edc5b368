//! Helpdesk search on PostgreSQL, and the backfill of the search columns of rows stored
//! before the helpdesk migration.

use super::PgStore;
use crate::error::backend;
use crate::rows;
use crate::sql;
use sqlx::AssertSqlSafe;
use sqlx::postgres::PgPool;
use sysops_core::helpdesk::{CustomerLookup, HelpdeskStore, TicketLookup, name_key};
use sysops_core::store::StoredState;
use sysops_core::{AggregateKind, StoreError, TicketId, TicketNumber};
use uuid::Uuid;

/// Rows backfilled per transaction.
const BACKFILL_PAGE: i64 = 1_000;

impl HelpdeskStore for PgStore {
    async fn find_customers(&self, lookup: &CustomerLookup) -> Result<Vec<StoredState>, StoreError> {
        let (sql, binds) = sql::helpdesk::customers_query(lookup, self.placeholders());
        self.listed(sql, binds, AggregateKind::Customer).await
    }

    async fn find_tickets(&self, lookup: &TicketLookup) -> Result<Vec<StoredState>, StoreError> {
        let (sql, binds) = sql::helpdesk::tickets_query(lookup, self.placeholders());
        self.listed(sql, binds, AggregateKind::Ticket).await
    }
}

impl PgStore {
    async fn listed(
        &self,
        sql: String,
        binds: Vec<rows::Bind>,
        kind: AggregateKind,
    ) -> Result<Vec<StoredState>, StoreError> {
        let found: Vec<rows::ListedRow> =
            rows::bind_all!(sqlx::query_as(AssertSqlSafe(sql)), binds).fetch_all(&self.pool).await.map_err(backend)?;
        Ok(found.into_iter().map(|r| rows::listed(r, kind)).collect())
    }
}

/// Gives the rows stored before the helpdesk migration their search columns: each ticket
/// its number, each customer its folded name, name words and lower-cased email. A page per
/// transaction; a database without such rows costs two index probes.
pub(super) async fn backfill(pool: &PgPool) -> Result<(), StoreError> {
    loop {
        let page: Vec<(Uuid, i32, String, String, String)> =
            sqlx::query_as("SELECT id, shard, name, email, phone FROM customers WHERE name_key IS NULL LIMIT $1")
                .bind(BACKFILL_PAGE)
                .fetch_all(pool)
                .await
                .map_err(backend)?;
        if page.is_empty() {
            break;
        }
        let mut tx = pool.begin().await.map_err(backend)?;
        for (id, shard, name, email, phone) in page {
            sqlx::query("SELECT sysops_write_customer_index($1, $2, $3, $4, $5, $6, $7)")
                .bind(shard)
                .bind(id)
                .bind(&name)
                .bind(&email)
                .bind(phone)
                .bind(name_key(&name))
                .bind(email.to_lowercase())
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
    }
    loop {
        let page: Vec<(Uuid, i32)> = sqlx::query_as("SELECT id, shard FROM tickets WHERE number IS NULL LIMIT $1")
            .bind(BACKFILL_PAGE)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
        if page.is_empty() {
            return Ok(());
        }
        let mut tx = pool.begin().await.map_err(backend)?;
        for (id, shard) in page {
            let number = TicketNumber::of(TicketId::from_uuid(id));
            sqlx::query("UPDATE tickets SET number = $1 WHERE id = $2 AND shard = $3")
                .bind(rows::to_i64(number.get()))
                .bind(id)
                .bind(shard)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
    }
}
