//! Tickets: the request, where it is in the workflow, every assignment attempt, its history.

use crate::client::{Sysops, all, page, reason};
use crate::enums::{Channel, CostFactor, Priority, ProductCategory, TicketStatus};
use crate::error::SysopsError;
use crate::guard::guard;
use crate::plan::ServiceTargets;
use crate::types::Timestamp;
use crate::value::{Actor, GeoPoint};
use sysops_core as core;
use sysops_core::{CustomerId, ExpertId, TicketCommand, TicketId};
use uuid::Uuid;

mod history;
pub use history::{TicketChange, TicketEvent};

/// What a customer asks for.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, from_py_object, module = "sysops"))]
pub struct NewTicket {
    /// The device's category; the plan must cover it.
    pub category: ProductCategory,
    /// What is wrong, 1–10,000 characters.
    pub description: String,
    /// The skill level the fix needs, 1..=5.
    pub required_level: i64,
}

impl TryFrom<NewTicket> for core::NewTicket {
    type Error = SysopsError;
    fn try_from(t: NewTicket) -> Result<Self, SysopsError> {
        Ok(core::NewTicket {
            category: t.category,
            description: core::Description::new(t.description)?,
            required_level: core::SkillLevel::new(t.required_level)?,
        })
    }
}

/// One term of an offer's cost.
#[derive(Debug, Clone, Copy, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct CostTerm {
    /// Which factor.
    pub factor: CostFactor,
    /// The raw value (km, load share, levels, stars, share of recent work).
    pub value: f64,
    /// Its weighted cost.
    pub cost: f64,
}

/// Why the assignment job chose this expert: the total cost and its terms.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct Rationale {
    /// The total cost (lower is better).
    pub total: f64,
    pub terms: Vec<CostTerm>,
}

impl From<core::Rationale> for Rationale {
    fn from(r: core::Rationale) -> Self {
        Rationale {
            total: r.total(),
            terms: r
                .terms()
                .iter()
                .map(|t| CostTerm { factor: t.factor(), value: t.value(), cost: t.cost() })
                .collect(),
        }
    }
}

/// How an offer to an expert ended.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, eq, module = "sysops"))]
pub enum Outcome {
    /// Not answered yet.
    Pending {},
    /// Accepted.
    Accepted {
        /// When.
        at: Timestamp,
    },
    /// Rejected, with why; the expert is never offered this ticket again.
    Rejected {
        /// When.
        at: Timestamp,
        /// Why.
        reason: String,
    },
    /// Not answered in time; the expert is never offered this ticket again.
    Expired {
        /// When.
        at: Timestamp,
    },
    /// The ticket was cancelled while offered.
    Withdrawn {
        /// When.
        at: Timestamp,
    },
}

#[cfg(feature = "python")]
crate::python::variant_kind!(Outcome { Pending, Accepted, Rejected, Expired, Withdrawn });

impl From<core::Outcome> for Outcome {
    fn from(o: core::Outcome) -> Self {
        match o {
            core::Outcome::Pending => Outcome::Pending {},
            core::Outcome::Accepted { at } => Outcome::Accepted { at },
            core::Outcome::Rejected { at, reason } => Outcome::Rejected { at, reason: reason.into() },
            core::Outcome::Expired { at } => Outcome::Expired { at },
            core::Outcome::Withdrawn { at } => Outcome::Withdrawn { at },
        }
    }
}

/// One offer of a ticket to an expert.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct Assignment {
    pub id: Uuid,
    pub expert: Uuid,
    /// When it was offered.
    pub offered_at: Timestamp,
    /// The answer deadline.
    pub respond_by: Timestamp,
    /// Why this expert (absent for manual assignments).
    pub rationale: Option<Rationale>,
    /// How it ended.
    pub outcome: Outcome,
}

impl From<core::Assignment> for Assignment {
    fn from(a: core::Assignment) -> Self {
        Assignment {
            id: a.id.as_uuid(),
            expert: a.expert.as_uuid(),
            offered_at: a.offered_at,
            respond_by: a.respond_by,
            rationale: a.rationale.map(Into::into),
            outcome: a.outcome.into(),
        }
    }
}

/// Where a ticket is in its workflow, with what that state knows.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, eq, module = "sysops"))]
#[allow(missing_docs)]
pub enum TicketState {
    /// Waiting for an expert.
    Open {},
    /// Offered to `expert`, who must answer by `respond_by`.
    Assigned {
        /// The offer.
        assignment: Uuid,
        expert: Uuid,
        /// The answer deadline.
        respond_by: Timestamp,
    },
    /// `expert` accepted.
    Accepted {
        /// The offer.
        assignment: Uuid,
        expert: Uuid,
    },
    /// `expert` is working on it.
    InProgress {
        /// The offer.
        assignment: Uuid,
        expert: Uuid,
        /// When work started.
        started_at: Timestamp,
    },
    /// Waiting on the customer since `since`: the deadlines stand still until they reply,
    /// which returns the ticket to `resumes` (`OPEN`, `ACCEPTED` or `IN_PROGRESS`, with
    /// `expert` for the last two).
    WaitingForCustomer {
        since: Timestamp,
        /// What is awaited.
        reason: String,
        resumes: TicketStatus,
        expert: Option<Uuid>,
    },
    /// Done.
    Completed {
        expert: Uuid,
        /// When.
        completed_at: Timestamp,
        /// The expert's notes.
        notes: String,
    },
    /// Closed for good.
    Closed {
        /// When.
        closed_at: Timestamp,
    },
    /// Cancelled.
    Cancelled {
        /// When.
        cancelled_at: Timestamp,
        /// Why.
        reason: String,
    },
}

#[cfg(feature = "python")]
crate::python::variant_kind!(TicketState {
    Open,
    Assigned,
    Accepted,
    InProgress,
    WaitingForCustomer,
    Completed,
    Closed,
    Cancelled
});

impl From<core::TicketState> for TicketState {
    fn from(s: core::TicketState) -> Self {
        use core::TicketState as S;
        match s {
            S::Open => TicketState::Open {},
            S::Assigned { assignment, expert, respond_by } => {
                TicketState::Assigned { assignment: assignment.as_uuid(), expert: expert.as_uuid(), respond_by }
            }
            S::Accepted { assignment, expert } => {
                TicketState::Accepted { assignment: assignment.as_uuid(), expert: expert.as_uuid() }
            }
            S::InProgress { assignment, expert, started_at } => {
                TicketState::InProgress { assignment: assignment.as_uuid(), expert: expert.as_uuid(), started_at }
            }
            S::WaitingForCustomer { since, reason, resume } => TicketState::WaitingForCustomer {
                since,
                reason: reason.into(),
                resumes: resume.status(),
                expert: resume.expert().map(|e| e.as_uuid()),
            },
            S::Completed { expert, completed_at, notes } => {
                TicketState::Completed { expert: expert.as_uuid(), completed_at, notes: notes.into() }
            }
            S::Closed { closed_at } => TicketState::Closed { closed_at },
            S::Cancelled { cancelled_at, reason } => TicketState::Cancelled { cancelled_at, reason: reason.into() },
        }
    }
}

/// A trouble ticket.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct Ticket {
    pub id: Uuid,
    /// The number customers read out to helpdesk, `HX4TZ-9K2M7`: ten symbols, a letter
    /// first and a check digit last, derived from the id (`find_tickets` finds it however
    /// it is typed).
    pub number: String,
    pub customer: Uuid,
    /// The customer's plan when submitted.
    pub plan: Uuid,
    /// The device's category.
    pub category: ProductCategory,
    /// The skill level needed, 1..=5.
    pub required_level: i64,
    /// What is wrong.
    pub description: String,
    /// Where the work is.
    pub location: GeoPoint,
    /// Web or phone.
    pub channel: Channel,
    /// From the plan.
    pub priority: Priority,
    /// From the plan.
    pub targets: ServiceTargets,
    /// When submitted.
    pub submitted_at: Timestamp,
    /// When it last became open (submission or reopening).
    pub open_since: Timestamp,
    /// By when an expert should have accepted it: the plan's response target counted on its
    /// service hours in the customer's time zone from `open_since`, the waits on the customer
    /// left out; absent while it waits on the customer (the clock stands still).
    pub respond_by: Option<Timestamp>,
    /// By when the work should be done: the resolution target, counted the same way.
    pub resolve_by: Option<Timestamp>,
    /// The customer's IANA time zone at submission, which business hours count in.
    pub time_zone: String,
    /// Its status (the state's name).
    pub status: TicketStatus,
    /// Its state with details.
    pub state: TicketState,
    /// The expert holding it now, if any.
    pub expert: Option<Uuid>,
    /// Every offer, oldest first.
    pub assignments: Vec<Assignment>,
    /// How often it was reopened.
    pub reopened: u32,
    /// The knowledge-base articles recorded as having solved it (`record_solution`).
    pub solved_by: Vec<Uuid>,
    /// How many events it has (its version for optimistic concurrency).
    pub version: u64,
}

impl From<core::Ticket> for Ticket {
    fn from(t: core::Ticket) -> Self {
        use core::Aggregate;
        Ticket {
            id: t.id.as_uuid(),
            number: t.number().to_string(),
            customer: t.customer.as_uuid(),
            plan: t.plan.as_uuid(),
            category: t.category,
            required_level: t.required_level.get().into(),
            location: t.location.into(),
            channel: t.channel,
            priority: t.priority,
            targets: t.targets.into(),
            submitted_at: t.submitted_at,
            open_since: t.open_since,
            respond_by: t.respond_by(),
            resolve_by: t.resolve_by(),
            time_zone: t.zone.name().to_owned(),
            status: t.status(),
            expert: t.current_expert().map(|e| e.as_uuid()),
            reopened: t.reopened,
            solved_by: t.solved_by.iter().map(|a| a.as_uuid()).collect(),
            version: t.version().0,
            assignments: t.assignments.into_iter().map(Into::into).collect(),
            state: t.state.into(),
            description: t.description.into(),
        }
    }
}

/// Which tickets to list; a customer must name themself, an expert themself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Record)]
pub struct TicketFilter {
    /// Only in this status.
    #[uniffi(default = None)]
    pub status: Option<TicketStatus>,
    /// Only this customer's.
    #[uniffi(default = None)]
    pub customer: Option<Uuid>,
    /// Only those this expert holds now.
    #[uniffi(default = None)]
    pub expert: Option<Uuid>,
}

impl From<TicketFilter> for core::store::TicketFilter {
    fn from(f: TicketFilter) -> Self {
        core::store::TicketFilter {
            status: f.status,
            customer: f.customer.map(core::CustomerId::from_uuid),
            expert: f.expert.map(core::ExpertId::from_uuid),
        }
    }
}

/// One page of tickets: the ones that could be read, the quarantined ones, and where to go on.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct TicketPage {
    /// The tickets, in id order.
    pub tickets: Vec<Ticket>,
    /// Stored tickets of this page that could not be read (skipped above).
    pub quarantined: Vec<crate::QuarantinedRecord>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<Uuid>,
}

impl From<core::store::Listing<core::Ticket>> for TicketPage {
    fn from(l: core::store::Listing<core::Ticket>) -> Self {
        TicketPage {
            tickets: l.items.into_iter().map(Ticket::from).collect(),
            quarantined: crate::integrity::quarantined(l.quarantined),
            next: l.next,
        }
    }
}

impl Sysops {
    async fn ticket_command(&self, actor: Actor, ticket: Uuid, command: TicketCommand) -> Result<Ticket, SysopsError> {
        Ok(self.api()?.handle_ticket(actor.into(), TicketId::from_uuid(ticket), command).await?.into())
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// Submits a ticket for `customer`; it is stored before this returns.
    pub async fn submit_ticket(&self, actor: Actor, customer: Uuid, request: NewTicket) -> Result<Ticket, SysopsError> {
        guard(async move {
            Ok(self
                .api()?
                .submit_ticket(actor.into(), CustomerId::from_uuid(customer), request.try_into()?)
                .await?
                .into())
        })
        .await
    }

    /// Offers a ticket to an expert by hand (administrators); the job does this for open tickets.
    pub async fn assign_ticket(&self, actor: Actor, ticket: Uuid, expert: Uuid) -> Result<Ticket, SysopsError> {
        guard(async move {
            self.ticket_command(
                actor,
                ticket,
                TicketCommand::Assign { expert: ExpertId::from_uuid(expert), rationale: None },
            )
            .await
        })
        .await
    }

    /// The expert accepts the ticket offered to them.
    pub async fn accept_ticket(&self, actor: Actor, ticket: Uuid) -> Result<Ticket, SysopsError> {
        guard(async move { self.ticket_command(actor, ticket, TicketCommand::Accept).await }).await
    }

    /// The expert rejects the ticket offered to them, saying why (a `reason` of 1–2,000
    /// characters, as for cancelling and reopening); it goes to someone else.
    pub async fn reject_ticket(&self, actor: Actor, ticket: Uuid, reason: String) -> Result<Ticket, SysopsError> {
        guard(async move {
            self.ticket_command(actor, ticket, TicketCommand::Reject { reason: self::reason(reason)? }).await
        })
        .await
    }

    /// The expert starts work on an accepted ticket.
    pub async fn start_work(&self, actor: Actor, ticket: Uuid) -> Result<Ticket, SysopsError> {
        guard(async move { self.ticket_command(actor, ticket, TicketCommand::Start).await }).await
    }

    /// The ticket waits on the customer for `reason` (1–2,000 characters): an open,
    /// accepted or in-progress ticket, by its expert, helpdesk or an administrator. Its
    /// deadlines stand still until the customer replies.
    pub async fn wait_for_customer(&self, actor: Actor, ticket: Uuid, reason: String) -> Result<Ticket, SysopsError> {
        guard(async move {
            self.ticket_command(actor, ticket, TicketCommand::WaitForCustomer { reason: self::reason(reason)? }).await
        })
        .await
    }

    /// The customer (or helpdesk for them) replied to a ticket waiting on them: it resumes
    /// where it was, and its deadlines move by the time waited.
    pub async fn reply_to_ticket(&self, actor: Actor, ticket: Uuid) -> Result<Ticket, SysopsError> {
        guard(async move { self.ticket_command(actor, ticket, TicketCommand::Reply).await }).await
    }

    /// The expert completes the work, with notes (1–10,000 characters).
    pub async fn complete_ticket(&self, actor: Actor, ticket: Uuid, notes: String) -> Result<Ticket, SysopsError> {
        guard(async move {
            let notes = core::WorkNotes::new(notes)?;
            self.ticket_command(actor, ticket, TicketCommand::Complete { notes }).await
        })
        .await
    }

    /// Cancels a ticket not yet being worked on.
    pub async fn cancel_ticket(&self, actor: Actor, ticket: Uuid, reason: String) -> Result<Ticket, SysopsError> {
        guard(async move {
            self.ticket_command(actor, ticket, TicketCommand::Cancel { reason: self::reason(reason)? }).await
        })
        .await
    }

    /// Closes a completed ticket.
    pub async fn close_ticket(&self, actor: Actor, ticket: Uuid) -> Result<Ticket, SysopsError> {
        guard(async move { self.ticket_command(actor, ticket, TicketCommand::Close).await }).await
    }

    /// Reopens a completed ticket within the plan's window.
    pub async fn reopen_ticket(&self, actor: Actor, ticket: Uuid, reason: String) -> Result<Ticket, SysopsError> {
        guard(async move {
            self.ticket_command(actor, ticket, TicketCommand::Reopen { reason: self::reason(reason)? }).await
        })
        .await
    }

    /// A ticket, if the actor may see it.
    pub async fn ticket(&self, actor: Actor, ticket: Uuid) -> Result<Ticket, SysopsError> {
        guard(async move { Ok(self.api()?.ticket(actor.into(), TicketId::from_uuid(ticket)).await?.into()) }).await
    }

    /// A ticket's history, oldest first.
    pub async fn ticket_history(&self, actor: Actor, ticket: Uuid) -> Result<Vec<TicketEvent>, SysopsError> {
        guard(async move { Ok(all(self.api()?.ticket_history(actor.into(), TicketId::from_uuid(ticket)).await?)) })
            .await
    }

    /// Tickets matching `filter`, `limit` at a time (at most 10,000; more is capped) after the
    /// ticket id `after`.
    pub async fn tickets(
        &self,
        actor: Actor,
        filter: TicketFilter,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<TicketPage, SysopsError> {
        guard(async move { Ok(self.api()?.tickets(actor.into(), filter.into(), page(after, limit)?).await?.into()) })
            .await
    }

    /// How many tickets match `filter` (say, a customer's open tickets); who may count is who may list.
    pub async fn count_tickets(&self, actor: Actor, filter: TicketFilter) -> Result<u64, SysopsError> {
        guard(async move { Ok(self.api()?.count_tickets(actor.into(), filter.into()).await?) }).await
    }
}
