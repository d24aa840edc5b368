//! Who may do what: every action × every kind of actor, run for real through the service.
//!
//! The table in `roles.txt` is the specification. Each cell is executed on a fresh world in
//! which the action would succeed for an entitled actor: `Y` must succeed, `.` must
//! be refused with `Forbidden` and change nothing. The same file is published as
//! `docs/roles.md` by the `role_table` test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chrono::Duration;
use futures::executor::block_on;
use std::collections::BTreeSet;
use sysops_core::billing::{BillingPeriod, CardExpiry, CardNumber, NewCard, Simulated, SimulatedGateway};
use sysops_core::kb::{ArticleBody, ArticleContent, ArticleTitle};
use sysops_core::store::{ExpertQuery, Page, TicketFilter};
use sysops_core::testing::fixtures::{World, address, chicago, contact, plan_terms, profile, tv_ticket};
use sysops_core::{
    Action, Actor, Capacity, Clock, CustomerCommand, CustomerId, DenyReason, Email, Error, ExpertCommand, MemoryStore,
    PersonName, Reason, Role, StaffCommand, StaffRole, Ticket, TicketCommand, TicketStatus, UserId, WorkNotes,
};
use sysops_core::{ArticleId, Currency, InvoiceId, Money, ProductCategory, SubscriptionId};
use uuid::Uuid;

/// Columns: administrator, helpdesk, manager, system, the customer who owns the data,
/// another customer, the expert the ticket/profile belongs to, another expert.
const SPEC: &str = include_str!("roles.txt");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Admin,
    Helpdesk,
    Manager,
    System,
    OwnerCustomer,
    OtherCustomer,
    OwnerExpert,
    OtherExpert,
}

const COLUMNS: [Who; 8] = [
    Who::Admin,
    Who::Helpdesk,
    Who::Manager,
    Who::System,
    Who::OwnerCustomer,
    Who::OtherCustomer,
    Who::OwnerExpert,
    Who::OtherExpert,
];

fn spec() -> Vec<(Action, Vec<bool>)> {
    SPEC.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("action"))
        .map(|line| {
            let mut cells = line.split_whitespace();
            let name = cells.next().unwrap();
            let action = *Action::ALL.iter().find(|a| format!("{a:?}") == name).unwrap_or_else(|| panic!("{name}"));
            (action, cells.map(|c| c == "Y").collect())
        })
        .collect()
}

type W = World<MemoryStore>;

fn actor(w: &W, who: Who) -> Actor {
    match who {
        Who::Admin => w.admin,
        Who::Helpdesk => w.helpdesk,
        Who::Manager => w.manager,
        Who::System => Actor::system(),
        Who::OwnerCustomer => w.customer(0),
        Who::OtherCustomer => w.customer(1),
        Who::OwnerExpert => w.expert(0),
        Who::OtherExpert => w.expert(1),
    }
}

fn cmd(w: &W, actor: Actor, t: &Ticket, command: TicketCommand) -> Result<Ticket, Error> {
    block_on(w.service.handle_ticket(actor, t.id, command))
}

/// Customer 0's ticket, brought to `status` with expert 0.
fn ticket_in(w: &W, status: TicketStatus) -> Ticket {
    let mut t = block_on(w.service.submit_ticket(w.customer(0), w.customers[0].id, tv_ticket("hum"))).unwrap();
    let steps = [
        (w.admin, TicketCommand::Assign { expert: w.experts[0].id, rationale: None }),
        (w.expert(0), TicketCommand::Accept),
        (w.expert(0), TicketCommand::Start),
        (w.expert(0), TicketCommand::Complete { notes: WorkNotes::new("done").unwrap() }),
    ];
    for (who, step) in steps {
        if t.status() == status {
            break;
        }
        t = cmd(w, who, &t, step).unwrap();
    }
    assert_eq!(t.status(), status);
    t
}

fn reason() -> Reason {
    Reason::new("because").unwrap()
}

/// Performs `action` as `actor` on a world prepared so that an entitled actor succeeds.
fn perform(w: &W, action: Action, actor: Actor) -> Result<(), Error> {
    let s = &w.service;
    let expert_account = UserId::from(w.experts[0].id);
    let expert = w.experts[0].id;
    let customer = w.customers[0].id;
    let new_staff = || (PersonName::new("New Hire").unwrap(), Email::new("new.hire@sysops.example").unwrap());
    let expert_change = |c: ExpertCommand| block_on(s.update_expert(actor, expert, c)).map(drop);
    let ticket = |status| ticket_in(w, status);
    match action {
        Action::CreateStaffAccount => {
            let (name, email) = new_staff();
            block_on(s.create_staff_account(actor, name, email, StaffRole::Helpdesk)).map(drop)
        }
        Action::ChangeStaffRole => {
            block_on(s.change_staff_account(actor, expert_account, StaffCommand::ChangeRole(StaffRole::Manager)))
                .map(drop)
        }
        Action::DeactivateStaffAccount => {
            block_on(s.change_staff_account(actor, expert_account, StaffCommand::Deactivate)).map(drop)
        }
        Action::ReactivateStaffAccount => {
            block_on(s.change_staff_account(w.admin, expert_account, StaffCommand::Deactivate)).unwrap();
            block_on(s.change_staff_account(actor, expert_account, StaffCommand::Reactivate)).map(drop)
        }
        Action::ViewStaffAccount => block_on(s.staff_account(actor, expert_account)).map(drop),
        Action::DefinePlan => block_on(s.define_plan(actor, plan_terms())).map(drop),
        Action::RetirePlan => block_on(s.retire_plan(actor, w.plan.id)).map(drop),
        Action::ViewPlan => block_on(s.plan(actor, w.plan.id)).map(drop),
        Action::RegisterCustomer => {
            // A customer can only sign themself up, under a new id.
            let actor = if actor.role == Role::Customer {
                Actor::customer(CustomerId::from_uuid(Uuid::from_u128(actor.id.as_u128() ^ 1)))
            } else {
                actor
            };
            block_on(s.register_customer(actor, contact(99), address(chicago()), w.plan.id)).map(drop)
        }
        Action::UpdateCustomerContact => {
            block_on(s.update_customer(actor, customer, CustomerCommand::UpdateContact(contact(42)))).map(drop)
        }
        Action::MoveCustomer => {
            let to = address(sysops_core::GeoPoint::new(41.9, -87.7).unwrap());
            block_on(s.update_customer(actor, customer, CustomerCommand::Move(to))).map(drop)
        }
        Action::ChangeCustomerPlan => {
            let other = block_on(s.define_plan(w.admin, plan_terms())).unwrap();
            block_on(s.change_customer_plan(actor, customer, other.id)).map(drop)
        }
        Action::ViewCustomer => block_on(s.customer(actor, customer)).map(drop),
        Action::RegisterExpert => {
            let account = block_on(w.expert_account(77)).unwrap();
            block_on(s.register_expert(actor, account, profile(77, 2))).map(drop)
        }
        Action::UpdateExpertSkills => expert_change(ExpertCommand::SetSkills(profile(0, 5).skills)),
        Action::UpdateExpertServiceArea => expert_change(ExpertCommand::SetServiceArea {
            base: chicago(),
            radius_km: sysops_core::RadiusKm::new(250).unwrap(),
        }),
        Action::UpdateExpertSchedule => {
            let hours = sysops_core::WeeklyHours::new("America/New_York", vec![]).unwrap();
            expert_change(ExpertCommand::SetHours(hours))
        }
        Action::AddExpertTimeOff => {
            let now = w.clock.now();
            let off = sysops_core::TimeOff::new(now, now + Duration::days(3)).unwrap();
            expert_change(ExpertCommand::AddTimeOff(off))
        }
        Action::SetExpertCapacity => expert_change(ExpertCommand::SetCapacity(Capacity::new(9).unwrap())),
        Action::SetExpertActive => expert_change(ExpertCommand::SetActive(false)),
        Action::ViewExpert => block_on(s.expert(actor, expert)).map(drop),
        Action::FindExperts => block_on(s.find_experts(actor, ExpertQuery::default(), Page::first(10))).map(drop),
        Action::SubmitTicket => block_on(s.submit_ticket(actor, customer, tv_ticket("buzz"))).map(drop),
        Action::AssignTicket => {
            let t = ticket(TicketStatus::Open);
            cmd(w, actor, &t, TicketCommand::Assign { expert, rationale: None }).map(drop)
        }
        Action::AcceptAssignment => cmd(w, actor, &ticket(TicketStatus::Assigned), TicketCommand::Accept).map(drop),
        Action::RejectAssignment => {
            cmd(w, actor, &ticket(TicketStatus::Assigned), TicketCommand::Reject { reason: reason() }).map(drop)
        }
        Action::ExpireAssignment => {
            let t = ticket(TicketStatus::Assigned);
            w.clock.advance(Duration::hours(2)).unwrap();
            cmd(w, actor, &t, TicketCommand::Expire).map(drop)
        }
        Action::StartWork => cmd(w, actor, &ticket(TicketStatus::Accepted), TicketCommand::Start).map(drop),
        Action::CompleteWork => {
            let notes = WorkNotes::new("swapped fuse").unwrap();
            cmd(w, actor, &ticket(TicketStatus::InProgress), TicketCommand::Complete { notes }).map(drop)
        }
        Action::CancelTicket => {
            cmd(w, actor, &ticket(TicketStatus::Open), TicketCommand::Cancel { reason: reason() }).map(drop)
        }
        Action::CloseTicket => cmd(w, actor, &ticket(TicketStatus::Completed), TicketCommand::Close).map(drop),
        Action::ReopenTicket => {
            cmd(w, actor, &ticket(TicketStatus::Completed), TicketCommand::Reopen { reason: reason() }).map(drop)
        }
        Action::WaitForCustomer => {
            let t = ticket(TicketStatus::Accepted);
            cmd(w, actor, &t, TicketCommand::WaitForCustomer { reason: reason() }).map(drop)
        }
        Action::ReplyToTicket => {
            let t = ticket(TicketStatus::Accepted);
            let waiting = cmd(w, w.admin, &t, TicketCommand::WaitForCustomer { reason: reason() }).unwrap();
            cmd(w, actor, &waiting, TicketCommand::Reply).map(drop)
        }
        Action::ViewTicket => {
            let t = ticket(TicketStatus::Accepted);
            block_on(s.ticket(actor, t.id)).map(drop)
        }
        Action::ListOpenTickets => block_on(s.tickets(actor, TicketFilter::open(), Page::first(10))).map(drop),
        Action::ListCustomerTickets => {
            block_on(s.tickets(actor, TicketFilter::of_customer(customer), Page::first(10))).map(drop)
        }
        Action::ListExpertTickets => {
            block_on(s.tickets(actor, TicketFilter::of_expert(expert), Page::first(10))).map(drop)
        }
        Action::AuditRecords => {
            block_on(s.quarantined_records(actor, sysops_core::AggregateKind::Ticket, Page::first(10))).map(drop)
        }
        Action::StartSubscription => {
            block_on(s.start_subscription(actor, customer, card(w, "4242424242424242"))).map(drop)
        }
        Action::ReplaceCard => {
            subscribe(w);
            block_on(s.replace_card(actor, customer, card(w, "5555555555554444"))).map(drop)
        }
        Action::CancelSubscription => {
            subscribe(w);
            block_on(s.cancel_subscription(actor, customer)).map(drop)
        }
        Action::ViewBilling => {
            subscribe(w);
            block_on(s.subscription(actor, customer)).map(drop)
        }
        Action::RunBilling => {
            subscribe(w);
            w.clock.advance(Duration::days(31)).unwrap();
            block_on(s.run_billing(actor, march(), &SimulatedGateway::new())).map(drop)
        }
        Action::RetryPayment => {
            let (invoice, gateway) = billed(w, false);
            block_on(s.retry_payment(actor, invoice, reason(), &gateway)).map(drop)
        }
        Action::RefundPayment => {
            let (invoice, gateway) = billed(w, true);
            let amount = Money::new(1.into(), Currency::Usd);
            block_on(s.refund_payment(actor, invoice, amount, reason(), &gateway)).map(drop)
        }
        Action::VoidInvoice => block_on(s.void_invoice(actor, billed(w, false).0, reason())).map(drop),
        Action::WriteOffInvoice => block_on(s.write_off_invoice(actor, billed(w, false).0, reason())).map(drop),
        Action::RotateCardKeys => block_on(s.rotate_card_keys(actor)).map(drop),
        Action::WriteArticle => block_on(s.write_article(actor, article("Paper jam"))).map(drop),
        Action::ReviseArticle => {
            let why = Reason::new("clearer").unwrap();
            block_on(s.revise_article(actor, expert_article(w), article("Paper jam, tray 2"), why)).map(drop)
        }
        Action::RetireArticle => block_on(s.retire_article(actor, expert_article(w), reason())).map(drop),
        Action::ReadArticles => block_on(s.article(actor, expert_article(w))).map(drop),
        Action::RecordSolution => {
            let solved = std::collections::BTreeSet::from([expert_article(w)]);
            block_on(s.record_solution(actor, ticket(TicketStatus::Completed).id, solved)).map(drop)
        }
        Action::SearchCallers => {
            let window = sysops_core::helpdesk::Window::new(0, 10).unwrap();
            block_on(s.find_customers(actor, "(312) 555-0100", window)).map(drop)
        }
        Action::SendNotifications => {
            block_on(s.notify_round(actor, &Silent, &sysops_core::NotifyOptions::default())).map(drop)
        }
        Action::EditTemplates => block_on(s.templates(actor)).map(drop),
        Action::ProjectReports => block_on(s.project_reports(actor, 10)).map(drop),
        Action::ReadReports => {
            block_on(s.ticketing_report(actor, sysops_core::report::ReportRange::all_time())).map(drop)
        }
        Action::CheckDeadlines => block_on(s.check_deadlines(actor, sysops_core::WarnAt::default())).map(drop),
        Action::ViewNotifications => {
            let filter = sysops_core::notify::DeliveryFilter::Customer(w.customers[0].id);
            block_on(s.deliveries(actor, filter, 10)).map(drop)
        }
        // The service answers as the customer the token names; the survey's own decision
        // holds the policy, so the matrix asks it for each actor.
        Action::AnswerSurvey => {
            use sysops_core::survey::{Completion, Survey, SurveyAnswer, SurveyCommand, SurveyToken};
            use sysops_core::{Aggregate, Ctx, Decide, IdGen, Satisfaction, SequentialIds, SurveyId};
            let done = ticket(TicketStatus::Completed);
            let (ids, now) = (SequentialIds::new(5), w.clock.now());
            let completion = Completion { ticket: done.id, sequence: done.version(), customer, expert, at: now };
            let token = SurveyToken::new(SurveyId::of(done.id, done.version().0), ids.next_secret());
            let events = Survey::issue(completion, &token, &Ctx::new(Actor::system(), now, &ids)).unwrap();
            let survey: Survey = sysops_core::replay(&events).unwrap();
            let answer = SurveyAnswer { satisfaction: Satisfaction::new(5).unwrap(), recommend: None, comment: None };
            let command = SurveyCommand::Answer { token, answer };
            survey.decide(&command, &Ctx::new(actor, now, &ids)).map(drop).map_err(Error::from)
        }
    }
}

fn article(title: &str) -> ArticleContent {
    let tags = BTreeSet::new();
    let body = ArticleBody::new("Open the tray.").unwrap();
    ArticleContent::new(ArticleTitle::new(title).unwrap(), body, BTreeSet::from([ProductCategory::Printer]), tags)
        .unwrap()
}

/// An article written by expert 0.
fn expert_article(w: &W) -> ArticleId {
    block_on(w.service.write_article(w.expert(0), article("Paper jam"))).unwrap().id
}

fn card(w: &W, number: &str) -> NewCard {
    NewCard {
        number: CardNumber::parse(number).unwrap(),
        expiry: CardExpiry::new(2040, 1).unwrap(),
        holder: w.customers[0].contact.name.clone(),
        cvv: None,
    }
}

/// Customer 0 subscribes (as an administrator would for them).
fn subscribe(w: &W) {
    block_on(w.service.start_subscription(w.admin, w.customers[0].id, card(w, "4242424242424242"))).unwrap();
}

fn march() -> BillingPeriod {
    BillingPeriod::parse("2026-03").unwrap()
}

/// Customer 0's March invoice, billed by the system: paid, or declined once.
fn billed(w: &W, paid: bool) -> (InvoiceId, SimulatedGateway) {
    subscribe(w);
    let gateway = SimulatedGateway::new();
    if !paid {
        gateway.script(&CardNumber::parse("4242424242424242").unwrap(), vec![Simulated::Decline("no".into())]);
    }
    w.clock.advance(Duration::days(31)).unwrap();
    let report = block_on(w.service.run_billing(Actor::system(), march(), &gateway)).unwrap();
    assert_eq!(report.issued, 1);
    (InvoiceId::of(SubscriptionId::from(w.customers[0].id), march().ordinal()), gateway)
}

fn fresh() -> W {
    block_on(World::new(MemoryStore::new(), 2, 2)).unwrap()
}

#[test]
fn the_spec_names_every_action_once() {
    let spec = spec();
    assert_eq!(spec.len(), Action::ALL.len());
    for action in Action::ALL {
        assert_eq!(spec.iter().filter(|(a, _)| *a == action).count(), 1, "{action:?}");
    }
    assert!(spec.iter().all(|(_, row)| row.len() == COLUMNS.len()));
}

#[test]
fn every_role_may_do_exactly_what_the_spec_allows() {
    let mut failures = Vec::new();
    for (action, row) in spec() {
        for (who, allowed) in COLUMNS.into_iter().zip(row) {
            let w = fresh();
            let result = perform(&w, action, actor(&w, who));
            let ok = match (&result, allowed) {
                (Ok(()), true) => true,
                (Err(Error::Forbidden(f)), false) => f.action == action,
                _ => false,
            };
            if !ok {
                failures.push(format!(
                    "{action:?} by {who:?}: expected {}, got {result:?}",
                    if allowed { "success" } else { "Forbidden" }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} cells disagree:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn an_unknown_or_deactivated_account_or_a_false_role_is_refused_everything() {
    type Case = (fn(&W) -> Actor, DenyReason);
    let cases: [Case; 4] = [
        (|_| Actor::staff(Role::Administrator, UserId::from_uuid(Uuid::from_u128(404))), DenyReason::UnknownAccount),
        (
            |w| {
                let hal = UserId::from_uuid(w.helpdesk.id);
                block_on(w.service.change_staff_account(w.admin, hal, StaffCommand::Deactivate)).unwrap();
                w.helpdesk
            },
            DenyReason::AccountDeactivated,
        ),
        (|w| Actor { role: Role::Administrator, id: w.manager.id }, DenyReason::RoleMismatch { actual: Role::Manager }),
        (|_| Actor::customer(CustomerId::from_uuid(Uuid::from_u128(405))), DenyReason::UnknownAccount),
    ];
    for action in Action::ALL {
        for (make, reason) in cases {
            let w = fresh();
            let actor = make(&w);
            if actor.role == Role::Customer && action == Action::RegisterCustomer {
                continue; // signing up is how an unknown customer becomes known
            }
            if action == Action::AnswerSurvey {
                continue; // no actor is passed: the service acts as the customer the token names
            }
            match perform(&w, action, actor) {
                Err(Error::Forbidden(f)) if f.reason == reason => {}
                other => panic!("{action:?} by {actor}: expected Forbidden({reason:?}), got {other:?}"),
            }
        }
    }
}

#[test]
fn an_administrator_cannot_demote_or_deactivate_themself() {
    let w = fresh();
    let me = UserId::from_uuid(w.admin.id);
    for command in [StaffCommand::Deactivate, StaffCommand::ChangeRole(StaffRole::Helpdesk)] {
        match block_on(w.service.change_staff_account(w.admin, me, command)) {
            Err(Error::Forbidden(f)) => assert_eq!(f.reason, DenyReason::OwnAccount),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn customers_and_experts_cannot_probe_for_tickets_that_are_not_theirs() {
    let w = fresh();
    let missing = sysops_core::TicketId::from_uuid(Uuid::from_u128(1));
    for actor in [w.customer(0), w.expert(0)] {
        assert!(matches!(block_on(w.service.ticket(actor, missing)), Err(Error::Forbidden(_))));
    }
    assert!(matches!(block_on(w.service.ticket(w.helpdesk, missing)), Err(Error::NotFound { .. })));
}

/// A notifier that accepts every message and sends nothing.
struct Silent;

impl sysops_core::notify::Notifier for Silent {
    async fn send(&self, _: &sysops_core::notify::Message) -> Result<(), sysops_core::notify::SendError> {
        Ok(())
    }
}
