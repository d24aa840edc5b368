//! The assignment batch on PostgreSQL: concurrent jobs take turns, and on one node a batch
//! also locks the open tickets and active experts it plans.

use super::PgStore;
use crate::error::backend;
use crate::rows;
use crate::sql::assignment::{LOADS_SQL, load};
use sqlx::AssertSqlSafe;
use sysops_core::store::{AssignmentStore, Change, Claim, ExpertLoad};
use sysops_core::{AggregateKind, StoreError};

impl AssignmentStore for PgStore {
    async fn expert_loads(&self) -> Result<Vec<ExpertLoad>, StoreError> {
        let rows: Vec<(uuid::Uuid, i64, i64)> =
            sqlx::query_as(LOADS_SQL).fetch_all(&self.pool).await.map_err(backend)?;
        Ok(rows.into_iter().map(load).collect())
    }

    async fn assignment_batch<R, F>(&self, limit: u32, decide: F) -> Result<R, StoreError>
    where
        R: Send,
        F: FnOnce(Claim) -> Result<(Vec<Change>, R), StoreError> + Send,
    {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // Jobs take turns holding the one `assignment_turn` row: a batch plans every open ticket
        // against every expert, so two jobs splitting tickets and experts between them would
        // each hold what the other needs and offer less than one job alone.
        sqlx::query("SELECT singleton FROM assignment_turn WHERE singleton FOR UPDATE")
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        // On one node the batch also locks what it plans, skipping rows a customer or an
        // administrator is writing right now (the next run takes them). Citus locks rows only
        // within one shard, so there the batch reads unlocked: a ticket changed meanwhile fails
        // the batch's guarded write as a conflict, never twice offered.
        let lock = if self.citus { "" } else { " FOR UPDATE OF t SKIP LOCKED" };
        let tickets: Vec<rows::ListedRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT t.id, s.version, s.json FROM tickets t
             JOIN states s ON s.shard = t.shard AND s.kind = 'ticket' AND s.id = t.id
             WHERE t.status = 'open' ORDER BY t.id LIMIT $1{lock}"
        )))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        let lock = lock.replace("OF t", "OF e");
        let experts: Vec<rows::ListedRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT e.id, s.version, s.json FROM experts e
             JOIN states s ON s.shard = e.shard AND s.kind = 'expert' AND s.id = e.id
             WHERE e.active ORDER BY e.id{lock}"
        )))
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        let active: i64 = sqlx::query_scalar("SELECT count(*) FROM experts WHERE active")
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
        // Counted after the experts are locked, so no other batch can change their load meanwhile.
        let loads: Vec<(uuid::Uuid, i64, i64)> =
            sqlx::query_as(LOADS_SQL).fetch_all(&mut *tx).await.map_err(backend)?;
        let claim = Claim {
            contended: (experts.len() as i64) < active,
            tickets: tickets.into_iter().map(|r| rows::listed(r, AggregateKind::Ticket)).collect(),
            experts: experts.into_iter().map(|r| rows::listed(r, AggregateKind::Expert)).collect(),
            loads: loads.into_iter().map(load).collect(),
        };
        let (changes, result) = decide(claim)?;
        for change in &changes {
            PgStore::write_change(&mut tx, change).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(result)
    }
}
