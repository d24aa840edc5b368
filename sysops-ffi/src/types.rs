//! How values without a native FFI type cross the boundary.
//!
//! Ids are UUID strings, instants are `Instant`/`Date`, durations `Duration`/`TimeInterval`,
//! times of day `"HH:MM"` strings and amounts decimal strings (Kotlin maps them to
//! `BigDecimal`, see `uniffi.toml`). A value that does not parse reaches the host as
//! [`SysopsError::InvalidInput`](crate::SysopsError) naming the field, never as a crash.

use crate::error::SysopsError;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use uuid::Uuid;

/// A point in time, UTC.
pub type Timestamp = DateTime<Utc>;

fn invalid(field: &str, reason: impl Into<String>) -> SysopsError {
    SysopsError::InvalidInput { field: field.to_owned(), reason: reason.into() }
}

/// Parses an id given as text (any UUID form); anything else is [`SysopsError::InvalidInput`].
pub fn parse_uuid(text: &str) -> Result<Uuid, SysopsError> {
    Uuid::parse_str(text.trim()).map_err(|_| invalid("id", format!("{:?} is not a UUID", clip(text))))
}

fn clip(text: &str) -> &str {
    text.char_indices().nth(64).map_or(text, |(cut, _)| &text[..cut])
}

/// A host's instant, if it lies in the range sysops accepts (1970-01-01T00:00:00Z to
/// 9999-12-31T23:59:59.999999Z, see `sysops_core::time`).
fn timestamp_from(time: SystemTime) -> Result<Timestamp, SysopsError> {
    let out_of_range = || invalid("time", "outside 1970-01-01T00:00:00Z..=9999-12-31T23:59:59.999999Z");
    let since = time.duration_since(UNIX_EPOCH).map_err(|_| out_of_range())?;
    let secs = i64::try_from(since.as_secs()).map_err(|_| out_of_range())?;
    let at = DateTime::from_timestamp(secs, since.subsec_nanos()).ok_or_else(out_of_range)?;
    sysops_core::time::check("time", at).map_err(|_| out_of_range())
}

fn system_time_of(time: Timestamp) -> SystemTime {
    // Every stored time is after 1970 (times come from the clock); earlier ones clamp to the epoch.
    time.signed_duration_since(DateTime::UNIX_EPOCH).to_std().map_or(UNIX_EPOCH, |since| UNIX_EPOCH + since)
}

fn time_delta_from(duration: Duration) -> Result<TimeDelta, SysopsError> {
    TimeDelta::from_std(duration).map_err(|_| invalid("duration", "longer than chrono can represent"))
}

/// Parses `"HH:MM"` or `"HH:MM:SS"`.
pub(crate) fn parse_time_of_day(text: &str) -> Result<NaiveTime, SysopsError> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(text.trim(), "%H:%M:%S"))
        .map_err(|_| invalid("time_of_day", format!("{:?} is not a time such as 09:30", clip(text))))
}

/// Parses `"YYYY-MM-DD"`.
pub(crate) fn parse_date(text: &str) -> Result<NaiveDate, SysopsError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| invalid("date", format!("{:?} is not a date such as 2026-12-25", clip(text))))
}

fn parse_decimal(text: &str) -> Result<Decimal, SysopsError> {
    Decimal::from_str(text.trim())
        .map_err(|_| invalid("amount", format!("{:?} is not a decimal amount such as 19.99", clip(text))))
}

uniffi::custom_type!(Uuid, String, {
    remote,
    lower: |id| id.to_string(),
    try_lift: |text| Ok(parse_uuid(&text)?),
});

uniffi::custom_type!(Timestamp, SystemTime, {
    remote,
    lower: |time| system_time_of(time),
    try_lift: |time| Ok(timestamp_from(time)?),
});

uniffi::custom_type!(TimeDelta, Duration, {
    remote,
    // Durations the library returns are never negative (targets, how long overdue).
    lower: |delta| delta.to_std().unwrap_or_default(),
    try_lift: |duration| Ok(time_delta_from(duration)?),
});

uniffi::custom_type!(NaiveTime, String, {
    remote,
    lower: |time| time.format("%H:%M").to_string(),
    try_lift: |text| Ok(parse_time_of_day(&text)?),
});

uniffi::custom_type!(NaiveDate, String, {
    remote,
    lower: |date| date.format("%Y-%m-%d").to_string(),
    try_lift: |text| Ok(parse_date(&text)?),
});

uniffi::custom_type!(Decimal, String, {
    remote,
    lower: |amount| amount.to_string(),
    try_lift: |text| Ok(parse_decimal(&text)?),
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_values_are_typed_input_errors() {
        assert!(matches!(parse_uuid("nope"), Err(SysopsError::InvalidInput { field, .. }) if field == "id"));
        assert!(matches!(parse_time_of_day("25:00"), Err(SysopsError::InvalidInput { .. })));
        assert!(matches!(parse_date("2026-02-30"), Err(SysopsError::InvalidInput { field, .. }) if field == "date"));
        assert_eq!(parse_date("2026-12-25").ok(), NaiveDate::from_ymd_opt(2026, 12, 25));
        assert!(matches!(parse_decimal("12,5"), Err(SysopsError::InvalidInput { .. })));
        assert!(timestamp_from(UNIX_EPOCH - Duration::from_secs(1)).is_err());
        assert!(timestamp_from(UNIX_EPOCH + Duration::from_secs(253_402_300_800)).is_err(), "year 10000");
        assert!(timestamp_from(UNIX_EPOCH + Duration::from_secs(253_402_300_799)).is_ok(), "end of year 9999");
        assert!(time_delta_from(Duration::MAX).is_err());
    }

    #[test]
    fn times_survive_the_round_trip() {
        let at = DateTime::from_timestamp(1_772_463_600, 123_000_000).unwrap_or_default();
        assert_eq!(timestamp_from(system_time_of(at)).ok(), Some(at));
        assert_eq!(parse_time_of_day("09:30").ok(), NaiveTime::from_hms_opt(9, 30, 0));
    }
}
