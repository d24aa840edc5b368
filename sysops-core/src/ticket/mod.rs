//! The ticket workflow (UC-3), the heart of sysops.
//!
//! ```text
//! Open ─assign─▶ Assigned ─accept─▶ Accepted ─start─▶ InProgress ─complete─▶ Completed ─close─▶ Closed
//!   ▲               │                                                         │
//!   ├─reject/expire─┘                                                         │
//!   └────────────────────────── reopen (within the plan's window) ────────────┘
//! cancel: from Open, Assigned or Accepted ─▶ Cancelled
//! wait for the customer: from Open, Accepted or InProgress ─▶ WaitingForCustomer ─reply─▶ back where it was
//! ```

mod alerts;
mod assignment;
mod command;
mod error;
mod event;
mod number;
mod store;

pub use alerts::{Alert, Deadline, WarnAt};
pub use assignment::{Assignment, CostFactor, CostTerm, Outcome, Rationale};
pub use command::{NewTicket, TicketCommand};
pub use error::TicketError;
pub use event::TicketEvent;
pub use number::TicketNumber;
pub use store::{TicketFilter, TicketIndex, TicketStore};

use crate::aggregate::{Aggregate, Index};
use crate::deadline::{Pause, ServiceHours};
use crate::error::{ReplayError, ValidationError};
use crate::event::{AggregateKind, Envelope, EventName, Sequence};
use crate::geo::GeoPoint;
use crate::id::{ArticleId, AssignmentId, CustomerId, ExpertId, PlanId, TicketId};
use crate::plan::ServiceTargets;
use crate::skill::{Priority, ProductCategory, SkillLevel};
use crate::text::{Description, Reason, WorkNotes};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// How a ticket reached us.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Channel {
    /// The customer submitted it on the web or in the app.
    Web,
    /// Helpdesk took it by phone.
    Phone,
}

/// A ticket's state without its data, for queries, indexes and errors.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TicketStatus {
    /// Waiting for an expert.
    Open,
    /// Offered to an expert, waiting for their answer.
    Assigned,
    /// The expert accepted.
    Accepted,
    /// The expert is working on it.
    InProgress,
    /// Waiting on the customer's reply: the deadlines' clock stands still.
    WaitingForCustomer,
    /// Work done; may still be reopened.
    Completed,
    /// Finished for good.
    Closed,
    /// Cancelled before work started.
    Cancelled,
}

impl TicketStatus {
    /// Every status.
    pub const ALL: [TicketStatus; 8] = [
        TicketStatus::Open,
        TicketStatus::Assigned,
        TicketStatus::Accepted,
        TicketStatus::InProgress,
        TicketStatus::WaitingForCustomer,
        TicketStatus::Completed,
        TicketStatus::Closed,
        TicketStatus::Cancelled,
    ];

    /// A stable lower-case name for storage.
    pub const fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::Assigned => "assigned",
            TicketStatus::Accepted => "accepted",
            TicketStatus::InProgress => "in_progress",
            TicketStatus::WaitingForCustomer => "waiting_for_customer",
            TicketStatus::Completed => "completed",
            TicketStatus::Closed => "closed",
            TicketStatus::Cancelled => "cancelled",
        }
    }

    /// True once nothing more can happen to the ticket.
    pub const fn is_final(self) -> bool {
        matches!(self, TicketStatus::Closed | TicketStatus::Cancelled)
    }
}

/// A ticket's state with the data that only exists in that state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum TicketState {
    /// Waiting for an expert.
    Open,
    /// Offered to `expert`, who must answer by `respond_by`.
    Assigned {
        /// The attempt.
        assignment: AssignmentId,
        expert: ExpertId,
        /// Answer deadline.
        respond_by: DateTime<Utc>,
    },
    /// `expert` accepted.
    Accepted {
        /// The attempt.
        assignment: AssignmentId,
        expert: ExpertId,
    },
    /// `expert` is working on it.
    InProgress {
        /// The attempt.
        assignment: AssignmentId,
        expert: ExpertId,
        /// When work started.
        started_at: DateTime<Utc>,
    },
    /// Waiting on the customer since `since`, for `reason`; their reply returns the ticket to
    /// `resume` (open, accepted or in progress), and until then its deadlines stand still.
    WaitingForCustomer {
        since: DateTime<Utc>,
        reason: Reason,
        /// The state the reply returns to.
        resume: Box<TicketState>,
    },
    /// `expert` finished.
    Completed {
        expert: ExpertId,
        /// When.
        completed_at: DateTime<Utc>,
        /// What was done.
        notes: WorkNotes,
    },
    /// Finished for good.
    Closed {
        /// When.
        closed_at: DateTime<Utc>,
    },
    /// Cancelled.
    Cancelled {
        /// When.
        cancelled_at: DateTime<Utc>,
        /// Why.
        reason: Reason,
    },
}

impl TicketState {
    /// The expert this state names, looking through a wait to the state it resumes.
    pub fn expert(&self) -> Option<ExpertId> {
        match self {
            TicketState::Assigned { expert, .. }
            | TicketState::Accepted { expert, .. }
            | TicketState::InProgress { expert, .. }
            | TicketState::Completed { expert, .. } => Some(*expert),
            TicketState::WaitingForCustomer { resume, .. } => resume.expert(),
            _ => None,
        }
    }

    /// The status without data.
    pub fn status(&self) -> TicketStatus {
        match self {
            TicketState::Open => TicketStatus::Open,
            TicketState::Assigned { .. } => TicketStatus::Assigned,
            TicketState::Accepted { .. } => TicketStatus::Accepted,
            TicketState::InProgress { .. } => TicketStatus::InProgress,
            TicketState::WaitingForCustomer { .. } => TicketStatus::WaitingForCustomer,
            TicketState::Completed { .. } => TicketStatus::Completed,
            TicketState::Closed { .. } => TicketStatus::Closed,
            TicketState::Cancelled { .. } => TicketStatus::Cancelled,
        }
    }
}

/// A trouble ticket and its whole assignment history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Ticket {
    pub id: TicketId,
    /// Whose device.
    pub customer: CustomerId,
    /// The plan the ticket was submitted under.
    pub plan: PlanId,
    /// Device category.
    pub category: ProductCategory,
    /// Skill level needed.
    pub required_level: SkillLevel,
    /// What is wrong.
    pub description: Description,
    /// Where to go.
    pub location: GeoPoint,
    /// How it arrived.
    pub channel: Channel,
    /// Priority from the plan.
    pub priority: Priority,
    /// Deadlines from the plan.
    pub targets: ServiceTargets,
    /// When the response and resolution targets' clock runs, from the plan.
    #[serde(default)]
    pub hours: ServiceHours,
    /// The customer's time zone at submission, which business hours count in.
    #[serde(default = "crate::time::utc")]
    pub zone: Tz,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// When the current wait for an expert began: submission, or the last reopening.
    pub open_since: DateTime<Utc>,
    /// The current state.
    pub state: TicketState,
    /// Every assignment attempt, oldest first.
    pub assignments: Vec<Assignment>,
    /// How often it was reopened.
    pub reopened: u32,
    /// The knowledge-base articles recorded as having solved it.
    #[serde(default)]
    pub solved_by: BTreeSet<ArticleId>,
    /// The waits on the customer since it last became open (the last one still running
    /// while it waits): its deadlines' clock stood still in them.
    #[serde(default)]
    pub pauses: Vec<Pause>,
    /// The deadline alerts recorded since it last became open: each is recorded once.
    #[serde(default)]
    pub alerted: BTreeSet<(Deadline, Alert)>,
    version: Sequence,
}

impl Ticket {
    /// Most articles recorded as one ticket's solution.
    pub const MAX_SOLUTIONS: usize = 10;

    /// The number customers read out to helpdesk.
    pub fn number(&self) -> TicketNumber {
        TicketNumber::of(self.id)
    }

    /// The status without data.
    pub fn status(&self) -> TicketStatus {
        self.state.status()
    }

    /// The expert currently responsible (offered, accepted, working, waiting with the
    /// customer or finished), if any.
    pub fn current_expert(&self) -> Option<ExpertId> {
        self.state.expert()
    }

    /// True when `expert` is responsible now or once accepted the ticket (they may read it).
    pub fn involves(&self, expert: ExpertId) -> bool {
        self.current_expert() == Some(expert)
            || self.assignments.iter().any(|a| a.expert == expert && matches!(a.outcome, Outcome::Accepted { .. }))
    }

    /// True when `expert` rejected or let an offer of this ticket expire.
    pub fn excludes(&self, expert: ExpertId) -> bool {
        self.assignments.iter().any(|a| a.expert == expert && a.excludes_expert())
    }

    /// By when an expert should have accepted: the plan's response target, counted on its
    /// service hours in the customer's zone from when the ticket last became open, the waits
    /// on the customer left out. `None` while it waits on the customer and the target is not
    /// reached yet: the clock stands still until their reply.
    pub fn respond_by(&self) -> Option<DateTime<Utc>> {
        self.due(self.targets.respond_within)
    }

    /// By when the work should be completed: the plan's resolution target, counted as
    /// [`Ticket::respond_by`].
    pub fn resolve_by(&self) -> Option<DateTime<Utc>> {
        self.due(self.targets.resolve_within)
    }

    /// `target` on the ticket's service hours from `open_since`, its pauses left out (checked
    /// to end within the accepted range when the ticket was submitted, reopened or resumed,
    /// else the range's end).
    fn due(&self, target: chrono::TimeDelta) -> Option<DateTime<Utc>> {
        match self.hours.due(self.zone, self.open_since, target, &self.pauses) {
            Ok(due) => due,
            Err(_) => Some(crate::time::latest()),
        }
    }

    /// Checks that every deadline of a ticket opened at `from` under `targets` and `hours` in
    /// `zone`, with `pauses`, lies in the accepted time range ([`crate::time`]).
    fn check_deadlines(
        targets: &ServiceTargets,
        hours: &ServiceHours,
        zone: Tz,
        from: DateTime<Utc>,
        pauses: &[Pause],
    ) -> Result<(), ValidationError> {
        targets.deadlines_from(from)?;
        for target in [targets.respond_within, targets.resolve_within] {
            hours.due(zone, from, target, pauses)?;
        }
        Ok(())
    }

    /// How long past its response target the ticket still waits for an accepted expert, if
    /// it does (a ticket waiting on its customer never does: its clock stands still).
    pub fn overdue_by(&self, now: DateTime<Utc>) -> Option<chrono::TimeDelta> {
        if !matches!(self.status(), TicketStatus::Open | TicketStatus::Assigned) {
            return None;
        }
        let due = self.respond_by()?;
        (now > due).then(|| now - due)
    }

    fn assignment_mut(&mut self, id: AssignmentId) -> Option<&mut Assignment> {
        self.assignments.iter_mut().rev().find(|a| a.id == id)
    }

    fn close_offer(&mut self, id: AssignmentId, event: &'static str, outcome: Outcome) -> Result<(), ReplayError> {
        match &self.state {
            TicketState::Assigned { assignment, .. } if *assignment == id => {}
            _ => return Err(self.does_not_apply(event)),
        }
        let attempt = self.assignment_mut(id).ok_or(ReplayError::DoesNotApply { event, state: "Assigned" })?;
        attempt.outcome = outcome;
        Ok(())
    }

    fn does_not_apply(&self, event: &'static str) -> ReplayError {
        ReplayError::DoesNotApply { event, state: self.status().as_str() }
    }
}

impl Aggregate for Ticket {
    const KIND: AggregateKind = AggregateKind::Ticket;
    type Event = TicketEvent;

    fn id(&self) -> Uuid {
        self.id.as_uuid()
    }

    fn version(&self) -> Sequence {
        self.version
    }

    fn create(first: &Envelope<TicketEvent>) -> Result<Self, ReplayError> {
        match &first.payload {
            TicketEvent::Submitted {
                ticket,
                customer,
                plan,
                category,
                required_level,
                description,
                location,
                channel,
                priority,
                targets,
                hours,
                zone,
            } => Ok(Ticket {
                id: *ticket,
                customer: *customer,
                plan: *plan,
                category: *category,
                required_level: *required_level,
                description: description.clone(),
                location: *location,
                channel: *channel,
                priority: *priority,
                targets: *targets,
                hours: hours.clone(),
                zone: *zone,
                submitted_at: first.at,
                open_since: first.at,
                state: TicketState::Open,
                assignments: Vec::new(),
                reopened: 0,
                solved_by: BTreeSet::new(),
                pauses: Vec::new(),
                alerted: BTreeSet::new(),
                version: first.sequence,
            }),
            other => Err(ReplayError::DoesNotApply { event: other.name(), state: "nothing" }),
        }
    }

    fn evolve(&mut self, event: &Envelope<TicketEvent>) -> Result<(), ReplayError> {
        let at = event.at;
        let name = event.payload.name();
        self.state = match (&self.state, &event.payload) {
            (TicketState::Open, TicketEvent::Assigned { assignment, expert, respond_by, rationale }) => {
                self.assignments.push(Assignment {
                    id: *assignment,
                    expert: *expert,
                    offered_at: at,
                    respond_by: *respond_by,
                    rationale: rationale.clone(),
                    outcome: Outcome::Pending,
                });
                TicketState::Assigned { assignment: *assignment, expert: *expert, respond_by: *respond_by }
            }
            (TicketState::Assigned { expert, .. }, TicketEvent::Accepted { assignment }) => {
                let expert = *expert;
                self.close_offer(*assignment, name, Outcome::Accepted { at })?;
                TicketState::Accepted { assignment: *assignment, expert }
            }
            (TicketState::Assigned { .. }, TicketEvent::Rejected { assignment, reason }) => {
                self.close_offer(*assignment, name, Outcome::Rejected { at, reason: reason.clone() })?;
                TicketState::Open
            }
            (TicketState::Assigned { .. }, TicketEvent::Expired { assignment }) => {
                self.close_offer(*assignment, name, Outcome::Expired { at })?;
                TicketState::Open
            }
            (TicketState::Accepted { assignment, expert }, TicketEvent::WorkStarted) => {
                TicketState::InProgress { assignment: *assignment, expert: *expert, started_at: at }
            }
            (TicketState::InProgress { expert, .. }, TicketEvent::Completed { notes }) => {
                TicketState::Completed { expert: *expert, completed_at: at, notes: notes.clone() }
            }
            (TicketState::Open | TicketState::Accepted { .. }, TicketEvent::Cancelled { reason }) => {
                TicketState::Cancelled { cancelled_at: at, reason: reason.clone() }
            }
            (TicketState::Assigned { assignment, .. }, TicketEvent::Cancelled { reason }) => {
                self.close_offer(*assignment, name, Outcome::Withdrawn { at })?;
                TicketState::Cancelled { cancelled_at: at, reason: reason.clone() }
            }
            (TicketState::Completed { .. }, TicketEvent::Closed) => TicketState::Closed { closed_at: at },
            (
                state @ (TicketState::Completed { .. } | TicketState::Closed { .. }),
                TicketEvent::SolutionRecorded { articles },
            ) => {
                self.solved_by = articles.clone();
                state.clone()
            }
            (TicketState::Completed { .. }, TicketEvent::Reopened { .. }) => {
                self.reopened = self.reopened.saturating_add(1);
                self.open_since = at;
                self.pauses.clear();
                self.alerted.clear();
                TicketState::Open
            }
            (
                resume @ (TicketState::Open | TicketState::Accepted { .. } | TicketState::InProgress { .. }),
                TicketEvent::WaitingForCustomer { reason },
            ) => {
                self.pauses.push(Pause { from: at, until: None });
                TicketState::WaitingForCustomer { since: at, reason: reason.clone(), resume: Box::new(resume.clone()) }
            }
            (TicketState::WaitingForCustomer { resume, .. }, TicketEvent::CustomerReplied) => {
                let resume = (**resume).clone();
                if let Some(wait) = self.pauses.last_mut() {
                    wait.until = Some(at);
                }
                resume
            }
            (state, TicketEvent::DeadlineNearing { deadline, .. }) => {
                self.alerted.insert((*deadline, Alert::Nearing));
                state.clone()
            }
            (state, TicketEvent::DeadlineBreached { deadline, .. }) => {
                self.alerted.insert((*deadline, Alert::Breached));
                state.clone()
            }
            _ => return Err(self.does_not_apply(name)),
        };
        self.version = event.sequence;
        Ok(())
    }

    fn index(&self) -> Index {
        Index::of(TicketIndex {
            number: self.number(),
            customer: self.customer,
            status: self.status(),
            expert: self.current_expert(),
            priority: self.priority,
            category: self.category,
            submitted_at: self.submitted_at,
            solved_by: self.solved_by.clone(),
        })
    }
}
