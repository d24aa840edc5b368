//! The application service: verify the actor, load, decide, commit. Generic over any [`Store`].
//!
//! This is the one place where the pure aggregates meet storage, the clock and
//! the id source. It performs no I/O itself: the store does, behind its trait.

use crate::actor::{Action, Actor, Role, Target, authorize};
use crate::aggregate::{Aggregate, applied};
use crate::assignment::{self, Candidate, CostWeights, Offer, WaitReason, Workload};
use crate::clock::Clock;
use crate::ctx::Ctx;
use crate::customer::{Address, Contact, Customer, CustomerCommand};
use crate::error::{DenyReason, Error, RuleError, StoreError, TicketError};
use crate::event::{AggregateKind, Envelope, Sequence, StreamId};
use crate::expert::{Expert, ExpertCommand, ExpertProfile};
use crate::idgen::IdGen;
use crate::plan::{PlanCommand, PlanTerms, SupportPlan};
use crate::staff::{StaffAccount, StaffCommand, StaffRole};
use crate::store::{
    self, Change, ExpertLoad, ExpertQuery, Listing, Page, Quarantined, Store, TicketFilter, decode_state,
};
use crate::text::{Email, PersonName};
use crate::ticket::{NewTicket, Rationale, Ticket, TicketCommand, TicketEvent};
use crate::{CustomerId, ExpertId, PlanId, TicketId, UserId};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use uuid::Uuid;

/// Most open tickets one assignment batch claims.
const ASSIGNMENT_BATCH: u32 = 50_000;

/// What one run of the assignment job did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AssignmentReport {
    /// Offers whose answer deadline had passed, now expired.
    pub expired: Vec<TicketId>,
    /// Offers made, with their cost terms.
    pub offers: Vec<Offer>,
    /// Open tickets left waiting, with why.
    pub waiting: Vec<(TicketId, WaitReason)>,
    /// True when another job held some experts, so some reasons may be pessimistic.
    pub contended: bool,
    /// Tickets and experts the job skipped, with why: stored records it could not decode,
    /// and tickets it could not expire or offer (a deadline past the accepted range). Every
    /// other ticket was still planned. Administrators see every undecodable record with
    /// [`Service::quarantined_records`].
    pub quarantined: Vec<Quarantined>,
}

/// A ticket waiting longer than its plan allows.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitingTicket {
    /// The ticket.
    pub ticket: Ticket,
    /// How long past its response target it is.
    pub overdue_by: chrono::Duration,
    /// Why it still waits.
    pub reason: WaitReason,
}

/// The change that offers `ticket` as `offer` says.
fn offer_change(ticket: &Ticket, offer: &Offer, ctx: &Ctx<'_>) -> Result<Change, Error> {
    let command = TicketCommand::Assign { expert: offer.expert, rationale: Some(offer.rationale.clone()) };
    let events = ticket.decide(&command, ctx)?;
    let next = applied(ticket, &events)?;
    Ok(Change::of(ticket.version(), &next, &events)?)
}

/// The report entry of a ticket a job had to skip.
fn skipped_ticket(ticket: TicketId, why: &Error) -> Quarantined {
    Quarantined { stream: StreamId::new(Ticket::KIND, ticket), problem: why.to_string() }
}

/// Experts with their workloads, for the assignment engine.
fn candidates(experts: Vec<Expert>, loads: &[ExpertLoad]) -> Vec<Candidate> {
    let loads: HashMap<ExpertId, &ExpertLoad> = loads.iter().map(|l| (l.expert, l)).collect();
    experts
        .into_iter()
        .map(|expert| {
            let load = loads.get(&expert.id);
            let workload =
                Workload { active: load.map_or(0, |l| l.active), recent: load.map_or(0, |l| l.recent), rating: None };
            Candidate { expert, workload }
        })
        .collect()
}

/// Runs commands and queries for verified actors against a [`Store`].
///
/// ```
/// use sysops_core::{Actor, ManualClock, MemoryStore, PersonName, Email, SequentialIds, Service, StaffRole};
/// # futures::executor::block_on(async {
/// let service = Service::new(MemoryStore::new(), ManualClock::new(chrono::Utc::now())?, SequentialIds::new(1));
/// let admin = service
///     .create_staff_account(Actor::system(), PersonName::new("Ada Admin")?, Email::new("ada@sysops.example")?, StaffRole::Administrator)
///     .await?;
/// assert!(admin.active);
/// # Ok::<(), sysops_core::Error>(())
/// # }).unwrap();
/// ```
pub struct Service<S> {
    store: S,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGen>,
    /// Plans by id. A plan's terms never change once defined (only `retired` does, which
    /// submissions ignore), so tickets may read terms from here; registrations reload.
    plan_terms: RwLock<HashMap<PlanId, SupportPlan>>,
}

impl<S: Store> Service<S> {
    /// A service over `store`, reading time from `clock` and taking ids from `ids`.
    pub fn new(store: S, clock: impl Clock + 'static, ids: impl IdGen + 'static) -> Self {
        Self { store, clock: Arc::new(clock), ids: Arc::new(ids), plan_terms: RwLock::default() }
    }

    /// The underlying store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Checks the actor's account: it must exist, be active and hold the claimed role.
    pub async fn verify(&self, actor: Actor, action: Action) -> Result<Actor, Error> {
        let deny = |reason| Error::from(actor.deny(action, reason));
        match actor.role {
            Role::System => Ok(actor),
            Role::Customer => match self.find::<Customer>(actor.id).await? {
                Some(_) => Ok(actor),
                None => Err(deny(DenyReason::UnknownAccount)),
            },
            claimed => match self.find::<StaffAccount>(actor.id).await? {
                None => Err(deny(DenyReason::UnknownAccount)),
                Some(account) if !account.active => Err(deny(DenyReason::AccountDeactivated)),
                Some(account) if Role::from(account.role) != claimed => {
                    Err(deny(DenyReason::RoleMismatch { actual: account.role.into() }))
                }
                Some(_) => Ok(actor),
            },
        }
    }

    async fn ctx(&self, actor: Actor, action: Action) -> Result<Ctx<'_>, Error> {
        let actor = self.verify(actor, action).await?;
        Ok(Ctx::new(actor, self.now()?, self.ids.as_ref()))
    }

    /// The clock's reading, refused when it lies outside the accepted range ([`crate::time`]).
    fn now(&self) -> Result<chrono::DateTime<chrono::Utc>, Error> {
        Ok(crate::time::check("clock", self.clock.now())?)
    }

    async fn find<A: Aggregate>(&self, id: impl Into<Uuid>) -> Result<Option<A>, Error> {
        Ok(store::load::<A, S>(&self.store, id).await?)
    }

    async fn get<A: Aggregate>(&self, id: impl Into<Uuid>) -> Result<A, Error> {
        let id = id.into();
        self.find(id).await?.ok_or(Error::NotFound { kind: A::KIND, id })
    }

    async fn save<A: Aggregate>(&self, current: Option<&A>, events: Vec<Envelope<A::Event>>) -> Result<A, Error> {
        let next = match current {
            Some(current) => applied(current, &events)?,
            None => crate::aggregate::replay::<A>(&events)?,
        };
        let expected = current.map_or(Sequence::NONE, Aggregate::version);
        self.store.commit(vec![Change::of(expected, &next, &events)?]).await?;
        Ok(next)
    }

    // --- staff accounts (UC-1) ---

    /// Creates a staff account. [`Actor::system`] may create the first administrator.
    pub async fn create_staff_account(
        &self,
        actor: Actor,
        name: PersonName,
        email: Email,
        role: StaffRole,
    ) -> Result<StaffAccount, Error> {
        let ctx = self.ctx(actor, Action::CreateStaffAccount).await?;
        self.save(None, StaffAccount::create(name, email, role, &ctx)?).await
    }

    /// Changes a staff account's role, deactivates or reactivates it.
    pub async fn change_staff_account(
        &self,
        actor: Actor,
        account: UserId,
        command: StaffCommand,
    ) -> Result<StaffAccount, Error> {
        let action = match command {
            StaffCommand::ChangeRole(_) => Action::ChangeStaffRole,
            StaffCommand::Deactivate => Action::DeactivateStaffAccount,
            StaffCommand::Reactivate => Action::ReactivateStaffAccount,
        };
        let ctx = self.ctx(actor, action).await?;
        let current: StaffAccount = self.get(account).await?;
        self.save(Some(&current), current.decide(command, &ctx)?).await
    }

    /// A staff account (administrators and managers see all; others their own).
    pub async fn staff_account(&self, actor: Actor, account: UserId) -> Result<StaffAccount, Error> {
        let actor = self.verify(actor, Action::ViewStaffAccount).await?;
        authorize(&actor, Action::ViewStaffAccount, Target::owned_by(account))?;
        self.get(account).await
    }

    /// A staff account's full change history: who changed what, when.
    pub async fn staff_account_history(
        &self,
        actor: Actor,
        account: UserId,
    ) -> Result<Vec<Envelope<crate::staff::StaffEvent>>, Error> {
        self.staff_account(actor, account).await?;
        Ok(store::history::<StaffAccount, S>(&self.store, account).await?)
    }

    // --- plans ---

    /// Defines a support plan.
    pub async fn define_plan(&self, actor: Actor, terms: PlanTerms) -> Result<SupportPlan, Error> {
        let ctx = self.ctx(actor, Action::DefinePlan).await?;
        self.save(None, SupportPlan::define(terms, &ctx)?).await
    }

    /// Retires a plan: existing customers keep it, new ones cannot choose it.
    pub async fn retire_plan(&self, actor: Actor, plan: PlanId) -> Result<SupportPlan, Error> {
        let ctx = self.ctx(actor, Action::RetirePlan).await?;
        let current: SupportPlan = self.get(plan).await?;
        self.save(Some(&current), current.decide(&PlanCommand::Retire, &ctx)?).await
    }

    /// A plan; everyone may read plans.
    pub async fn plan(&self, actor: Actor, plan: PlanId) -> Result<SupportPlan, Error> {
        self.verify(actor, Action::ViewPlan).await?;
        self.get(plan).await
    }

    // --- customers ---

    /// Registers a customer: a customer signing themself up (their actor id becomes the
    /// customer id), or helpdesk and administrators registering a caller.
    pub async fn register_customer(
        &self,
        actor: Actor,
        contact: Contact,
        address: Address,
        plan: PlanId,
    ) -> Result<Customer, Error> {
        let ctx = if actor.role == Role::Customer {
            if self.find::<Customer>(actor.id).await?.is_some() {
                return Err(RuleError::AlreadyExists { kind: Customer::KIND, id: actor.id }.into());
            }
            Ctx::new(actor, self.now()?, self.ids.as_ref())
        } else {
            self.ctx(actor, Action::RegisterCustomer).await?
        };
        let plan: SupportPlan = self.get(plan).await?;
        self.save(None, Customer::register(contact, address, &plan, &ctx)?).await
    }

    /// Updates a customer's contact details or address.
    pub async fn update_customer(
        &self,
        actor: Actor,
        customer: CustomerId,
        command: CustomerCommand,
    ) -> Result<Customer, Error> {
        let action = match command {
            CustomerCommand::UpdateContact(_) => Action::UpdateCustomerContact,
            CustomerCommand::Move(_) => Action::MoveCustomer,
        };
        let ctx = self.ctx(actor, action).await?;
        let current: Customer = self.get(customer).await?;
        self.save(Some(&current), current.decide(&command, &ctx)?).await
    }

    /// Moves a customer to another plan.
    pub async fn change_customer_plan(
        &self,
        actor: Actor,
        customer: CustomerId,
        plan: PlanId,
    ) -> Result<Customer, Error> {
        let ctx = self.ctx(actor, Action::ChangeCustomerPlan).await?;
        let current: Customer = self.get(customer).await?;
        let plan: SupportPlan = self.get(plan).await?;
        self.save(Some(&current), current.change_plan(&plan, &ctx)?).await
    }

    /// A customer's profile.
    pub async fn customer(&self, actor: Actor, customer: CustomerId) -> Result<Customer, Error> {
        let actor = self.verify(actor, Action::ViewCustomer).await?;
        authorize(&actor, Action::ViewCustomer, Target::owned_by(customer))?;
        self.get(customer).await
    }

    // --- experts ---

    /// Registers the expert profile of an expert staff account.
    pub async fn register_expert(
        &self,
        actor: Actor,
        account: UserId,
        profile: ExpertProfile,
    ) -> Result<Expert, Error> {
        let ctx = self.ctx(actor, Action::RegisterExpert).await?;
        let staff: StaffAccount = self.get(account).await?;
        if self.find::<Expert>(account).await?.is_some() {
            return Err(RuleError::AlreadyExists { kind: Expert::KIND, id: account.as_uuid() }.into());
        }
        self.save(None, Expert::register(&staff, profile, &ctx)?).await
    }

    /// Changes an expert's skills, area, hours, time off, capacity or active flag.
    pub async fn update_expert(&self, actor: Actor, expert: ExpertId, command: ExpertCommand) -> Result<Expert, Error> {
        let ctx = self.ctx(actor, command.action()).await?;
        let current: Expert = self.get(expert).await?;
        self.save(Some(&current), current.decide(&command, &ctx)?).await
    }

    /// An expert's profile (staff see all; an expert their own).
    pub async fn expert(&self, actor: Actor, expert: ExpertId) -> Result<Expert, Error> {
        let actor = self.verify(actor, Action::ViewExpert).await?;
        authorize(&actor, Action::ViewExpert, Target::owned_by(expert))?;
        self.get(expert).await
    }

    /// Experts matching `query`; records that do not decode are skipped and listed apart.
    pub async fn find_experts(&self, actor: Actor, query: ExpertQuery, page: Page) -> Result<Listing<Expert>, Error> {
        let actor = self.verify(actor, Action::FindExperts).await?;
        authorize(&actor, Action::FindExperts, Target::default())?;
        let rows = self.store.experts(query, page).await?;
        Ok(Listing::decode(&rows, page, decode_state)?)
    }

    // --- tickets ---

    /// Submits a ticket for `customer`; it is stored before this returns.
    pub async fn submit_ticket(&self, actor: Actor, customer: CustomerId, request: NewTicket) -> Result<Ticket, Error> {
        let (ctx, customer) = if actor.role == Role::Customer && actor.id == customer.as_uuid() {
            // A customer submitting for themself: verifying the account is loading the customer.
            let Some(found) = self.find::<Customer>(customer).await? else {
                return Err(actor.deny(Action::SubmitTicket, DenyReason::UnknownAccount).into());
            };
            (Ctx::new(actor, self.now()?, self.ids.as_ref()), found)
        } else {
            let ctx = self.ctx(actor, Action::SubmitTicket).await?;
            // Authorize before revealing whether the customer exists.
            authorize(&ctx.actor, Action::SubmitTicket, Target::owned_by(customer))?;
            let found: Customer = self.get(customer).await?;
            (ctx, found)
        };
        let plan = self.plan_terms(customer.plan).await?;
        self.save(None, Ticket::submit(request, &customer, &plan, &ctx)?).await
    }

    async fn plan_terms(&self, id: PlanId) -> Result<SupportPlan, Error> {
        let cached = self.plan_terms.read().unwrap_or_else(|p| p.into_inner()).get(&id).cloned();
        if let Some(plan) = cached {
            return Ok(plan);
        }
        let plan: SupportPlan = self.get(id).await?;
        self.plan_terms.write().unwrap_or_else(|p| p.into_inner()).insert(id, plan.clone());
        Ok(plan)
    }

    /// Runs a workflow command on a ticket. Assignments are checked against the expert's profile.
    pub async fn handle_ticket(&self, actor: Actor, ticket: TicketId, command: TicketCommand) -> Result<Ticket, Error> {
        let ctx = self.ctx(actor, command.action()).await?;
        let current: Ticket = self.get(ticket).await?;
        let events = current.decide(&command, &ctx)?;
        if let TicketCommand::Assign { expert, .. } = &command {
            let profile: Expert = self.get(*expert).await?;
            profile
                .qualifies_for(current.category, current.required_level, &current.location)
                .map_err(|why| TicketError::ExpertUnqualified { ticket: current.id, expert: *expert, why })?;
        }
        self.save(Some(&current), events).await
    }

    /// Offers a ticket to an expert (administrators, or the assignment job as [`Actor::system`]).
    pub async fn assign_ticket(
        &self,
        actor: Actor,
        ticket: TicketId,
        expert: ExpertId,
        rationale: Option<Rationale>,
    ) -> Result<Ticket, Error> {
        self.handle_ticket(actor, ticket, TicketCommand::Assign { expert, rationale }).await
    }

    /// A ticket, if the actor may see it.
    pub async fn ticket(&self, actor: Actor, ticket: TicketId) -> Result<Ticket, Error> {
        let actor = self.verify(actor, Action::ViewTicket).await?;
        let found: Ticket = match self.find(ticket).await? {
            Some(t) => t,
            // Customers and experts learn nothing about tickets that are not theirs.
            None if matches!(actor.role, Role::Customer | Role::Expert) => {
                return Err(actor.deny(Action::ViewTicket, DenyReason::NotYours).into());
            }
            None => return Err(Error::not_found(Ticket::KIND, ticket)),
        };
        let expert = (actor.role == Role::Expert).then(|| ExpertId::from_uuid(actor.id));
        authorize(&actor, Action::ViewTicket, found.target_for(expert, Action::ViewTicket))?;
        Ok(found)
    }

    /// A ticket's full history, oldest first.
    pub async fn ticket_history(&self, actor: Actor, ticket: TicketId) -> Result<Vec<Envelope<TicketEvent>>, Error> {
        self.ticket(actor, ticket).await?;
        Ok(store::history::<Ticket, S>(&self.store, ticket).await?)
    }

    /// Tickets matching `filter`: customers may list only their own, experts only theirs.
    /// Records that do not decode are skipped and listed apart.
    pub async fn tickets(&self, actor: Actor, filter: TicketFilter, page: Page) -> Result<Listing<Ticket>, Error> {
        let (action, target) = match (filter.customer, filter.expert) {
            (Some(c), _) => (Action::ListCustomerTickets, Target::owned_by(c)),
            (None, Some(e)) => (Action::ListExpertTickets, Target::owned_by(e)),
            (None, None) => (Action::ListOpenTickets, Target::default()),
        };
        let actor = self.verify(actor, action).await?;
        authorize(&actor, action, target)?;
        let rows = self.store.tickets(filter, page).await?;
        Ok(Listing::decode(&rows, page, decode_state)?)
    }

    // --- assignment (ADR-3) ---

    /// Expires every offer whose answer deadline has passed: the ticket is open again and
    /// that expert is never offered it again. Returns the tickets expired.
    pub async fn expire_overdue_offers(&self, actor: Actor) -> Result<Vec<TicketId>, Error> {
        let actor = self.verify(actor, Action::ExpireAssignment).await?;
        authorize(&actor, Action::ExpireAssignment, Target::default())?;
        self.expire_overdue(actor, &mut Vec::new()).await
    }

    /// [`expire_overdue_offers`](Self::expire_overdue_offers) for an already verified actor;
    /// tickets that do not decode are set aside in `quarantined`.
    async fn expire_overdue(&self, actor: Actor, quarantined: &mut Vec<Quarantined>) -> Result<Vec<TicketId>, Error> {
        let ctx = Ctx::new(actor, self.now()?, self.ids.as_ref());
        let mut expired = Vec::new();
        for ticket in self.all_tickets_in(crate::TicketStatus::Assigned, quarantined).await? {
            let overdue =
                matches!(ticket.state, crate::TicketState::Assigned { respond_by, .. } if respond_by <= ctx.now);
            if !overdue {
                continue;
            }
            // Someone may answer or cancel at the same moment: then there is nothing to expire.
            // A ticket that cannot be expired for any other reason is skipped and reported.
            match self.expire(&ticket, &ctx).await {
                Ok(()) => expired.push(ticket.id),
                Err(e) if e.is_conflict() => {}
                Err(Error::Store(StoreError::Backend(e))) => return Err(StoreError::Backend(e).into()),
                Err(e) => quarantined.push(skipped_ticket(ticket.id, &e)),
            }
        }
        Ok(expired)
    }

    async fn expire(&self, ticket: &Ticket, ctx: &Ctx<'_>) -> Result<(), Error> {
        self.save(Some(ticket), ticket.decide(&TicketCommand::Expire, ctx)?).await.map(drop)
    }

    /// The assignment job: expires overdue offers, then offers every open ticket it can to the
    /// best expert, all in one optimal batch per claim, and says why the others wait.
    ///
    /// Safe to run from several processes at once: batches claim tickets and experts, so no
    /// ticket is offered twice and no expert is filled beyond capacity. A stored ticket or
    /// expert that does not decode is skipped and reported in
    /// [`AssignmentReport::quarantined`]; every other ticket is still planned.
    pub async fn run_assignment(&self, actor: Actor, weights: &CostWeights) -> Result<AssignmentReport, Error> {
        let actor = self.verify(actor, Action::AssignTicket).await?;
        authorize(&actor, Action::AssignTicket, Target::default())?;
        let mut quarantined = Vec::new();
        let expired = self.expire_overdue(actor, &mut quarantined).await?;
        let now = self.now()?;
        let ids = self.ids.clone();
        let weights = *weights;
        let outcome = self
            .store
            .assignment_batch(ASSIGNMENT_BATCH, move |claim| {
                let mut skipped = Vec::new();
                let tickets: Vec<Ticket> = store::decode_all(&claim.tickets, decode_state, &mut skipped)?;
                let candidates =
                    candidates(store::decode_all(&claim.experts, decode_state, &mut skipped)?, &claim.loads);
                let plan = assignment::plan(now, &tickets, &candidates, &weights);
                let ctx = Ctx::new(actor, now, ids.as_ref());
                let (mut changes, mut offers) = (Vec::with_capacity(plan.offers.len()), Vec::new());
                for offer in plan.offers {
                    let Some(ticket) = tickets.iter().find(|t| t.id == offer.ticket) else { continue };
                    // The plan only offers feasible pairs, so this fails only for a ticket that
                    // cannot be written (a deadline past the accepted range): that one is skipped.
                    match offer_change(ticket, &offer, &ctx) {
                        Ok(change) => {
                            changes.push(change);
                            offers.push(offer);
                        }
                        Err(e) => skipped.push(skipped_ticket(ticket.id, &e)),
                    }
                }
                Ok((changes, (offers, plan.waiting, claim.contended, skipped)))
            })
            .await?;
        let (offers, waiting, contended, skipped) = outcome;
        quarantined.extend(skipped);
        Ok(AssignmentReport { expired, offers, waiting, contended, quarantined })
    }

    /// Tickets waiting for an accepted expert longer than their plan allows, oldest first, with
    /// why. Records that do not decode are skipped and listed apart.
    pub async fn tickets_waiting_too_long(&self, actor: Actor) -> Result<Listing<WaitingTicket>, Error> {
        let actor = self.verify(actor, Action::ListOpenTickets).await?;
        authorize(&actor, Action::ListOpenTickets, Target::default())?;
        let now = self.now()?;
        let mut quarantined = Vec::new();
        let mut overdue = Vec::new();
        for status in [crate::TicketStatus::Open, crate::TicketStatus::Assigned] {
            let tickets = self.all_tickets_in(status, &mut quarantined).await?;
            overdue.extend(tickets.into_iter().filter(|t| t.is_waiting_too_long(now)));
        }
        let experts = self
            .store
            .experts(ExpertQuery { active_only: true, ..ExpertQuery::default() }, Page::first(Page::MAX_LIMIT))
            .await?;
        let candidates =
            candidates(store::decode_all(&experts, decode_state, &mut quarantined)?, &self.store.expert_loads().await?);
        let mut waiting: Vec<WaitingTicket> = overdue
            .into_iter()
            .map(|ticket| {
                let reason = if ticket.status() == crate::TicketStatus::Assigned {
                    WaitReason::AwaitingExpertAnswer
                } else {
                    assignment::wait_reason(now, &ticket, &candidates)
                };
                WaitingTicket { overdue_by: now.signed_duration_since(ticket.respond_by()), reason, ticket }
            })
            .collect();
        waiting.sort_by(|a, b| b.overdue_by.cmp(&a.overdue_by).then(a.ticket.id.cmp(&b.ticket.id)));
        Ok(Listing { items: waiting, quarantined, next: None })
    }

    /// Every ticket in `status`, page by page (for the jobs, which are not limited to a page);
    /// tickets that do not decode are set aside in `quarantined`.
    async fn all_tickets_in(
        &self,
        status: crate::TicketStatus,
        quarantined: &mut Vec<Quarantined>,
    ) -> Result<Vec<Ticket>, Error> {
        let filter = TicketFilter { status: Some(status), ..TicketFilter::default() };
        let mut all = Vec::new();
        let mut page = Page::first(Page::MAX_LIMIT);
        loop {
            let rows = self.store.tickets(filter, page).await?;
            let Some(last) = rows.last() else { break };
            page = Page::after(last.stream.id, Page::MAX_LIMIT);
            all.extend(store::decode_all(&rows, decode_state, quarantined)?);
        }
        Ok(all)
    }

    // --- integrity ---

    /// Checks every stored record of `kind` on `page` (in id order): its state decodes, and
    /// its history decodes and replays to exactly that state. `items` lists the healthy
    /// records, `quarantined` the others with what is wrong; follow `next` to walk them all.
    /// Administrators (and the system) only.
    pub async fn quarantined_records(
        &self,
        actor: Actor,
        kind: AggregateKind,
        page: Page,
    ) -> Result<Listing<StreamId>, Error> {
        let actor = self.verify(actor, Action::AuditRecords).await?;
        authorize(&actor, Action::AuditRecords, Target::default())?;
        let rows = self.store.states(kind, page).await?;
        let mut listing = Listing { items: Vec::new(), quarantined: Vec::new(), next: store::next_after(&rows, page) };
        for row in &rows {
            let audit = match kind {
                AggregateKind::Plan => store::audit_stream::<SupportPlan, S>(&self.store, row).await,
                AggregateKind::Customer => store::audit_stream::<Customer, S>(&self.store, row).await,
                AggregateKind::Expert => store::audit_stream::<Expert, S>(&self.store, row).await,
                AggregateKind::StaffAccount => store::audit_stream::<StaffAccount, S>(&self.store, row).await,
                AggregateKind::Ticket => store::audit_stream::<Ticket, S>(&self.store, row).await,
            };
            match audit {
                Ok(()) => listing.items.push(row.stream),
                Err(e) => listing.quarantined.push(Quarantined::from_error(e)?),
            }
        }
        Ok(listing)
    }

    /// Rebuilds an aggregate from its events, to audit that the stored state matches its history.
    pub async fn replayed<A: Aggregate>(&self, id: impl Into<Uuid>) -> Result<A, Error> {
        let id = id.into();
        let events = store::history::<A, S>(&self.store, id).await?;
        if events.is_empty() {
            return Err(Error::NotFound { kind: A::KIND, id });
        }
        Ok(crate::aggregate::replay(&events)?)
    }
}
