//! The assignment job (ADR-3): expire overdue offers, offer open tickets in optimal batches,
//! and say which tickets wait too long and why.

use super::{Error, Service};
use crate::actor::{Action, Actor, Target, authorize};
use crate::aggregate::{Aggregate, Decide, applied};
use crate::assignment::{self, Candidate, CostWeights, ExpertLoad, Offer, Rating, WaitReason, Workload};
use crate::ctx::Ctx;
use crate::error::StoreError;
use crate::event::StreamId;
use crate::expert::{Expert, ExpertQuery};
use crate::id::{ExpertId, TicketId};
use crate::persist::{self, Change, Listing, Page, Quarantined, decode_state};
use crate::store::Store;
use crate::ticket::{Ticket, TicketCommand, TicketFilter, TicketState, TicketStatus};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Most open tickets one assignment batch claims.
const ASSIGNMENT_BATCH: u32 = 50_000;
/// How many times a run plans again after its batch met a concurrent change.
const ASSIGNMENT_ATTEMPTS: u32 = 3;

/// What one batch decided: the offers made, the tickets left waiting, whether another job held
/// experts, and what it skipped.
type Batch = (Vec<Offer>, Vec<(TicketId, WaitReason)>, bool, Vec<Quarantined>);

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
#[allow(missing_docs)]
pub struct WaitingTicket {
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
            // Surveys rate the expert; before the first, the cost model's neutral rating holds.
            let rating = expert.ratings.for_assignment().and_then(|stars| Rating::new(stars).ok());
            let workload =
                Workload { active: load.map_or(0, |l| l.active), recent: load.map_or(0, |l| l.recent), rating };
            Candidate { expert, workload }
        })
        .collect()
}

impl<S: Store> Service<S> {
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
        for ticket in self.all_tickets_in(TicketStatus::Assigned, quarantined).await? {
            let overdue = matches!(ticket.state, TicketState::Assigned { respond_by, .. } if respond_by <= ctx.now);
            if !overdue {
                continue;
            }
            // Someone may answer or cancel at the same moment: then there is nothing to expire.
            // A ticket that cannot be expired for any other reason is skipped and reported.
            match self.expire(&ticket, &ctx).await {
                Ok(()) => expired.push(ticket.id),
                Err(e) if e.is_conflict() => {}
                Err(Error::Store(e @ (StoreError::Backend(_) | StoreError::Busy))) => return Err(e.into()),
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
    /// ticket is offered twice and no expert is filled beyond capacity. Jobs take turns; one
    /// that waits for another's turn longer than the store's wait limit fails with
    /// [`StoreError::Busy`] (its expiries kept): run it again. A stored ticket or
    /// expert that does not decode is skipped and reported in
    /// [`AssignmentReport::quarantined`]; every other ticket is still planned.
    pub async fn run_assignment(&self, actor: Actor, weights: &CostWeights) -> Result<AssignmentReport, Error> {
        let actor = self.verify(actor, Action::AssignTicket).await?;
        authorize(&actor, Action::AssignTicket, Target::default())?;
        let mut quarantined = Vec::new();
        let expired = self.expire_overdue(actor, &mut quarantined).await?;
        let now = self.now()?;
        // A batch that does not lock what it plans (Citus's turn-taking jobs) fails as a
        // conflict when a ticket changed meanwhile: planning again on fresh data resolves it.
        let mut attempt = 1;
        let outcome = loop {
            match self.assignment_batch(actor, now, weights).await {
                Err(e) if e.is_conflict() && attempt < ASSIGNMENT_ATTEMPTS => attempt += 1,
                result => break result?,
            }
        };
        let (offers, waiting, contended, skipped) = outcome;
        quarantined.extend(skipped);
        Ok(AssignmentReport { expired, offers, waiting, contended, quarantined })
    }

    /// One claim, plan and commit of the assignment job.
    async fn assignment_batch(&self, actor: Actor, now: DateTime<Utc>, weights: &CostWeights) -> Result<Batch, Error> {
        let ids = self.ids.clone();
        let weights = *weights;
        self.store
            .assignment_batch(ASSIGNMENT_BATCH, move |claim| {
                let mut skipped = Vec::new();
                let tickets: Vec<Ticket> = persist::decode_all(&claim.tickets, decode_state, &mut skipped)?;
                let candidates =
                    candidates(persist::decode_all(&claim.experts, decode_state, &mut skipped)?, &claim.loads);
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
            .await
            .map_err(Error::from)
    }

    /// Tickets waiting for an accepted expert longer than their plan allows, oldest first, with
    /// why. Records that do not decode are skipped and listed apart.
    pub async fn tickets_waiting_too_long(&self, actor: Actor) -> Result<Listing<WaitingTicket>, Error> {
        let actor = self.verify(actor, Action::ListOpenTickets).await?;
        authorize(&actor, Action::ListOpenTickets, Target::default())?;
        let now = self.now()?;
        let mut quarantined = Vec::new();
        let mut overdue = Vec::new();
        for status in [TicketStatus::Open, TicketStatus::Assigned] {
            let tickets = self.all_tickets_in(status, &mut quarantined).await?;
            overdue.extend(tickets.into_iter().filter_map(|t| Some((t.overdue_by(now)?, t))));
        }
        let experts = self
            .store
            .experts(ExpertQuery { active_only: true, ..ExpertQuery::default() }, Page::first(Page::MAX_LIMIT))
            .await?;
        let candidates = candidates(
            persist::decode_all(&experts, decode_state, &mut quarantined)?,
            &self.store.expert_loads().await?,
        );
        let mut waiting: Vec<WaitingTicket> = overdue
            .into_iter()
            .map(|(overdue_by, ticket)| {
                let reason = if ticket.status() == TicketStatus::Assigned {
                    WaitReason::AwaitingExpertAnswer
                } else {
                    assignment::wait_reason(now, &ticket, &candidates)
                };
                WaitingTicket { overdue_by, reason, ticket }
            })
            .collect();
        waiting.sort_by(|a, b| b.overdue_by.cmp(&a.overdue_by).then(a.ticket.id.cmp(&b.ticket.id)));
        Ok(Listing { items: waiting, quarantined, next: None })
    }

    /// Every ticket in `status`, page by page (for the jobs, which are not limited to a page);
    /// tickets that do not decode are set aside in `quarantined`.
    pub(super) async fn all_tickets_in(
        &self,
        status: TicketStatus,
        quarantined: &mut Vec<Quarantined>,
    ) -> Result<Vec<Ticket>, Error> {
        let filter = TicketFilter { status: Some(status), ..TicketFilter::default() };
        let mut all = Vec::new();
        let mut page = Page::first(Page::MAX_LIMIT);
        loop {
            let rows = self.store.tickets(filter, page).await?;
            let Some(last) = rows.last() else { break };
            page = Page::after(last.stream.id, Page::MAX_LIMIT);
            all.extend(persist::decode_all(&rows, decode_state, quarantined)?);
        }
        Ok(all)
    }
}
