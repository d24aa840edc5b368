//! The outbox: delivery in commit order, cursors, acks.

use super::{submit, world};
use crate::store::{ConsumerName, OutboxEntry};
use crate::{Aggregate, Store, StoreError, StreamId, Ticket, TicketCommand};

/// Generates one `#[test]` per [`Outbox`](crate::store::Outbox) case for a backend; see
/// [`store_conformance_tests!`](crate::store_conformance_tests) for the arguments.
#[macro_export]
macro_rules! outbox_conformance_tests {
    ($block_on:path, $fresh:expr) => {
        $crate::outbox_conformance_tests!($block_on, $fresh, skip_unless = true);
    };
    ($block_on:path, $fresh:expr, skip_unless = $available:expr) => {
        $crate::conformance_cases!($block_on, $fresh, $available;
            the_outbox_delivers_every_event_in_commit_order_until_acked,
            acks_never_move_back_or_past_the_end,
        );
    };
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
