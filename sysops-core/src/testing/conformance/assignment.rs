//! The assignment batch: claims, offers, reasons to wait.

use super::{submit, world};
use crate::{Actor, Error, Reason, Store, TicketCommand, TicketStatus};

/// Generates one `#[test]` per [`AssignmentStore`](crate::store::AssignmentStore) case for a backend; see
/// [`store_conformance_tests!`](crate::store_conformance_tests) for the arguments.
#[macro_export]
macro_rules! assignment_store_conformance_tests {
    ($block_on:path, $fresh:expr) => {
        $crate::assignment_store_conformance_tests!($block_on, $fresh, skip_unless = true);
    };
    ($block_on:path, $fresh:expr, skip_unless = $available:expr) => {
        $crate::conformance_cases!($block_on, $fresh, $available;
            the_assignment_job_offers_every_open_ticket_once_to_a_qualified_expert,
            a_declined_ticket_goes_to_someone_else_or_waits_with_the_reason,
        );
    };
}

pub async fn the_assignment_job_offers_every_open_ticket_once_to_a_qualified_expert<S: Store>(store: S) {
    let w = world(store).await;
    let weights = crate::assignment::CostWeights::default();
    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(submit(&w, i % 3, &format!("ticket {i}")).await.id);
    }
    let report = w.service.run_assignment(Actor::system(), &weights).await.expect("run");
    assert_eq!(report.offers.len(), 6, "{report:?}");
    assert!(report.waiting.is_empty());
    for id in &ids {
        let t = w.service.ticket(w.admin, *id).await.expect("ticket");
        assert_eq!(t.status(), TicketStatus::Assigned);
        let attempt = t.assignments.last().expect("an attempt");
        let rationale = attempt.rationale.as_ref().expect("the job explains its choice");
        assert_eq!(rationale.terms().len(), 5);
        assert!(w.experts.iter().any(|e| e.id == attempt.expert));
    }
    let again = w.service.run_assignment(Actor::system(), &weights).await.expect("run again");
    assert!(again.offers.is_empty(), "nothing is offered twice");
    let loads = w.service.store().expert_loads().await.expect("loads");
    assert_eq!(loads.iter().map(|l| l.active).sum::<u32>(), 6);
    assert!(loads.iter().all(|l| l.active <= 5), "capacity 5 each: {loads:?}");
    let denied = w.service.run_assignment(w.manager, &weights).await;
    assert!(matches!(denied, Err(Error::Forbidden(_))), "managers do not dispatch");
}

pub async fn a_declined_ticket_goes_to_someone_else_or_waits_with_the_reason<S: Store>(store: S) {
    use crate::assignment::WaitReason;
    let w = world(store).await;
    let weights = crate::assignment::CostWeights::default();
    let t = submit(&w, 0, "no picture").await;
    let first = w.service.run_assignment(Actor::system(), &weights).await.expect("run");
    let e1 = first.offers[0].expert;
    let n1 = w.experts.iter().position(|e| e.id == e1).expect("known expert");
    let reason = Reason::new("too far today").expect("reason");
    w.service.handle_ticket(w.expert(n1), t.id, TicketCommand::Reject { reason }).await.expect("reject");
    let second = w.service.run_assignment(Actor::system(), &weights).await.expect("run");
    let e2 = second.offers[0].expert;
    assert_ne!(e2, e1, "an expert who rejected is not offered the ticket again");

    // The second expert does not answer: the offer expires and nobody qualified is left.
    w.clock.advance(chrono::Duration::minutes(31)).unwrap();
    let third = w.service.run_assignment(Actor::system(), &weights).await.expect("run");
    assert_eq!(third.expired, [t.id]);
    assert!(third.offers.is_empty());
    assert_eq!(third.waiting, [(t.id, WaitReason::DeclinedByEveryQualifiedExpert)]);
    let ticket = w.service.ticket(w.admin, t.id).await.expect("ticket");
    assert_eq!(ticket.status(), TicketStatus::Open, "still open, never lost");

    assert!(w.service.tickets_waiting_too_long(w.manager).await.expect("query").is_empty(), "not late yet");
    w.clock.advance(chrono::Duration::hours(4)).unwrap();
    let late = w.service.tickets_waiting_too_long(w.manager).await.expect("query");
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].ticket.id, t.id);
    assert_eq!(late[0].reason, WaitReason::DeclinedByEveryQualifiedExpert);
    assert!(late[0].overdue_by > chrono::Duration::zero());
}
