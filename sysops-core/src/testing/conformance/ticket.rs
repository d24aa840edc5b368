//! Ticket queries: the listing by status, customer and expert, and its paging.

use super::{submit, world};
use crate::store::{Page, TicketFilter};
use crate::testing::fixtures::World;
use crate::{Actor, Error, Reason, Store, TicketCommand, TicketStatus};

/// Generates one `#[test]` per [`TicketStore`](crate::store::TicketStore) case for a backend; see
/// [`store_conformance_tests!`](crate::store_conformance_tests) for the arguments.
#[macro_export]
macro_rules! ticket_store_conformance_tests {
    ($block_on:path, $fresh:expr) => {
        $crate::ticket_store_conformance_tests!($block_on, $fresh, skip_unless = true);
    };
    ($block_on:path, $fresh:expr, skip_unless = $available:expr) => {
        $crate::conformance_cases!($block_on, $fresh, $available;
            the_open_ticket_query_follows_every_transition,
            tickets_are_listed_by_customer_and_expert,
            listings_page_by_id_without_gaps_or_repeats,
            counts_match_the_listings_and_follow_the_same_rules,
        );
    };
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

pub async fn counts_match_the_listings_and_follow_the_same_rules<S: Store>(store: S) {
    let w = world(store).await;
    let first = submit(&w, 0, "a").await;
    submit(&w, 0, "b").await;
    submit(&w, 1, "c").await;
    w.service.assign_ticket(w.admin, first.id, w.experts[0].id, None).await.expect("assign");
    let open_of_0 = TicketFilter { status: Some(TicketStatus::Open), ..TicketFilter::of_customer(w.customers[0].id) };
    assert_eq!(w.service.count_tickets(w.customer(0), open_of_0).await.expect("own count"), 1);
    let all_of_0 = TicketFilter::of_customer(w.customers[0].id);
    assert_eq!(w.service.count_tickets(w.helpdesk, all_of_0).await.expect("helpdesk count"), 2);
    assert_eq!(w.service.count_tickets(w.manager, TicketFilter::open()).await.expect("open count"), 2);
    let offered = TicketFilter::of_expert(w.experts[0].id);
    assert_eq!(w.service.count_tickets(w.expert(0), offered).await.expect("expert count"), 1);
    for filter in [open_of_0, all_of_0, TicketFilter::open(), offered, TicketFilter::default()] {
        let listed = w.service.tickets(w.admin, filter, Page::first(Page::MAX_LIMIT)).await.expect("listing");
        let counted = w.service.count_tickets(w.admin, filter).await.expect("count");
        assert_eq!(counted, listed.len() as u64, "{filter:?}");
    }
    let theirs = w.service.count_tickets(w.customer(0), TicketFilter::of_customer(w.customers[1].id)).await;
    assert!(matches!(theirs, Err(Error::Forbidden(_))), "a customer cannot count another's tickets");
}
