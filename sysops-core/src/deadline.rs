//! Deadlines counted on a support plan's service hours: around the clock, or business hours
//! (weekly windows and holidays) in the customer's time zone, with the clock stopped while a
//! ticket waits on the customer.
//!
//! A deadline is the instant at which the ticket has spent its target in *open, unpaused*
//! time since it started: every instant counts once, in real (UTC) time. Business windows are
//! local: 09:00–17:00 opens at nine in the customer's zone whatever the offset that day, so a
//! daylight-saving change moves the window, not the count. An instant is open when its local
//! time lies in a window of its local date: an hour the clocks skip is never open, and an hour
//! they repeat is open on both passes when its window holds it.

use crate::error::ValidationError;
use crate::expert::WorkWindow;
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Most holidays a calendar may list.
pub const MAX_HOLIDAYS: usize = 1_000;
/// Fewest open minutes a business week may have: a target of a year then still ends within
/// the range of instants sysops accepts, and is found in a bounded number of steps.
pub const MIN_WEEKLY_MINUTES: i64 = 60;

/// When a plan's clock runs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ServiceHours {
    /// Every instant counts: wall-clock hours (a 24/7 plan).
    #[default]
    AroundTheClock,
    /// Only the calendar's open hours count, in the customer's time zone.
    Business(BusinessCalendar),
}

/// Weekly open windows (local times) and holidays (local dates on which nothing is open).
///
/// Overlapping windows count once. A window ending at 23:59 or later runs to midnight.
///
/// ```
/// use chrono::{NaiveTime, TimeDelta, TimeZone, Utc, Weekday};
/// use sysops_core::{BusinessCalendar, ServiceHours, WorkWindow};
/// let hours = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
/// let weekdays = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
/// let windows = weekdays.iter().map(|d| WorkWindow::new(*d, hours(9), hours(17)).unwrap()).collect();
/// let plan = ServiceHours::Business(BusinessCalendar::new(windows, Default::default()).unwrap());
/// // Friday 2026-03-06 16:55 in Chicago (22:55 UTC) plus two business hours:
/// // Monday 10:55 in Chicago (15:55 UTC: daylight time began on Sunday).
/// let friday = Utc.with_ymd_and_hms(2026, 3, 6, 22, 55, 0).unwrap();
/// let due = plan.due("America/Chicago".parse().unwrap(), friday, TimeDelta::hours(2), &[]).unwrap();
/// assert_eq!(due, Some(Utc.with_ymd_and_hms(2026, 3, 9, 15, 55, 0).unwrap()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawCalendar", into = "RawCalendar")]
pub struct BusinessCalendar {
    /// Sorted by day and start, none overlapping another of its day.
    windows: Vec<WorkWindow>,
    holidays: BTreeSet<NaiveDate>,
}

#[derive(Serialize, Deserialize)]
struct RawCalendar {
    windows: Vec<WorkWindow>,
    holidays: BTreeSet<NaiveDate>,
}

impl TryFrom<RawCalendar> for BusinessCalendar {
    type Error = ValidationError;
    fn try_from(raw: RawCalendar) -> Result<Self, ValidationError> {
        BusinessCalendar::new(raw.windows, raw.holidays)
    }
}

impl From<BusinessCalendar> for RawCalendar {
    fn from(c: BusinessCalendar) -> Self {
        RawCalendar { windows: c.windows, holidays: c.holidays }
    }
}

/// A stretch of time in which a ticket's clock stood still: `until` is `None` while it still
/// does (the ticket waits on the customer now).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    /// When the ticket started waiting.
    pub from: DateTime<Utc>,
    /// When the wait ended.
    pub until: Option<DateTime<Utc>>,
}

impl BusinessCalendar {
    /// A calendar of `windows` (overlapping ones merged) closed on `holidays`; at least
    /// [`MIN_WEEKLY_MINUTES`] open a week and at most [`MAX_HOLIDAYS`] holidays.
    pub fn new(windows: Vec<WorkWindow>, holidays: BTreeSet<NaiveDate>) -> Result<Self, ValidationError> {
        if holidays.len() > MAX_HOLIDAYS {
            return Err(ValidationError::OutOfRange {
                field: "holidays",
                value: i64::try_from(holidays.len()).unwrap_or(i64::MAX),
                min: 0,
                max: MAX_HOLIDAYS as i64,
            });
        }
        let windows = merged(windows);
        let minutes: i64 = windows.iter().map(|w| open_length(w).num_minutes()).sum();
        if minutes < MIN_WEEKLY_MINUTES {
            return Err(ValidationError::OutOfRange {
                field: "business_hours",
                value: minutes,
                min: MIN_WEEKLY_MINUTES,
                max: 7 * 24 * 60,
            });
        }
        Ok(Self { windows, holidays })
    }

    /// The open windows, sorted by day and time, none overlapping.
    pub fn windows(&self) -> &[WorkWindow] {
        &self.windows
    }

    /// The local dates on which nothing is open.
    pub fn holidays(&self) -> &BTreeSet<NaiveDate> {
        &self.holidays
    }

    /// How long the windows of a week are open, when the clocks do not change in it.
    fn week_length(&self) -> TimeDelta {
        self.windows.iter().map(open_length).sum()
    }

    /// True when the days from `from` to `to` (excluded) hold no holiday and the clocks keep
    /// one offset through them (checked at every midnight, a day either side).
    fn quiet(&self, zone: Tz, from: NaiveDate, to: NaiveDate) -> bool {
        if self.holidays.range(from..to).next().is_some() {
            return false;
        }
        let days = (to - from).num_days();
        let offsets: Option<Vec<i32>> = (-1..=days + 1).map(|d| midnight(from, d).map(|at| offset(zone, at))).collect();
        offsets.is_some_and(|o| o.windows(2).all(|pair| pair.first() == pair.last()))
    }

    /// The open stretches of local date `date`, as instants: for each window, the instants
    /// whose local time falls in it.
    fn open_on(&self, zone: Tz, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        if self.holidays.contains(&date) {
            return Vec::new();
        }
        let Some(clocks) = Clocks::around(zone, date) else { return Vec::new() };
        let day = date.weekday();
        let mut open = Vec::new();
        for w in self.windows.iter().filter(|w| w.day() == day) {
            let opens = date.and_time(w.start());
            let closes = match date.checked_add_days(Days::new(1)) {
                Some(next) if is_midnight_close(w) => next.and_time(NaiveTime::MIN),
                _ => date.and_time(w.end()),
            };
            open.extend(clocks.instants(opens, closes));
        }
        open
    }
}

/// The offsets a zone's clocks show around one local date: one, or the one before a change,
/// the one after, and the instant of the change (no zone changes twice within three days).
struct Clocks {
    before: i64,
    after: i64,
    change: DateTime<Utc>,
}

impl Clocks {
    fn around(zone: Tz, date: NaiveDate) -> Option<Self> {
        let offset = |at: DateTime<Utc>| i64::from(offset(zone, at));
        let midnight = date.and_time(NaiveTime::MIN).and_utc();
        let (lo, hi) =
            (midnight.checked_sub_signed(TimeDelta::days(1))?, midnight.checked_add_signed(TimeDelta::days(2))?);
        let (before, after) = (offset(lo), offset(hi));
        // Bisect on whole seconds (clocks change on one): `hi` ends as the first second read
        // with the new offset, exactly, so no deadline is off by a fraction of a second.
        let (mut lo, mut hi) = (lo.timestamp(), hi.timestamp());
        let second = |s: i64| DateTime::<Utc>::from_timestamp(s, 0);
        while before != after && hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if second(mid).map(offset) == Some(before) { lo = mid } else { hi = mid }
        }
        Some(Clocks { before, after, change: second(hi)? })
    }

    /// The instants whose local time lies in `[from, to)`: one stretch, or, when the clocks
    /// change in between, the stretch read before the change and the one read after it (a
    /// skipped hour is in neither; a repeated one is in both).
    fn instants(&self, from: NaiveDateTime, to: NaiveDateTime) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let at = |local: NaiveDateTime, offset: i64| local.and_utc().checked_sub_signed(TimeDelta::seconds(offset));
        let (Some(a), Some(b), Some(c), Some(d)) =
            (at(from, self.before), at(to, self.before), at(from, self.after), at(to, self.after))
        else {
            return Vec::new();
        };
        let stretches = if self.before == self.after {
            vec![(a, b)]
        } else {
            vec![(a.min(self.change), b.min(self.change)), (c.max(self.change), d.max(self.change))]
        };
        stretches.into_iter().filter(|(from, to)| from < to).collect()
    }
}

impl ServiceHours {
    /// The instant `target` of open, unpaused time after `start` has passed, counted in
    /// `zone` (the customer's); `None` while a pause holds the clock before then (the ticket
    /// waits on the customer: its deadline is recomputed when the wait ends). A typed error
    /// when the deadline falls past the latest instant sysops accepts ([`crate::time`]) or
    /// `target` is not positive or longer than 366 days (as [`crate::ServiceTargets`]).
    pub fn due(
        &self,
        zone: Tz,
        start: DateTime<Utc>,
        target: TimeDelta,
        pauses: &[Pause],
    ) -> Result<Option<DateTime<Utc>>, ValidationError> {
        self.counted(zone, start, target, pauses, true)
    }

    /// [`ServiceHours::due`], leaping whole business weeks when `leap` (and nothing in the
    /// week but its windows: no holiday, pause or change of the clocks), so a long target on
    /// a thin calendar costs weeks, not days.
    fn counted(
        &self,
        zone: Tz,
        start: DateTime<Utc>,
        target: TimeDelta,
        pauses: &[Pause],
        leap: bool,
    ) -> Result<Option<DateTime<Utc>>, ValidationError> {
        let year = TimeDelta::days(366);
        if target <= TimeDelta::zero() || target > year {
            let value = target.num_minutes();
            return Err(ValidationError::OutOfRange { field: "target", value, min: 1, max: year.num_minutes() });
        }
        let mut meter = Meter { start, left: target, pauses: stopped(pauses) };
        let end = crate::time::latest();
        match self {
            ServiceHours::AroundTheClock => {
                if let Some(found) = meter.spend(start, end) {
                    return Ok(found);
                }
            }
            ServiceHours::Business(calendar) => {
                let first = start.with_timezone(&zone).date_naive().pred_opt().unwrap_or(NaiveDate::MIN);
                // Days from here on lie wholly after the start.
                let after_start = first.checked_add_days(Days::new(2)).unwrap_or(NaiveDate::MAX);
                let week = calendar.week_length();
                let mut date = first;
                while date.year() <= 9999 {
                    let next_week = date.checked_add_days(Days::new(7)).unwrap_or(NaiveDate::MAX);
                    if leap && date >= after_start && meter.left > week && calendar.quiet(zone, date, next_week) {
                        let (from, to) = (midnight(date, -1), midnight(next_week, 1));
                        if from.zip(to).is_some_and(|(from, to)| meter.unpaused(from, to)) {
                            meter.left -= week;
                            date = next_week;
                            continue;
                        }
                    }
                    let open = calendar.open_on(zone, date);
                    if open.first().is_some_and(|(a, _)| *a > end) {
                        break;
                    }
                    for (from, to) in open {
                        if to <= start {
                            continue;
                        }
                        if let Some(found) = meter.spend(from, to.min(end)) {
                            return Ok(found);
                        }
                    }
                    let Some(next) = date.succ_opt() else { break };
                    date = next;
                }
            }
        }
        Err(ValidationError::TimeOutOfRange { field: "deadline", at: end })
    }
}

/// The seconds `zone`'s clocks are ahead of UTC at `at`.
fn offset(zone: Tz, at: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc()
}

/// Local midnight of `date` plus `days`, read as if it were UTC: within a day of the real
/// instant in any zone.
fn midnight(date: NaiveDate, days: i64) -> Option<DateTime<Utc>> {
    date.and_time(NaiveTime::MIN).and_utc().checked_add_signed(TimeDelta::days(days))
}

/// The open time still to count from `start`, spent stretch by stretch, pauses left out.
struct Meter {
    start: DateTime<Utc>,
    left: TimeDelta,
    /// As [`stopped`] gives them.
    pauses: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
}

impl Meter {
    /// Spends the running time of `[from, to)`: `Some(Some(deadline))` once the target is
    /// reached in it, `Some(None)` when a pause still holding stops the clock in it for good.
    fn spend(&mut self, from: DateTime<Utc>, to: DateTime<Utc>) -> Option<Option<DateTime<Utc>>> {
        for (a, b) in running(from.max(self.start), to, &self.pauses) {
            if b - a >= self.left {
                return Some(Some(a + self.left));
            }
            self.left -= b - a;
        }
        self.pauses.last().filter(|p| p.1.is_none() && p.0 < to).map(|_| None)
    }

    /// True when no pause touches `[from, to)`.
    fn unpaused(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        !self.pauses.iter().any(|(a, b)| *a < to && b.is_none_or(|b| b > from))
    }
}

/// The merged pauses, sorted: `(from, until)`, `None` for the one still holding (at most
/// one, the last: nothing after it counts).
fn stopped(pauses: &[Pause]) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
    let mut sorted: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> =
        pauses.iter().filter(|p| p.until.is_none_or(|until| until > p.from)).map(|p| (p.from, p.until)).collect();
    sorted.sort();
    let mut merged: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = Vec::new();
    for (from, until) in sorted {
        match merged.last_mut() {
            Some((_, last)) if last.is_none_or(|l| from <= l) => {
                *last = match (*last, until) {
                    (Some(l), Some(u)) => Some(l.max(u)),
                    _ => None,
                };
            }
            _ => merged.push((from, until)),
        }
        if merged.last().is_some_and(|(_, u)| u.is_none()) {
            break;
        }
    }
    merged
}

/// `[from, to)` minus the pauses, in order.
fn running(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    pauses: &[(DateTime<Utc>, Option<DateTime<Utc>>)],
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut out = Vec::new();
    let mut at = from;
    for (p_from, p_until) in pauses {
        if at >= to {
            break;
        }
        if p_until.is_some_and(|u| u <= at) {
            continue;
        }
        if *p_from >= to {
            break;
        }
        if *p_from > at {
            out.push((at, *p_from));
        }
        match p_until {
            Some(u) => at = at.max(*u),
            None => return out,
        }
    }
    if at < to {
        out.push((at, to));
    }
    out
}

/// True when a window runs to midnight: its end is in the day's last minute (hosts write
/// times of day to the minute, and no end can be written as 24:00).
fn is_midnight_close(w: &WorkWindow) -> bool {
    w.end() >= NaiveTime::from_hms_opt(23, 59, 0).unwrap_or(NaiveTime::MIN)
}

/// How long a window is open: to midnight for one running to it.
fn open_length(w: &WorkWindow) -> TimeDelta {
    let closes = if is_midnight_close(w) { TimeDelta::days(1) } else { w.end() - NaiveTime::MIN };
    closes - (w.start() - NaiveTime::MIN)
}

/// The windows of each day merged where they overlap or touch, sorted.
fn merged(mut windows: Vec<WorkWindow>) -> Vec<WorkWindow> {
    windows.sort();
    let mut out: Vec<WorkWindow> = Vec::new();
    for w in windows {
        match out.last_mut() {
            Some(last) if last.day() == w.day() && w.start() <= last.end() => {
                if w.end() > last.end() {
                    *last = WorkWindow::new(last.day(), last.start(), w.end()).unwrap_or(*last);
                }
            }
            _ => out.push(w),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Weekday;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Leaping whole weeks ends where counting day by day does.
        #[test]
        fn leaping_weeks_changes_no_deadline(
            spans in prop::collection::vec((0u8..7, 0u32..95, 1u32..40), 1..6),
            start in 0i64..(3 * 366 * 24 * 60),
            target in 1i64..(366 * 24 * 60),
            holidays in prop::collection::btree_set(0u64..1_200, 0..6),
            paused in prop::option::of((0i64..(400 * 24 * 60), 1i64..(30 * 24 * 60))),
        ) {
            let quarter = |q: u32| NaiveTime::from_hms_opt(q / 4, q % 4 * 15, 0).unwrap_or(NaiveTime::MIN);
            let windows: Vec<WorkWindow> = spans
                .iter()
                .filter_map(|(day, from, len)| {
                    let day = Weekday::try_from(*day).ok()?;
                    WorkWindow::new(day, quarter(*from), quarter((from + len).min(95))).ok()
                })
                .collect();
            let base = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or(NaiveDate::MIN);
            let holidays = holidays.iter().filter_map(|d| base.checked_add_days(Days::new(*d))).collect();
            let Ok(calendar) = BusinessCalendar::new(windows, holidays) else { return Ok(()) };
            let hours = ServiceHours::Business(calendar);
            let start = base.and_time(NaiveTime::MIN).and_utc() + TimeDelta::minutes(start);
            let pauses: Vec<Pause> = paused
                .map(|(after, len)| {
                    let from = start + TimeDelta::minutes(after);
                    Pause { from, until: Some(from + TimeDelta::minutes(len)) }
                })
                .into_iter()
                .collect();
            let zone: Tz = chrono_tz::America::Chicago;
            let target = TimeDelta::minutes(target);
            let leaping = hours.counted(zone, start, target, &pauses, true);
            let walking = hours.counted(zone, start, target, &pauses, false);
            prop_assert_eq!(leaping, walking);
        }
    }

    #[test]
    fn a_year_of_office_hours_ends_on_the_local_hour_it_should() {
        let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or(NaiveTime::MIN);
        let weekdays = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
        let windows = weekdays.iter().filter_map(|d| WorkWindow::new(*d, at(9), at(17)).ok()).collect();
        let hours = ServiceHours::Business(BusinessCalendar::new(windows, BTreeSet::new()).expect("calendar"));
        let zone: Tz = chrono_tz::America::Chicago;
        // Monday 2026-01-05 09:00 CST; 366 days of business time are 219 weeks of 40 hours and
        // three days more: Wednesday of the 220th week at 17:00, daylight time or not.
        let start = zone.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).single().expect("local").with_timezone(&Utc);
        let due = hours.due(zone, start, TimeDelta::days(366), &[]).expect("in range").expect("no pause");
        let local = due.with_timezone(&zone);
        let expected = NaiveDate::from_ymd_opt(2026, 1, 5).and_then(|d| d.checked_add_days(Days::new(219 * 7 + 2)));
        assert_eq!((Some(local.date_naive()), local.time()), (expected, at(17)));
    }
}
