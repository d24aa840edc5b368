//! The read models' rows ("facts") and how events fold into them. Each row remembers the
//! last event of its stream it took in (`version`), so an event delivered twice, or a row
//! rebuilt while the projector runs, changes nothing: the fold is deterministic and never
//! goes back.

use crate::customer::CustomerEvent;
use crate::deadline::{Pause, ServiceHours};
use crate::event::{Envelope, Sequence};
use crate::id::{CustomerId, PlanId, TicketId};
use crate::plan::{PlanEvent, ServiceTargets};
use crate::skill::{Priority, ProductCategory};
use crate::ticket::{Deadline, TicketEvent, TicketStatus};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// One ticket as the reports see it: what it is, where it stands, and what happened to it
/// over its whole life (a reopening does not forget an earlier completion or breach).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct TicketFacts {
    pub ticket: TicketId,
    pub customer: CustomerId,
    /// The plan it was submitted under.
    pub plan: PlanId,
    pub category: ProductCategory,
    pub priority: Priority,
    pub status: TicketStatus,
    pub submitted_at: DateTime<Utc>,
    /// By when an expert should accept it, while it waits for one (open or offered):
    /// [`Ticket::respond_by`](crate::Ticket::respond_by) counted the same way.
    pub respond_by: Option<DateTime<Utc>>,
    /// Times the work was completed.
    pub completions: u32,
    /// Times it was reopened.
    pub reopened: u32,
    /// Response deadlines missed (one per opening at most).
    pub response_breaches: u32,
    /// Resolution deadlines missed (one per opening at most).
    pub resolution_breaches: u32,
    /// What the fold needs to count its deadline again on a reopening or a reply.
    pub clock: TicketClock,
    /// The last event of the ticket folded in.
    pub version: Sequence,
}

/// What a ticket's deadline is counted from, kept with its facts: the plan's terms copied at
/// submission, when it last became open, its waits on the customer since, and the status a
/// reply returns it to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct TicketClock {
    pub targets: ServiceTargets,
    pub hours: ServiceHours,
    pub zone: Tz,
    pub open_since: DateTime<Utc>,
    pub pauses: Vec<Pause>,
    /// While it waits on the customer: the status their reply returns it to.
    pub resume: Option<TicketStatus>,
}

impl TicketClock {
    /// The response deadline from `open_since`, the waits left out (the latest instant when
    /// it cannot be counted, as the ticket does).
    fn respond_by(&self) -> Option<DateTime<Utc>> {
        match self.hours.due(self.zone, self.open_since, self.targets.respond_within, &self.pauses) {
            Ok(due) => due,
            Err(_) => Some(crate::time::latest()),
        }
    }
}

impl TicketFacts {
    /// The facts of a ticket whose first event is `submitted`; `None` for any other event.
    pub fn submitted(submitted: &Envelope<TicketEvent>) -> Option<Self> {
        let TicketEvent::Submitted { ticket, customer, plan, category, priority, targets, hours, zone, .. } =
            &submitted.payload
        else {
            return None;
        };
        let clock = TicketClock {
            targets: *targets,
            hours: hours.clone(),
            zone: *zone,
            open_since: submitted.at,
            pauses: Vec::new(),
            resume: None,
        };
        let mut facts = Self {
            ticket: *ticket,
            customer: *customer,
            plan: *plan,
            category: *category,
            priority: *priority,
            status: TicketStatus::Open,
            submitted_at: submitted.at,
            respond_by: None,
            completions: 0,
            reopened: 0,
            response_breaches: 0,
            resolution_breaches: 0,
            clock,
            version: submitted.sequence,
        };
        facts.respond_by = facts.clock.respond_by();
        Some(facts)
    }

    /// Folds in the ticket's next event; one already folded in (or older) changes nothing.
    pub fn apply(&mut self, event: &Envelope<TicketEvent>) {
        if event.sequence <= self.version {
            return;
        }
        let at = event.at;
        match &event.payload {
            TicketEvent::Assigned { .. } => self.status = TicketStatus::Assigned,
            TicketEvent::Accepted { .. } => self.status = TicketStatus::Accepted,
            TicketEvent::Rejected { .. } | TicketEvent::Expired { .. } => self.status = TicketStatus::Open,
            TicketEvent::WorkStarted => self.status = TicketStatus::InProgress,
            TicketEvent::Completed { .. } => {
                self.status = TicketStatus::Completed;
                self.completions = self.completions.saturating_add(1);
            }
            TicketEvent::Cancelled { .. } => self.status = TicketStatus::Cancelled,
            TicketEvent::Closed => self.status = TicketStatus::Closed,
            TicketEvent::Reopened { .. } => {
                self.status = TicketStatus::Open;
                self.reopened = self.reopened.saturating_add(1);
                self.clock.open_since = at;
                self.clock.pauses.clear();
            }
            TicketEvent::WaitingForCustomer { .. } => {
                self.clock.resume = Some(self.status);
                self.clock.pauses.push(Pause { from: at, until: None });
                self.status = TicketStatus::WaitingForCustomer;
            }
            TicketEvent::CustomerReplied => {
                self.status = self.clock.resume.take().unwrap_or(TicketStatus::Open);
                if let Some(wait) = self.clock.pauses.last_mut() {
                    wait.until = Some(at);
                }
            }
            TicketEvent::DeadlineBreached { deadline: Deadline::Response, .. } => {
                self.response_breaches = self.response_breaches.saturating_add(1);
            }
            TicketEvent::DeadlineBreached { deadline: Deadline::Resolution, .. } => {
                self.resolution_breaches = self.resolution_breaches.saturating_add(1);
            }
            TicketEvent::Submitted { .. }
            | TicketEvent::DeadlineNearing { .. }
            | TicketEvent::SolutionRecorded { .. } => {}
        }
        self.respond_by = match self.status {
            TicketStatus::Open | TicketStatus::Assigned => self.clock.respond_by(),
            _ => None,
        };
        self.version = event.sequence;
    }

    /// True while work on it is still to be done: not completed, closed or cancelled.
    pub fn is_open(&self) -> bool {
        !matches!(self.status, TicketStatus::Completed | TicketStatus::Closed | TicketStatus::Cancelled)
    }

    /// True when it waits for an expert past its response deadline at `now` (to the whole
    /// second, as the read models keep times).
    pub fn waits_too_long(&self, now: DateTime<Utc>) -> bool {
        self.respond_by.is_some_and(|due| now.timestamp() > due.timestamp())
    }
}

/// A customer as the reports group them: by region (their address's state), with their plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct CustomerFacts {
    pub customer: CustomerId,
    pub region: String,
    pub plan: PlanId,
    /// The last event of the customer folded in.
    pub version: Sequence,
}

impl CustomerFacts {
    /// The facts of a customer whose first event is `registered`; `None` for any other.
    pub fn registered(registered: &Envelope<CustomerEvent>) -> Option<Self> {
        let CustomerEvent::Registered { customer, address, plan, .. } = &registered.payload else { return None };
        let region = address.region.as_str().to_owned();
        Some(Self { customer: *customer, region, plan: *plan, version: registered.sequence })
    }

    /// Folds in the customer's next event; one already folded in changes nothing.
    pub fn apply(&mut self, event: &Envelope<CustomerEvent>) {
        if event.sequence <= self.version {
            return;
        }
        match &event.payload {
            CustomerEvent::Moved { address } => self.region = address.region.as_str().to_owned(),
            CustomerEvent::PlanChanged { to, .. } => self.plan = *to,
            _ => {}
        }
        self.version = event.sequence;
    }
}

/// A plan's name, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct PlanFacts {
    pub plan: PlanId,
    pub name: String,
}

impl PlanFacts {
    /// The facts of a plan `defined`; `None` for any other event.
    pub fn defined(defined: &Envelope<PlanEvent>) -> Option<Self> {
        let PlanEvent::Defined { plan, terms } = &defined.payload else { return None };
        Some(Self { plan: *plan, name: terms.name.as_str().to_owned() })
    }
}

/// The rows a page of events changed, each stream's once, to write in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct Projection {
    pub tickets: Vec<TicketFacts>,
    pub customers: Vec<CustomerFacts>,
    pub plans: Vec<PlanFacts>,
}

impl Projection {
    /// True when the page changed no row.
    pub fn is_empty(&self) -> bool {
        self.tickets.is_empty() && self.customers.is_empty() && self.plans.is_empty()
    }
}
