//! The behaviour every [`Store`] must show. Each case takes a fresh, empty store.
//!
//! A backend runs the whole suite with one macro call in its tests:
//!
//! ```
//! use futures::executor::block_on;
//! use sysops_core::MemoryStore;
//!
//! sysops_core::store_conformance_tests!(block_on, async { MemoryStore::new() });
//! # fn main() {}
//! ```
//!
//! where `block_on` runs a future to completion on the backend's runtime and the
//! second argument makes a fresh, empty store (an `async` block, awaited per case).

use super::fixtures::{World, tv_ticket};
use super::model::Simulation;
use crate::store::{self, Change, ConsumerName, ExpertQuery, OutboxEntry, Page, TicketFilter};
use crate::{
    Actor, Aggregate, AggregateKind, Description, Error, ExpertCommand, GeoPoint, NewTicket, ProductCategory, RadiusKm,
    Reason, Sequence, SkillLevel, Store, StoreError, StreamId, Ticket, TicketCommand, TicketStatus, WorkNotes,
};

/// Runs every case, each on a fresh store from `fresh`.
pub async fn run_all<S, F, Fut>(fresh: F)
where
    S: Store,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = S>,
{
    a_new_stream_commits_and_loads_back(fresh().await).await;
    a_stale_version_is_a_conflict_and_writes_nothing(fresh().await).await;
    a_commit_of_several_streams_is_all_or_nothing(fresh().await).await;
    a_malformed_change_is_refused(fresh().await).await;
    unknown_streams_are_absent_not_errors(fresh().await).await;
    concurrent_writers_of_one_version_exactly_one_wins(fresh().await).await;
    the_whole_workflow_round_trips_and_replays(fresh().await).await;
    the_open_ticket_query_follows_every_transition(fresh().await).await;
    tickets_are_listed_by_customer_and_expert(fresh().await).await;
    listings_page_by_id_without_gaps_or_repeats(fresh().await).await;
    experts_are_found_by_skill_level_area_and_activity(fresh().await).await;
    random_workflows_keep_every_invariant(fresh().await).await;
    the_outbox_delivers_every_event_in_commit_order_until_acked(fresh().await).await;
    acks_never_move_back_or_past_the_end(fresh().await).await;
    the_assignment_job_offers_every_open_ticket_once_to_a_qualified_expert(fresh().await).await;
    a_declined_ticket_goes_to_someone_else_or_waits_with_the_reason(fresh().await).await;
    every_record_is_walked_once_by_kind_and_passes_the_audit(fresh().await).await;
}

/// Generates one `#[test]` per conformance case for a backend.
///
/// `$block_on` is a function running a future to completion; `$fresh` an
/// expression (evaluated once per case) giving a future of a fresh store.
///
/// An optional third argument, `skip_unless = EXPR`, skips every case (saying so
/// on stderr) when `EXPR` is false, e.g. when no database server is configured.
#[macro_export]
macro_rules! store_conformance_tests {
    ($block_on:path, $fresh:expr) => {
        $crate::store_conformance_tests!($block_on, $fresh, skip_unless = true);
    };
    ($block_on:path, $fresh:expr, skip_unless = $available:expr) => {
        $crate::store_conformance_tests!(@cases $block_on, $fresh, $available;
            a_new_stream_commits_and_loads_back,
            a_stale_version_is_a_conflict_and_writes_nothing,
            a_commit_of_several_streams_is_all_or_nothing,
            a_malformed_change_is_refused,
            unknown_streams_are_absent_not_errors,
            concurrent_writers_of_one_version_exactly_one_wins,
            the_whole_workflow_round_trips_and_replays,
            the_open_ticket_query_follows_every_transition,
            tickets_are_listed_by_customer_and_expert,
            listings_page_by_id_without_gaps_or_repeats,
            experts_are_found_by_skill_level_area_and_activity,
            random_workflows_keep_every_invariant,
            the_outbox_delivers_every_event_in_commit_order_until_acked,
            acks_never_move_back_or_past_the_end,
            the_assignment_job_offers_every_open_ticket_once_to_a_qualified_expert,
            a_declined_ticket_goes_to_someone_else_or_waits_with_the_reason,
            every_record_is_walked_once_by_kind_and_passes_the_audit,
        );
    };
    (@cases $block_on:path, $fresh:expr, $available:expr; $($case:ident),* $(,)?) => {
        $(
            #[test]
            fn $case() {
                if !$available {
                    eprintln!("skipped {}: backend not available", stringify!($case));
                    return;
                }
                $block_on(async { $crate::testing::conformance::$case($fresh.await).await });
            }
        )*
    };
}

async fn world<S: Store>(store: S) -> World<S> {
    World::new(store, 3, 2).await.expect("fixtures build")
}

async fn submit<S: Store>(w: &World<S>, customer: usize, text: &str) -> Ticket {
    w.service.submit_ticket(w.customer(customer), w.customers[customer].id, tv_ticket(text)).await.expect("submit")
}

fn ticket_change(w: &World<impl Store>, customer: usize) -> (Ticket, Change) {
    let ids = crate::SequentialIds::new(900 + customer as u64);
    let ctx = crate::Ctx::new(w.customer(customer), super::fixtures::t0(), &ids);
    let events = Ticket::submit(tv_ticket("direct write"), &w.customers[customer], &w.plan, &ctx).expect("decide");
    let ticket: Ticket = crate::replay(&events).expect("replay");
    let change = Change::of(Sequence::NONE, &ticket, &events).expect("encode");
    (ticket, change)
}

pub async fn a_new_stream_commits_and_loads_back<S: Store>(store: S) {
    let w = world(store).await;
    let (ticket, change) = ticket_change(&w, 0);
    w.service.store().commit(vec![change]).await.expect("commit");
    let loaded: Ticket = store::load(w.service.store(), ticket.id).await.expect("load").expect("present");
    assert_eq!(loaded, ticket);
    let events = w.service.store().events(StreamId::new(Ticket::KIND, ticket.id)).await.expect("events");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].name, "TicketSubmitted");
    assert_eq!(events[0].sequence, Sequence(1));
}

pub async fn a_stale_version_is_a_conflict_and_writes_nothing<S: Store>(store: S) {
    let w = world(store).await;
    let (ticket, change) = ticket_change(&w, 0);
    w.service.store().commit(vec![change.clone()]).await.expect("first commit");
    match w.service.store().commit(vec![change]).await {
        Err(StoreError::Conflict { expected, actual, .. }) => {
            assert_eq!((expected, actual), (Sequence::NONE, Sequence(1)));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let events = store::history::<Ticket, S>(w.service.store(), ticket.id).await.expect("history");
    assert_eq!(events.len(), 1, "the refused commit wrote nothing");
}

pub async fn a_commit_of_several_streams_is_all_or_nothing<S: Store>(store: S) {
    let w = world(store).await;
    let (first, first_change) = ticket_change(&w, 0);
    let (second, second_change) = ticket_change(&w, 1);
    w.service.store().commit(vec![second_change.clone()]).await.expect("second alone");
    let result = w.service.store().commit(vec![first_change.clone(), second_change]).await;
    assert!(matches!(result, Err(StoreError::Conflict { .. })), "{result:?}");
    assert!(store::load::<Ticket, S>(w.service.store(), first.id).await.expect("load").is_none());
    w.service.store().commit(vec![first_change]).await.expect("first alone still fits");
    assert!(store::load::<Ticket, S>(w.service.store(), second.id).await.expect("load").is_some());
}

pub async fn a_malformed_change_is_refused<S: Store>(store: S) {
    let w = world(store).await;
    let (ticket, mut change) = ticket_change(&w, 0);
    change.events[0].sequence = Sequence(2);
    assert!(w.service.store().commit(vec![change.clone()]).await.is_err(), "a gap in sequences");
    change.events.clear();
    assert!(w.service.store().commit(vec![change]).await.is_err(), "no events");
    assert!(store::load::<Ticket, S>(w.service.store(), ticket.id).await.expect("load").is_none());
}

pub async fn unknown_streams_are_absent_not_errors<S: Store>(store: S) {
    let stream = StreamId::new(Ticket::KIND, uuid::Uuid::from_u128(7));
    assert_eq!(store.load(stream).await.expect("load"), None);
    assert!(store.events(stream).await.expect("events").is_empty());
    assert!(store.tickets(TicketFilter::open(), Page::first(10)).await.expect("tickets").is_empty());
}

pub async fn concurrent_writers_of_one_version_exactly_one_wins<S: Store>(store: S) {
    let w = world(store).await;
    let ticket = submit(&w, 0, "flicker").await;
    let attempts = (0..8).map(|i| {
        let reason = Reason::new(format!("attempt {i}")).expect("reason");
        w.service.handle_ticket(w.admin, ticket.id, TicketCommand::Cancel { reason })
    });
    let results = futures::future::join_all(attempts).await;
    let wins = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(wins, 1, "{results:?}");
    for r in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(
            r.is_conflict() || matches!(r, Error::Ticket(crate::TicketError::InvalidTransition { .. })),
            "losers get a conflict (or see the winner's state): {r:?}"
        );
    }
    let history = w.service.ticket_history(w.admin, ticket.id).await.expect("history");
    assert_eq!(history.len(), 2, "exactly one cancellation was stored");
}

pub async fn the_whole_workflow_round_trips_and_replays<S: Store>(store: S) {
    let w = world(store).await;
    let (admin, expert) = (w.admin, w.expert(0));
    let long = "é".repeat(Description::MAX_CHARS);
    let request = NewTicket {
        category: ProductCategory::Audio,
        description: Description::new(long.clone()).expect("max length"),
        required_level: SkillLevel::new(2).expect("level"),
    };
    let t = w.service.submit_ticket(w.helpdesk, w.customers[0].id, request).await.expect("submit");
    let id = t.id;
    let run = |cmd| w.service.handle_ticket(expert, id, cmd);
    w.service.assign_ticket(admin, id, w.experts[1].id, None).await.expect("assign 1");
    w.service
        .handle_ticket(w.expert(1), id, TicketCommand::Reject { reason: Reason::new("no parts").unwrap() })
        .await
        .expect("reject");
    w.service.assign_ticket(admin, id, w.experts[0].id, None).await.expect("assign 0");
    run(TicketCommand::Accept).await.expect("accept");
    run(TicketCommand::Start).await.expect("start");
    run(TicketCommand::Complete { notes: WorkNotes::new("new amp").unwrap() }).await.expect("complete");
    let done = w.service.handle_ticket(w.customer(0), id, TicketCommand::Close).await.expect("close");
    assert_eq!(done.status(), TicketStatus::Closed);
    assert_eq!(done.description.as_str(), long);
    assert_eq!(done.assignments.len(), 2);
    let stored = w.service.ticket(admin, id).await.expect("load");
    let replayed: Ticket = w.service.replayed(id).await.expect("replay");
    assert_eq!(stored, done);
    assert_eq!(replayed, stored);
    let history = w.service.ticket_history(w.customer(0), id).await.expect("history");
    let names: Vec<_> = history.iter().map(|e| crate::EventName::name(&e.payload)).collect();
    assert_eq!(
        names,
        [
            "TicketSubmitted",
            "TicketAssigned",
            "AssignmentRejected",
            "TicketAssigned",
            "AssignmentAccepted",
            "WorkStarted",
            "WorkCompleted",
            "TicketClosed"
        ]
    );
    assert!(history.iter().enumerate().all(|(i, e)| e.sequence == Sequence(i as u64 + 1)));
}

async fn open_ids<S: Store>(w: &World<S>) -> Vec<crate::TicketId> {
    let open = w.service.tickets(w.manager, TicketFilter::open(), Page::first(100)).await.expect("open");
    open.iter().map(|t| t.id).collect()
}

pub async fn the_open_ticket_query_follows_every_transition<S: Store>(store: S) {
    let w = world(store).await;
    let t = submit(&w, 0, "no sound").await;
    assert_eq!(open_ids(&w).await, [t.id]);
    w.service.assign_ticket(Actor::system(), t.id, w.experts[0].id, None).await.expect("assign");
    assert!(open_ids(&w).await.is_empty());
    w.service
        .handle_ticket(w.expert(0), t.id, TicketCommand::Reject { reason: Reason::new("sick").unwrap() })
        .await
        .expect("reject");
    assert_eq!(open_ids(&w).await, [t.id], "a rejected ticket is open again");
    w.service.assign_ticket(Actor::system(), t.id, w.experts[1].id, None).await.expect("assign");
    w.clock.advance(chrono::Duration::hours(1)).unwrap();
    w.service.handle_ticket(Actor::system(), t.id, TicketCommand::Expire).await.expect("expire");
    assert_eq!(open_ids(&w).await, [t.id], "an expired offer reopens the ticket");
    w.service
        .handle_ticket(w.helpdesk, t.id, TicketCommand::Cancel { reason: Reason::new("fixed").unwrap() })
        .await
        .expect("cancel");
    assert!(open_ids(&w).await.is_empty());
}

pub async fn tickets_are_listed_by_customer_and_expert<S: Store>(store: S) {
    let w = world(store).await;
    let a = submit(&w, 0, "a").await;
    let b = submit(&w, 1, "b").await;
    let c = submit(&w, 0, "c").await;
    w.service.assign_ticket(w.admin, c.id, w.experts[1].id, None).await.expect("assign");
    let mine = w.service.tickets(w.customer(0), TicketFilter::of_customer(w.customers[0].id), Page::first(10)).await;
    assert_eq!(mine.expect("own").iter().map(|t| t.id).collect::<Vec<_>>(), [a.id, c.id]);
    let theirs = w.service.tickets(w.customer(0), TicketFilter::of_customer(w.customers[1].id), Page::first(10)).await;
    assert!(matches!(theirs, Err(Error::Forbidden(_))), "a customer cannot list another's tickets");
    let assigned = w.service.tickets(w.expert(1), TicketFilter::of_expert(w.experts[1].id), Page::first(10)).await;
    assert_eq!(assigned.expect("own").iter().map(|t| t.id).collect::<Vec<_>>(), [c.id]);
    let filter = TicketFilter { status: Some(TicketStatus::Open), customer: Some(w.customers[1].id), expert: None };
    let open_b = w.service.tickets(w.helpdesk, filter, Page::first(10)).await.expect("combined");
    assert_eq!(open_b.iter().map(|t| t.id).collect::<Vec<_>>(), [b.id]);
}

pub async fn listings_page_by_id_without_gaps_or_repeats<S: Store>(store: S) {
    let w = world(store).await;
    let mut submitted = Vec::new();
    for i in 0..23 {
        submitted.push(submit(&w, i % 3, &format!("ticket {i}")).await.id);
    }
    let mut seen = Vec::new();
    let mut page = Page::first(5);
    loop {
        let rows = w.service.tickets(w.manager, TicketFilter::open(), page).await.expect("page");
        assert!(rows.len() <= 5);
        let Some(last) = rows.last() else { break };
        page = Page::after(last.id, 5);
        seen.extend(rows.iter().map(|t| t.id));
    }
    assert_eq!(seen, submitted, "every ticket once, in submission order");
}

pub async fn experts_are_found_by_skill_level_area_and_activity<S: Store>(store: S) {
    let mut w = world(store).await;
    let master = w.add_expert(7, 5).await.expect("expert");
    let far = w.add_expert(8, 3).await.expect("expert");
    let denver = GeoPoint::new(39.7392, -104.9903).expect("point");
    let area = ExpertCommand::SetServiceArea { base: denver, radius_km: RadiusKm::new(50).expect("radius") };
    w.service.update_expert(w.admin, far.id, area).await.expect("move");
    w.service.update_expert(w.admin, w.experts[1].id, ExpertCommand::SetActive(false)).await.expect("deactivate");
    let find = |query| w.service.find_experts(w.helpdesk, query, Page::first(100));
    let ids = |experts: store::Listing<crate::Expert>| experts.iter().map(|e| e.id).collect::<Vec<_>>();
    let tv = Some(ProductCategory::Television);
    let level4 =
        ExpertQuery { category: tv, min_level: Some(SkillLevel::new(4).expect("level")), ..Default::default() };
    assert_eq!(ids(find(level4).await.expect("find")), [master.id]);
    let active_chicago = ExpertQuery {
        category: tv,
        serving: Some(super::fixtures::chicago()),
        active_only: true,
        ..Default::default()
    };
    assert_eq!(ids(find(active_chicago).await.expect("find")), [w.experts[0].id, master.id]);
    let in_denver = ExpertQuery { serving: Some(denver), ..Default::default() };
    assert_eq!(ids(find(in_denver).await.expect("find")), [far.id]);
    let printers = ExpertQuery { category: Some(ProductCategory::Printer), ..Default::default() };
    assert!(find(printers).await.expect("find").is_empty());
}

pub async fn random_workflows_keep_every_invariant<S: Store>(store: S) {
    let mut sim = Simulation::new(store).await.expect("simulation");
    // A fixed pseudo-random walk (xorshift) long enough to visit every transition.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..600 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let [kind, ticket, who, a, b, ..] = x.to_le_bytes();
        let op = super::model::Op { kind, ticket, who, arg: u16::from_le_bytes([a, b]) };
        if let Err(violation) = sim.step(op).await {
            panic!("{op:?}: {violation}");
        }
    }
    for kind in ["Submit", "Assign", "Accept", "Reject", "Start", "Complete", "Close"] {
        assert!(sim.accepted.get(kind).copied().unwrap_or(0) > 0, "the walk never did {kind}: {:?}", sim.accepted);
    }
}

async fn drain<S: Store>(store: &S, consumer: &ConsumerName) -> Vec<OutboxEntry> {
    store.poll(consumer, 100_000).await.expect("poll")
}

pub async fn the_outbox_delivers_every_event_in_commit_order_until_acked<S: Store>(store: S) {
    let w = world(store).await;
    let t = submit(&w, 0, "dead pixels").await;
    w.service.assign_ticket(w.admin, t.id, w.experts[0].id, None).await.expect("assign");
    submit(&w, 1, "no sound").await;
    w.service.handle_ticket(w.expert(0), t.id, TicketCommand::Accept).await.expect("accept");
    let store = w.service.store();
    let notifications = ConsumerName::new("notifications").expect("name");
    let all = drain(store, &notifications).await;
    assert!(all.windows(2).all(|p| p[0].position < p[1].position), "positions increase");
    let ticket_events: Vec<_> = all.iter().filter(|e| e.event.stream.id == t.id.as_uuid()).collect();
    let names: Vec<_> = ticket_events.iter().map(|e| e.event.name.as_str()).collect();
    assert_eq!(names, ["TicketSubmitted", "TicketAssigned", "AssignmentAccepted"], "per aggregate in order");
    let stored = store.events(StreamId::new(Ticket::KIND, t.id)).await.expect("events");
    assert_eq!(ticket_events.iter().map(|e| e.event.clone()).collect::<Vec<_>>(), stored, "the same events");
    assert_eq!(drain(store, &notifications).await, all, "nothing acked, everything delivered again");

    let half = all[all.len() / 2].position;
    store.ack(&notifications, half).await.expect("ack");
    let rest = drain(store, &notifications).await;
    assert_eq!(rest, all.iter().filter(|e| e.position > half).cloned().collect::<Vec<_>>());
    let limited = store.poll(&notifications, 2).await.expect("poll");
    assert_eq!(limited, rest[..2]);

    let reports = ConsumerName::new("reports").expect("name");
    assert_eq!(drain(store, &reports).await, all, "each consumer has its own cursor");
    let last = all.last().expect("events").position;
    store.ack(&notifications, last).await.expect("ack all");
    assert!(drain(store, &notifications).await.is_empty());
    let later = submit(&w, 2, "later").await;
    let new = drain(store, &notifications).await;
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].event.stream.id, later.id.as_uuid());
    assert!(new[0].position > last);
}

pub async fn acks_never_move_back_or_past_the_end<S: Store>(store: S) {
    let w = world(store).await;
    let store = w.service.store();
    let consumer = ConsumerName::new("assignment").expect("name");
    let all = drain(store, &consumer).await;
    let last = all.last().expect("fixtures wrote events").position;
    store.ack(&consumer, last).await.expect("ack");
    store.ack(&consumer, all[0].position).await.expect("an older ack is harmless");
    assert!(drain(store, &consumer).await.is_empty(), "the cursor did not move back");
    match store.ack(&consumer, last + 1_000).await {
        Err(StoreError::AckBeyondEnd { position, .. }) => assert_eq!(position, last + 1_000),
        other => panic!("acking past the end must fail, got {other:?}"),
    }
    submit(&w, 0, "after").await;
    assert_eq!(drain(store, &consumer).await.len(), 1, "the refused ack skipped nothing");
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

/// `states` walks every record of a kind once, in id order, page by page; the audit of a
/// healthy store quarantines nothing.
pub async fn every_record_is_walked_once_by_kind_and_passes_the_audit<S: Store>(store: S) {
    let w = world(store).await;
    for n in 0..5 {
        submit(&w, n % 3, &format!("walk {n}")).await;
    }
    let expected = [
        (AggregateKind::Plan, 1),
        (AggregateKind::Customer, 3),
        (AggregateKind::Expert, 2),
        (AggregateKind::StaffAccount, 5),
        (AggregateKind::Ticket, 5),
    ];
    for (kind, count) in expected {
        let mut walked = Vec::new();
        let mut page = Page::first(2);
        loop {
            let rows = w.service.store().states(kind, page).await.expect("states");
            assert!(rows.len() <= 2);
            assert!(rows.iter().all(|r| r.stream.kind == kind));
            let Some(last) = rows.last() else { break };
            page = Page::after(last.stream.id, 2);
            walked.extend(rows.iter().map(|r| r.stream.id));
        }
        assert_eq!(walked.len(), count, "{kind:?}");
        assert!(walked.windows(2).all(|p| p[0] < p[1]), "{kind:?} in id order, once each");

        let audit = w.service.quarantined_records(w.admin, kind, Page::first(100)).await.expect("audit");
        assert_eq!((audit.len(), audit.quarantined.len(), audit.next), (count, 0, None), "{kind:?}");
    }
    let refused = w.service.quarantined_records(w.helpdesk, AggregateKind::Ticket, Page::first(10)).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))));
}
