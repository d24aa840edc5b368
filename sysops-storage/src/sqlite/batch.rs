//! A commit of many changes (a page of the billing run) in a handful of statements, whatever
//! their number: each table's rows go in multi-row `VALUES`, up to [`ROWS_PER_STATEMENT`] at a
//! time. Each statement is a hand-off to the connection's thread, so a page's thousands of
//! rows cost a few hand-offs instead of one each.

use super::{Tx, conflict, write_index};
use crate::error::{backend, is_unique_violation};
use crate::rows::{to_i64, written_streams};
use sqlx::{QueryBuilder, Sqlite};
use sysops_core::store::{Change, StoredEvent};
use sysops_core::{Sequence, StoreError};
use uuid::Uuid;

/// Rows per statement: at most 6 columns each, well under SQLite's 32,766 bound variables.
pub(super) const ROWS_PER_STATEMENT: usize = 1_000;

/// Writes `changes` (each of its own stream, see [`crate::rows::batchable`]) in `tx`: new
/// states, then moved states guarded by their versions, then the events (a trigger copies each
/// to the outbox) and each domain's index rows. A change whose guard refused it is the batch's
/// [`StoreError::Conflict`], and the caller's transaction is rolled back.
pub(super) async fn write_batch(tx: &mut Tx, changes: &[Change]) -> Result<(), StoreError> {
    for change in changes {
        change.check()?;
    }
    let (new, moved): (Vec<&Change>, Vec<&Change>) = changes.iter().partition(|c| c.expected == Sequence::NONE);
    let mut written: Vec<(String, Uuid)> = Vec::with_capacity(changes.len());
    for page in new.chunks(ROWS_PER_STATEMENT) {
        let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO states (kind, id, version, json) ");
        insert.push_values(page, |mut row, change| {
            row.push_bind(change.stream().kind.as_str())
                .push_bind(change.stream().id)
                .push_bind(to_i64(change.state.version.0))
                .push_bind(change.state.json.as_str());
        });
        insert.push(" ON CONFLICT (kind, id) DO NOTHING RETURNING kind, id");
        written.extend(insert.build_query_as::<(String, Uuid)>().fetch_all(&mut **tx).await.map_err(backend)?);
    }
    for page in moved.chunks(ROWS_PER_STATEMENT) {
        let mut update = QueryBuilder::<Sqlite>::new("UPDATE states SET version = u.column3, json = u.column4 FROM (");
        update.push_values(page, |mut row, change| {
            row.push_bind(change.stream().kind.as_str())
                .push_bind(change.stream().id)
                .push_bind(to_i64(change.state.version.0))
                .push_bind(change.state.json.as_str())
                .push_bind(to_i64(change.expected.0));
        });
        update.push(
            ") AS u WHERE states.kind = u.column1 AND states.id = u.column2 AND states.version = u.column5
             RETURNING states.kind, states.id",
        );
        written.extend(update.build_query_as::<(String, Uuid)>().fetch_all(&mut **tx).await.map_err(backend)?);
    }
    let written = written_streams(written);
    if let Some(refused) = changes.iter().find(|c| !written.contains(&c.stream())) {
        return Err(conflict(tx, refused).await);
    }
    let events: Vec<&StoredEvent> = changes.iter().flat_map(|c| &c.events).collect();
    for page in events.chunks(ROWS_PER_STATEMENT) {
        let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO events (kind, id, seq, at, name, json) ");
        insert.push_values(page, |mut row, event| {
            row.push_bind(event.stream.kind.as_str())
                .push_bind(event.stream.id)
                .push_bind(to_i64(event.sequence.0))
                .push_bind(event.at)
                .push_bind(event.name.as_str())
                .push_bind(event.json.as_str());
        });
        insert.build().execute(&mut **tx).await.map_err(|e| match changes.first() {
            // Every state's guard held, so an event already stored means a concurrent writer.
            Some(first) if is_unique_violation(&e) => {
                StoreError::Conflict { stream: first.stream(), expected: first.expected, actual: first.state.version }
            }
            _ => backend(e),
        })?;
    }
    write_index(tx, changes).await
}
