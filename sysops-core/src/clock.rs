//! Injected time: the core never reads a clock, callers pass `now` in through a [`Clock`].

use crate::error::ValidationError;
use crate::time;
use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

/// A source of the current UTC time.
///
/// The service refuses to act on a reading outside [`time::EARLIEST`]`..=`[`time::latest()`]
/// (a typed [`ValidationError::TimeOutOfRange`] for field `"clock"`), so a host's broken
/// clock cannot store an instant that would not read back.
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
/// let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap())?;
/// clock.advance(Duration::minutes(15))?;
/// assert_eq!(clock.now(), Utc.with_ymd_and_hms(2026, 1, 5, 9, 15, 0).unwrap());
/// // It never leaves the accepted range: this is a typed error, not an overflow.
/// assert!(clock.advance(Duration::MAX).is_err());
/// # Ok::<(), sysops_core::ValidationError>(())
/// ```
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock frozen at `start`, which must lie in the accepted range ([`time::check`]).
    pub fn new(start: DateTime<Utc>) -> Result<Self, ValidationError> {
        Ok(Self { now: Mutex::new(time::check("start", start)?) })
    }

    /// Moves the clock forward (or backward, for a negative duration) and returns the new
    /// time; a move that would leave the accepted range changes nothing and is refused.
    pub fn advance(&self, by: Duration) -> Result<DateTime<Utc>, ValidationError> {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now = time::add("clock", *now, by)?;
        Ok(*now)
    }

    /// Sets the clock to `to`, which must lie in the accepted range.
    pub fn set(&self, to: DateTime<Utc>) -> Result<(), ValidationError> {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = time::check("clock", to)?;
        Ok(())
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
