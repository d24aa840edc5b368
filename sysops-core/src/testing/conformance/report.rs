//! Reports: the projector folds the events into read models and the database computes each
//! report over them; every figure equals one counted straight from the raw events, a rebuilt
//! read model equals the live one, and only managers and administrators read them.

use super::world;
use crate::customer::Customer;
use crate::persist::{Page, decode_event};
use crate::report::{CustomerFacts, Projection, ReportRange, TicketingRow};
use crate::testing::fixtures::{World, address, chicago, contact, plan_terms, tv_ticket};
use crate::text::{AddressLine, PlanName, Reason, WorkNotes};
use crate::ticket::{Deadline, TicketEvent};
use crate::{
    Actor, AggregateKind, Clock, Error, Priority, Sequence, Store, Ticket, TicketCommand, TicketStatus, WarnAt,
};
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, HashMap};

/// Generates one `#[test]` per report case for a backend; see
/// [`store_conformance_tests!`](crate::store_conformance_tests) for the arguments.
#[macro_export]
macro_rules! report_store_conformance_tests {
    ($block_on:path, $fresh:expr) => {
        $crate::report_store_conformance_tests!($block_on, $fresh, skip_unless = true);
    };
    ($block_on:path, $fresh:expr, skip_unless = $available:expr) => {
        $crate::conformance_cases!($block_on, $fresh, $available;
            the_ticketing_report_equals_a_count_over_the_raw_events_and_survives_a_rebuild,
            a_fact_is_never_replaced_by_one_that_took_in_fewer_events,
        );
    };
}

/// Runs the projector until it has folded in every event.
async fn project_all<S: Store>(w: &World<S>) {
    while !w.service.project_reports(Actor::system(), 97).await.expect("project").idle() {}
}

/// A history of 36 tickets from customers in two regions on two plans: left open, expired,
/// rejected, completed, closed, reopened, cancelled, waiting on the customer and answered,
/// with response and resolution deadlines missed on the way.
async fn history<S: Store>(w: &mut World<S>) -> Vec<DateTime<Utc>> {
    let (admin, helpdesk) = (w.admin, w.helpdesk);
    let mut terms = plan_terms();
    terms.name = PlanName::new("Business Critical").expect("name");
    terms.priority = Priority::Critical;
    let critical = w.service.define_plan(admin, terms).await.expect("plan");
    let mut wisconsin = address(chicago());
    wisconsin.region = AddressLine::new("WI").expect("region");
    let moved = w.service.register_customer(helpdesk, contact(3), wisconsin, w.plan.id).await.expect("customer");
    let vip = w.service.register_customer(helpdesk, contact(4), address(chicago()), critical.id).await.expect("vip");
    w.customers.extend([moved, vip]);
    let reason = || Reason::new("the model number").expect("reason");
    let notes = || WorkNotes::new("Replaced the board").expect("notes");
    let mut submitted = Vec::new();
    for n in 0..36 {
        w.clock.advance(Duration::minutes(7)).expect("clock");
        submitted.push(w.clock.now());
        let owner = n % w.customers.len();
        let customer = w.customer(owner);
        let ticket = w.service.submit_ticket(customer, w.customers[owner].id, tv_ticket("No picture")).await;
        let id = ticket.expect("submit").id;
        let expert = w.expert(n % 2);
        let act = |actor: Actor, command: TicketCommand| {
            let service = &w.service;
            async move { service.handle_ticket(actor, id, command).await.expect("step") }
        };
        let scenario = n % 9;
        if scenario == 0 {
            continue;
        }
        if scenario == 6 {
            act(admin, TicketCommand::Cancel { reason: reason() }).await;
            continue;
        }
        w.service.assign_ticket(Actor::system(), id, w.experts[n % 2].id, None).await.expect("assign");
        match scenario {
            1 => continue,
            2 => {
                act(expert, TicketCommand::Reject { reason: reason() }).await;
                continue;
            }
            _ => act(expert, TicketCommand::Accept).await,
        };
        if scenario >= 7 {
            act(expert, TicketCommand::WaitForCustomer { reason: reason() }).await;
            if scenario == 8 {
                act(customer, TicketCommand::Reply).await;
            }
            continue;
        }
        act(expert, TicketCommand::Start).await;
        act(expert, TicketCommand::Complete { notes: notes() }).await;
        match scenario {
            4 => drop(act(admin, TicketCommand::Close).await),
            5 => drop(act(customer, TicketCommand::Reopen { reason: reason() }).await),
            _ => {}
        }
    }
    // Offers unanswered expire; hours later the response deadlines are missed, days later
    // the resolution ones.
    for wait in [Duration::hours(5), Duration::days(3)] {
        w.clock.advance(wait).expect("clock");
        w.service.expire_overdue_offers(Actor::system()).await.expect("expire");
        w.service.check_deadlines(Actor::system(), WarnAt::default()).await.expect("deadlines");
    }
    submitted
}

/// The ticketing report's rows computed from the raw events alone: each ticket replayed
/// for its status and deadline, its events counted, its customer replayed for the region.
async fn counted_from_events<S: Store>(w: &World<S>, range: ReportRange, as_of: DateTime<Utc>) -> Vec<TicketingRow> {
    let store = w.service.store();
    let mut regions = HashMap::new();
    for state in store.states(AggregateKind::Customer, Page::first(1_000)).await.expect("customers") {
        let events = store.events(state.stream).await.expect("events");
        let envelopes: Vec<_> = events.iter().map(|e| decode_event::<Customer>(e).expect("decodes")).collect();
        let customer: Customer = crate::replay(&envelopes).expect("replays");
        regions.insert(customer.id, customer.address.region.as_str().to_owned());
    }
    let mut plans = HashMap::new();
    for state in store.states(AggregateKind::Plan, Page::first(100)).await.expect("plans") {
        let plan: crate::SupportPlan = crate::persist::decode_state(&state).expect("plan");
        plans.insert(plan.id, plan.terms.name.as_str().to_owned());
    }
    let mut groups: BTreeMap<_, (TicketingRow, Vec<i64>)> = BTreeMap::new();
    for state in store.states(AggregateKind::Ticket, Page::first(1_000)).await.expect("tickets") {
        let events = store.events(state.stream).await.expect("events");
        let envelopes: Vec<_> = events.iter().map(|e| decode_event::<Ticket>(e).expect("decodes")).collect();
        let ticket: Ticket = crate::replay(&envelopes).expect("replays");
        if !range.contains(ticket.submitted_at) {
            continue;
        }
        let count = |f: &dyn Fn(&TicketEvent) -> bool| envelopes.iter().filter(|e| f(&e.payload)).count() as u64;
        let completions = count(&|e| matches!(e, TicketEvent::Completed { .. }));
        let reopenings = count(&|e| matches!(e, TicketEvent::Reopened { .. }));
        let region = regions.get(&ticket.customer).cloned().unwrap_or_default();
        let key = (region.clone(), ticket.plan, ticket.category, ticket.priority);
        let (row, ages) = groups.entry(key).or_insert_with(|| {
            let mut row = blank_row(region, &ticket);
            row.plan_name = plans.get(&ticket.plan).cloned().unwrap_or_default();
            (row, Vec::new())
        });
        row.submitted += 1;
        let status = ticket.status();
        for (wanted, counter) in [
            (TicketStatus::Open, &mut row.open),
            (TicketStatus::Assigned, &mut row.assigned),
            (TicketStatus::Accepted, &mut row.accepted),
            (TicketStatus::InProgress, &mut row.in_progress),
            (TicketStatus::WaitingForCustomer, &mut row.waiting_for_customer),
            (TicketStatus::Completed, &mut row.completed),
            (TicketStatus::Closed, &mut row.closed),
            (TicketStatus::Cancelled, &mut row.cancelled),
        ] {
            *counter += u64::from(status == wanted);
        }
        row.reopened += u64::from(reopenings > 0);
        row.fixed += u64::from(completions > 0);
        row.fixed_first_time += u64::from(completions > 0 && reopenings == 0);
        row.response_breaches +=
            count(&|e| matches!(e, TicketEvent::DeadlineBreached { deadline: Deadline::Response, .. }));
        row.resolution_breaches +=
            count(&|e| matches!(e, TicketEvent::DeadlineBreached { deadline: Deadline::Resolution, .. }));
        let waiting = matches!(status, TicketStatus::Open | TicketStatus::Assigned);
        let late = ticket.respond_by().is_some_and(|due| as_of.timestamp() > due.timestamp());
        row.waiting_too_long += u64::from(waiting && late);
        if !matches!(status, TicketStatus::Completed | TicketStatus::Closed | TicketStatus::Cancelled) {
            ages.push(as_of.timestamp() - ticket.submitted_at.timestamp());
        }
    }
    let mut rows: Vec<TicketingRow> = groups
        .into_values()
        .map(|(mut row, mut ages)| {
            ages.sort_unstable();
            let rank = |p: usize| (!ages.is_empty()).then(|| ages[(ages.len() * p).div_ceil(100).max(1) - 1]);
            (row.open_age_p50_s, row.open_age_p90_s, row.open_age_max_s) = (rank(50), rank(90), ages.last().copied());
            row
        })
        .collect();
    rows.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    rows
}

fn blank_row(region: String, ticket: &Ticket) -> TicketingRow {
    TicketingRow {
        region,
        plan: ticket.plan,
        plan_name: String::new(),
        category: ticket.category,
        priority: ticket.priority,
        submitted: 0,
        open: 0,
        assigned: 0,
        accepted: 0,
        in_progress: 0,
        waiting_for_customer: 0,
        completed: 0,
        closed: 0,
        cancelled: 0,
        reopened: 0,
        fixed: 0,
        fixed_first_time: 0,
        response_breaches: 0,
        resolution_breaches: 0,
        waiting_too_long: 0,
        open_age_p50_s: None,
        open_age_p90_s: None,
        open_age_max_s: None,
    }
}

/// Two regions, two plans and every path a ticket can take: the report equals a count
/// over the raw events, for all time and for a period; it says how far behind it was;
/// rebuilt from the event store it is the same; and customers and experts may not read it.
pub async fn the_ticketing_report_equals_a_count_over_the_raw_events_and_survives_a_rebuild<S: Store>(store: S) {
    let mut w = world(store).await;
    let submitted = history(&mut w).await;
    let everything = ReportRange::all_time();

    let stale = w.service.ticketing_report(w.manager, everything).await.expect("report before projecting");
    assert!(stale.lag.behind_since.is_some(), "events not folded in yet are reported as lag");
    project_all(&w).await;
    let live = w.service.ticketing_report(w.manager, everything).await.expect("report");
    assert_eq!(live.lag.behind_since, None, "every event was folded in");
    assert_eq!(live.as_of, w.clock.now());
    assert_eq!(live.rows, counted_from_events(&w, everything, live.as_of).await);
    let total = |rows: &[TicketingRow], f: fn(&TicketingRow) -> u64| rows.iter().map(f).sum::<u64>();
    assert_eq!(total(&live.rows, |r| r.submitted), 36);
    assert_eq!(
        live.rows.iter().map(|r| r.region.as_str()).collect::<std::collections::BTreeSet<_>>(),
        ["IL", "WI"].into()
    );
    for (name, figure) in [
        ("reopened", total(&live.rows, |r| r.reopened)),
        ("cancelled", total(&live.rows, |r| r.cancelled)),
        ("closed", total(&live.rows, |r| r.closed)),
        ("waiting for the customer", total(&live.rows, |r| r.waiting_for_customer)),
        ("response breaches", total(&live.rows, |r| r.response_breaches)),
        ("resolution breaches", total(&live.rows, |r| r.resolution_breaches)),
        ("waiting too long", total(&live.rows, |r| r.waiting_too_long)),
    ] {
        assert!(figure > 0, "the history has {name}");
    }

    let period = ReportRange::new(submitted[10], submitted[20]).expect("period");
    let part = w.service.ticketing_report(w.manager, period).await.expect("period report");
    assert_eq!(total(&part.rows, |r| r.submitted), 10);
    assert_eq!(part.rows, counted_from_events(&w, period, part.as_of).await);

    w.service.rebuild_reports(w.admin).await.expect("rebuild");
    let rebuilt = w.service.ticketing_report(w.manager, everything).await.expect("rebuilt report");
    assert_eq!(rebuilt.rows, live.rows, "a rebuilt read model equals the live one");
    project_all(&w).await;
    let again = w.service.ticketing_report(w.manager, everything).await.expect("report");
    assert_eq!(again.rows, live.rows, "events read again after a rebuild change nothing");

    for outsider in [w.customer(0), w.expert(0), w.helpdesk] {
        let refused = w.service.ticketing_report(outsider, everything).await;
        assert!(matches!(refused, Err(Error::Forbidden(_))), "{outsider:?} may not read reports: {refused:?}");
        let refused = w.service.project_reports(outsider, 10).await;
        assert!(matches!(refused, Err(Error::Forbidden(_))), "{outsider:?} may not run the projector");
    }
    assert!(w.service.ticketing_report(w.admin, everything).await.is_ok());
    let refused = w.service.project_reports(Actor::system(), 0).await;
    assert!(matches!(refused, Err(Error::Invalid(_))), "a batch of none is refused: {refused:?}");
}

/// Writes race and repeat (a crash reads a page again; a rebuild runs beside the
/// projector): a stored row stays unless the one written took in more events.
pub async fn a_fact_is_never_replaced_by_one_that_took_in_fewer_events<S: Store>(store: S) {
    let w = world(store).await;
    let customer = w.customers[0].id;
    let facts = |region: &str, version| CustomerFacts {
        customer,
        region: region.to_owned(),
        plan: w.plan.id,
        version: Sequence(version),
    };
    let analytics = w.service.analytics_store();
    let write = |facts: CustomerFacts| async move {
        let projection = Projection { customers: vec![facts], ..Projection::default() };
        analytics.write_facts(&projection).await.expect("write");
    };
    write(facts("WI", 3)).await;
    write(facts("IL", 2)).await;
    let stored = w.service.analytics_store().customer_facts(&[customer]).await.expect("read");
    assert_eq!(stored, vec![facts("WI", 3)]);
    write(facts("MN", 4)).await;
    let stored = w.service.analytics_store().customer_facts(&[customer]).await.expect("read");
    assert_eq!(stored, vec![facts("MN", 4)]);
    assert!(w.service.analytics_store().customer_facts(&[]).await.expect("none").is_empty());
}
