//! The outbox on SQLite: rowid positions, in commit order (one writer at a time).

use super::SqliteStore;
use crate::error::backend;
use crate::rows;
use sysops_core::StoreError;
use sysops_core::store::{ConsumerName, Outbox, OutboxEntry};

impl Outbox for SqliteStore {
    async fn poll(&self, consumer: &ConsumerName, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        let found: Vec<rows::OutboxRow> = sqlx::query_as(
            "SELECT o.position, o.kind, o.id, o.seq, e.at, e.name, e.json FROM outbox o
             JOIN events e ON e.kind = o.kind AND e.id = o.id AND e.seq = o.seq
             WHERE o.position > COALESCE((SELECT position FROM outbox_cursors WHERE consumer = ?1), 0)
             ORDER BY o.position LIMIT ?2",
        )
        .bind(consumer.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        found.into_iter().map(rows::outbox_entry).collect()
    }

    async fn ack(&self, consumer: &ConsumerName, position: u64) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        let last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM outbox")
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
        rows::check_ack(consumer, position, rows::to_u64(last))?;
        sqlx::query(
            "INSERT INTO outbox_cursors (consumer, position) VALUES (?1, ?2)
             ON CONFLICT (consumer) DO UPDATE SET position = MAX(position, excluded.position)",
        )
        .bind(consumer.as_str())
        .bind(rows::to_i64(position))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }
}
