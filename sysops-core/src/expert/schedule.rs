//! When an expert works: weekly hours in the expert's own IANA time zone, minus time off.

use crate::error::ValidationError;
use chrono::{DateTime, Datelike, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// A span of one weekday, in local time, during which the expert works; `start < end`.
///
/// A shift past midnight is written as two windows (e.g. Fri 22:00–24:00 is
/// Fri 22:00–23:59:59.999 and Sat 00:00–06:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawWindow", into = "RawWindow")]
pub struct WorkWindow {
    day: Weekday,
    start: NaiveTime,
    end: NaiveTime,
}

#[derive(Serialize, Deserialize)]
struct RawWindow {
    day: Weekday,
    start: NaiveTime,
    end: NaiveTime,
}

impl TryFrom<RawWindow> for WorkWindow {
    type Error = ValidationError;
    fn try_from(raw: RawWindow) -> Result<Self, ValidationError> {
        WorkWindow::new(raw.day, raw.start, raw.end)
    }
}

impl From<WorkWindow> for RawWindow {
    fn from(w: WorkWindow) -> Self {
        RawWindow { day: w.day, start: w.start, end: w.end }
    }
}

impl Ord for WorkWindow {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let key = |w: &Self| (w.day.num_days_from_monday(), w.start, w.end);
        key(self).cmp(&key(other))
    }
}

impl PartialOrd for WorkWindow {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl WorkWindow {
    /// A window on `day` from `start` (inclusive) to `end` (exclusive), local time.
    pub fn new(day: Weekday, start: NaiveTime, end: NaiveTime) -> Result<Self, ValidationError> {
        if start < end {
            Ok(Self { day, start, end })
        } else {
            Err(ValidationError::EmptyInterval { field: "working_hours" })
        }
    }

    /// The weekday.
    pub fn day(&self) -> Weekday {
        self.day
    }

    /// Local start time.
    pub fn start(&self) -> NaiveTime {
        self.start
    }

    /// Local end time.
    pub fn end(&self) -> NaiveTime {
        self.end
    }
}

/// An expert's weekly working hours in their time zone.
///
/// ```
/// use sysops_core::{WeeklyHours, WorkWindow};
/// use chrono::{NaiveTime, TimeZone, Utc, Weekday};
/// let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
/// let five = NaiveTime::from_hms_opt(17, 0, 0).unwrap();
/// let hours = WeeklyHours::new("America/Chicago", vec![WorkWindow::new(Weekday::Mon, nine, five).unwrap()]).unwrap();
/// // Monday 2026-03-02 15:00 UTC is 09:00 in Chicago (CST, UTC-6).
/// assert!(hours.is_working_at(Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()));
/// assert!(!hours.is_working_at(Utc.with_ymd_and_hms(2026, 3, 2, 14, 59, 0).unwrap()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyHours {
    zone: Tz,
    windows: Vec<WorkWindow>,
}

impl WeeklyHours {
    /// Hours in the IANA zone `zone` (e.g. `"America/Denver"`); windows are kept sorted.
    pub fn new(zone: &str, mut windows: Vec<WorkWindow>) -> Result<Self, ValidationError> {
        let zone = crate::time::zone(zone)?;
        windows.sort();
        windows.dedup();
        Ok(Self { zone, windows })
    }

    /// The time zone.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The windows, sorted by day and time.
    pub fn windows(&self) -> &[WorkWindow] {
        &self.windows
    }

    /// True when `at` falls inside a window, in the expert's local time.
    pub fn is_working_at(&self, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&self.zone);
        let (day, time) = (local.weekday(), local.time());
        self.windows.iter().any(|w| w.day == day && w.start <= time && time < w.end)
    }
}

/// A period, in UTC, during which the expert is unavailable; `from < until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "RawTimeOff", into = "RawTimeOff")]
pub struct TimeOff {
    from: DateTime<Utc>,
    until: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct RawTimeOff {
    from: DateTime<Utc>,
    until: DateTime<Utc>,
}

impl TryFrom<RawTimeOff> for TimeOff {
    type Error = ValidationError;
    fn try_from(raw: RawTimeOff) -> Result<Self, ValidationError> {
        TimeOff::new(raw.from, raw.until)
    }
}

impl From<TimeOff> for RawTimeOff {
    fn from(t: TimeOff) -> Self {
        RawTimeOff { from: t.from, until: t.until }
    }
}

impl TimeOff {
    /// Time off from `from` (inclusive) to `until` (exclusive); both must lie in the accepted
    /// range ([`crate::time`]).
    pub fn new(from: DateTime<Utc>, until: DateTime<Utc>) -> Result<Self, ValidationError> {
        let (from, until) = (crate::time::check("time_off.start", from)?, crate::time::check("time_off.until", until)?);
        if from < until { Ok(Self { from, until }) } else { Err(ValidationError::EmptyInterval { field: "time_off" }) }
    }

    /// Start.
    pub fn from(&self) -> DateTime<Utc> {
        self.from
    }

    /// End.
    pub fn until(&self) -> DateTime<Utc> {
        self.until
    }

    /// True when `at` is inside the period.
    pub fn covers(&self, at: DateTime<Utc>) -> bool {
        self.from <= at && at < self.until
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()
    }

    #[test]
    fn working_hours_follow_daylight_saving_time() {
        let hours =
            WeeklyHours::new("America/New_York", vec![WorkWindow::new(Weekday::Mon, t(9, 0), t(17, 0)).unwrap()])
                .unwrap();
        // Winter: EST is UTC-5, so 09:00 local is 14:00 UTC.
        assert!(hours.is_working_at(Utc.with_ymd_and_hms(2026, 1, 5, 14, 0, 0).unwrap()));
        // Summer: EDT is UTC-4, so 14:00 UTC is already 10:00 local and 13:00 UTC is 09:00.
        assert!(hours.is_working_at(Utc.with_ymd_and_hms(2026, 7, 6, 13, 0, 0).unwrap()));
        assert!(!hours.is_working_at(Utc.with_ymd_and_hms(2026, 7, 6, 12, 59, 0).unwrap()));
    }

    #[test]
    fn the_local_weekday_counts_not_the_utc_one() {
        let hours =
            WeeklyHours::new("America/Los_Angeles", vec![WorkWindow::new(Weekday::Sun, t(18, 0), t(23, 0)).unwrap()])
                .unwrap();
        // Monday 02:00 UTC is Sunday 18:00 in Los Angeles (PST).
        assert!(hours.is_working_at(Utc.with_ymd_and_hms(2026, 1, 5, 2, 0, 0).unwrap()));
    }

    #[test]
    fn invalid_inputs_are_typed_errors() {
        assert_eq!(
            WorkWindow::new(Weekday::Mon, t(9, 0), t(9, 0)),
            Err(ValidationError::EmptyInterval { field: "working_hours" })
        );
        assert!(matches!(WeeklyHours::new("Mars/Olympus", vec![]), Err(ValidationError::Unknown { .. })));
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert!(TimeOff::new(now, now).is_err());
        let moon_landing = Utc.with_ymd_and_hms(1969, 7, 20, 20, 17, 0).unwrap();
        assert!(matches!(TimeOff::new(moon_landing, now), Err(ValidationError::TimeOutOfRange { .. })));
    }
}
