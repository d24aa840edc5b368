//! Group commit: commits that wait for SQLite's one writer are stored together, in one
//! transaction, so a spike of callers costs one fsync per group instead of one per caller.
//!
//! Each caller queues its changes and waits for its answer. Whoever finds the writer free
//! takes the queue (up to [`GROUP_LIMIT`] commits) and stores it on a task of its own, which
//! runs to the end even if the caller that started it gives up, and answers every commit once
//! the transaction holding it is durable. Inside the transaction each commit is written on its
//! own (after a savepoint, or as one statement, which SQLite undoes alone when it fails), so one
//! commit's conflict fails that commit alone. A caller with no company commits exactly as
//! without grouping.
//!
//! A caller waits at most the store's wait limit for its turn. If its commit is still queued
//! then, it is taken out and the caller gets [`StoreError::Busy`]: nothing was written. If a
//! group holding it is already being stored, the caller waits for that one transaction's end,
//! so every answer is the truth: success means durable, an error means not written.

use super::{SqliteStore, Tx, conflict_or_backend, event_write, ticket, write_all};
use crate::error::backend;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use sysops_core::StoreError;
use sysops_core::store::{Change, StoredEvent};
use tokio::sync::oneshot;

/// Commits per transaction at most: a group is a few milliseconds of statements, after which the
/// callers still queued form the next group.
const GROUP_LIMIT: usize = 256;

/// The queue of commits waiting for the writer, and the writer's turn.
pub(super) struct Group {
    queue: Mutex<Queue>,
    turn: Arc<tokio::sync::Mutex<()>>,
    max_wait: Duration,
}

#[derive(Default)]
struct Queue {
    next: u64,
    waiting: VecDeque<Waiting>,
}

/// A commit in the queue, numbered so that its caller can take it out again.
struct Waiting {
    number: u64,
    changes: Vec<Change>,
    answer: oneshot::Sender<Result<(), StoreError>>,
}

type Answer = oneshot::Receiver<Result<(), StoreError>>;

impl Group {
    pub(super) fn new(max_wait: Duration) -> Self {
        Self { queue: Mutex::default(), turn: Arc::default(), max_wait }
    }

    fn queue(&self) -> MutexGuard<'_, Queue> {
        // The queue's operations cannot panic halfway, so a poisoned lock still holds a sound queue.
        self.queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn enqueue(&self, changes: Vec<Change>) -> (u64, Answer) {
        let (answer, answered) = oneshot::channel();
        let mut queue = self.queue();
        let number = queue.next;
        queue.next += 1;
        queue.waiting.push_back(Waiting { number, changes, answer });
        (number, answered)
    }

    fn take(&self) -> Vec<Waiting> {
        let mut queue = self.queue();
        let n = queue.waiting.len().min(GROUP_LIMIT);
        queue.waiting.drain(..n).collect()
    }

    /// Takes commit `number` out of the queue; false when a group has taken it already.
    fn withdraw(&self, number: u64) -> bool {
        let mut queue = self.queue();
        let found = queue.waiting.iter().position(|w| w.number == number);
        found.and_then(|at| queue.waiting.remove(at)).is_some()
    }
}

/// The answer of a commit whose group's task ended without answering (it panicked): its
/// transaction was dropped unfinished, so SQLite rolled it back.
fn unanswered(answer: Result<Result<(), StoreError>, oneshot::error::RecvError>) -> Result<(), StoreError> {
    answer.unwrap_or_else(|_| Err(StoreError::Backend("the group commit ended without an answer".into())))
}

impl SqliteStore {
    /// Stores `changes` in the next group (see the module's doc).
    pub(super) async fn commit_grouped(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        let group = &self.group;
        let (number, mut answered) = group.enqueue(changes);
        let deadline = tokio::time::sleep(group.max_wait);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                biased;
                answer = &mut answered => return unanswered(answer),
                turn = group.turn.clone().lock_owned() => {
                    let members = group.take();
                    if members.is_empty() {
                        // The group that just ended held this commit, and answered before it let go.
                        drop(turn);
                        return unanswered(answered.await);
                    }
                    let store = self.clone();
                    tokio::spawn(async move {
                        store.commit_members(members).await;
                        drop(turn);
                    });
                }
                () = &mut deadline => {
                    if group.withdraw(number) {
                        return Err(StoreError::Busy);
                    }
                    return unanswered(answered.await);
                }
            }
        }
    }

    /// Stores a group and answers each member.
    async fn commit_members(&self, mut members: Vec<Waiting>) {
        if members.len() == 1
            && let Some(alone) = members.pop()
        {
            let _ = alone.answer.send(self.commit_now(alone.changes).await);
            return;
        }
        match self.commit_together(&members).await {
            Ok(outcomes) => {
                for (member, outcome) in members.into_iter().zip(outcomes) {
                    let _ = member.answer.send(outcome);
                }
            }
            Err(StoreError::Busy) => {
                for member in members {
                    let _ = member.answer.send(Err(StoreError::Busy));
                }
            }
            // The transaction failed as a whole (the disk, or one member's write broke it):
            // each commit is stored alone, so that a failure is answered to its own caller only.
            Err(_) => {
                for member in members {
                    let _ = member.answer.send(self.commit_now(member.changes).await);
                }
            }
        }
    }

    /// One transaction of every member's changes, each written on its own: the members' outcomes,
    /// or the error that ended the whole transaction (nothing of it was stored).
    async fn commit_together(&self, members: &[Waiting]) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        let mut outcomes = Vec::with_capacity(members.len());
        for member in members {
            match write_member(&mut tx, &member.changes).await {
                Err(e) if !refused_alone(&e) => return Err(e),
                outcome => outcomes.push(outcome),
            }
        }
        tx.commit().await.map_err(backend)?;
        Ok(outcomes)
    }
}

/// Errors that refuse one commit and leave the group's transaction as it was.
fn refused_alone(error: &StoreError) -> bool {
    matches!(error, StoreError::Conflict { .. } | StoreError::WouldNotReadBack { .. } | StoreError::Encode { .. })
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

/// The one statement of a change of one event, when it has one (see `EventStore::commit`).
pub(super) async fn one_statement<'e, E>(
    executor: E,
    change: &Change,
    event: &StoredEvent,
) -> Option<Result<(), sqlx::Error>>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    if change.index.is_none() {
        Some(event_write(executor, change, event).await)
    } else {
        ticket::one_statement(executor, change, event).await
    }
}
