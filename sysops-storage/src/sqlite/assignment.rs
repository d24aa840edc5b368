//! The assignment batch on SQLite: the single writer's immediate transaction is the claim.

use super::{SqliteStore, write_all};
use crate::error::backend;
use crate::rows;
use crate::sql::assignment::{LOADS_SQL, load};
use sysops_core::store::{AssignmentStore, Change, Claim, ExpertLoad};
use sysops_core::{AggregateKind, StoreError};

impl AssignmentStore for SqliteStore {
    async fn expert_loads(&self) -> Result<Vec<ExpertLoad>, StoreError> {
        let rows: Vec<(uuid::Uuid, i64, i64)> =
            sqlx::query_as(LOADS_SQL).fetch_all(&self.reader).await.map_err(backend)?;
        Ok(rows.into_iter().map(load).collect())
    }

    async fn assignment_batch<R, F>(&self, limit: u32, decide: F) -> Result<R, StoreError>
    where
        R: Send,
        F: FnOnce(Claim) -> Result<(Vec<Change>, R), StoreError> + Send,
    {
        // SQLite has one writer: the immediate transaction is the claim.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        let tickets: Vec<rows::ListedRow> = sqlx::query_as(
            "SELECT t.id, s.version, s.json FROM tickets t JOIN states s ON s.kind = 'ticket' AND s.id = t.id
             WHERE t.status = 'open' ORDER BY t.id LIMIT ?1",
        )
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        let experts: Vec<rows::ListedRow> = sqlx::query_as(
            "SELECT e.id, s.version, s.json FROM experts e JOIN states s ON s.kind = 'expert' AND s.id = e.id
             WHERE e.active = TRUE ORDER BY e.id",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        let loads: Vec<(uuid::Uuid, i64, i64)> =
            sqlx::query_as(LOADS_SQL).fetch_all(&mut *tx).await.map_err(backend)?;
        let claim = Claim {
            tickets: tickets.into_iter().map(|r| rows::listed(r, AggregateKind::Ticket)).collect(),
            experts: experts.into_iter().map(|r| rows::listed(r, AggregateKind::Expert)).collect(),
            loads: loads.into_iter().map(load).collect(),
            contended: false,
        };
        let (changes, result) = decide(claim)?;
        write_all(&mut tx, &changes).await?;
        tx.commit().await.map_err(backend)?;
        Ok(result)
    }
}
