//! The notification consumer as a loop a host runs on a task or thread of its own, and the
//! switch that stops it cleanly (between rounds, never halfway through one).

use crate::facade::Sysops;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use sysops_core::notify::Notifier;
use sysops_core::{Actor, Error, NotifyOptions, NotifyReport};
use tokio::sync::Notify;

/// Stops a running [`Sysops::run_notifications`]: the round under way finishes (what it
/// handed over is recorded), then the loop returns. Cheap to clone; stopping twice is harmless.
#[derive(Debug, Clone, Default)]
pub struct StopSignal(Arc<(AtomicBool, Notify)>);

impl StopSignal {
    /// A switch not yet thrown.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the loop to stop after its current round.
    pub fn stop(&self) {
        self.0.0.store(true, Ordering::SeqCst);
        self.0.1.notify_waiters();
    }

    /// Whether [`stop`](Self::stop) was called.
    pub fn is_stopped(&self) -> bool {
        self.0.0.load(Ordering::SeqCst)
    }

    /// Waits `pause`, or less if stopped meanwhile.
    async fn pause(&self, pause: Duration) {
        let woken = self.0.1.notified();
        if !self.is_stopped() {
            let _ = tokio::time::timeout(pause, woken).await;
        }
    }
}

/// What a consumer loop did until it stopped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NotifyTotals {
    /// Rounds run.
    pub rounds: u64,
    /// Everything the rounds did, added up.
    pub work: NotifyReport,
    /// Rounds that failed on storage (the database unreachable, a conflict): each is
    /// followed by a pause, then the loop goes on.
    pub storage_errors: u64,
}

impl Sysops {
    /// Runs [`notify_round`](sysops_core::Service::notify_round) until `stop` is thrown:
    /// round after round while there is work, pausing `idle` (at most an hour) when a round
    /// finds none. A storage failure pauses the same way and the loop goes on; any other
    /// error (the actor may not send notifications) ends it.
    pub async fn run_notifications(
        &self,
        actor: Actor,
        notifier: &impl Notifier,
        options: &NotifyOptions,
        idle: Duration,
        stop: &StopSignal,
    ) -> Result<NotifyTotals, Error> {
        let idle = idle.min(Duration::from_secs(3_600));
        let mut totals = NotifyTotals::default();
        while !stop.is_stopped() {
            totals.rounds += 1;
            match self.notify_round(actor, notifier, options).await {
                Ok(report) => {
                    totals.work += report;
                    if report.idle() {
                        stop.pause(idle).await;
                    }
                }
                Err(Error::Store(_)) => {
                    totals.storage_errors += 1;
                    stop.pause(idle).await;
                }
                Err(other) => return Err(other),
            }
        }
        Ok(totals)
    }
}
