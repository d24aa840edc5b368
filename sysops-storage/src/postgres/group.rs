//! PostgreSQL's half of group commit (see `crate::group`): a group of one-statement writes is
//! one statement calling each member's function, `SELECT f($1, …), g($18, …), …`, which runs as
//! one transaction in one round trip. A member whose version guard refused it returns 0 and
//! writes nothing, so it fails alone; any error ends the statement, and the group's members are
//! then committed one by one. Only a single server groups: on Citus each call is routed to the
//! worker holding its shard, and one statement over many shards would be a distributed
//! transaction.

use super::{PgStore, conflict, one_statement};
use crate::error::backend;
use crate::group::Members;
use crate::rows;
use sqlx::{AssertSqlSafe, Row};
use sysops_core::StoreError;
use sysops_core::store::Change;

impl PgStore {
    /// Whether `changes` can wait for a group: one change of one event with a one-statement write.
    pub(super) fn groups(&self, changes: &[Change]) -> bool {
        !self.citus && matches!(changes, [change] if change.events.len() == 1 && one_statement(change).is_some())
    }
}

impl Members for PgStore {
    async fn commit_alone(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        self.commit_now(changes).await
    }

    async fn commit_together(&self, members: &[Vec<Change>]) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        let mut calls = Vec::with_capacity(members.len());
        let mut binds = Vec::new();
        for changes in members {
            let ([change], Some(statement)) = (changes.as_slice(), changes.first().and_then(one_statement)) else {
                return Err(StoreError::Backend("a grouped commit without its one statement".into()));
            };
            let [event] = change.events.as_slice() else {
                return Err(StoreError::Backend("a grouped commit of several events".into()));
            };
            change.check()?;
            calls.push(statement.call(binds.len() + 1));
            binds.extend(statement.binds(change, event));
        }
        // Each group's text differs, so it is not kept among the connection's prepared statements.
        let sql = format!("SELECT {}", calls.join(", "));
        let query = rows::bind_all!(sqlx::query(AssertSqlSafe(sql)).persistent(false), binds);
        let row = query.fetch_one(&self.pool).await.map_err(backend)?;
        let mut outcomes = Vec::with_capacity(members.len());
        for (n, changes) in members.iter().enumerate() {
            let written: i64 = row.try_get(n).map_err(backend)?;
            outcomes.push(match changes.first() {
                Some(change) if written != 1 => Err(conflict(&self.pool, change).await),
                _ => Ok(()),
            });
        }
        Ok(outcomes)
    }
}
