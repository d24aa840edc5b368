//! Group commit: commits that wait for the writer are stored together, in one transaction, so
//! a spike of callers costs one commit (and fsync) per group instead of one per caller. SQLite
//! groups every commit (its writer is one connection); PostgreSQL groups the one-statement
//! writes of a single server (on Citus each goes to its own shard's worker instead).
//!
//! Each caller queues its changes and waits for its answer. Whoever finds a turn free
//! takes the queue (up to [`GROUP_LIMIT`] commits) and stores it on a task of its own, which
//! runs to the end even if the caller that started it gives up, and answers every commit once
//! the transaction holding it is durable. Inside the transaction each commit is written on its
//! own (after a savepoint, or as one statement or function call, undone alone when it fails), so
//! one commit's conflict fails that commit alone. A caller with no company commits exactly as
//! without grouping. Each backend's half is [`Members`], in its folder's `group.rs`.
//!
//! A caller waits at most the store's wait limit for its turn. If its commit is still queued
//! then, it is taken out and the caller gets [`StoreError::Busy`]: nothing was written. If a
//! group holding it is already being stored, the caller waits for that one transaction's end,
//! so every answer is the truth: success means durable, an error means not written.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use sysops_core::StoreError;
use sysops_core::store::Change;
use tokio::sync::{Semaphore, oneshot};

/// Commits per transaction at most: a group is a few milliseconds of statements, after which the
/// callers still queued form the next group.
const GROUP_LIMIT: usize = 256;

/// How a backend stores a group: each commit alone, or many in one transaction.
pub(crate) trait Members: Clone + Send + Sync + 'static {
    /// Stores one commit as its own transaction.
    fn commit_alone(&self, changes: Vec<Change>) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Stores every member's changes in one transaction, each written on its own: the members'
    /// outcomes, or the error that ended the whole transaction (nothing of it was stored). A
    /// member's own refusal must leave the others' writes intact (see [`refused_alone`]).
    fn commit_together(
        &self,
        members: &[Vec<Change>],
    ) -> impl Future<Output = Result<Vec<Result<(), StoreError>>, StoreError>> + Send;
}

/// The queue of commits waiting for the writer, and the writer's turns.
pub(crate) struct Group {
    queue: Mutex<Queue>,
    turns: Arc<Semaphore>,
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
    /// A group where `turns` groups may be stored at once (one on SQLite, whose writer is one).
    pub(crate) fn new(max_wait: Duration, turns: usize) -> Self {
        Self { queue: Mutex::default(), turns: Arc::new(Semaphore::new(turns.max(1))), max_wait }
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

    /// Stores `changes` in the next group `writer` stores (see the module's doc).
    pub(crate) async fn commit<W: Members>(&self, writer: &W, changes: Vec<Change>) -> Result<(), StoreError> {
        let (number, mut answered) = self.enqueue(changes);
        let deadline = tokio::time::sleep(self.max_wait);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                biased;
                answer = &mut answered => return unanswered(answer),
                turn = self.turns.clone().acquire_owned() => {
                    let members = self.take();
                    if members.is_empty() {
                        // A group took this commit already; its answer is on the way.
                        drop(turn);
                        return unanswered(answered.await);
                    }
                    let writer = writer.clone();
                    tokio::spawn(async move {
                        commit_members(&writer, members).await;
                        drop(turn);
                    });
                }
                () = &mut deadline => {
                    if self.withdraw(number) {
                        return Err(StoreError::Busy);
                    }
                    return unanswered(answered.await);
                }
            }
        }
    }
}

/// The answer of a commit whose group's task ended without answering (it panicked): its
/// transaction was dropped unfinished, so the database rolled it back.
fn unanswered(answer: Result<Result<(), StoreError>, oneshot::error::RecvError>) -> Result<(), StoreError> {
    answer.unwrap_or_else(|_| Err(StoreError::Backend("the group commit ended without an answer".into())))
}

/// Stores a group and answers each member.
async fn commit_members<W: Members>(writer: &W, mut members: Vec<Waiting>) {
    if members.len() == 1
        && let Some(alone) = members.pop()
    {
        let _ = alone.answer.send(writer.commit_alone(alone.changes).await);
        return;
    }
    let (changes, answers): (Vec<Vec<Change>>, Vec<_>) = members.into_iter().map(|m| (m.changes, m.answer)).unzip();
    match writer.commit_together(&changes).await {
        Ok(outcomes) => {
            for (answer, outcome) in answers.into_iter().zip(outcomes) {
                let _ = answer.send(outcome);
            }
        }
        Err(StoreError::Busy) => {
            for answer in answers {
                let _ = answer.send(Err(StoreError::Busy));
            }
        }
        // The transaction failed as a whole (the disk, or one member's write broke it): each
        // commit is stored alone, so that a failure is answered to its own caller only.
        Err(_) => {
            for (answer, changes) in answers.into_iter().zip(changes) {
                let _ = answer.send(writer.commit_alone(changes).await);
            }
        }
    }
}

/// Errors that refuse one commit and leave the group's transaction as it was.
pub(crate) fn refused_alone(error: &StoreError) -> bool {
    matches!(error, StoreError::Conflict { .. } | StoreError::WouldNotReadBack { .. } | StoreError::Encode { .. })
}
