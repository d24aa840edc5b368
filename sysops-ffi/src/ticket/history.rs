//! A ticket's history as hosts read it: each event, when, by whom and what changed.

use crate::enums::{Channel, Deadline, ProductCategory};
use crate::types::Timestamp;
use crate::value::Actor;
use sysops_core as core;
use uuid::Uuid;

/// What happened to a ticket in one event.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, eq, module = "sysops"))]
#[allow(missing_docs)]
pub enum TicketChange {
    /// Submitted.
    Submitted {
        customer: Uuid,
        category: ProductCategory,
        /// What is wrong.
        description: String,
        /// Web or phone.
        channel: Channel,
    },
    /// Offered to an expert.
    Assigned {
        /// The offer.
        assignment: Uuid,
        expert: Uuid,
        /// The answer deadline.
        respond_by: Timestamp,
    },
    /// The expert accepted.
    Accepted {
        /// The offer.
        assignment: Uuid,
    },
    /// The expert rejected.
    Rejected {
        /// The offer.
        assignment: Uuid,
        /// Why.
        reason: String,
    },
    /// The offer expired unanswered.
    Expired {
        /// The offer.
        assignment: Uuid,
    },
    /// Work started.
    WorkStarted {},
    /// Work completed.
    Completed {
        /// The expert's notes.
        notes: String,
    },
    /// Cancelled.
    Cancelled {
        /// Why.
        reason: String,
    },
    /// Closed.
    Closed {},
    /// Reopened by the customer.
    Reopened {
        /// Why.
        reason: String,
    },
    /// It waits on the customer; the deadlines stand still.
    WaitingForCustomer {
        /// What is awaited.
        reason: String,
    },
    /// The customer replied; it resumed where it was.
    CustomerReplied {},
    /// The knowledge-base articles that solved it were recorded (empty: withdrawn).
    SolutionRecorded { articles: Vec<Uuid> },
    /// It neared a deadline (the plan's escalation contact was told).
    DeadlineNearing { deadline: Deadline, due: Timestamp },
    /// It missed a deadline.
    DeadlineBreached { deadline: Deadline, due: Timestamp },
}

#[cfg(feature = "python")]
crate::python::variant_kind!(TicketChange {
    Submitted,
    Assigned,
    Accepted,
    Rejected,
    Expired,
    WorkStarted,
    Completed,
    Cancelled,
    Closed,
    Reopened,
    WaitingForCustomer,
    CustomerReplied,
    SolutionRecorded,
    DeadlineNearing,
    DeadlineBreached
});

/// One event of a ticket's history: what happened, when, by whom.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct TicketEvent {
    /// 1, 2, 3, ... per ticket, gap-free.
    pub sequence: u64,
    /// When.
    pub at: Timestamp,
    /// Who.
    pub by: Actor,
    /// A stable name, e.g. `"TicketAccepted"`.
    pub name: String,
    /// What.
    pub change: TicketChange,
}

impl From<core::Envelope<core::TicketEvent>> for TicketEvent {
    fn from(e: core::Envelope<core::TicketEvent>) -> Self {
        use core::{EventName, TicketEvent as E};
        let name = e.payload.name().to_owned();
        let change = match e.payload {
            E::Submitted { customer, category, description, channel, .. } => TicketChange::Submitted {
                customer: customer.as_uuid(),
                category,
                description: description.into(),
                channel,
            },
            E::Assigned { assignment, expert, respond_by, .. } => {
                TicketChange::Assigned { assignment: assignment.as_uuid(), expert: expert.as_uuid(), respond_by }
            }
            E::Accepted { assignment } => TicketChange::Accepted { assignment: assignment.as_uuid() },
            E::Rejected { assignment, reason } => {
                TicketChange::Rejected { assignment: assignment.as_uuid(), reason: reason.into() }
            }
            E::Expired { assignment } => TicketChange::Expired { assignment: assignment.as_uuid() },
            E::WorkStarted => TicketChange::WorkStarted {},
            E::Completed { notes } => TicketChange::Completed { notes: notes.into() },
            E::Cancelled { reason } => TicketChange::Cancelled { reason: reason.into() },
            E::Closed => TicketChange::Closed {},
            E::Reopened { reason } => TicketChange::Reopened { reason: reason.into() },
            E::WaitingForCustomer { reason } => TicketChange::WaitingForCustomer { reason: reason.into() },
            E::CustomerReplied => TicketChange::CustomerReplied {},
            E::SolutionRecorded { articles } => {
                TicketChange::SolutionRecorded { articles: articles.into_iter().map(|a| a.as_uuid()).collect() }
            }
            E::DeadlineNearing { deadline, due } => TicketChange::DeadlineNearing { deadline, due },
            E::DeadlineBreached { deadline, due } => TicketChange::DeadlineBreached { deadline, due },
        };
        TicketEvent { sequence: e.sequence.0, at: e.at, by: e.by.into(), name, change }
    }
}
