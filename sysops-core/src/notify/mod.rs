//! Notifications: the messages customers, experts and escalation contacts receive, derived
//! from events read through the outbox, written from templates, and delivered through a
//! [`Notifier`] the host implements.
//!
//! Every message has an idempotency key derived from the event that called for it
//! ([`MessageKey`]), so reading an event twice (the outbox delivers at least once) writes the
//! same message. The consumer hands a page's messages to the notifier, records each with its
//! outcome, and only then acknowledges the page's events, so a crash in between hands them
//! over again *with the same keys*: a notifier that honours keys never sends one twice, and a
//! message is never recorded twice. Transient failures are retried with backoff ([`Retry`]),
//! each retry claimed under a lease; permanent ones (an invalid number) are recorded and never
//! retried.

mod derive;
mod store;
mod template;

pub use derive::{About, Intent, Recipient, Records, intents};
pub use store::{Attempt, DeliveryFilter, NotifyStore};
pub use template::{MAX_BODY, MAX_SMS_BODY, MAX_SUBJECT, Template, TemplateText, Templates};

use crate::event::StreamId;
use crate::id::{CustomerId, ExpertId, TicketId};
use crate::text::MessageChannel;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::future::Future;

/// Why a message is sent; each kind has its own facts and templates.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// To the customer: an expert accepted their ticket.
    ExpertAssigned,
    /// To the customer: the expert started work.
    WorkStarted,
    /// To the expert: a ticket is offered to them.
    OfferMade,
    /// To the expert: an offer they had not answered was withdrawn (it expired, or the
    /// ticket was cancelled).
    OfferWithdrawn,
    /// To the customer: a monthly payment was declined.
    PaymentFailed,
    /// To the customer: the account is suspended for an unpaid invoice.
    AccountSuspended,
    /// To the plan's escalation contact: a ticket nears a deadline.
    DeadlineNearing,
    /// To the customer, by email: the work is completed; the link to its survey.
    SurveyInvitation,
}

impl MessageKind {
    /// Every kind, in a stable order.
    pub const ALL: [MessageKind; 8] = [
        MessageKind::ExpertAssigned,
        MessageKind::WorkStarted,
        MessageKind::OfferMade,
        MessageKind::OfferWithdrawn,
        MessageKind::PaymentFailed,
        MessageKind::AccountSuspended,
        MessageKind::DeadlineNearing,
        MessageKind::SurveyInvitation,
    ];

    /// The stable name stored and shown (`offer_made`).
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::ExpertAssigned => "expert_assigned",
            MessageKind::WorkStarted => "work_started",
            MessageKind::OfferMade => "offer_made",
            MessageKind::OfferWithdrawn => "offer_withdrawn",
            MessageKind::PaymentFailed => "payment_failed",
            MessageKind::AccountSuspended => "account_suspended",
            MessageKind::DeadlineNearing => "deadline_nearing",
            MessageKind::SurveyInvitation => "survey_invitation",
        }
    }

    /// The kind with that stable name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The facts a template of this kind may name.
    pub fn facts(self) -> &'static [Fact] {
        use Fact::*;
        match self {
            MessageKind::ExpertAssigned | MessageKind::WorkStarted => &[CustomerName, TicketNumber, ExpertName],
            MessageKind::OfferMade => &[ExpertName, TicketNumber, Category, City, AnswerBy],
            MessageKind::OfferWithdrawn => &[ExpertName, TicketNumber, Reason],
            MessageKind::PaymentFailed => &[CustomerName, Amount, Period, Reason],
            MessageKind::AccountSuspended => &[CustomerName, Amount, Period],
            MessageKind::DeadlineNearing => &[TicketNumber, CustomerName, PlanName, Deadline, DueAt],
            MessageKind::SurveyInvitation => &[CustomerName, TicketNumber, ExpertName, SurveyToken, SurveyExpires],
        }
    }

    /// The default template's subject, email body and SMS body.
    fn default_text(self) -> (&'static str, &'static str, &'static str) {
        match self {
            MessageKind::ExpertAssigned => (
                "Ticket {ticket_number}: {expert_name} is on it",
                "Hello {customer_name},\n\n{expert_name} accepted your ticket {ticket_number} and will contact you about the visit.\n\nThe Sysops Squad",
                "Sysops Squad: {expert_name} accepted your ticket {ticket_number}.",
            ),
            MessageKind::WorkStarted => (
                "Ticket {ticket_number}: work started",
                "Hello {customer_name},\n\n{expert_name} started work on your ticket {ticket_number}.\n\nThe Sysops Squad",
                "Sysops Squad: {expert_name} started work on ticket {ticket_number}.",
            ),
            MessageKind::OfferMade => (
                "New ticket offered: {ticket_number}",
                "Hello {expert_name},\n\nTicket {ticket_number} ({category}, {city}) is offered to you. Please answer by {answer_by}.",
                "Offer: ticket {ticket_number}, {category} in {city}. Answer by {answer_by}.",
            ),
            MessageKind::OfferWithdrawn => (
                "Offer withdrawn: {ticket_number}",
                "Hello {expert_name},\n\nThe offer of ticket {ticket_number} was withdrawn: {reason}.",
                "Offer of ticket {ticket_number} withdrawn: {reason}.",
            ),
            MessageKind::PaymentFailed => (
                "Your payment of {amount} was declined",
                "Hello {customer_name},\n\nYour payment of {amount} for {period} was declined: {reason}. Please check your card.\n\nThe Sysops Squad",
                "Sysops Squad: your payment of {amount} for {period} was declined ({reason}).",
            ),
            MessageKind::AccountSuspended => (
                "Your support plan is suspended",
                "Hello {customer_name},\n\nYour account is suspended until the invoice of {amount} for {period} is paid. You can still read your tickets.\n\nThe Sysops Squad",
                "Sysops Squad: your account is suspended until {amount} for {period} is paid.",
            ),
            MessageKind::DeadlineNearing => (
                "Ticket {ticket_number} nears its {deadline} deadline",
                "Ticket {ticket_number} of {customer_name} ({plan_name}) is due for {deadline} at {due_at}.",
                "Ticket {ticket_number} ({plan_name}) due for {deadline} at {due_at}.",
            ),
            MessageKind::SurveyInvitation => (
                "Ticket {ticket_number} is done: how did {expert_name} do?",
                "Hello {customer_name},\n\n{expert_name} completed your ticket {ticket_number}. Tell us how it went (two questions, no login) until {survey_expires}:\nhttps://squad.example/survey/{survey_token}\n\nThe Sysops Squad",
                "Sysops Squad: ticket {ticket_number} is done. Rate {expert_name}: https://squad.example/survey/{survey_token}",
            ),
        }
    }
}

/// A fact of an event a template can name in braces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Fact {
    CustomerName,
    ExpertName,
    TicketNumber,
    /// The device's product category.
    Category,
    /// The city of the visit.
    City,
    /// When an offer must be answered, in the expert's zone.
    AnswerBy,
    /// Why (an offer withdrawn, a payment declined).
    Reason,
    /// An invoice's amount with its currency.
    Amount,
    /// The month an invoice bills.
    Period,
    PlanName,
    /// Which deadline: `response` or `resolution`.
    Deadline,
    /// When it falls due, in the customer's zone.
    DueAt,
    /// The survey link's token: a survey invitation's template puts it into the link to the
    /// host's survey page. Delivery history shows [`TOKEN_WITHHELD`] in its place.
    SurveyToken,
    /// The day the survey link stops working, in the customer's zone.
    SurveyExpires,
}

impl Fact {
    /// Every fact.
    pub const ALL: [Fact; 14] = [
        Fact::CustomerName,
        Fact::ExpertName,
        Fact::TicketNumber,
        Fact::Category,
        Fact::City,
        Fact::AnswerBy,
        Fact::Reason,
        Fact::Amount,
        Fact::Period,
        Fact::PlanName,
        Fact::Deadline,
        Fact::DueAt,
        Fact::SurveyToken,
        Fact::SurveyExpires,
    ];

    /// Its name in a template (`ticket_number`).
    pub fn as_str(self) -> &'static str {
        match self {
            Fact::CustomerName => "customer_name",
            Fact::ExpertName => "expert_name",
            Fact::TicketNumber => "ticket_number",
            Fact::Category => "category",
            Fact::City => "city",
            Fact::AnswerBy => "answer_by",
            Fact::Reason => "reason",
            Fact::Amount => "amount",
            Fact::Period => "period",
            Fact::PlanName => "plan_name",
            Fact::Deadline => "deadline",
            Fact::DueAt => "due_at",
            Fact::SurveyToken => "survey_token",
            Fact::SurveyExpires => "survey_expires",
        }
    }

    /// The fact a template names so.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// A message's idempotency key: the event that called for it and the kind, so the same
/// event read twice keys the same message (`<stream id>.<sequence>.<kind>`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MessageKey(String);

impl MessageKey {
    /// The key of `kind`'s message for event `sequence` of `stream`.
    pub fn of(stream: StreamId, sequence: crate::event::Sequence, kind: MessageKind) -> Self {
        Self(format!("{}.{}.{}", stream.id, sequence.0, kind.as_str()))
    }

    /// A key as stored, checked to have the shape [`MessageKey::of`] gives.
    pub fn parse(key: &str) -> Option<Self> {
        let mut parts = key.split('.');
        let ok = parts.next().is_some_and(|id| uuid::Uuid::parse_str(id).is_ok())
            && parts.next().is_some_and(|seq| seq.parse::<u64>().is_ok())
            && parts.next().and_then(MessageKind::parse).is_some()
            && parts.next().is_none();
        ok.then(|| Self(key.to_owned()))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The id of the stream whose event called for the message.
    pub fn stream_id(&self) -> Option<uuid::Uuid> {
        self.0.split('.').next().and_then(|id| uuid::Uuid::parse_str(id).ok())
    }
}

/// What delivery history shows in place of a survey link's token: the token opens the
/// survey, so only the customer's copy of the message holds it.
pub const TOKEN_WITHHELD: &str = "[token withheld]";

/// A message ready to send: written from its template, addressed, keyed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Message {
    pub key: MessageKey,
    pub kind: MessageKind,
    pub channel: MessageChannel,
    /// The email address or phone number.
    pub to: String,
    /// An email's subject.
    pub subject: Option<String>,
    pub body: String,
    /// The customer it concerns (every message concerns one: their ticket or account).
    pub customer: CustomerId,
    /// The ticket it concerns.
    pub ticket: Option<TicketId>,
    /// The expert it concerns.
    pub expert: Option<ExpertId>,
    /// When the event that called for it happened.
    pub created_at: DateTime<Utc>,
}

/// Where a message stands.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not yet sent: due at `next_attempt`.
    Pending,
    /// The notifier accepted it.
    Sent,
    /// Failed for good: a permanent failure, or every retry failed.
    Failed,
}

impl DeliveryStatus {
    /// The stable name stored (`pending`, `sent`, `failed`).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// The status with that stable name.
    pub fn parse(name: &str) -> Option<Self> {
        [DeliveryStatus::Pending, DeliveryStatus::Sent, DeliveryStatus::Failed].into_iter().find(|s| s.as_str() == name)
    }
}

/// A message and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Delivery {
    pub message: Message,
    pub status: DeliveryStatus,
    /// How often it was handed to the notifier.
    pub attempts: u32,
    /// When it is next tried, while pending.
    pub next_attempt: Option<DateTime<Utc>>,
    /// When it was sent, or failed for good.
    pub finished_at: Option<DateTime<Utc>>,
    /// The last failure's reason.
    pub error: Option<String>,
}

/// Why a notifier could not send a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later (a timeout, the provider down).
    #[error("transient: {0}")]
    Transient(String),
    /// Never worth trying again (an invalid number, an address that bounces).
    #[error("permanent: {0}")]
    Permanent(String),
}

/// The host's way of sending messages (an SMS gateway, an email service). A notifier that
/// honours [`Message::key`] (sends at most once per key, as the big providers' idempotency
/// keys do) never sends a message twice, even when sysops crashes between handing it over
/// and recording the outcome.
pub trait Notifier: Send + Sync {
    /// Sends the message, or says why not.
    fn send(&self, message: &Message) -> impl Future<Output = Result<(), SendError>> + Send;
}

/// How transient failures are retried: after `first`, then twice as long each time up to
/// `longest`, for at most `attempts` tries in all; then the message fails for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Retry {
    pub first: Duration,
    pub longest: Duration,
    pub attempts: u32,
}

impl Default for Retry {
    /// 30 s, 1 min, 2 min, … up to an hour between tries, 10 tries (about five hours).
    fn default() -> Self {
        Self { first: Duration::seconds(30), longest: Duration::hours(1), attempts: 10 }
    }
}

impl Retry {
    /// Checks the policy: waits of 1 s to 1 day, the first no longer than the longest, 1–100 tries.
    pub fn new(first: Duration, longest: Duration, attempts: u32) -> Result<Self, crate::error::ValidationError> {
        let secs = |d: Duration| d.num_seconds();
        for (field, d) in [("first", first), ("longest", longest)] {
            if !(1..=86_400).contains(&secs(d)) {
                return Err(crate::error::ValidationError::OutOfRange { field, value: secs(d), min: 1, max: 86_400 });
            }
        }
        if first > longest {
            let value = secs(first);
            return Err(crate::error::ValidationError::OutOfRange {
                field: "first",
                value,
                min: 1,
                max: secs(longest),
            });
        }
        if !(1..=100).contains(&attempts) {
            let value = i64::from(attempts);
            return Err(crate::error::ValidationError::OutOfRange { field: "attempts", value, min: 1, max: 100 });
        }
        Ok(Self { first, longest, attempts })
    }

    /// When to try again after the `attempts`-th failed try at `now`, or `None` when the
    /// tries are used up.
    pub fn next(&self, attempts: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if attempts >= self.attempts {
            return None;
        }
        let doublings = attempts.saturating_sub(1).min(30);
        let wait = self.first.checked_mul(1_i32 << doublings).unwrap_or(self.longest).min(self.longest);
        now.checked_add_signed(wait)
    }
}

/// A template or message the notification rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[allow(missing_docs)]
pub enum NotifyError {
    /// A template names a fact its kind does not carry (or no fact at all).
    #[error("a {kind:?} message carries no fact named {fact:?}")]
    MissingFact { kind: MessageKind, fact: String },
    /// A template's text is malformed.
    #[error("template {field}: {detail}")]
    Template { field: &'static str, detail: String },
    /// No template exists for a kind and channel (the defaults cover every pair).
    #[error("no template for {kind:?} messages by {channel:?}")]
    NoTemplate { kind: MessageKind, channel: MessageChannel },
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_the_longest_then_give_up() {
        let retry = Retry::new(Duration::seconds(30), Duration::minutes(5), 6).unwrap();
        let now = DateTime::<Utc>::UNIX_EPOCH;
        let waits: Vec<_> = (1..=6).map(|n| retry.next(n, now).map(|t| (t - now).num_seconds())).collect();
        assert_eq!(waits, [Some(30), Some(60), Some(120), Some(240), Some(300), None]);
        assert!(Retry::new(Duration::zero(), Duration::minutes(5), 6).is_err());
        assert!(Retry::new(Duration::minutes(6), Duration::minutes(5), 6).is_err());
        assert!(Retry::new(Duration::minutes(1), Duration::minutes(5), 0).is_err());
    }

    #[test]
    fn keys_read_back_and_nothing_else_parses_as_one() {
        let stream = StreamId::new(crate::event::AggregateKind::Ticket, uuid::Uuid::nil());
        let key = MessageKey::of(stream, crate::event::Sequence(3), MessageKind::OfferMade);
        assert_eq!(MessageKey::parse(key.as_str()), Some(key.clone()));
        assert_eq!(MessageKey::parse("x.3.offer_made"), None);
        assert_eq!(MessageKey::parse(&format!("{}.x", key.as_str())), None);
    }
}
