//! What can happen to a ticket.

use super::assignment::Rationale;
use super::{Channel, Deadline};
use crate::deadline::ServiceHours;
use crate::event::EventName;
use crate::geo::GeoPoint;
use crate::id::{ArticleId, AssignmentId, CustomerId, ExpertId, PlanId, TicketId};
use crate::plan::ServiceTargets;
use crate::skill::{Priority, ProductCategory, SkillLevel};
use crate::text::{Description, Reason, WorkNotes};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A change to a ticket. Time and actor are in the envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum TicketEvent {
    /// The ticket was submitted; the plan's terms are copied so later plan changes do not alter it.
    Submitted {
        /// Its id.
        ticket: TicketId,
        /// Whose device.
        customer: CustomerId,
        /// The customer's plan at submission.
        plan: PlanId,
        /// The device's category.
        category: ProductCategory,
        /// Skill level needed.
        required_level: SkillLevel,
        /// What is wrong.
        description: Description,
        /// Where to go.
        location: GeoPoint,
        /// How it arrived.
        channel: Channel,
        /// Priority from the plan.
        priority: Priority,
        /// Deadlines from the plan.
        targets: ServiceTargets,
        /// When the plan's clock runs (tickets submitted before: around the clock).
        #[serde(default)]
        hours: ServiceHours,
        /// The customer's time zone, which business hours count in (before: UTC).
        #[serde(default = "crate::time::utc")]
        zone: Tz,
    },
    /// The ticket was offered to an expert.
    Assigned {
        /// The attempt.
        assignment: AssignmentId,
        expert: ExpertId,
        /// Answer deadline.
        respond_by: DateTime<Utc>,
        /// Why this expert.
        rationale: Option<Rationale>,
    },
    /// The expert accepted.
    Accepted {
        /// The attempt.
        assignment: AssignmentId,
    },
    /// The expert rejected; the ticket is open again.
    Rejected {
        /// The attempt.
        assignment: AssignmentId,
        /// Why.
        reason: Reason,
    },
    /// The expert did not answer in time; the ticket is open again.
    Expired {
        /// The attempt.
        assignment: AssignmentId,
    },
    /// The expert started work on site.
    WorkStarted,
    /// The expert finished.
    Completed {
        /// What was done.
        notes: WorkNotes,
    },
    /// The ticket was cancelled before work started.
    Cancelled {
        /// Why.
        reason: Reason,
    },
    /// The completed ticket was closed.
    Closed,
    /// The completed ticket was reopened within the window.
    Reopened {
        /// Why.
        reason: Reason,
    },
    /// The ticket waits on the customer (open, accepted or in progress before): its
    /// deadlines' clock stands still until they reply.
    WaitingForCustomer {
        /// What is awaited.
        reason: Reason,
    },
    /// The customer replied: the ticket is back where it was and its clock runs again.
    CustomerReplied,
    /// The ticket neared a deadline: the share of its target set for warnings is used up
    /// (recorded once each time the ticket is open; the plan's escalation contact is told).
    DeadlineNearing {
        deadline: Deadline,
        /// When it falls due.
        due: DateTime<Utc>,
    },
    /// The ticket missed a deadline (recorded once each time the ticket is open).
    DeadlineBreached {
        deadline: Deadline,
        /// When it fell due.
        due: DateTime<Utc>,
    },
    /// The knowledge-base articles that solved the ticket were recorded (replacing any before).
    SolutionRecorded {
        /// The articles; empty when a recorded solution was withdrawn.
        articles: BTreeSet<ArticleId>,
    },
}

impl TicketEvent {
    /// The name of [`TicketEvent::SolutionRecorded`] as stored: the ticket storage files
    /// rewrite a ticket's solution rows only in a change holding it.
    pub const SOLUTION_RECORDED: &'static str = "TicketSolutionRecorded";
}

impl EventName for TicketEvent {
    fn name(&self) -> &'static str {
        match self {
            TicketEvent::Submitted { .. } => "TicketSubmitted",
            TicketEvent::Assigned { .. } => "TicketAssigned",
            TicketEvent::Accepted { .. } => "AssignmentAccepted",
            TicketEvent::Rejected { .. } => "AssignmentRejected",
            TicketEvent::Expired { .. } => "AssignmentExpired",
            TicketEvent::WorkStarted => "WorkStarted",
            TicketEvent::Completed { .. } => "WorkCompleted",
            TicketEvent::Cancelled { .. } => "TicketCancelled",
            TicketEvent::Closed => "TicketClosed",
            TicketEvent::Reopened { .. } => "TicketReopened",
            TicketEvent::WaitingForCustomer { .. } => "TicketWaitingForCustomer",
            TicketEvent::CustomerReplied => "CustomerReplied",
            TicketEvent::SolutionRecorded { .. } => TicketEvent::SOLUTION_RECORDED,
            TicketEvent::DeadlineNearing { .. } => "TicketDeadlineNearing",
            TicketEvent::DeadlineBreached { .. } => "TicketDeadlineBreached",
        }
    }
}
