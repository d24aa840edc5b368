//! The event store: commits, versions, loads, histories, the integrity walk.

use super::{submit, ticket_change, world};
use crate::store::{self, Change, Page, TicketFilter};
use crate::testing::model::Simulation;
use crate::{
    Aggregate, AggregateKind, Description, Error, NewTicket, ProductCategory, Reason, Sequence, SkillLevel, Store,
    StoreError, StreamId, Ticket, TicketCommand, TicketStatus, WorkNotes,
};

/// Generates one `#[test]` per [`EventStore`](crate::store::EventStore) case for a backend; see
/// [`store_conformance_tests!`](crate::store_conformance_tests) for the arguments.
#[macro_export]
macro_rules! event_store_conformance_tests {
    ($block_on:path, $fresh:expr) => {
        $crate::event_store_conformance_tests!($block_on, $fresh, skip_unless = true);
    };
    ($block_on:path, $fresh:expr, skip_unless = $available:expr) => {
        $crate::conformance_cases!($block_on, $fresh, $available;
            a_new_stream_commits_and_loads_back,
            a_stale_version_is_a_conflict_and_writes_nothing,
            a_commit_of_several_streams_is_all_or_nothing,
            a_page_of_new_and_moved_streams_commits_at_once,
            a_stale_change_in_a_page_writes_nothing_of_the_page,
            a_malformed_change_is_refused,
            unknown_streams_are_absent_not_errors,
            concurrent_writers_of_one_version_exactly_one_wins,
            a_conflict_among_concurrent_commits_fails_alone,
            the_whole_workflow_round_trips_and_replays,
            random_workflows_keep_every_invariant,
            every_record_is_walked_once_by_kind_and_passes_the_audit,
        );
    };
}

pub async fn a_new_stream_commits_and_loads_back<S: Store>(store: S) {
    let w = world(store).await;
    let (ticket, change) = ticket_change(&w, 0);
    w.service.store().commit(vec![change]).await.expect("commit");
    let loaded: Ticket = store::load(w.service.store(), ticket.id).await.expect("load").expect("present");
    assert_eq!(loaded, ticket);
    // Many at once: the ones that exist, of the kind asked for, each once.
    let ids = [ticket.id.as_uuid(), uuid::Uuid::from_u128(7), ticket.id.as_uuid(), w.customers[0].id.as_uuid()];
    let many = w.service.store().load_many(Ticket::KIND, &ids).await.expect("load many");
    assert_eq!(many.len(), 1);
    assert_eq!(store::decode_state::<Ticket>(&many[0]).expect("decodes"), ticket);
    let customers = w.service.store().load_many(crate::AggregateKind::Customer, &ids).await.expect("customers");
    assert_eq!(customers.iter().map(|s| s.stream.id).collect::<Vec<_>>(), [w.customers[0].id.as_uuid()]);
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

/// `ticket` cancelled by the administrator, as a change against its stored version.
fn cancelled(w: &super::World<impl Store>, ticket: &Ticket, version: Sequence) -> (Ticket, Change) {
    let ids = crate::SequentialIds::new(5_000);
    let ctx = crate::Ctx::new(w.admin, crate::testing::fixtures::t0(), &ids);
    let command = TicketCommand::Cancel { reason: Reason::new("customer moved away").expect("reason") };
    let events = crate::Decide::decide(ticket, &command, &ctx).expect("decide");
    let next = crate::applied(ticket, &events).expect("apply");
    let change = Change::of(version, &next, &events).expect("encode");
    (next, change)
}

/// A page of changes (the billing run commits hundreds at once) is written in a few
/// statements per table: new and moved streams together, with their events, outbox rows and
/// index rows exactly as if written one by one.
pub async fn a_page_of_new_and_moved_streams_commits_at_once<S: Store>(store: S) {
    let w = world(store).await;
    let store = w.service.store();
    let (first, first_new) = ticket_change(&w, 0);
    let (second, second_new) = ticket_change(&w, 1);
    store.commit(vec![first_new, second_new]).await.expect("two new streams at once");
    let (first_cancelled, first_moved) = cancelled(&w, &first, Sequence(1));
    let (second_cancelled, second_moved) = cancelled(&w, &second, Sequence(1));
    let (third, third_new) = ticket_change(&w, 2);
    store.commit(vec![first_moved, third_new, second_moved]).await.expect("a page of new and moved streams");

    for (id, expected, events) in
        [(first.id, &first_cancelled, 2), (second.id, &second_cancelled, 2), (third.id, &third, 1)]
    {
        assert_eq!(store::load::<Ticket, S>(store, id).await.expect("load").as_ref(), Some(expected));
        let stored = store.events(StreamId::new(Ticket::KIND, id)).await.expect("events");
        assert_eq!(stored.len(), events, "every event of {id}");
        assert_eq!(
            stored.last().map(|e| e.name.as_str()),
            Some(if events == 2 { "TicketCancelled" } else { "TicketSubmitted" })
        );
    }
    let open = store.tickets(TicketFilter::open(), Page::first(10)).await.expect("listing");
    let open: Vec<_> = open.iter().map(|s| s.stream.id).collect();
    assert_eq!(open, vec![third.id.as_uuid()], "the index rows follow the page");
    let delivered = store.poll(&crate::store::ConsumerName::new("page").expect("name"), 1_000).await.expect("poll");
    let of = |id: crate::TicketId| delivered.iter().filter(|e| e.event.stream.id == id.as_uuid()).count();
    assert_eq!((of(first.id), of(second.id), of(third.id)), (2, 2, 1), "every event reaches the outbox once");
}

/// One stale change refuses its whole page: nothing of the page is written, and the conflict
/// names the stale stream and the version found.
pub async fn a_stale_change_in_a_page_writes_nothing_of_the_page<S: Store>(store: S) {
    let w = world(store).await;
    let store = w.service.store();
    let (first, first_new) = ticket_change(&w, 0);
    let (second, second_new) = ticket_change(&w, 1);
    store.commit(vec![first_new, second_new]).await.expect("two new streams");
    let (_, first_moved) = cancelled(&w, &first, Sequence(1));
    store.commit(vec![first_moved.clone()]).await.expect("cancelled by someone else first");
    let (_, second_moved) = cancelled(&w, &second, Sequence(1));
    let (third, third_new) = ticket_change(&w, 2);
    match store.commit(vec![third_new, second_moved, first_moved]).await {
        Err(StoreError::Conflict { stream, expected, actual }) => {
            assert_eq!(stream, StreamId::new(Ticket::KIND, first.id));
            assert_eq!((expected, actual), (Sequence(1), Sequence(2)));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert!(store::load::<Ticket, S>(store, third.id).await.expect("load").is_none(), "the new stream was not written");
    let second_now: Ticket = store::load(store, second.id).await.expect("load").expect("present");
    assert_eq!(second_now.status(), TicketStatus::Open, "the fresh change was not written either");
    assert_eq!(store.events(StreamId::new(Ticket::KIND, second.id)).await.expect("events").len(), 1);
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
    assert!(store.load_many(Ticket::KIND, &[stream.id]).await.expect("load many").is_empty());
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

/// Commits that arrive together may be stored together (group commit): a conflicting one among
/// them fails alone, and every other is stored.
pub async fn a_conflict_among_concurrent_commits_fails_alone<S: Store>(store: S) {
    let w = world(store).await;
    let ticket = submit(&w, 0, "flicker").await;
    let cancels = (0..4).map(|i| {
        let reason = Reason::new(format!("attempt {i}")).expect("reason");
        futures::future::Either::Left(w.service.handle_ticket(w.admin, ticket.id, TicketCommand::Cancel { reason }))
    });
    let submissions = (0..12).map(|i| {
        let customer = i % w.customers.len();
        futures::future::Either::Right(w.service.submit_ticket(
            w.customer(customer),
            w.customers[customer].id,
            crate::testing::fixtures::tv_ticket(&format!("crowd {i}")),
        ))
    });
    let results = futures::future::join_all(cancels.chain(submissions)).await;
    let (cancelled, submitted) = results.split_at(4);
    assert_eq!(cancelled.iter().filter(|r| r.is_ok()).count(), 1, "{cancelled:?}");
    assert!(submitted.iter().all(Result::is_ok), "a conflict failed others with it: {submitted:?}");
    for stored in submitted.iter().flatten() {
        let history = w.service.ticket_history(w.admin, stored.id).await.expect("history");
        assert_eq!(history.len(), 1, "each submission stored once");
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

pub async fn random_workflows_keep_every_invariant<S: Store>(store: S) {
    let mut sim = Simulation::new(store).await.expect("simulation");
    // A fixed pseudo-random walk (xorshift) long enough to visit every transition.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..600 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let [kind, ticket, who, a, b, ..] = x.to_le_bytes();
        let op = crate::testing::model::Op { kind, ticket, who, arg: u16::from_le_bytes([a, b]) };
        if let Err(violation) = sim.step(op).await {
            panic!("{op:?}: {violation}");
        }
    }
    for kind in ["Submit", "Assign", "Accept", "Reject", "Start", "Complete", "Close", "WaitForCustomer", "Reply"] {
        assert!(sim.accepted.get(kind).copied().unwrap_or(0) > 0, "the walk never did {kind}: {:?}", sim.accepted);
    }
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
