//! Helpdesk search: a caller found by phone in any formatting, email, name words (any case,
//! any accents) and ticket number; their tickets narrowed by status and time; pages without
//! repeats; only staff may search; and anything typed answered without an engine error.

use super::world;
use crate::customer::{Contact, Customer, CustomerCommand};
use crate::helpdesk::{Found, LookupKind, TicketSearch, Window};
use crate::testing::fixtures::{World, address, chicago, tv_ticket};
use crate::{Clock, Email, Error, MessageChannel, PersonName, Phone, Store, Ticket, TicketCommand, TicketStatus};
use chrono::Duration;

/// Generates one `#[test]` per [`HelpdeskStore`](crate::store::HelpdeskStore) case for a
/// backend; see [`store_conformance_tests!`](crate::store_conformance_tests) for the arguments.
#[macro_export]
macro_rules! helpdesk_store_conformance_tests {
    ($block_on:path, $fresh:expr) => {
        $crate::helpdesk_store_conformance_tests!($block_on, $fresh, skip_unless = true);
    };
    ($block_on:path, $fresh:expr, skip_unless = $available:expr) => {
        $crate::conformance_cases!($block_on, $fresh, $available;
            a_caller_is_found_by_phone_in_any_formatting_by_email_and_by_name,
            tickets_are_found_by_number_and_by_caller_narrowed_by_status_and_time,
            helpdesk_results_page_without_repeats_and_only_staff_may_search,
            a_customer_is_found_by_their_new_details_only,
            anything_typed_into_the_helpdesk_box_finds_callers_or_is_a_typed_error,
        );
    };
}

fn contact(name: &str, email: &str, phone: &str) -> Contact {
    Contact {
        name: PersonName::new(name).expect("name"),
        email: Email::new(email).expect("email"),
        phone: Phone::new(phone).expect("phone"),
        prefers: MessageChannel::Email,
    }
}

async fn register<S: Store>(w: &World<S>, name: &str, email: &str, phone: &str) -> Customer {
    let contact = contact(name, email, phone);
    w.service.register_customer(w.helpdesk, contact, address(chicago()), w.plan.id).await.expect("register")
}

async fn callers<S: Store>(w: &World<S>, text: &str) -> Vec<String> {
    let found = w.service.find_customers(w.helpdesk, text, first_page()).await.expect(text);
    found.items.iter().map(|c| c.contact.name.to_string()).collect()
}

fn first_page() -> Window {
    Window::new(0, 20).expect("window")
}

/// José García, Joseph Garcia-Lopez, Ana Garcia and Bob Smith, whose number ends like José's.
async fn garcias<S: Store>(w: &World<S>) -> Vec<Customer> {
    vec![
        register(w, "José García", "Jose.Garcia@Example.com", "+13125550100").await,
        register(w, "Joseph Garcia-Lopez", "jgl@example.com", "+13125550199").await,
        register(w, "Ana Garcia", "ana@example.co.uk", "+442079460958").await,
        register(w, "Bob Smith", "bob@example.com", "+16175550100").await,
    ]
}

pub async fn a_caller_is_found_by_phone_in_any_formatting_by_email_and_by_name<S: Store>(store: S) {
    let w = world(store).await;
    garcias(&w).await;
    for typed in ["(312) 555-0100", "312.555.0100", "+1 312 555 0100", "001 312 555 0100", "13125550100"] {
        assert_eq!(callers(&w, typed).await, ["José García"], "{typed}");
    }
    // Seven digits match every number ending with them.
    assert_eq!(callers(&w, "555-0100").await, ["Bob Smith", "José García"]);
    assert_eq!(callers(&w, "+44 20 7946 0958").await, ["Ana Garcia"]);
    assert_eq!(callers(&w, "+1 555 0100").await, Vec::<String>::new(), "a country code asks for the whole number");

    assert_eq!(callers(&w, "JOSE.GARCIA@example.COM").await, ["José García"]);
    assert_eq!(callers(&w, "jose@example.com").await, Vec::<String>::new());

    // Each typed word starts a word of the name, whatever the case and accents.
    assert_eq!(callers(&w, "garc").await, ["Ana Garcia", "José García", "Joseph Garcia-Lopez"]);
    assert_eq!(callers(&w, "GARCÍA josé").await, ["José García", "Joseph Garcia-Lopez"], "whole words first");
    assert_eq!(callers(&w, "lopez").await, ["Joseph Garcia-Lopez"]);
    assert_eq!(callers(&w, "smith garcia").await, Vec::<String>::new());

    let found = w.service.find_customers(w.helpdesk, "(312) 555-0100", first_page()).await.expect("search");
    assert_eq!(found.matched_by, Some(LookupKind::Phone));
    assert_eq!(found.next_offset, None);
}

pub async fn tickets_are_found_by_number_and_by_caller_narrowed_by_status_and_time<S: Store>(store: S) {
    let w = world(store).await;
    let people = garcias(&w).await;
    let (jose, bob) = (&people[0], &people[3]);
    let submit = |customer: &Customer, text: &str| {
        let (w, id, text) = (&w, customer.id, text.to_owned());
        async move { w.service.submit_ticket(w.helpdesk, id, tv_ticket(&text)).await.expect("submit") }
    };
    let first = submit(jose, "no picture").await;
    w.clock.advance(Duration::hours(2)).expect("clock");
    let later = w.clock.now();
    let second = submit(jose, "no sound").await;
    let bobs = submit(bob, "remote lost").await;
    let tickets = |search: TicketSearch| {
        let w = &w;
        async move {
            let found: Found<Ticket> = w.service.find_tickets(w.helpdesk, &search, first_page()).await.expect("search");
            found.items.iter().map(|t| t.id).collect::<Vec<_>>()
        }
    };
    let text = |t: &str| TicketSearch { text: Some(t.to_owned()), ..TicketSearch::default() };

    // The number a customer reads out, however they read it.
    let number = first.number().to_string();
    assert_eq!(tickets(text(&number)).await, [first.id]);
    assert_eq!(tickets(text(&number.to_lowercase().replace('-', " "))).await, [first.id]);
    assert_eq!(tickets(text(&first.id.to_string())).await, [first.id]);
    let customers = w.service.find_customers(w.helpdesk, &number, first_page()).await.expect("by number");
    assert_eq!(customers.items.iter().map(|c| c.id).collect::<Vec<_>>(), [jose.id]);
    assert_eq!(customers.matched_by, Some(LookupKind::TicketNumber));

    // A caller's tickets, newest first, narrowed by status and submission time.
    assert_eq!(tickets(text("(312) 555-0100")).await, [second.id, first.id]);
    let cancel = TicketCommand::Cancel { reason: crate::Reason::new("fixed itself").expect("reason") };
    w.service.handle_ticket(w.helpdesk, first.id, cancel).await.expect("cancel");
    let open = TicketSearch { status: Some(TicketStatus::Open), ..text("garcia jose") };
    assert_eq!(tickets(open).await, [second.id]);
    let since = TicketSearch { submitted_from: Some(later), ..text("José") };
    assert_eq!(tickets(since).await, [second.id]);
    let before = TicketSearch { submitted_to: Some(later), ..text("josé") };
    assert_eq!(tickets(before).await, [first.id]);
    // No text: everybody's, newest first.
    assert_eq!(tickets(TicketSearch::default()).await, [bobs.id, second.id, first.id]);
    let open = TicketSearch { status: Some(TicketStatus::Open), ..TicketSearch::default() };
    assert_eq!(tickets(open).await, [bobs.id, second.id]);
}

pub async fn helpdesk_results_page_without_repeats_and_only_staff_may_search<S: Store>(store: S) {
    let w = world(store).await;
    for n in 0..12 {
        register(&w, &format!("Pat Lee {n:02}"), &format!("pat{n}@example.com"), &format!("+1617555{n:04}")).await;
    }
    let mut seen = Vec::new();
    let mut offset = Some(0);
    while let Some(at) = offset {
        let page =
            w.service.find_customers(w.helpdesk, "lee", Window::new(at, 5).expect("window")).await.expect("page");
        assert!(page.items.len() <= 5);
        seen.extend(page.items.iter().map(|c| c.contact.name.to_string()));
        offset = page.next_offset;
    }
    let expected: Vec<String> = (0..12).map(|n| format!("Pat Lee {n:02}")).collect();
    assert_eq!(seen, expected, "every match once, in name order");

    for actor in [w.manager, w.admin] {
        assert!(w.service.find_customers(actor, "lee", first_page()).await.is_ok());
    }
    for actor in [w.customer(0), w.expert(0)] {
        let refused = w.service.find_customers(actor, "lee", first_page()).await;
        assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
        let refused = w.service.find_tickets(actor, &TicketSearch::default(), first_page()).await;
        assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    }
}

pub async fn a_customer_is_found_by_their_new_details_only<S: Store>(store: S) {
    let w = world(store).await;
    let ana = register(&w, "Ana Garcia", "ana@example.com", "+13125550100").await;
    let married = contact("Ana Müller", "ana.mueller@example.com", "+13125550177");
    w.service.update_customer(w.helpdesk, ana.id, CustomerCommand::UpdateContact(married)).await.expect("update");
    assert_eq!(callers(&w, "garcia").await, Vec::<String>::new());
    assert_eq!(callers(&w, "ana@example.com").await, Vec::<String>::new());
    assert_eq!(callers(&w, "312 555 0100").await, Vec::<String>::new());
    assert_eq!(callers(&w, "muller ana").await, ["Ana Müller"]);
    assert_eq!(callers(&w, "ANA.MUELLER@EXAMPLE.COM").await, ["Ana Müller"]);
    assert_eq!(callers(&w, "555 0177").await, ["Ana Müller"]);
}

pub async fn anything_typed_into_the_helpdesk_box_finds_callers_or_is_a_typed_error<S: Store>(store: S) {
    let w = world(store).await;
    garcias(&w).await;
    let long = "garcia ".repeat(2_000);
    let typed = [
        "%",
        "_",
        "garc%",
        "g_rc",
        "'; DROP TABLE customers; --",
        "\\",
        "\"",
        "*",
        "(",
        ")",
        "+",
        "@",
        "@@",
        "a@",
        "0",
        "0000000",
        "+0000000",
        "1234567890123456",
        "🙂 garcia",
        "garcia\u{0}",
        "\u{10FFFF}",
        "ǅ",
        "İstanbul",
        "x@y\u{7}",
        &long,
        "00",
        "HX4TZ-9K2M7",
        "00000000-0000-0000-0000-000000000000",
    ];
    for text in typed {
        match w.service.find_customers(w.helpdesk, text, first_page()).await {
            Ok(found) => assert!(found.items.len() <= 4, "{text:?}"),
            Err(Error::Invalid(_)) => {}
            Err(other) => panic!("{text:?}: {other:?}"),
        }
        let search = TicketSearch { text: Some(text.to_owned()), ..TicketSearch::default() };
        match w.service.find_tickets(w.helpdesk, &search, first_page()).await {
            Ok(_) | Err(Error::Invalid(_)) => {}
            Err(other) => panic!("{text:?}: {other:?}"),
        }
    }
    assert_eq!(callers(&w, "garc%").await, ["Ana Garcia", "José García", "Joseph Garcia-Lopez"], "% is no wildcard");
}
