//! The history the `reports` scenario reports on: customers subscribed to three plans, experts,
//! tickets in ten lifecycles spread over eight weeks (left open past their deadlines, offered,
//! rejected, expired, completed and rated, closed, reopened, cancelled, waiting on the
//! customer, completed late) and two months billed with some charges declined.
//!
//! Customers and tickets are decided by the core aggregates and committed a page at a time
//! (through the facade, one command at a time, a million tickets would take hours); their
//! events, states and outbox rows are the ones the facade's commands write, and the report
//! projector folds them like any others. Experts, plans and billing go through the facade.

use super::super::BoxError;
use super::super::billing::{Approving, subscribe_in_bulk};
use chrono::{DateTime, Duration, Utc};
use sysops_core::billing::BillingPeriod;
use sysops_core::store::{Change, EventStore};
use sysops_core::survey::{Completion, Recommend, Survey, SurveyAnswer, SurveyCommand, SurveyToken};
use sysops_core::{
    Actor, Clock, CostFactor, CostTerm, Ctx, Customer, Decide, Description, Envelope, Expert, ManualClock, NewTicket,
    Rationale, Reason, Satisfaction, Sequence, SequentialIds, SkillLevel, StaffRole, SupportPlan, SurveyId, Ticket,
    TicketCommand, TicketEvent, WarnAt, WorkNotes, applied, replay,
};
use sysops_examples::cities::Cities;
use sysops_examples::rng::Rng;
use sysops_examples::scenario::{bootstrap, expert_profile, hire_expert, plan_catalog};
use sysops_storage::Sysops;

/// Tickets decided and committed together.
const PAGE: usize = 500;
/// When the accounts, plans, customers and experts are made.
pub(super) const SETUP: &str = "2025-12-15T00:00:00Z";
/// The first ticket's submission; the others follow evenly over [`SPAN_DAYS`].
const FIRST_TICKET: &str = "2026-01-05T00:00:00Z";
const SPAN_DAYS: i64 = 56;
/// When the reports are read: every event of the history is older.
pub(super) const AS_OF: &str = "2026-03-16T00:00:00Z";
/// Charges declined in the monthly runs: one in this many.
const DECLINE_ONE_IN: u64 = 25;

/// What was written.
pub(super) struct History {
    /// Who reads the reports.
    pub(super) manager: Actor,
    pub(super) customers: usize,
    pub(super) experts: usize,
}

/// Writes a history of `tickets` tickets from one customer in ten (at least one) and one
/// expert in five hundred (at least one), and leaves `clock` at [`AS_OF`].
pub(super) async fn write(sysops: &Sysops, clock: &ManualClock, tickets: usize) -> Result<History, BoxError> {
    let (admin, helpdesk) = bootstrap(sysops).await?;
    let manager_name = sysops_core::PersonName::new("Morgan Manager")?;
    let manager_email = sysops_core::Email::new("morgan@sysops.example")?;
    let manager = sysops.create_staff_account(admin, manager_name, manager_email, StaffRole::Manager).await?;
    let mut plans = Vec::new();
    for terms in plan_catalog() {
        plans.push(sysops.define_plan(admin, terms).await?);
    }
    let mut customers: Vec<Customer> = Vec::with_capacity((tickets / 10).max(1));
    subscribe_in_bulk(sysops, helpdesk, &plans, (tickets / 10).max(1), clock.now(), |c| customers.push(c.clone()))
        .await?;
    let experts = experts(sysops, admin, (tickets / 500).max(1)).await?;

    let ids = SequentialIds::new(17);
    let first: DateTime<Utc> = FIRST_TICKET.parse()?;
    let step_ms = Duration::days(SPAN_DAYS).num_milliseconds() / tickets.max(1) as i64;
    for start in (0..tickets).step_by(PAGE) {
        let mut changes = Vec::with_capacity(2 * PAGE);
        for n in start..tickets.min(start + PAGE) {
            let customer = &customers[n * 7_919 % customers.len()];
            let plan = plans.iter().find(|p| p.id == customer.plan).ok_or("a customer without a plan")?;
            let expert = &experts[n * 31 % experts.len()];
            let at = first + Duration::milliseconds(step_ms * n as i64);
            let (ticket, survey) = lifecycle(n, customer, plan, expert, admin, at, &ids)?;
            changes.push(ticket);
            changes.extend(survey);
        }
        sysops.store().commit(changes).await?;
    }

    let gateway = Approving { decline_one_in: DECLINE_ONE_IN, ..Approving::default() };
    for (month, run_at) in [("2026-01", "2026-02-01T01:00:00Z"), ("2026-02", "2026-03-01T01:00:00Z")] {
        clock.set(run_at.parse()?)?;
        sysops.run_billing(Actor::system(), BillingPeriod::parse(month)?, &gateway).await?;
    }
    clock.set(AS_OF.parse()?)?;
    Ok(History {
        manager: Actor::staff(sysops_core::Role::Manager, manager.id),
        customers: customers.len(),
        experts: experts.len(),
    })
}

/// `count` experts at US cities, through the facade.
async fn experts(sysops: &Sysops, admin: Actor, count: usize) -> Result<Vec<Expert>, BoxError> {
    let cities = Cities::load();
    let mut rng = Rng::new(23);
    let mut experts = Vec::with_capacity(count);
    for n in 0..count {
        let name = sysops_core::PersonName::new(format!("Expert {n}"))?;
        let email = sysops_core::Email::new(format!("expert{n}@sysops.example"))?;
        let profile = expert_profile(n, cities.sample(&mut rng), &mut rng);
        experts.push(hire_expert(sysops, admin, name, email, profile).await?);
    }
    Ok(experts)
}

/// A ticket being decided: its state and the events so far.
struct Decided<'a> {
    ticket: Ticket,
    events: Vec<Envelope<TicketEvent>>,
    ids: &'a SequentialIds,
}

impl Decided<'_> {
    /// Decides `command` by `actor` at `at` and applies it; answers the last event's place.
    fn then(&mut self, actor: Actor, command: TicketCommand, at: DateTime<Utc>) -> Result<Sequence, BoxError> {
        let decided = self.ticket.decide(&command, &Ctx::new(actor, at, self.ids))?;
        self.ticket = applied(&self.ticket, &decided)?;
        let last = decided.last().map_or(Sequence::NONE, |e| e.sequence);
        self.events.extend(decided);
        Ok(last)
    }
}

/// The `n`th ticket, submitted by `customer` at `at`, in lifecycle `n % 10`; and the survey
/// of its completion, when completed.
fn lifecycle(
    n: usize,
    customer: &Customer,
    plan: &SupportPlan,
    expert: &Expert,
    admin: Actor,
    at: DateTime<Utc>,
    ids: &SequentialIds,
) -> Result<(Change, Option<Change>), BoxError> {
    let by_customer = Actor::customer(customer.id);
    let by_expert = Actor::expert(expert.id);
    let categories: Vec<_> = plan.terms.categories.iter().copied().collect();
    let request = NewTicket {
        category: categories[n % categories.len()],
        description: Description::new("The picture flickers")?,
        required_level: SkillLevel::BASIC,
    };
    let events = Ticket::submit(request, customer, plan, &Ctx::new(by_customer, at, ids))?;
    let mut t = Decided { ticket: replay(&events)?, events, ids };
    let reason = || Reason::new("the model number");
    let minutes = |m: usize| Duration::minutes(m as i64);
    // Ten days on, every deadline of a ticket still waiting has passed.
    let overdue = at + Duration::days(10);
    let offered = at + minutes(10);
    let mut survey = None;
    match n % 10 {
        0 => drop(t.then(Actor::system(), TicketCommand::CheckDeadlines { warn_at: WarnAt::default() }, overdue)?),
        7 if n % 20 == 7 => drop(t.then(admin, TicketCommand::Cancel { reason: reason()? }, at + minutes(60))?),
        kind => {
            // The assignment job measured the way; an administrator's offer did not.
            let (by, rationale) = if n % 4 == 0 {
                (admin, None)
            } else {
                let km = 1.0 + (n % 400) as f64 / 10.0;
                (Actor::system(), Some(Rationale::new(vec![CostTerm::new(CostFactor::Distance, km, km)?])?))
            };
            t.then(by, TicketCommand::Assign { expert: expert.id, rationale }, offered)?;
            let accepted = offered + minutes(1 + n % 25);
            match kind {
                1 => {}
                2 => drop(t.then(by_expert, TicketCommand::Reject { reason: reason()? }, offered + minutes(15))?),
                3 => drop(t.then(Actor::system(), TicketCommand::Expire, offered + minutes(45))?),
                7 => drop(t.then(admin, TicketCommand::Cancel { reason: reason()? }, offered + minutes(5))?),
                8 => {
                    t.then(by_expert, TicketCommand::Accept, accepted)?;
                    t.then(by_expert, TicketCommand::WaitForCustomer { reason: reason()? }, accepted + minutes(30))?;
                    if n % 20 == 18 {
                        t.then(by_customer, TicketCommand::Reply, accepted + Duration::days(1))?;
                    }
                }
                _ => {
                    t.then(by_expert, TicketCommand::Accept, accepted)?;
                    let mut started = accepted + Duration::hours(2);
                    if kind == 9 {
                        t.then(Actor::system(), TicketCommand::CheckDeadlines { warn_at: WarnAt::default() }, overdue)?;
                        started = overdue + Duration::hours(1);
                    }
                    t.then(by_expert, TicketCommand::Start, started)?;
                    let completed_at = started + minutes(30 + n % 120);
                    let notes = WorkNotes::new("Replaced the backlight")?;
                    let completion = t.then(by_expert, TicketCommand::Complete { notes }, completed_at)?;
                    let done = Completion {
                        ticket: t.ticket.id,
                        sequence: completion,
                        customer: customer.id,
                        expert: expert.id,
                        at: completed_at,
                    };
                    survey = Some(rated(n, done, ids)?);
                    match kind {
                        5 => drop(t.then(admin, TicketCommand::Close, completed_at + Duration::days(1))?),
                        6 => drop(t.then(
                            by_customer,
                            TicketCommand::Reopen { reason: reason()? },
                            completed_at + Duration::days(2),
                        )?),
                        _ => {}
                    }
                }
            }
        }
    }
    Ok((Change::of(Sequence::NONE, &t.ticket, &t.events)?, survey))
}

/// The survey of `done`, issued five minutes after it and answered three hours later by two
/// customers in three.
fn rated(n: usize, done: Completion, ids: &SequentialIds) -> Result<Change, BoxError> {
    let mut secret = [7_u8; 32];
    secret[..8].copy_from_slice(&(n as u64).to_le_bytes());
    let token = SurveyToken::new(SurveyId::of(done.ticket, done.sequence.0), secret);
    let issued_at = done.at + Duration::minutes(5);
    let mut events = Survey::issue(done, &token, &Ctx::new(Actor::system(), issued_at, ids))?;
    let mut survey: Survey = replay(&events)?;
    if n % 3 != 2 {
        let answer = SurveyAnswer {
            satisfaction: Satisfaction::new(1 + (n as i64 * 7) % 5)?,
            recommend: if n % 2 == 0 { Some(Recommend::new(n as i64 % 11)?) } else { None },
            comment: None,
        };
        let by_customer = Ctx::new(Actor::customer(done.customer), done.at + Duration::hours(3), ids);
        let decided = survey.decide(&SurveyCommand::Answer { token, answer }, &by_customer)?;
        survey = applied(&survey, &decided)?;
        events.extend(decided);
    }
    Ok(Change::of(Sequence::NONE, &survey, &events)?)
}
