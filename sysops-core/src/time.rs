//! The one range of instants sysops accepts, stores and computes with.
//!
//! Every instant that enters the library (a simulated clock's start, time off, the clock's
//! own reading) lies in [`EARLIEST`]`..=`[`latest()`]: 1970-01-01T00:00:00Z to
//! 9999-12-31T23:59:59.999999Z. The lower end is where every host's clock type starts
//! (Kotlin and Swift instants cross the FFI as time since the Unix epoch); the upper end is
//! the last instant PostgreSQL, SQLite's text dates and RFC 3339 all write with four-digit
//! years, so an accepted instant always reads back as the same value. Deadlines derived from
//! an instant (`now` plus a plan's target) are computed with [`add`], which refuses to leave
//! the range instead of overflowing.

use crate::error::ValidationError;
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;

/// The earliest instant sysops accepts: the Unix epoch.
pub const EARLIEST: DateTime<Utc> = DateTime::UNIX_EPOCH;

/// Seconds from the epoch to 9999-12-31T23:59:59Z.
const LATEST_SECONDS: i64 = 253_402_300_799;

/// The latest instant sysops accepts: 9999-12-31T23:59:59.999999Z.
pub fn latest() -> DateTime<Utc> {
    DateTime::from_timestamp(LATEST_SECONDS, 999_999_000).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `at`, if it lies in the accepted range; otherwise a typed error naming `field`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sysops_core::time;
/// assert!(time::check("start", Utc.with_ymd_and_hms(2026, 7, 1, 9, 0, 0).unwrap()).is_ok());
/// assert!(time::check("start", Utc.with_ymd_and_hms(1969, 7, 20, 20, 17, 0).unwrap()).is_err());
/// ```
pub fn check(field: &'static str, at: DateTime<Utc>) -> Result<DateTime<Utc>, ValidationError> {
    if (EARLIEST..=latest()).contains(&at) { Ok(at) } else { Err(ValidationError::TimeOutOfRange { field, at }) }
}

/// `at + by`, if the sum exists and lies in the accepted range.
///
/// ```
/// use chrono::TimeDelta;
/// use sysops_core::time;
/// assert!(time::add("deadline", time::latest(), TimeDelta::days(1)).is_err());
/// assert!(time::add("deadline", time::EARLIEST, TimeDelta::MAX).is_err());
/// ```
pub fn add(field: &'static str, at: DateTime<Utc>, by: TimeDelta) -> Result<DateTime<Utc>, ValidationError> {
    match at.checked_add_signed(by) {
        Some(sum) => check(field, sum),
        None => {
            Err(ValidationError::TimeOutOfRange { field, at: if by < TimeDelta::zero() { EARLIEST } else { latest() } })
        }
    }
}

/// `at + by`, or the far end of chrono's range when the sum does not exist: for
/// comparisons against deadlines that never need to be stored.
pub(crate) fn saturating_add(at: DateTime<Utc>, by: TimeDelta) -> DateTime<Utc> {
    at.checked_add_signed(by).unwrap_or(if by < TimeDelta::zero() {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    })
}

/// The IANA time zone named `name` (`America/Chicago`); a typed error for any other text.
///
/// ```
/// assert!(sysops_core::time::zone("America/Chicago").is_ok());
/// assert!(sysops_core::time::zone("Mars/Olympus").is_err());
/// ```
pub fn zone(name: &str) -> Result<Tz, ValidationError> {
    name.parse().map_err(|_| ValidationError::Unknown { field: "time_zone", value: crate::error::clip(name) })
}

/// The zone of records written before zones were kept.
pub(crate) fn utc() -> Tz {
    Tz::UTC
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_is_closed_at_both_ends() {
        assert_eq!(check("t", EARLIEST), Ok(EARLIEST));
        assert_eq!(check("t", latest()), Ok(latest()));
        assert!(check("t", EARLIEST - TimeDelta::nanoseconds(1)).is_err());
        assert!(check("t", latest() + TimeDelta::nanoseconds(1)).is_err());
        assert!(check("t", DateTime::<Utc>::MIN_UTC).is_err());
        assert!(check("t", DateTime::<Utc>::MAX_UTC).is_err());
    }

    #[test]
    fn latest_is_the_last_microsecond_of_year_9999() {
        assert_eq!(latest().to_rfc3339(), "9999-12-31T23:59:59.999999+00:00");
    }

    #[test]
    fn adding_never_overflows() {
        for by in [TimeDelta::MIN, TimeDelta::MAX, TimeDelta::days(-1), TimeDelta::days(1)] {
            for at in [DateTime::<Utc>::MIN_UTC, EARLIEST, latest(), DateTime::<Utc>::MAX_UTC] {
                let _ = add("t", at, by);
                let _ = saturating_add(at, by);
            }
        }
        assert_eq!(add("t", EARLIEST, TimeDelta::days(1)), Ok(EARLIEST + TimeDelta::days(1)));
    }
}
