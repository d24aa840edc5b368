use super::ticketing::nearest_rank;
use super::*;
use crate::Actor;
use crate::deadline::ServiceHours;
use crate::event::{Envelope, Sequence};
use crate::geo::GeoPoint;
use crate::id::{AssignmentId, CustomerId, ExpertId, PlanId, TicketId};
use crate::plan::ServiceTargets;
use crate::skill::{Priority, ProductCategory, SkillLevel};
use crate::text::{Description, Reason, WorkNotes};
use crate::ticket::{Channel, Deadline, TicketEvent, TicketStatus};
use chrono::{DateTime, Duration, Utc};

fn at(minutes: i64) -> DateTime<Utc> {
    "2026-03-02T09:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::minutes(minutes)
}

fn ticket_id() -> TicketId {
    TicketId::from(uuid::Uuid::from_u128(7))
}

fn event(sequence: u64, minutes: i64, payload: TicketEvent) -> Envelope<TicketEvent> {
    Envelope {
        schema: crate::SCHEMA_VERSION,
        aggregate_id: ticket_id().as_uuid(),
        sequence: Sequence(sequence),
        at: at(minutes),
        by: Actor::system(),
        payload,
    }
}

fn submitted() -> Envelope<TicketEvent> {
    let hour = Duration::hours(1);
    event(
        1,
        0,
        TicketEvent::Submitted {
            ticket: ticket_id(),
            customer: CustomerId::from(uuid::Uuid::from_u128(1)),
            plan: PlanId::from(uuid::Uuid::from_u128(2)),
            category: ProductCategory::Printer,
            required_level: SkillLevel::BASIC,
            description: Description::new("Paper jam").unwrap(),
            location: GeoPoint::new(41.88, -87.63).unwrap(),
            channel: Channel::Web,
            priority: Priority::High,
            targets: ServiceTargets {
                answer_within: hour / 2,
                respond_within: hour * 2,
                resolve_within: hour * 24,
                reopen_within: hour * 24 * 14,
            },
            hours: ServiceHours::AroundTheClock,
            zone: chrono_tz::UTC,
        },
    )
}

fn reason() -> Reason {
    Reason::new("still broken").unwrap()
}

#[test]
fn a_reopened_ticket_remembers_its_first_completion_and_every_breach() {
    let assignment = AssignmentId::from(uuid::Uuid::from_u128(9));
    let expert = ExpertId::from(uuid::Uuid::from_u128(3));
    let mut facts = TicketFacts::submitted(&submitted()).unwrap();
    assert_eq!(facts.respond_by, Some(at(120)));
    for next in [
        event(2, 130, TicketEvent::DeadlineBreached { deadline: Deadline::Response, due: at(120) }),
        event(3, 140, TicketEvent::Assigned { assignment, expert, respond_by: at(170), rationale: None }),
        event(4, 150, TicketEvent::Accepted { assignment }),
        event(5, 160, TicketEvent::WorkStarted),
        event(6, 170, TicketEvent::Completed { notes: WorkNotes::new("Cleared the jam").unwrap() }),
        event(7, 200, TicketEvent::Reopened { reason: reason() }),
    ] {
        facts.apply(&next);
    }
    assert_eq!(facts.status, TicketStatus::Open);
    assert_eq!((facts.completions, facts.reopened, facts.response_breaches), (1, 1, 1));
    assert_eq!(facts.respond_by, Some(at(200 + 120)), "the response clock starts again at the reopening");
    assert!(facts.is_open());
    assert!(facts.waits_too_long(at(400)));
}

#[test]
fn an_event_read_twice_changes_nothing() {
    let mut facts = TicketFacts::submitted(&submitted()).unwrap();
    let breach = event(2, 130, TicketEvent::DeadlineBreached { deadline: Deadline::Resolution, due: at(120) });
    facts.apply(&breach);
    let once = facts.clone();
    facts.apply(&breach);
    facts.apply(&submitted());
    assert_eq!(facts, once);
    assert_eq!(facts.resolution_breaches, 1);
}

#[test]
fn a_wait_on_the_customer_stops_the_response_clock_and_a_reply_moves_it() {
    let mut facts = TicketFacts::submitted(&submitted()).unwrap();
    facts.apply(&event(2, 30, TicketEvent::WaitingForCustomer { reason: reason() }));
    assert_eq!((facts.status, facts.respond_by), (TicketStatus::WaitingForCustomer, None));
    assert!(!facts.waits_too_long(at(10_000)));
    facts.apply(&event(3, 90, TicketEvent::CustomerReplied));
    assert_eq!(facts.status, TicketStatus::Open, "the reply returns it where it was");
    assert_eq!(facts.respond_by, Some(at(120 + 60)), "the hour waited is added");
}

#[test]
fn percentiles_are_nearest_rank() {
    let ages: Vec<i64> = (1..=10).collect();
    assert_eq!(nearest_rank(&ages, 1, 2), Some(5));
    assert_eq!(nearest_rank(&ages, 9, 10), Some(9));
    assert_eq!(nearest_rank(&[42], 9, 10), Some(42));
    assert_eq!(nearest_rank(&[], 1, 2), None);
}

#[test]
fn a_range_is_half_open_and_never_empty() {
    let range = ReportRange::new(at(0), at(60)).unwrap();
    assert!(range.contains(at(0)) && !range.contains(at(60)));
    assert!(ReportRange::new(at(60), at(60)).is_err());
    assert!(ReportRange::new(at(0), crate::time::EARLIEST - Duration::seconds(1)).is_err());
    assert_eq!(ReportLag { behind_since: Some(at(0)) }.at(at(5)), Duration::minutes(5));
}
