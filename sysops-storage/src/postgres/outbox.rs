//! The outbox on PostgreSQL: positions handed out by a relay step, in commit-visible order.

use super::PgStore;
use crate::error::backend;
use crate::rows;
use sysops_core::StoreError;
use sysops_core::store::{ConsumerName, Outbox, OutboxEntry};

/// How many outbox rows one relay step numbers at most.
const RELAY_BATCH: i64 = 10_000;

impl PgStore {
    /// Numbers committed outbox rows in commit-visible order (see the migration's comment).
    async fn relay(&self) -> Result<(), StoreError> {
        let pending: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM outbox WHERE position IS NULL)")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        if !pending {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let last: i64 = sqlx::query_scalar("SELECT last_position FROM outbox_relay WHERE singleton FOR UPDATE")
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
        let numbered = sqlx::query(
            "WITH pending AS (SELECT id FROM outbox WHERE position IS NULL ORDER BY id LIMIT $2),
                  numbered AS (SELECT id, $1 + row_number() OVER (ORDER BY id) AS pos FROM pending)
             UPDATE outbox o SET position = numbered.pos FROM numbered WHERE o.id = numbered.id",
        )
        .bind(last)
        .bind(RELAY_BATCH)
        .execute(&mut *tx)
        .await
        .map_err(backend)?
        .rows_affected();
        sqlx::query("UPDATE outbox_relay SET last_position = $1 WHERE singleton")
            .bind(last + rows::to_i64(numbered))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }
}

impl Outbox for PgStore {
    async fn poll(&self, consumer: &ConsumerName, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        self.relay().await?;
        let found: Vec<rows::OutboxRow> = sqlx::query_as(
            "SELECT o.position, o.kind, o.agg_id, o.seq, e.at, e.name, e.json FROM outbox o
             JOIN events e ON e.kind = o.kind AND e.id = o.agg_id AND e.seq = o.seq
             WHERE o.position > COALESCE((SELECT position FROM outbox_cursors WHERE consumer = $1), 0)
             ORDER BY o.position LIMIT $2",
        )
        .bind(consumer.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        found.into_iter().map(rows::outbox_entry).collect()
    }

    async fn ack(&self, consumer: &ConsumerName, position: u64) -> Result<(), StoreError> {
        let last: i64 = sqlx::query_scalar("SELECT last_position FROM outbox_relay WHERE singleton")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        rows::check_ack(consumer, position, rows::to_u64(last))?;
        sqlx::query(
            "INSERT INTO outbox_cursors (consumer, position) VALUES ($1, $2)
             ON CONFLICT (consumer) DO UPDATE SET position = GREATEST(outbox_cursors.position, excluded.position)",
        )
        .bind(consumer.as_str())
        .bind(rows::to_i64(position))
        .execute(&self.pool)
        .await
        .map(drop)
        .map_err(backend)
    }
}
