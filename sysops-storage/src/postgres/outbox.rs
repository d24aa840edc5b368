//! The outbox on PostgreSQL: rows written with their events on the event's shard, moved into
//! one numbered log by a relay step, in commit-visible order (see the v2 migration's comment).

use super::PgStore;
use crate::error::backend;
use crate::rows;
use std::collections::{HashMap, VecDeque};
use sysops_core::StoreError;
use sysops_core::store::{ConsumerName, Outbox, OutboxEntry};
use uuid::Uuid;

/// How many aggregates' pending rows one relay step moves at most.
const RELAY_BATCH: i64 = 10_000;

/// A pending outbox row: shard key, row id, aggregate kind and id, sequence.
type PendingRow = (i32, i64, String, Uuid, i64);

impl PgStore {
    /// Moves committed outbox rows into the numbered log (see the v2 migration's comment).
    ///
    /// One step takes every pending row of the aggregates that wrote first, so that no
    /// aggregate's later event is numbered before an earlier one left behind.
    async fn relay(&self) -> Result<(), StoreError> {
        let pending: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM outbox)").fetch_one(&self.pool).await.map_err(backend)?;
        if !pending {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let last: i64 = sqlx::query_scalar("SELECT last_position FROM outbox_relay WHERE singleton FOR UPDATE")
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
        let found: Vec<PendingRow> = sqlx::query_as(
            "SELECT shard, id, kind, agg_id, seq FROM outbox
             WHERE (kind, agg_id) IN (SELECT kind, agg_id FROM outbox ORDER BY id LIMIT $1)
             ORDER BY id",
        )
        .bind(RELAY_BATCH)
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        if found.is_empty() {
            return Ok(());
        }
        let rows = in_delivery_order(found);
        let positions: Vec<i64> = (1..).map(|n| last + n).take(rows.len()).collect();
        let shards: Vec<i32> = rows.iter().map(|r| r.0).collect();
        let ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
        let kinds: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
        let aggregates: Vec<Uuid> = rows.iter().map(|r| r.3).collect();
        let seqs: Vec<i64> = rows.iter().map(|r| r.4).collect();
        sqlx::query(
            "INSERT INTO outbox_log (position, shard, kind, agg_id, seq)
             SELECT * FROM UNNEST($1::bigint[], $2::int[], $3::text[], $4::uuid[], $5::bigint[])",
        )
        .bind(&positions)
        .bind(&shards)
        .bind(&kinds)
        .bind(&aggregates)
        .bind(&seqs)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        // Joined with (shard, id) pairs: `shard = ANY(..) AND id = ANY(..)` probed the index with
        // every shard for every id, seconds per step when a backlog spans thousands of shards.
        sqlx::query(
            "DELETE FROM outbox o USING UNNEST($1::int4[], $2::int8[]) AS d(shard, id)
             WHERE o.shard = d.shard AND o.id = d.id",
        )
        .bind(&shards)
        .bind(&ids)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        sqlx::query("UPDATE outbox_relay SET last_position = $1 WHERE singleton")
            .bind(last + rows::to_i64(rows.len() as u64))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }
}

/// `rows` (in row-id order) with each aggregate's rows in sequence order, in the slots its
/// rows had. Row ids follow commit order on one node; on Citus they come from per-node ranges,
/// so after a shard moved an aggregate's later event can have the smaller id.
fn in_delivery_order(rows: Vec<PendingRow>) -> Vec<PendingRow> {
    let slots: Vec<(String, Uuid)> = rows.iter().map(|row| (row.2.clone(), row.3)).collect();
    let mut own: HashMap<(String, Uuid), VecDeque<PendingRow>> = HashMap::new();
    for row in rows {
        own.entry((row.2.clone(), row.3)).or_default().push_back(row);
    }
    for rows in own.values_mut() {
        rows.make_contiguous().sort_by_key(|row| row.4);
    }
    slots.into_iter().filter_map(|slot| own.get_mut(&slot).and_then(VecDeque::pop_front)).collect()
}

impl Outbox for PgStore {
    async fn poll(&self, consumer: &ConsumerName, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        self.relay().await?;
        // The log and the cursors share one shard; the events are read where each one lives.
        let logged: Vec<(i64, i32, String, Uuid, i64)> = sqlx::query_as(
            "SELECT position, shard, kind, agg_id, seq FROM outbox_log
             WHERE position > COALESCE((SELECT position FROM outbox_cursors WHERE consumer = $1), 0)
             ORDER BY position LIMIT $2",
        )
        .bind(consumer.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        if logged.is_empty() {
            return Ok(Vec::new());
        }
        let found: Vec<rows::OutboxRow> = sqlx::query_as(
            "SELECT k.position, e.kind, e.id, e.seq, e.at, e.name, e.json FROM events e
             JOIN UNNEST($1::bigint[], $2::int[], $3::text[], $4::uuid[], $5::bigint[]) AS k(position, shard, kind, id, seq)
               ON e.shard = k.shard AND e.kind = k.kind AND e.id = k.id AND e.seq = k.seq
             ORDER BY k.position",
        )
        .bind(logged.iter().map(|r| r.0).collect::<Vec<_>>())
        .bind(logged.iter().map(|r| r.1).collect::<Vec<_>>())
        .bind(logged.iter().map(|r| r.2.as_str()).collect::<Vec<_>>())
        .bind(logged.iter().map(|r| r.3).collect::<Vec<_>>())
        .bind(logged.iter().map(|r| r.4).collect::<Vec<_>>())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_aggregate_is_relayed_in_sequence_order_in_the_slots_its_rows_had() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let row = |id: i64, agg: Uuid, seq: i64| (0, id, "ticket".to_owned(), agg, seq);
        // After a shard move, `a`'s second event got the smaller row id.
        let rows = vec![row(1, a, 2), row(2, b, 1), row(3, a, 1), row(4, b, 2)];
        let ordered: Vec<(Uuid, i64)> = in_delivery_order(rows).into_iter().map(|r| (r.3, r.4)).collect();
        assert_eq!(ordered, [(a, 1), (b, 1), (a, 2), (b, 2)]);
    }
}
