//! Deciding ticket commands: authorization first, then the workflow rules, then the events.

use super::{Channel, Rationale, Ticket, TicketError, TicketEvent, TicketState};
use crate::actor::{Action, Role, Target, authorize};
use crate::aggregate::Decide;
use crate::ctx::Ctx;
use crate::customer::Customer;
use crate::error::ValidationError;
use crate::event::{Envelope, Sequence};
use crate::id::{ArticleId, ExpertId, TicketId};
use crate::plan::SupportPlan;
use crate::rule::Refused;
use crate::skill::{ProductCategory, SkillLevel};
use crate::stream::ShardKey;
use crate::text::{Description, Reason, WorkNotes};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What a customer (or helpdesk for them) reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewTicket {
    /// The device's category; the customer's plan must cover it.
    pub category: ProductCategory,
    /// What is wrong.
    pub description: Description,
    /// Skill level needed; helpdesk may raise it for hard cases.
    pub required_level: SkillLevel,
}

/// A command to an existing ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum TicketCommand {
    /// Offer the ticket to an expert (assignment job or administrator).
    Assign {
        expert: ExpertId,
        /// Why this expert, when chosen by the job.
        rationale: Option<Rationale>,
    },
    /// The assigned expert takes the ticket.
    Accept,
    /// The assigned expert declines, saying why.
    Reject {
        /// Why.
        reason: Reason,
    },
    /// Record that the assigned expert did not answer by the deadline.
    Expire,
    /// The expert starts work on site.
    Start,
    /// The expert finished.
    Complete {
        /// What was done.
        notes: WorkNotes,
    },
    /// Cancel before work starts.
    Cancel {
        /// Why.
        reason: Reason,
    },
    /// Close a completed ticket for good.
    Close,
    /// Reopen a completed ticket within the plan's window.
    Reopen {
        /// Why.
        reason: Reason,
    },
    /// Wait on the customer (an open, accepted or in-progress ticket): the deadlines stop.
    WaitForCustomer {
        /// What is awaited, e.g. "the model number".
        reason: Reason,
    },
    /// The customer replied to a ticket waiting on them: it resumes where it was.
    Reply,
    /// Record which knowledge-base articles solved a completed (or closed) ticket, replacing
    /// what was recorded before; at most [`Ticket::MAX_SOLUTIONS`], none to clear.
    RecordSolution { articles: BTreeSet<ArticleId> },
    /// Record the deadline alerts due now ([`Ticket::deadline_alerts`]): the deadline job.
    CheckDeadlines { warn_at: super::WarnAt },
}

impl TicketCommand {
    /// The action the command is authorized as.
    pub fn action(&self) -> Action {
        match self {
            TicketCommand::Assign { .. } => Action::AssignTicket,
            TicketCommand::Accept => Action::AcceptAssignment,
            TicketCommand::Reject { .. } => Action::RejectAssignment,
            TicketCommand::Expire => Action::ExpireAssignment,
            TicketCommand::Start => Action::StartWork,
            TicketCommand::Complete { .. } => Action::CompleteWork,
            TicketCommand::Cancel { .. } => Action::CancelTicket,
            TicketCommand::Close => Action::CloseTicket,
            TicketCommand::Reopen { .. } => Action::ReopenTicket,
            TicketCommand::WaitForCustomer { .. } => Action::WaitForCustomer,
            TicketCommand::Reply => Action::ReplyToTicket,
            TicketCommand::RecordSolution { .. } => Action::RecordSolution,
            TicketCommand::CheckDeadlines { .. } => Action::CheckDeadlines,
        }
    }
}

impl Ticket {
    /// Decides a submission for `customer` under `plan` (the customer's current plan).
    ///
    /// A customer submits their own tickets on the web; helpdesk submits for any
    /// customer by phone. The channel follows from who submits.
    pub fn submit(
        request: NewTicket,
        customer: &Customer,
        plan: &SupportPlan,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<Envelope<TicketEvent>>, Refused<TicketError>> {
        authorize(&ctx.actor, Action::SubmitTicket, Target::owned_by(customer.id))?;
        if let Some(invoice) = customer.suspended_for {
            return Err(TicketError::AccountSuspended { customer: customer.id, invoice }.into());
        }
        if !plan.covers(request.category) {
            return Err(TicketError::NotCovered { plan: plan.id, category: request.category }.into());
        }
        let zone = customer.address.time_zone;
        Ticket::check_deadlines(&plan.terms.targets, &plan.terms.hours, zone, ctx.now, &[])?;
        // The ticket lives on its customer's shard (see `ShardKey`).
        let ticket = TicketId::from(ShardKey::of(customer.id.as_uuid()).stamp(ctx.new_id()));
        let channel = if ctx.actor.role == Role::Customer { Channel::Web } else { Channel::Phone };
        Ok(ctx.stamp(
            ticket,
            Sequence::NONE,
            vec![TicketEvent::Submitted {
                ticket,
                customer: customer.id,
                plan: plan.id,
                category: request.category,
                required_level: request.required_level,
                description: request.description,
                location: customer.address.location,
                channel,
                priority: plan.terms.priority,
                targets: plan.terms.targets,
                hours: plan.terms.hours.clone(),
                zone,
            }],
        ))
    }

    /// Who may see this ticket and how they relate to it, for the policy.
    pub fn target_for(&self, expert_acting: Option<ExpertId>, action: Action) -> Target {
        let assigned_to_actor = match (expert_acting, action) {
            (Some(expert), Action::ViewTicket) => self.involves(expert),
            (Some(expert), _) => self.current_expert() == Some(expert),
            (None, _) => false,
        };
        Target { owner: Some(self.customer.as_uuid()), assigned_to_actor }
    }
}

impl Decide for Ticket {
    type Command = TicketCommand;
    type Error = Refused<TicketError>;

    fn action(command: &TicketCommand) -> Action {
        command.action()
    }

    /// Decides a command: checks the actor may, then that the workflow allows it now.
    fn decide(&self, command: &TicketCommand, ctx: &Ctx<'_>) -> Result<Vec<Envelope<TicketEvent>>, Self::Error> {
        let action = command.action();
        let acting_expert = (ctx.actor.role == Role::Expert).then(|| ExpertId::from_uuid(ctx.actor.id));
        authorize(&ctx.actor, action, self.target_for(acting_expert, action))?;
        let refused = || -> Refused<TicketError> {
            TicketError::InvalidTransition { ticket: self.id, status: self.status(), action }.into()
        };
        let event = match (command, &self.state) {
            (TicketCommand::Assign { expert, rationale }, TicketState::Open) => {
                if self.excludes(*expert) {
                    return Err(TicketError::ExpertExcluded { ticket: self.id, expert: *expert }.into());
                }
                TicketEvent::Assigned {
                    assignment: ctx.new_id(),
                    expert: *expert,
                    respond_by: crate::time::add("respond_by", ctx.now, self.targets.answer_within)?,
                    rationale: rationale.clone(),
                }
            }
            (TicketCommand::Accept, TicketState::Assigned { assignment, respond_by, .. }) => {
                if ctx.now >= *respond_by {
                    return Err(TicketError::OfferExpired { ticket: self.id, respond_by: *respond_by }.into());
                }
                TicketEvent::Accepted { assignment: *assignment }
            }
            (TicketCommand::Reject { reason }, TicketState::Assigned { assignment, .. }) => {
                TicketEvent::Rejected { assignment: *assignment, reason: reason.clone() }
            }
            (TicketCommand::Expire, TicketState::Assigned { assignment, respond_by, .. }) => {
                if ctx.now < *respond_by {
                    return Err(TicketError::DeadlineNotReached { ticket: self.id, respond_by: *respond_by }.into());
                }
                TicketEvent::Expired { assignment: *assignment }
            }
            (TicketCommand::Start, TicketState::Accepted { .. }) => TicketEvent::WorkStarted,
            (TicketCommand::Complete { notes }, TicketState::InProgress { .. }) => {
                TicketEvent::Completed { notes: notes.clone() }
            }
            (
                TicketCommand::Cancel { reason },
                TicketState::Open | TicketState::Assigned { .. } | TicketState::Accepted { .. },
            ) => TicketEvent::Cancelled { reason: reason.clone() },
            (TicketCommand::Close, TicketState::Completed { .. }) => TicketEvent::Closed,
            (TicketCommand::Reopen { reason }, TicketState::Completed { completed_at, .. }) => {
                let window_end = crate::time::saturating_add(*completed_at, self.targets.reopen_within);
                if ctx.now > window_end {
                    return Err(TicketError::ReopenWindowClosed { ticket: self.id, window_end }.into());
                }
                Ticket::check_deadlines(&self.targets, &self.hours, self.zone, ctx.now, &[])?;
                TicketEvent::Reopened { reason: reason.clone() }
            }
            (
                TicketCommand::WaitForCustomer { reason },
                TicketState::Open | TicketState::Accepted { .. } | TicketState::InProgress { .. },
            ) => TicketEvent::WaitingForCustomer { reason: reason.clone() },
            (TicketCommand::Reply, TicketState::WaitingForCustomer { .. }) => {
                let mut pauses = self.pauses.clone();
                if let Some(wait) = pauses.last_mut() {
                    wait.until = Some(ctx.now);
                }
                Ticket::check_deadlines(&self.targets, &self.hours, self.zone, self.open_since, &pauses)?;
                TicketEvent::CustomerReplied
            }
            (
                TicketCommand::RecordSolution { articles },
                TicketState::Completed { .. } | TicketState::Closed { .. },
            ) => {
                if articles.len() > Ticket::MAX_SOLUTIONS {
                    return Err(ValidationError::count("articles", articles.len(), 0, Ticket::MAX_SOLUTIONS).into());
                }
                if *articles == self.solved_by {
                    return Err(TicketError::Unchanged { ticket: self.id, action }.into());
                }
                TicketEvent::SolutionRecorded { articles: articles.clone() }
            }
            (TicketCommand::CheckDeadlines { warn_at }, _) => {
                let alerts = self.deadline_alerts(ctx.now, *warn_at);
                if alerts.is_empty() {
                    return Err(TicketError::Unchanged { ticket: self.id, action }.into());
                }
                return Ok(ctx.stamp(self.id, self.version, alerts));
            }
            _ => return Err(refused()),
        };
        Ok(ctx.stamp(self.id, self.version, vec![event]))
    }
}
