//! Helpdesk search on PostgreSQL, and the one-time keying of the rows stored before the
//! helpdesk migration.

use super::PgStore;
use crate::error::backend;
use crate::rows;
use crate::sql;
use sqlx::postgres::PgPool;
use sysops_core::helpdesk::{CustomerLookup, HelpdeskStore, TicketLookup};
use sysops_core::store::StoredState;
use sysops_core::{AggregateKind, StoreError, TicketId, TicketNumber};
use uuid::Uuid;

/// Rows keyed per transaction.
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

/// Keys the rows stored before the helpdesk migration, once: every customer's search keys and
/// name words from its stored state (a state that does not decode is left to the integrity
/// audit), every ticket's number. A page per transaction; an interrupted run starts over and
/// writes the same rows.
pub(super) async fn backfill(pool: &PgPool) -> Result<(), StoreError> {
    if super::backfilled(pool, "helpdesk_backfill").await? {
        return Ok(());
    }
    let mut after = Uuid::nil();
    loop {
        let page: Vec<(Uuid, i32, String)> = sqlx::query_as(
            "SELECT id, shard, json FROM states WHERE kind = 'customer' AND id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(BACKFILL_PAGE)
        .fetch_all(pool)
        .await
        .map_err(backend)?;
        let Some((last, ..)) = page.last() else { break };
        after = *last;
        let mut tx = pool.begin().await.map_err(backend)?;
        for (id, shard, json) in page {
            let Some(index) = sql::helpdesk::customer_index(&json) else { continue };
            sqlx::query("SELECT sysops_write_customer_index($1, $2, $3, $4, $5, $6, $7)")
                .bind(shard)
                .bind(id)
                .bind(&index.name)
                .bind(&index.email)
                .bind(&index.phone)
                .bind(&index.name_key)
                .bind(&index.email_key)
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
    }
    let mut after = Uuid::nil();
    loop {
        let page: Vec<(Uuid, i32)> = sqlx::query_as("SELECT id, shard FROM tickets WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(BACKFILL_PAGE)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
        let Some((last, _)) = page.last() else { break };
        after = *last;
        let mut tx = pool.begin().await.map_err(backend)?;
        for (id, shard) in page {
            sqlx::query(
                "INSERT INTO ticket_numbers (shard, number, ticket) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(shard)
            .bind(rows::to_i64(TicketNumber::of(TicketId::from_uuid(id)).get()))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
    }
    super::mark_backfilled(pool, "helpdesk_backfill").await
}
