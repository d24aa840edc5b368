//! Helpdesk search on SQLite, and the one-time keying of the rows stored before the helpdesk
//! migration.

use super::{SqliteStore, Tx, customer};
use crate::error::backend;
use crate::rows;
use crate::sql;
use sqlx::sqlite::SqlitePool;
use sysops_core::helpdesk::{CustomerLookup, HelpdeskStore, TicketLookup};
use sysops_core::store::StoredState;
use sysops_core::{AggregateKind, StoreError, TicketId, TicketNumber};
use uuid::Uuid;

/// Rows keyed per transaction.
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

/// Keys the rows stored before the helpdesk migration, once: every customer's search keys and
/// name words from its stored state (a state that does not decode is left to the integrity
/// audit), every ticket's number. A page per transaction; an interrupted run starts over and
/// writes the same rows.
pub(super) async fn backfill(pool: &SqlitePool) -> Result<(), StoreError> {
    if super::backfilled(pool, "helpdesk_backfill").await? {
        return Ok(());
    }
    let mut after = Uuid::nil();
    loop {
        let page: Vec<(Uuid, String)> =
            sqlx::query_as("SELECT id, json FROM states WHERE kind = 'customer' AND id > ?1 ORDER BY id LIMIT ?2")
                .bind(after)
                .bind(BACKFILL_PAGE)
                .fetch_all(pool)
                .await
                .map_err(backend)?;
        let Some((last, _)) = page.last() else { break };
        after = *last;
        let mut tx: Tx = pool.begin().await.map_err(backend)?;
        for (id, json) in page {
            if let Some(index) = sql::helpdesk::customer_index(&json) {
                customer::write_keys(&mut tx, id, &index).await?;
            }
        }
        tx.commit().await.map_err(backend)?;
    }
    let mut after = Uuid::nil();
    loop {
        let page: Vec<Uuid> = sqlx::query_scalar("SELECT id FROM tickets WHERE id > ?1 ORDER BY id LIMIT ?2")
            .bind(after)
            .bind(BACKFILL_PAGE)
            .fetch_all(pool)
            .await
            .map_err(backend)?;
        let Some(last) = page.last() else { break };
        after = *last;
        let mut tx: Tx = pool.begin().await.map_err(backend)?;
        for id in page {
            sqlx::query("INSERT INTO ticket_numbers (number, ticket) VALUES (?1, ?2) ON CONFLICT DO NOTHING")
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
