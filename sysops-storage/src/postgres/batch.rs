//! A commit of many changes (a page of the billing run) in a fixed handful of statements,
//! whatever their number: each table's rows are bound as column arrays and written by one
//! `INSERT ... SELECT FROM UNNEST` (or `UPDATE ... FROM UNNEST`), one round trip per table
//! instead of one per row. On Citus the coordinator routes each row to its shard.

use super::{Tx, conflict, event_conflict, shard, write_index};
use crate::error::backend;
use crate::rows::{to_i64, written_streams};
use chrono::{DateTime, Utc};
use sysops_core::store::Change;
use sysops_core::{Sequence, StoreError};
use uuid::Uuid;

/// The states of some changes, column by column.
#[derive(Default)]
struct States {
    shard: Vec<i32>,
    kind: Vec<&'static str>,
    id: Vec<Uuid>,
    version: Vec<i64>,
    json: Vec<String>,
    expected: Vec<i64>,
}

impl States {
    fn of<'c>(changes: impl Iterator<Item = &'c Change>) -> Self {
        let mut columns = States::default();
        for change in changes {
            let stream = change.stream();
            columns.shard.push(shard(stream));
            columns.kind.push(stream.kind.as_str());
            columns.id.push(stream.id);
            columns.version.push(to_i64(change.state.version.0));
            columns.json.push(change.state.json.clone());
            columns.expected.push(to_i64(change.expected.0));
        }
        columns
    }
}

/// The events of `changes`, column by column (the outbox takes the first four).
#[derive(Default)]
struct Events {
    shard: Vec<i32>,
    kind: Vec<&'static str>,
    id: Vec<Uuid>,
    seq: Vec<i64>,
    at: Vec<DateTime<Utc>>,
    name: Vec<String>,
    json: Vec<String>,
}

impl Events {
    fn of(changes: &[Change]) -> Self {
        let mut columns = Events::default();
        for change in changes {
            let stream = change.stream();
            for event in &change.events {
                columns.shard.push(shard(stream));
                columns.kind.push(stream.kind.as_str());
                columns.id.push(stream.id);
                columns.seq.push(to_i64(event.sequence.0));
                columns.at.push(event.at);
                columns.name.push(event.name.clone());
                columns.json.push(event.json.clone());
            }
        }
        columns
    }
}

/// Writes `changes` (each of its own stream, see [`crate::rows::batchable`]) in `tx`: new
/// states, then moved states guarded by their versions, then the events, their outbox rows and
/// each domain's index rows. A change whose guard refused it is the batch's
/// [`StoreError::Conflict`], and the caller's transaction is rolled back.
pub(super) async fn write_batch(tx: &mut Tx, changes: &[Change]) -> Result<(), StoreError> {
    for change in changes {
        change.check()?;
    }
    let new = States::of(changes.iter().filter(|c| c.expected == Sequence::NONE));
    let moved = States::of(changes.iter().filter(|c| c.expected != Sequence::NONE));
    let mut written: Vec<(String, Uuid)> = Vec::with_capacity(changes.len());
    if !new.id.is_empty() {
        let inserted: Vec<(String, Uuid)> = sqlx::query_as(
            "INSERT INTO states (shard, kind, id, version, json)
         SELECT * FROM UNNEST($1::int4[], $2::text[], $3::uuid[], $4::int8[], $5::text[])
         ON CONFLICT (shard, kind, id) DO NOTHING RETURNING kind, id",
        )
        .bind(new.shard)
        .bind(new.kind)
        .bind(new.id)
        .bind(new.version)
        .bind(new.json)
        .fetch_all(&mut **tx)
        .await
        .map_err(backend)?;
        written.extend(inserted);
    }
    if !moved.id.is_empty() {
        let updated: Vec<(String, Uuid)> = sqlx::query_as(
            "UPDATE states s SET version = u.version, json = u.json
         FROM UNNEST($1::int4[], $2::text[], $3::uuid[], $4::int8[], $5::text[], $6::int8[])
             AS u(shard, kind, id, version, json, expected)
         WHERE s.shard = u.shard AND s.kind = u.kind AND s.id = u.id AND s.version = u.expected
         RETURNING s.kind, s.id",
        )
        .bind(moved.shard)
        .bind(moved.kind)
        .bind(moved.id)
        .bind(moved.version)
        .bind(moved.json)
        .bind(moved.expected)
        .fetch_all(&mut **tx)
        .await
        .map_err(backend)?;
        written.extend(updated);
    }
    let written = written_streams(written);
    if let Some(refused) = changes.iter().find(|c| !written.contains(&c.stream())) {
        return Err(conflict(&mut **tx, refused).await);
    }
    let events = Events::of(changes);
    sqlx::query(
        "INSERT INTO events (shard, kind, id, seq, at, name, json)
         SELECT * FROM UNNEST($1::int4[], $2::text[], $3::uuid[], $4::int8[], $5::timestamptz[], $6::text[], $7::text[])",
    )
    .bind(&events.shard)
    .bind(&events.kind)
    .bind(&events.id)
    .bind(&events.seq)
    .bind(events.at)
    .bind(events.name)
    .bind(events.json)
    .execute(&mut **tx)
    .await
    // Every state's guard held, so an event already stored means a concurrent writer.
    .map_err(|e| match changes.first() {
        Some(first) => event_conflict(e, first, first.state.version),
        None => backend(e),
    })?;
    sqlx::query(
        "INSERT INTO outbox (shard, kind, agg_id, seq)
         SELECT * FROM UNNEST($1::int4[], $2::text[], $3::uuid[], $4::int8[])",
    )
    .bind(events.shard)
    .bind(events.kind)
    .bind(events.id)
    .bind(events.seq)
    .execute(&mut **tx)
    .await
    .map_err(backend)?;
    write_index(tx, changes).await
}
