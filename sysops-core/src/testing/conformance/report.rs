//! Reports: the projector folds the events into read models and the database computes each
//! report over them; every figure equals one counted straight from the raw events, a rebuilt
//! read model equals the live one, and only managers and administrators read them.

use super::billing::{check_history, months_of_declines_retries_and_refunds};
use super::notify::RecordingNotifier;
use super::world;
use crate::billing::{Invoice, InvoiceEvent, InvoiceStatus};
use crate::customer::Customer;
use crate::expert::Expert;
use crate::notify::MessageKind;
use crate::persist::{Page, decode_event};
use crate::report::{CustomerFacts, Projection, ReportRange, TicketingRow};
use crate::report::{ExpertRow, OfferFacts, OfferOutcome};
use crate::report::{FinancialRow, minor_units};
use crate::survey::{Recommend, Survey, SurveyAnswer, SurveyEvent};
use crate::testing::fixtures::{World, address, chicago, contact, plan_terms, tv_ticket};
use crate::text::{AddressLine, PlanName, Reason, WorkNotes};
use crate::ticket::{CostFactor, CostTerm, Outcome, Rationale};
use crate::ticket::{Deadline, TicketEvent};
use crate::{
    Actor, AggregateKind, Clock, Error, Priority, Sequence, Store, Ticket, TicketCommand, TicketStatus, WarnAt,
};
use crate::{NotifyOptions, Satisfaction};
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
            the_expert_report_equals_a_count_over_the_raw_events,
            the_financial_report_equals_the_invoices_to_the_cent,
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
        // The offers the expert accepts come from the assignment job, which measured the way.
        let measured = (scenario >= 3).then(|| {
            let km = CostTerm::new(CostFactor::Distance, 1.5 + n as f64 * 0.37, 1.0).expect("term");
            Rationale::new(vec![km]).expect("rationale")
        });
        w.service.assign_ticket(Actor::system(), id, w.experts[n % 2].id, measured).await.expect("assign");
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
        w.clock.advance(Duration::minutes(40 + n as i64)).expect("clock");
        act(expert, TicketCommand::Complete { notes: notes() }).await;
        match scenario {
            4 => drop(act(admin, TicketCommand::Close).await),
            5 => drop(act(customer, TicketCommand::Reopen { reason: reason() }).await),
            _ => {}
        }
    }
    // Customers answer the surveys of some completed visits.
    let notifier = RecordingNotifier::default();
    w.service.notify_round(Actor::system(), &notifier, &NotifyOptions::default()).await.expect("notify");
    let invitations = notifier.messages().into_iter().filter(|m| m.kind == MessageKind::SurveyInvitation);
    for (n, invitation) in invitations.enumerate().filter(|(n, _)| n % 3 != 2) {
        w.clock.advance(Duration::minutes(11)).expect("clock");
        let link = invitation.body.split("/survey/").nth(1).expect("a link");
        let token: String = link.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
        let answer = SurveyAnswer {
            satisfaction: Satisfaction::new(1 + (n as i64 * 2) % 5).expect("stars"),
            recommend: (n % 2 == 0).then(|| Recommend::new(n as i64 % 11).expect("score")),
            comment: None,
        };
        w.service.answer_survey(&token, answer).await.expect("answer");
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
            let name = plans.get(&ticket.plan).cloned().unwrap_or_default();
            (TicketingRow::empty(region, ticket.plan, name, ticket.category, ticket.priority), Vec::new())
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

    // A customer moves to Indiana: their tickets, submitted before, count there now.
    let mut indiana = address(chicago());
    indiana.region = AddressLine::new("IN").expect("region");
    let command = crate::CustomerCommand::Move(indiana);
    w.service.update_customer(w.helpdesk, w.customers[0].id, command).await.expect("move");
    project_all(&w).await;
    let moved = w.service.ticketing_report(w.manager, everything).await.expect("report");
    assert_eq!(moved.rows, counted_from_events(&w, everything, moved.as_of).await);
    let regions: std::collections::BTreeSet<_> = moved.rows.iter().map(|r| r.region.as_str()).collect();
    assert_eq!(regions, ["IL", "IN", "WI"].into(), "the tickets moved with their customer");
    w.service.rebuild_reports(w.admin).await.expect("rebuild");
    let rebuilt = w.service.ticketing_report(w.manager, everything).await.expect("rebuilt report");
    assert_eq!(rebuilt.rows, moved.rows, "rebuilt after the move");

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

/// The expert report's rows computed from the raw events alone: each expert replayed, each
/// ticket's offers as its replayed assignments with the visits its events record, each
/// survey's events.
async fn experts_from_events<S: Store>(w: &World<S>, range: ReportRange, as_of: DateTime<Utc>) -> Vec<ExpertRow> {
    let store = w.service.store();
    let mut rows = BTreeMap::new();
    for state in store.states(AggregateKind::Expert, Page::first(100)).await.expect("experts") {
        let events = store.events(state.stream).await.expect("events");
        let envelopes: Vec<_> = events.iter().map(|e| decode_event::<Expert>(e).expect("decodes")).collect();
        let expert: Expert = crate::replay(&envelopes).expect("replays");
        let weekly_s = expert.profile.hours.windows().iter().map(|w| (w.end() - w.start()).num_seconds()).sum();
        let facts = crate::report::ExpertFacts {
            expert: expert.id,
            name: expert.profile.name.as_str().to_owned(),
            weekly_s,
            registered_at: envelopes[0].at,
            version: Sequence::NONE,
        };
        if facts.registered_at < range.to() {
            rows.insert(expert.id, (ExpertRow::of(&facts), Vec::new(), Vec::new()));
        }
    }
    let mut offers = Vec::new();
    for state in store.states(AggregateKind::Ticket, Page::first(1_000)).await.expect("tickets") {
        let events = store.events(state.stream).await.expect("events");
        let envelopes: Vec<_> = events.iter().map(|e| decode_event::<Ticket>(e).expect("decodes")).collect();
        let ticket: Ticket = crate::replay(&envelopes).expect("replays");
        let (mut started, mut completed, mut current) = (HashMap::new(), HashMap::new(), None);
        for event in &envelopes {
            match &event.payload {
                TicketEvent::Assigned { assignment, .. } => current = Some(*assignment),
                TicketEvent::WorkStarted => drop(current.map(|a| started.insert(a, event.at))),
                TicketEvent::Completed { .. } => drop(current.map(|a| completed.insert(a, event.at))),
                _ => {}
            }
        }
        for a in &ticket.assignments {
            let (outcome, answered_at) = match a.outcome {
                Outcome::Pending => (OfferOutcome::Pending, None),
                Outcome::Accepted { at } => (OfferOutcome::Accepted, Some(at)),
                Outcome::Rejected { at, .. } => (OfferOutcome::Rejected, Some(at)),
                Outcome::Expired { at } => (OfferOutcome::Expired, Some(at)),
                Outcome::Withdrawn { at } => (OfferOutcome::Withdrawn, Some(at)),
            };
            let km = a
                .rationale
                .as_ref()
                .and_then(|r| r.terms().iter().find(|t| t.factor() == CostFactor::Distance).map(|t| t.value()));
            offers.push(OfferFacts {
                assignment: a.id,
                ticket: ticket.id,
                expert: a.expert,
                offered_at: a.offered_at,
                outcome,
                answered_at,
                started_at: started.get(&a.id).copied(),
                completed_at: completed.get(&a.id).copied(),
                travel_m: km.map(|km| (km * 1_000.0).round() as i64),
                version: Sequence::NONE,
            });
        }
    }
    for offer in &offers {
        let Some((row, accepts, completes)) = rows.get_mut(&offer.expert) else { continue };
        if range.contains(offer.offered_at) {
            row.offers += 1;
            let counter = match offer.outcome {
                OfferOutcome::Pending => &mut row.pending,
                OfferOutcome::Accepted => &mut row.accepted,
                OfferOutcome::Rejected => &mut row.rejected,
                OfferOutcome::Expired => &mut row.expired,
                OfferOutcome::Withdrawn => &mut row.withdrawn,
            };
            *counter += 1;
            if offer.outcome == OfferOutcome::Accepted {
                accepts.extend(offer.answered_at.map(|at| at.timestamp() - offer.offered_at.timestamp()));
            }
        }
        let Some(done) = offer.completed_at.filter(|at| range.contains(*at)) else { continue };
        row.completed += 1;
        completes.extend(offer.answered_at.map(|at| done.timestamp() - at.timestamp()));
        row.worked_s += offer.started_at.map_or(0, |at| done.timestamp() - at.timestamp());
        row.travel_m += offer.travel_m.unwrap_or(0);
        row.travel_measured += u64::from(offer.travel_m.is_some());
    }
    for state in store.states(AggregateKind::Survey, Page::first(1_000)).await.expect("surveys") {
        let events = store.events(state.stream).await.expect("events");
        let envelopes: Vec<_> = events.iter().map(|e| decode_event::<Survey>(e).expect("decodes")).collect();
        let Some(SurveyEvent::Issued { expert, .. }) = envelopes.first().map(|e| &e.payload) else { continue };
        let Some((row, ..)) = rows.get_mut(expert) else { continue };
        for event in &envelopes {
            if let (SurveyEvent::Answered { answer }, true) = (&event.payload, range.contains(event.at)) {
                row.surveys += 1;
                row.satisfaction_sum += u64::from(answer.satisfaction.get());
                row.recommends += u64::from(answer.recommend.is_some());
                row.recommend_sum += answer.recommend.map_or(0, |r| u64::from(r.get()));
            }
        }
    }
    let mut rows: Vec<ExpertRow> = rows
        .into_values()
        .map(|(mut row, mut accepts, mut completes)| {
            accepts.sort_unstable();
            completes.sort_unstable();
            let median = |v: &[i64]| (!v.is_empty()).then(|| v[v.len().div_ceil(2) - 1]);
            (row.accept_p50_s, row.complete_p50_s) = (median(&accepts), median(&completes));
            let from = range.from().max(row.registered_at).timestamp();
            let span = (range.to().min(as_of).timestamp() - from).max(0);
            row.scheduled_s = (i128::from(span) * i128::from(row.weekly_s) / (7 * 24 * 3_600)) as i64;
            row.utilisation = (row.scheduled_s > 0).then(|| row.worked_s as f64 / row.scheduled_s as f64);
            row.mean_satisfaction = (row.surveys > 0).then(|| row.satisfaction_sum as f64 / row.surveys as f64);
            row.mean_recommend = (row.recommends > 0).then(|| row.recommend_sum as f64 / row.recommends as f64);
            row
        })
        .collect();
    rows.sort_by(|a, b| (&a.name, a.expert).cmp(&(&b.name, b.expert)));
    rows
}

/// Every offer's outcome, every visit's times and distance, every survey's answer: the
/// expert report equals a count over the raw events, for all time and for a period, and
/// after a rebuild.
pub async fn the_expert_report_equals_a_count_over_the_raw_events<S: Store>(store: S) {
    let mut w = world(store).await;
    let submitted = history(&mut w).await;
    project_all(&w).await;
    let everything = ReportRange::all_time();
    let report = w.service.expert_report(w.manager, everything).await.expect("report");
    assert_eq!(report.rows, experts_from_events(&w, everything, report.as_of).await);
    assert_eq!(report.rows.len(), 2, "a row per expert");
    let sum = |f: fn(&ExpertRow) -> u64| report.rows.iter().map(f).sum::<u64>();
    for (name, figure) in [
        ("offers accepted", sum(|r| r.accepted)),
        ("offers rejected", sum(|r| r.rejected)),
        ("offers expired", sum(|r| r.expired)),
        ("visits completed", sum(|r| r.completed)),
        ("visits measured", sum(|r| r.travel_measured)),
        ("surveys answered", sum(|r| r.surveys)),
        ("recommend scores", sum(|r| r.recommends)),
    ] {
        assert!(figure > 0, "the history has {name}");
    }
    for row in &report.rows {
        assert!(row.utilisation.is_some_and(|u| u > 0.0), "{} worked: {row:?}", row.name);
        assert!(row.mean_satisfaction.is_some(), "{} was rated: {row:?}", row.name);
    }

    let period = ReportRange::new(submitted[5], submitted[25]).expect("period");
    let part = w.service.expert_report(w.manager, period).await.expect("period report");
    assert_eq!(part.rows, experts_from_events(&w, period, part.as_of).await);
    assert!(part.rows.iter().map(|r| r.offers).sum::<u64>() < sum(|r| r.offers));

    w.service.rebuild_reports(w.admin).await.expect("rebuild");
    let rebuilt = w.service.expert_report(w.manager, everything).await.expect("rebuilt report");
    assert_eq!(rebuilt.rows, report.rows, "a rebuilt read model equals the live one");
    let refused = w.service.expert_report(w.expert(0), everything).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "an expert may not read it, not even their own row");
}

/// The financial report's rows computed from the invoices themselves: each replayed from
/// its events for its status, total, plan and refunds, its declines counted.
async fn financial_from_events<S: Store>(w: &World<S>, range: ReportRange) -> Vec<FinancialRow> {
    let mut plans = HashMap::new();
    for state in w.service.store().states(AggregateKind::Plan, Page::first(100)).await.expect("plans") {
        let plan: crate::SupportPlan = crate::persist::decode_state(&state).expect("plan");
        plans.insert(plan.id, plan.terms.name.as_str().to_owned());
    }
    let billing = w.service.billing_store();
    let mut groups = BTreeMap::new();
    for state in billing.states(AggregateKind::Invoice, Page::first(1_000)).await.expect("invoices") {
        let events = billing.events(state.stream).await.expect("events");
        let envelopes: Vec<_> = events.iter().map(|e| decode_event::<Invoice>(e).expect("decodes")).collect();
        let invoice: Invoice = crate::replay(&envelopes).expect("replays");
        if !range.contains(invoice.period.start()) {
            continue;
        }
        let plan = invoice.lines.last().expect("a line").plan;
        let currency = invoice.total.currency();
        let key = (invoice.period, plans.get(&plan).cloned().unwrap_or_default(), plan, currency.code());
        let (counts, sums): &mut ([u64; 4], [i64; 6]) = groups.entry(key).or_default();
        let total = minor_units(invoice.total).expect("cents");
        let refunded: i64 =
            invoice.refunds.iter().filter(|r| r.refund.is_some()).map(|r| minor_units(r.amount).expect("cents")).sum();
        let declined = envelopes.iter().filter(|e| matches!(e.payload, InvoiceEvent::Declined { .. })).count();
        let status = invoice.status;
        let failing = matches!(status, InvoiceStatus::PaymentFailed | InvoiceStatus::Uncollectible);
        counts[0] += 1;
        counts[1] += u64::from(status.is_unpaid());
        counts[2] += declined as u64;
        counts[3] += u64::from(failing);
        let when = |yes: bool| if yes { total } else { 0 };
        sums[0] += total;
        sums[1] += when(status == InvoiceStatus::Paid);
        sums[2] += refunded;
        sums[3] += when(status.is_unpaid());
        sums[4] += when(status == InvoiceStatus::WrittenOff);
        sums[5] += when(status == InvoiceStatus::Void);
    }
    groups
        .into_iter()
        .map(|((period, name, plan, code), (counts, sums))| {
            let currency = crate::Currency::parse(code).expect("currency");
            FinancialRow::of((period, plan, name, currency), counts, sums)
        })
        .collect()
}

/// Three months of billing with declines, retries, a plan switched mid-month, refunds and
/// a write-off: the report equals the invoices to the cent, for all time and for a month,
/// and after a rebuild; only managers and administrators read it.
pub async fn the_financial_report_equals_the_invoices_to_the_cent<S: Store>(store: S) {
    let w = check_history(store, months_of_declines_retries_and_refunds()).await;
    project_all(&w).await;
    let everything = ReportRange::all_time();
    let report = w.service.financial_report(w.manager, everything).await.expect("report");
    assert_eq!(report.rows, financial_from_events(&w, everything).await);
    let cents = |f: fn(&FinancialRow) -> &crate::Money| {
        report.rows.iter().map(|r| minor_units(*f(r)).expect("cents")).sum::<i64>()
    };
    for (name, figure) in [
        ("invoiced", cents(|r| &r.invoiced)),
        ("collected", cents(|r| &r.collected)),
        ("refunded", cents(|r| &r.refunded)),
        ("written off", cents(|r| &r.written_off)),
        ("declined charges", report.rows.iter().map(|r| r.failed_payments as i64).sum()),
    ] {
        assert!(figure > 0, "the history has {name}");
    }
    assert_eq!(cents(|r| &r.net), cents(|r| &r.collected) - cents(|r| &r.refunded));
    assert!(report.rows.iter().map(|r| r.plan).collect::<std::collections::BTreeSet<_>>().len() > 1, "two plans");

    let first = report.rows.first().expect("a row").period;
    let month = ReportRange::new(first.start(), first.end()).expect("a month");
    let part = w.service.financial_report(w.manager, month).await.expect("a month's report");
    assert!(part.rows.iter().all(|r| r.period == first) && !part.rows.is_empty());
    assert_eq!(part.rows, financial_from_events(&w, month).await);

    w.service.rebuild_reports(w.admin).await.expect("rebuild");
    let rebuilt = w.service.financial_report(w.manager, everything).await.expect("rebuilt report");
    assert_eq!(rebuilt.rows, report.rows, "a rebuilt read model equals the live one");
    let refused = w.service.financial_report(w.customer(0), everything).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "a customer may not read it: {refused:?}");
}
