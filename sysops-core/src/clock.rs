//! Injected time: the core never reads a clock, callers pass `now` in through a [`Clock`].

use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

/// A source of the current UTC time.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The operating system's wall clock, for production hosts.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to, for deterministic tests and simulations.
///
/// ```
/// use sysops_core::{Clock, ManualClock};
/// use chrono::{Duration, TimeZone, Utc};
/// let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap());
/// clock.advance(Duration::minutes(15));
/// assert_eq!(clock.now(), Utc.with_ymd_and_hms(2026, 1, 5, 9, 15, 0).unwrap());
/// ```
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock frozen at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self { now: Mutex::new(start) }
    }

    /// Moves the clock forward (or backward, for a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }

    /// Sets the clock to `to`.
    pub fn set(&self, to: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}
