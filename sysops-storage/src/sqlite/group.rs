//! SQLite's half of group commit (see `crate::group`): a group is one `BEGIN IMMEDIATE`
//! transaction. Its one-event changes are written as rows of their write views, one multi-row
//! `INSERT` per view for the whole group (each statement is a hand-off to the connection's
//! thread, so a group costs a few instead of one per caller). When one of those rows is refused
//! (a version conflict), the statement is undone and each member is written on its own: as its
//! one statement, which SQLite undoes alone when it fails, or after a savepoint it rolls back to.

use super::{SqliteStore, Tx, ViewRow, conflict_or_backend, one_statement, write_all};
use crate::error::backend;
use crate::group::{Members, refused_alone};
use crate::rows;
use sqlx::AssertSqlSafe;
use sysops_core::StoreError;
use sysops_core::store::Change;

impl Members for SqliteStore {
    async fn commit_alone(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        self.commit_now(changes).await
    }

    async fn commit_together(&self, members: &[Vec<Change>]) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        let rows: Vec<Option<ViewRow>> = members.iter().map(|changes| view_row(changes)).collect();
        let in_rows: Vec<bool> = rows.iter().map(Option::is_some).collect();
        let mut outcomes: Vec<Option<Result<(), StoreError>>> = members.iter().map(|_| None).collect();
        if write_rows(&mut tx, rows.into_iter().flatten().collect()).await? {
            for (outcome, _) in outcomes.iter_mut().zip(in_rows).filter(|(_, in_rows)| *in_rows) {
                *outcome = Some(Ok(()));
            }
        }
        for (outcome, changes) in outcomes.iter_mut().zip(members) {
            if outcome.is_none() {
                match write_member(&mut tx, changes).await {
                    Err(e) if !refused_alone(&e) => return Err(e),
                    written => *outcome = Some(written),
                }
            }
        }
        tx.commit().await.map_err(backend)?;
        Ok(outcomes.into_iter().flatten().collect())
    }
}

/// The view row of a member that is one checked change of one event.
fn view_row(changes: &[Change]) -> Option<ViewRow> {
    let [change] = changes else { return None };
    let [event] = change.events.as_slice() else { return None };
    change.check().ok()?;
    ViewRow::of(change, event)
}

/// Inserts every row of `rows` into its view, one statement per view (at most
/// `crate::group`'s limit of members, well under SQLite's bound variables): true when all were
/// written, false (with nothing of them left) when one was refused.
async fn write_rows(tx: &mut Tx, mut rows: Vec<ViewRow>) -> Result<bool, StoreError> {
    if rows.is_empty() {
        return Ok(false);
    }
    sqlx::query("SAVEPOINT together").execute(&mut **tx).await.map_err(backend)?;
    let mut written = Ok(());
    while let Some(view) = rows.first().map(|r| r.view) {
        let (of_view, rest): (Vec<ViewRow>, Vec<ViewRow>) = rows.into_iter().partition(|r| r.view == view);
        rows = rest;
        let insert = of_view.first().map(|first| first.insert(of_view.len())).unwrap_or_default();
        let values = of_view.into_iter().flat_map(|r| r.values);
        written = rows::bind_all!(sqlx::query(AssertSqlSafe(insert)), values).execute(&mut **tx).await.map(drop);
        if written.is_err() {
            break;
        }
    }
    let undo = if written.is_ok() { "RELEASE together" } else { "ROLLBACK TO together; RELEASE together" };
    sqlx::raw_sql(undo).execute(&mut **tx).await.map_err(backend)?;
    Ok(written.is_ok())
}

/// One member's changes in the group's transaction: a change of one event as its one statement
/// (a failed statement leaves nothing behind), anything else after a savepoint it rolls back to.
async fn write_member(tx: &mut Tx, changes: &[Change]) -> Result<(), StoreError> {
    if let [change] = changes
        && let [event] = change.events.as_slice()
    {
        change.check()?;
        if let Some(written) = one_statement(&mut **tx, change, event).await {
            return match written {
                Ok(()) => Ok(()),
                Err(e) => Err(conflict_or_backend(&mut **tx, change, e).await),
            };
        }
    }
    sqlx::query("SAVEPOINT member").execute(&mut **tx).await.map_err(backend)?;
    let written = write_all(tx, changes).await;
    let undo = if written.is_ok() { "RELEASE member" } else { "ROLLBACK TO member; RELEASE member" };
    sqlx::raw_sql(undo).execute(&mut **tx).await.map_err(backend)?;
    written
}
