//! Tickets: submission, the workflow commands, reading and listing.

use super::{Error, Service};
use crate::actor::{Action, Actor, DenyReason, Role, Target, authorize};
use crate::aggregate::Aggregate;
use crate::ctx::Ctx;
use crate::customer::Customer;
use crate::event::Envelope;
use crate::expert::Expert;
use crate::id::{CustomerId, ExpertId, PlanId, TicketId};
use crate::persist::{self, Listing, Page, decode_state};
use crate::plan::SupportPlan;
use crate::store::Store;
use crate::ticket::{
    Alert, NewTicket, Rationale, Ticket, TicketCommand, TicketError, TicketEvent, TicketFilter, TicketStatus, WarnAt,
};

impl<S: Store> Service<S> {
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

    pub(super) async fn plan_terms(&self, id: PlanId) -> Result<SupportPlan, Error> {
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
        let (current, events) = self.decided::<Ticket>(actor, ticket, &command).await?;
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
        Ok(persist::history::<Ticket, S>(&self.store, ticket).await?)
    }

    /// Tickets matching `filter`: customers may list only their own, experts only theirs.
    /// Records that do not decode are skipped and listed apart.
    pub async fn tickets(&self, actor: Actor, filter: TicketFilter, page: Page) -> Result<Listing<Ticket>, Error> {
        self.may_list(actor, filter).await?;
        let rows = self.store.tickets(filter, page).await?;
        Ok(Listing::decode(&rows, page, decode_state)?)
    }

    /// How many tickets match `filter` (say, a customer's open tickets), for whoever may list them.
    pub async fn count_tickets(&self, actor: Actor, filter: TicketFilter) -> Result<u64, Error> {
        self.may_list(actor, filter).await?;
        Ok(self.store.count_tickets(filter).await?)
    }

    /// Checks `actor` may list the tickets `filter` selects: customers only their own, experts
    /// only theirs.
    async fn may_list(&self, actor: Actor, filter: TicketFilter) -> Result<(), Error> {
        let (action, target) = match (filter.customer, filter.expert) {
            (Some(c), _) => (Action::ListCustomerTickets, Target::owned_by(c)),
            (None, Some(e)) => (Action::ListExpertTickets, Target::owned_by(e)),
            (None, None) => (Action::ListOpenTickets, Target::default()),
        };
        let actor = self.verify(actor, action).await?;
        Ok(authorize(&actor, action, target)?)
    }

    /// The deadline job (System or an administrator, every few minutes): records, for every
    /// ticket an expert has not finished, the alerts due now ([`Ticket::deadline_alerts`]):
    /// nearing a deadline once `warn_at` of its target is used up, which tells the plan's
    /// escalation contact, and past it. Each alert is recorded once per time a ticket is open;
    /// a ticket changed meanwhile is left to the next run.
    pub async fn check_deadlines(&self, actor: Actor, warn_at: WarnAt) -> Result<DeadlineReport, Error> {
        let actor = self.verify(actor, Action::CheckDeadlines).await?;
        authorize(&actor, Action::CheckDeadlines, Target::default())?;
        let now = self.now()?;
        let mut report = DeadlineReport::default();
        for status in [TicketStatus::Open, TicketStatus::Assigned, TicketStatus::Accepted, TicketStatus::InProgress] {
            for ticket in self.all_tickets_in(status, &mut report.quarantined).await? {
                report.checked += 1;
                if ticket.deadline_alerts(now, warn_at).is_empty() {
                    continue;
                }
                let before = ticket.alerted;
                match self.execute::<Ticket>(actor, ticket.id, TicketCommand::CheckDeadlines { warn_at }).await {
                    Ok(after) => {
                        for (_, alert) in after.alerted.difference(&before) {
                            match alert {
                                Alert::Nearing => report.nearing += 1,
                                Alert::Breached => report.breached += 1,
                            }
                        }
                    }
                    Err(e) if e.is_conflict() || matches!(e, Error::Ticket(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(report)
    }
}

/// What a run of the deadline job found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeadlineReport {
    /// Tickets looked at.
    pub checked: u64,
    /// Nearing alerts recorded (each tells the plan's escalation contact).
    pub nearing: u64,
    /// Breaches recorded.
    pub breached: u64,
    /// Tickets whose stored record does not decode, skipped.
    pub quarantined: Vec<crate::persist::Quarantined>,
}
