//! Deadlines on a plan's service hours, worked out by hand, then checked against the rule
//! itself (an instant counts when its local time is in a window, not a holiday, not paused)
//! for random calendars, pauses and starts.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;
use std::collections::BTreeSet;
use sysops_core::{BusinessCalendar, Pause, ServiceHours, ValidationError, WorkWindow};

const CHICAGO: Tz = chrono_tz::America::Chicago;

fn at(zone: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    zone.with_ymd_and_hms(y, m, d, h, min, 0).earliest().expect("local time").with_timezone(&Utc)
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).expect("time")
}

const WEEKDAYS: [Weekday; 5] = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];

/// Monday to Friday, nine to five.
fn office(holidays: &[NaiveDate]) -> ServiceHours {
    let windows = WEEKDAYS.iter().map(|d| WorkWindow::new(*d, time(9, 0), time(17, 0)).expect("window")).collect();
    ServiceHours::Business(BusinessCalendar::new(windows, holidays.iter().copied().collect()).expect("calendar"))
}

fn due(hours: &ServiceHours, start: DateTime<Utc>, target: TimeDelta, pauses: &[Pause]) -> Option<DateTime<Utc>> {
    hours.due(CHICAGO, start, target, pauses).expect("due")
}

#[test]
fn a_ticket_opened_friday_before_five_with_two_hours_is_due_monday_morning() {
    let friday = at(CHICAGO, 2026, 1, 16, 16, 55);
    assert_eq!(due(&office(&[]), friday, TimeDelta::hours(2), &[]), Some(at(CHICAGO, 2026, 1, 19, 10, 55)));
}

#[test]
fn business_hours_follow_the_local_clock_across_a_daylight_saving_change() {
    // Clocks go forward on Sunday 2026-03-08: Monday's ten to eleven is an hour earlier in UTC.
    let friday = at(CHICAGO, 2026, 3, 6, 16, 55);
    let monday = due(&office(&[]), friday, TimeDelta::hours(2), &[]);
    assert_eq!(monday, Some(Utc.with_ymd_and_hms(2026, 3, 9, 15, 55, 0).unwrap()), "10:55 CDT");
    // Around the clock, a wall-clock day is 23 real hours that Sunday: the target counts real ones.
    let saturday = at(CHICAGO, 2026, 3, 7, 12, 0);
    let later = ServiceHours::AroundTheClock.due(CHICAGO, saturday, TimeDelta::hours(24), &[]).expect("due");
    assert_eq!(later, Some(at(CHICAGO, 2026, 3, 8, 13, 0)));
    // A window holding the skipped hour is an hour shorter that night.
    let night = WorkWindow::new(Weekday::Sun, time(0, 0), time(6, 0)).expect("window");
    let nights = ServiceHours::Business(BusinessCalendar::new(vec![night], BTreeSet::new()).expect("calendar"));
    let sunday = at(CHICAGO, 2026, 3, 8, 0, 0);
    assert_eq!(due(&nights, sunday, TimeDelta::hours(5), &[]), Some(at(CHICAGO, 2026, 3, 8, 6, 0)));
    assert_eq!(due(&nights, sunday, TimeDelta::hours(6), &[]), Some(at(CHICAGO, 2026, 3, 15, 1, 0)));
    // And an hour longer when the clocks go back (2026-11-01): both passes of one o'clock count.
    let back = at(CHICAGO, 2026, 11, 1, 0, 0);
    assert_eq!(due(&nights, back, TimeDelta::hours(7), &[]), Some(at(CHICAGO, 2026, 11, 1, 6, 0)));
}

#[test]
fn a_holiday_is_skipped() {
    let friday = at(CHICAGO, 2026, 1, 16, 16, 55);
    let mlk = NaiveDate::from_ymd_opt(2026, 1, 19).expect("date");
    assert_eq!(due(&office(&[mlk]), friday, TimeDelta::hours(2), &[]), Some(at(CHICAGO, 2026, 1, 20, 10, 55)));
}

#[test]
fn waiting_on_the_customer_stops_the_clock() {
    let friday = at(CHICAGO, 2026, 1, 16, 16, 55);
    let waited = Pause { from: at(CHICAGO, 2026, 1, 19, 9, 30), until: Some(at(CHICAGO, 2026, 1, 19, 10, 30)) };
    assert_eq!(due(&office(&[]), friday, TimeDelta::hours(2), &[waited]), Some(at(CHICAGO, 2026, 1, 19, 11, 55)));
    let weekend = Pause { from: at(CHICAGO, 2026, 1, 17, 8, 0), until: Some(at(CHICAGO, 2026, 1, 18, 20, 0)) };
    assert_eq!(due(&office(&[]), friday, TimeDelta::hours(2), &[weekend]), Some(at(CHICAGO, 2026, 1, 19, 10, 55)));
    let waiting = Pause { from: at(CHICAGO, 2026, 1, 19, 9, 30), until: None };
    assert_eq!(due(&office(&[]), friday, TimeDelta::hours(2), &[waiting]), None, "stopped until the reply");
    let after = Pause { from: at(CHICAGO, 2026, 1, 19, 11, 0), until: None };
    assert_eq!(due(&office(&[]), friday, TimeDelta::hours(2), &[after]), Some(at(CHICAGO, 2026, 1, 19, 10, 55)));
    let start = at(CHICAGO, 2026, 1, 16, 8, 0);
    let lunch = Pause { from: at(CHICAGO, 2026, 1, 16, 9, 0), until: Some(at(CHICAGO, 2026, 1, 16, 10, 0)) };
    let wall = ServiceHours::AroundTheClock.due(CHICAGO, start, TimeDelta::hours(4), &[lunch]).expect("due");
    assert_eq!(wall, Some(at(CHICAGO, 2026, 1, 16, 13, 0)));
}

#[test]
fn overlapping_windows_count_once_and_a_window_to_midnight_runs_to_it() {
    let windows = vec![
        WorkWindow::new(Weekday::Mon, time(9, 0), time(12, 0)).expect("window"),
        WorkWindow::new(Weekday::Mon, time(11, 0), time(17, 0)).expect("window"),
        WorkWindow::new(Weekday::Mon, time(22, 0), time(23, 59)).expect("window"),
    ];
    let calendar = BusinessCalendar::new(windows, BTreeSet::new()).expect("calendar");
    assert_eq!(calendar.windows().len(), 2);
    let hours = ServiceHours::Business(calendar);
    let monday = at(CHICAGO, 2026, 1, 19, 9, 0);
    assert_eq!(due(&hours, monday, TimeDelta::hours(8), &[]), Some(at(CHICAGO, 2026, 1, 19, 17, 0)));
    assert_eq!(due(&hours, monday, TimeDelta::hours(10), &[]), Some(at(CHICAGO, 2026, 1, 20, 0, 0)));
}

#[test]
fn calendars_and_targets_out_of_range_are_typed_errors() {
    let minute = WorkWindow::new(Weekday::Mon, time(9, 0), time(9, 59)).expect("window");
    assert!(matches!(
        BusinessCalendar::new(vec![minute], BTreeSet::new()),
        Err(ValidationError::OutOfRange { field: "business_hours", value: 59, .. })
    ));
    let day = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let holidays: BTreeSet<NaiveDate> = day.iter_days().take(1_001).collect();
    let window = WorkWindow::new(Weekday::Mon, time(9, 0), time(17, 0)).expect("window");
    assert!(matches!(
        BusinessCalendar::new(vec![window], holidays),
        Err(ValidationError::OutOfRange { field: "holidays", .. })
    ));
    let start = at(CHICAGO, 2026, 1, 16, 16, 55);
    for target in [TimeDelta::zero(), TimeDelta::minutes(-5), TimeDelta::days(367), TimeDelta::MAX] {
        let refused = office(&[]).due(CHICAGO, start, target, &[]);
        assert!(matches!(refused, Err(ValidationError::OutOfRange { field: "target", .. })), "{target:?}");
    }
    let late = sysops_core::time::latest() - TimeDelta::days(2);
    let past_the_range = office(&[]).due(CHICAGO, late, TimeDelta::days(30), &[]);
    assert!(matches!(past_the_range, Err(ValidationError::TimeOutOfRange { field: "deadline", .. })));
}

/// The rule itself: `t` counts when its local time lies in a window of its local date, that
/// date is no holiday, and no pause holds it.
fn counts(windows: &[WorkWindow], holidays: &BTreeSet<NaiveDate>, pauses: &[Pause], t: DateTime<Utc>) -> bool {
    let local = t.with_timezone(&CHICAGO);
    let open = !holidays.contains(&local.date_naive())
        && windows.iter().any(|w| {
            let to_midnight = w.end() >= time(23, 59);
            w.day() == local.weekday() && w.start() <= local.time() && (to_midnight || local.time() < w.end())
        });
    open && !pauses.iter().any(|p| p.from <= t && p.until.is_none_or(|u| t < u))
}

prop_compose! {
    fn windows()(spans in prop::collection::vec((0u8..7, 0u32..96, 1u32..40), 1..8)) -> Vec<WorkWindow> {
        spans
            .into_iter()
            .map(|(day, start, len)| {
                let day = Weekday::try_from(day).expect("weekday");
                let end = (start + len).min(96);
                let quarter = |q: u32| if q == 96 { time(23, 59) } else { time(q / 4, q % 4 * 15) };
                WorkWindow::new(day, quarter(start), quarter(end)).expect("window")
            })
            .collect()
    }
}

prop_compose! {
    /// A start within two years that include both daylight-saving changes, on a minute.
    fn start()(minutes in 0i64..(2 * 366 * 24 * 60)) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + TimeDelta::minutes(minutes)
    }
}

prop_compose! {
    fn pauses(from: DateTime<Utc>)(spans in prop::collection::vec((0i64..(10 * 24 * 60), 1i64..(2 * 24 * 60)), 0..3))
        -> Vec<Pause> {
        spans
            .into_iter()
            .map(|(after, len)| {
                let start = from + TimeDelta::minutes(after);
                Pause { from: start, until: Some(start + TimeDelta::minutes(len)) }
            })
            .collect()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_deadline_is_the_minute_the_target_of_counted_time_is_reached(
        windows in windows(),
        start in start(),
        target in 1i64..(8 * 60),
        holiday_offsets in prop::collection::btree_set(0u64..30, 0..4),
        pause_seed in any::<u64>(),
    ) {
        let first = start.with_timezone(&CHICAGO).date_naive();
        let holidays: BTreeSet<NaiveDate> = holiday_offsets.iter().filter_map(|d| first.checked_add_days(chrono::Days::new(*d))).collect();
        let Ok(calendar) = BusinessCalendar::new(windows.clone(), holidays.clone()) else { return Ok(()) };
        let pauses: Vec<Pause> = (0..(pause_seed % 3))
            .map(|n| {
                let from = start + TimeDelta::minutes(((pause_seed >> (8 * n)) % 4_000) as i64);
                Pause { from, until: Some(from + TimeDelta::minutes(((pause_seed >> (8 * n + 4)) % 600 + 1) as i64)) }
            })
            .collect();
        let hours = ServiceHours::Business(calendar);
        let due = hours.due(CHICAGO, start, TimeDelta::minutes(target), &pauses).expect("due").expect("no open pause");
        // Counted minute by minute (every boundary is on a minute).
        let mut counted = 0;
        let mut t = start;
        while counted < target {
            if counts(&windows, &holidays, &pauses, t) {
                counted += 1;
            }
            t += TimeDelta::minutes(1);
            prop_assert!(t <= due, "counted {counted} of {target} by {t}, the deadline {due} is too early");
        }
        prop_assert_eq!(t, due);
        prop_assert!(counts(&windows, &holidays, &pauses, due - TimeDelta::minutes(1)), "the last minute counted");
    }

    #[test]
    fn adding_a_pause_never_moves_the_deadline_earlier(
        windows in windows(),
        start in start(),
        target in 1i64..(80 * 60),
        (earlier, extra) in start().prop_flat_map(|s| (pauses(s), pauses(s))),
    ) {
        let Ok(calendar) = BusinessCalendar::new(windows, BTreeSet::new()) else { return Ok(()) };
        for hours in [ServiceHours::Business(calendar), ServiceHours::AroundTheClock] {
            let target = TimeDelta::minutes(target);
            let before = hours.due(CHICAGO, start, target, &earlier).expect("due").expect("closed pauses");
            let more: Vec<Pause> = earlier.iter().chain(&extra).copied().collect();
            let after = hours.due(CHICAGO, start, target, &more).expect("due").expect("closed pauses");
            prop_assert!(after >= before, "{after} < {before}");
            let reopened = hours.due(CHICAGO, start + TimeDelta::hours(30), target, &earlier).expect("due").expect("closed");
            prop_assert!(reopened >= before, "counting from a reopening never ends earlier");
        }
    }
}

/// A ticket submitted by helpdesk for a Chicago customer on an office-hours plan (respond
/// within two business hours, resolve within eight), on Friday 2026-03-06 at 16:55, just
/// before the clocks go forward.
async fn friday_office_ticket()
-> (sysops_core::testing::fixtures::World<sysops_core::MemoryStore>, sysops_core::Customer, sysops_core::Ticket) {
    use sysops_core::testing::fixtures::{World, address, chicago, contact, plan_terms, tv_ticket};
    let w = World::new(sysops_core::MemoryStore::new(), 0, 0).await.unwrap();
    let mut terms = plan_terms();
    terms.hours = office(&[]);
    terms.targets.respond_within = TimeDelta::hours(2);
    terms.targets.resolve_within = TimeDelta::hours(8);
    let plan = w.service.define_plan(w.admin, terms).await.unwrap();
    let carla = w.service.register_customer(w.helpdesk, contact(1), address(chicago()), plan.id).await.unwrap();
    w.clock.set(at(CHICAGO, 2026, 3, 6, 16, 55)).unwrap();
    let ticket = w.service.submit_ticket(w.helpdesk, carla.id, tv_ticket("No picture")).await.unwrap();
    (w, carla, ticket)
}

/// A ticket on an office-hours plan, submitted on a Friday afternoon in Chicago just before
/// the clocks go forward, through the service as every host sees it.
#[test]
fn a_ticket_shows_its_business_hour_deadlines_and_waits_too_long_only_past_them() {
    futures::executor::block_on(async {
        let (w, _, ticket) = friday_office_ticket().await;
        assert_eq!(ticket.zone, CHICAGO);
        assert_eq!(ticket.respond_by(), Some(at(CHICAGO, 2026, 3, 9, 10, 55)), "Monday 10:55, daylight time");
        assert_eq!(ticket.resolve_by(), Some(at(CHICAGO, 2026, 3, 9, 16, 55)));

        w.clock.set(at(CHICAGO, 2026, 3, 9, 10, 54)).unwrap();
        assert!(w.service.tickets_waiting_too_long(w.manager).await.unwrap().items.is_empty(), "the weekend is free");
        w.clock.set(at(CHICAGO, 2026, 3, 9, 10, 56)).unwrap();
        let late = w.service.tickets_waiting_too_long(w.manager).await.unwrap().items;
        assert_eq!(
            late.iter().map(|l| (l.ticket.id, l.overdue_by)).collect::<Vec<_>>(),
            [(ticket.id, TimeDelta::minutes(1))]
        );
    });
}

/// Waiting on the customer stops the clock: the deadline disappears while they are awaited,
/// comes back later by the time waited, and the ticket resumes where it was.
#[test]
fn a_ticket_waiting_on_the_customer_keeps_its_deadlines_still_until_they_reply() {
    use sysops_core::{Reason, TicketCommand, TicketState, TicketStatus};
    futures::executor::block_on(async {
        let (w, carla, ticket) = friday_office_ticket().await;

        w.clock.set(at(CHICAGO, 2026, 3, 9, 9, 30)).unwrap();
        let model = TicketCommand::WaitForCustomer { reason: Reason::new("the model number").unwrap() };
        let waiting = w.service.handle_ticket(w.helpdesk, ticket.id, model).await.unwrap();
        assert_eq!(waiting.status(), TicketStatus::WaitingForCustomer);
        assert_eq!(waiting.respond_by(), None, "the clock stands still");
        w.clock.set(at(CHICAGO, 2026, 3, 9, 12, 0)).unwrap();
        assert!(w.service.tickets_waiting_too_long(w.manager).await.unwrap().items.is_empty(), "not while awaited");
        let again = TicketCommand::WaitForCustomer { reason: Reason::new("twice").unwrap() };
        assert!(w.service.handle_ticket(w.helpdesk, ticket.id, again).await.is_err(), "one wait at a time");

        let replied =
            w.service.handle_ticket(sysops_core::Actor::customer(carla.id), ticket.id, TicketCommand::Reply).await;
        let replied = replied.unwrap();
        assert_eq!(replied.state, TicketState::Open, "back where it was");
        // Friday's five minutes, then Monday 9:00–9:30 and 12:00 on: 1 h 25 min more.
        assert_eq!(replied.respond_by(), Some(at(CHICAGO, 2026, 3, 9, 13, 25)), "later by the 2.5 hours waited");
        assert!(w.service.handle_ticket(w.helpdesk, ticket.id, TicketCommand::Reply).await.is_err(), "nothing awaited");
    });
}
