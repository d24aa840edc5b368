//! The read models' rows ("facts") and how events fold into them. Each row remembers the
//! last event of its stream it took in (`version`), so an event delivered twice, or a row
//! rebuilt while the projector runs, changes nothing: the fold is deterministic and never
//! goes back.

use crate::customer::CustomerEvent;
use crate::deadline::{Pause, ServiceHours};
use crate::event::{Envelope, Sequence};
use crate::expert::{ExpertEvent, WeeklyHours};
use crate::id::{AssignmentId, CustomerId, ExpertId, PlanId, SurveyId, TicketId};
use crate::plan::{PlanEvent, ServiceTargets};
use crate::skill::{Priority, ProductCategory};
use crate::survey::SurveyEvent;
use crate::ticket::{CostFactor, Rationale};
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
    /// What the fold needs to go on: the deadline's terms and the current offer.
    pub memo: TicketMemo,
    /// The last event of the ticket folded in.
    pub version: Sequence,
}

/// What the fold remembers of a ticket beyond the columns reports read: its deadline's
/// terms (the plan's, copied at submission), when it last became open, its waits on the
/// customer since, the status a reply returns it to, and the offer it is on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct TicketMemo {
    pub targets: ServiceTargets,
    pub hours: ServiceHours,
    pub zone: Tz,
    pub open_since: DateTime<Utc>,
    pub pauses: Vec<Pause>,
    /// While it waits on the customer: the status their reply returns it to.
    pub resume: Option<TicketStatus>,
    /// The latest offer since it last became open.
    pub offer: Option<OfferFacts>,
}

impl TicketMemo {
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
        let memo = TicketMemo {
            targets: *targets,
            hours: hours.clone(),
            zone: *zone,
            open_since: submitted.at,
            pauses: Vec::new(),
            resume: None,
            offer: None,
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
            memo,
            version: submitted.sequence,
        };
        facts.respond_by = facts.memo.respond_by();
        Some(facts)
    }

    /// Folds in the ticket's next event; one already folded in (or older) changes nothing.
    /// Answers the offer the event made or changed, if any.
    pub fn apply(&mut self, event: &Envelope<TicketEvent>) -> Option<OfferFacts> {
        if event.sequence <= self.version {
            return None;
        }
        let (at, sequence) = (event.at, event.sequence);
        let memo = &mut self.memo;
        let mut offer_changed = true;
        match &event.payload {
            TicketEvent::Assigned { assignment, expert, rationale, .. } => {
                self.status = TicketStatus::Assigned;
                let travel_m = rationale.as_ref().and_then(travel_m);
                memo.offer = Some(OfferFacts::made(*assignment, self.ticket, *expert, at, travel_m));
            }
            TicketEvent::Accepted { .. } => {
                self.status = TicketStatus::Accepted;
                answer(memo, OfferOutcome::Accepted, at);
            }
            TicketEvent::Rejected { .. } => {
                self.status = TicketStatus::Open;
                answer(memo, OfferOutcome::Rejected, at);
            }
            TicketEvent::Expired { .. } => {
                self.status = TicketStatus::Open;
                answer(memo, OfferOutcome::Expired, at);
            }
            TicketEvent::WorkStarted => {
                self.status = TicketStatus::InProgress;
                if let Some(offer) = &mut memo.offer {
                    offer.started_at = Some(at);
                }
            }
            TicketEvent::Completed { .. } => {
                self.status = TicketStatus::Completed;
                self.completions = self.completions.saturating_add(1);
                if let Some(offer) = &mut memo.offer {
                    offer.completed_at = Some(at);
                }
            }
            TicketEvent::Cancelled { .. } => {
                // An offer not answered yet is withdrawn with the ticket.
                offer_changed = memo.offer.as_ref().is_some_and(|o| o.outcome == OfferOutcome::Pending);
                if offer_changed {
                    answer(memo, OfferOutcome::Withdrawn, at);
                }
                self.status = TicketStatus::Cancelled;
            }
            other => {
                offer_changed = false;
                match other {
                    TicketEvent::Closed => self.status = TicketStatus::Closed,
                    TicketEvent::Reopened { .. } => {
                        self.status = TicketStatus::Open;
                        self.reopened = self.reopened.saturating_add(1);
                        memo.open_since = at;
                        memo.pauses.clear();
                        memo.offer = None;
                    }
                    TicketEvent::WaitingForCustomer { .. } => {
                        memo.resume = Some(self.status);
                        memo.pauses.push(Pause { from: at, until: None });
                        self.status = TicketStatus::WaitingForCustomer;
                    }
                    TicketEvent::CustomerReplied => {
                        self.status = memo.resume.take().unwrap_or(TicketStatus::Open);
                        if let Some(wait) = memo.pauses.last_mut() {
                            wait.until = Some(at);
                        }
                    }
                    TicketEvent::DeadlineBreached { deadline: Deadline::Response, .. } => {
                        self.response_breaches = self.response_breaches.saturating_add(1);
                    }
                    TicketEvent::DeadlineBreached { deadline: Deadline::Resolution, .. } => {
                        self.resolution_breaches = self.resolution_breaches.saturating_add(1);
                    }
                    _ => {}
                }
            }
        }
        self.respond_by = match self.status {
            TicketStatus::Open | TicketStatus::Assigned => self.memo.respond_by(),
            _ => None,
        };
        self.version = sequence;
        let offer = self.memo.offer.as_mut().filter(|_| offer_changed)?;
        offer.version = sequence;
        Some(offer.clone())
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

/// How an offer ended, as the expert report counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum OfferOutcome {
    Pending,
    Accepted,
    Rejected,
    Expired,
    /// The ticket was cancelled before the expert answered.
    Withdrawn,
}

impl OfferOutcome {
    /// A stable lower-case name for storage.
    pub const fn as_str(self) -> &'static str {
        match self {
            OfferOutcome::Pending => "pending",
            OfferOutcome::Accepted => "accepted",
            OfferOutcome::Rejected => "rejected",
            OfferOutcome::Expired => "expired",
            OfferOutcome::Withdrawn => "withdrawn",
        }
    }
}

/// One offer of a ticket to an expert, and the visit that followed when they accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct OfferFacts {
    pub assignment: AssignmentId,
    pub ticket: TicketId,
    pub expert: ExpertId,
    pub offered_at: DateTime<Utc>,
    pub outcome: OfferOutcome,
    /// When the expert accepted or rejected, the offer expired, or was withdrawn.
    pub answered_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The distance from the expert's base the assignment job measured, in whole metres;
    /// `None` when an administrator chose the expert.
    pub travel_m: Option<i64>,
    /// The last event of the ticket that changed it.
    pub version: Sequence,
}

impl OfferFacts {
    fn made(
        assignment: AssignmentId,
        ticket: TicketId,
        expert: ExpertId,
        at: DateTime<Utc>,
        travel_m: Option<i64>,
    ) -> Self {
        Self {
            assignment,
            ticket,
            expert,
            offered_at: at,
            outcome: OfferOutcome::Pending,
            answered_at: None,
            started_at: None,
            completed_at: None,
            travel_m,
            version: Sequence::NONE,
        }
    }
}

/// Records how the current offer ended.
fn answer(memo: &mut TicketMemo, outcome: OfferOutcome, at: DateTime<Utc>) {
    if let Some(offer) = &mut memo.offer {
        offer.outcome = outcome;
        offer.answered_at = Some(at);
    }
}

/// The distance term of the assignment job's rationale, in whole metres.
fn travel_m(rationale: &Rationale) -> Option<i64> {
    let km = rationale.terms().iter().find(|t| t.factor() == CostFactor::Distance)?.value();
    // Finite and under Earth's circumference (the rationale checks its terms): fits.
    km.is_finite().then(|| (km * 1_000.0).round() as i64)
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

/// An expert as the expert report shows them: their name, how many hours a week they
/// work, and since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct ExpertFacts {
    pub expert: ExpertId,
    pub name: String,
    /// Their weekly working hours, in seconds.
    pub weekly_s: i64,
    pub registered_at: DateTime<Utc>,
    /// The last event of the expert folded in.
    pub version: Sequence,
}

impl ExpertFacts {
    /// The facts of an expert whose first event is `registered`; `None` for any other.
    pub fn registered(registered: &Envelope<ExpertEvent>) -> Option<Self> {
        let ExpertEvent::Registered { expert, profile } = &registered.payload else { return None };
        Some(Self {
            expert: *expert,
            name: profile.name.as_str().to_owned(),
            weekly_s: weekly_seconds(&profile.hours),
            registered_at: registered.at,
            version: registered.sequence,
        })
    }

    /// Folds in the expert's next event; one already folded in changes nothing.
    pub fn apply(&mut self, event: &Envelope<ExpertEvent>) {
        if event.sequence <= self.version {
            return;
        }
        if let ExpertEvent::HoursChanged { hours } = &event.payload {
            self.weekly_s = weekly_seconds(hours);
        }
        self.version = event.sequence;
    }
}

fn weekly_seconds(hours: &WeeklyHours) -> i64 {
    hours.windows().iter().map(|w| (w.end() - w.start()).num_seconds().max(0)).sum()
}

/// A completed ticket's survey: whose visit it rates, and the customer's answer once given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct SurveyFacts {
    pub survey: SurveyId,
    pub expert: ExpertId,
    /// 1–5 stars, once answered.
    pub satisfaction: Option<u8>,
    /// 0–10, when the answer gave one.
    pub recommend: Option<u8>,
    pub answered_at: Option<DateTime<Utc>>,
    /// The last event of the survey folded in.
    pub version: Sequence,
}

impl SurveyFacts {
    /// The facts of a survey whose first event is `issued`; `None` for any other.
    pub fn issued(issued: &Envelope<SurveyEvent>) -> Option<Self> {
        let SurveyEvent::Issued { survey, expert, .. } = &issued.payload else { return None };
        let (satisfaction, recommend, answered_at) = (None, None, None);
        Some(Self { survey: *survey, expert: *expert, satisfaction, recommend, answered_at, version: issued.sequence })
    }

    /// Folds in the survey's next event; one already folded in changes nothing.
    pub fn apply(&mut self, event: &Envelope<SurveyEvent>) {
        if event.sequence <= self.version {
            return;
        }
        if let SurveyEvent::Answered { answer } = &event.payload {
            self.satisfaction = Some(answer.satisfaction.get());
            self.recommend = answer.recommend.map(|r| r.get());
            self.answered_at = Some(event.at);
        }
        self.version = event.sequence;
    }
}

/// The rows a page of events changed, each record's once, to write in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
#[allow(missing_docs)]
pub struct Projection {
    pub tickets: Vec<TicketFacts>,
    pub offers: Vec<OfferFacts>,
    pub customers: Vec<CustomerFacts>,
    pub plans: Vec<PlanFacts>,
    pub experts: Vec<ExpertFacts>,
    pub surveys: Vec<SurveyFacts>,
    pub invoices: Vec<super::InvoiceFacts>,
}

impl Projection {
    /// How many rows it writes.
    pub fn len(&self) -> usize {
        self.tickets.len()
            + self.offers.len()
            + self.customers.len()
            + self.plans.len()
            + self.experts.len()
            + self.surveys.len()
            + self.invoices.len()
    }

    /// True when the page changed no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
