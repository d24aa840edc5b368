//! The notifications' rows, the same on both backends: the columns read, and a row back
//! into a [`Delivery`] or a [`Template`].

use chrono::{DateTime, Utc};
use sysops_core::notify::{Delivery, DeliveryStatus, Message, MessageKey, MessageKind, Template};
use sysops_core::{AggregateKind, CustomerId, ExpertId, MessageChannel, StoreError, StreamId, TicketId};
use uuid::Uuid;

/// The columns a [`DeliveryRow`] reads, in its order.
pub(crate) const COLUMNS: &str = "key, kind, channel, recipient, subject, body, customer, ticket, expert, created_at, \
                                  status, attempts, next_attempt, finished_at, error";

/// A stored message and its delivery, in [`COLUMNS`] order.
pub(crate) type DeliveryRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    Uuid,
    Option<Uuid>,
    Option<Uuid>,
    DateTime<Utc>,
    String,
    i64,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    Option<String>,
);

/// A stored row as a delivery; a row sysops could not have written is
/// [`StoreError::Corrupt`], named by the customer it concerns.
pub(crate) fn delivery(row: DeliveryRow) -> Result<Delivery, StoreError> {
    let (
        key,
        kind,
        channel,
        to,
        subject,
        body,
        customer,
        ticket,
        expert,
        created_at,
        status,
        attempts,
        next,
        done,
        error,
    ) = row;
    let corrupt = |what: &str| StoreError::Corrupt {
        stream: StreamId::new(AggregateKind::Customer, customer),
        detail: format!("notification {key:?}: {what}"),
    };
    let channel = MessageChannel::parse(&channel).ok_or_else(|| corrupt("channel"))?;
    let message = Message {
        key: MessageKey::parse(&key).ok_or_else(|| corrupt("key"))?,
        kind: MessageKind::parse(&kind).ok_or_else(|| corrupt("kind"))?,
        channel,
        to,
        subject,
        body,
        customer: CustomerId::from(customer),
        ticket: ticket.map(TicketId::from),
        expert: expert.map(ExpertId::from),
        created_at,
    };
    Ok(Delivery {
        message,
        status: DeliveryStatus::parse(&status).ok_or_else(|| corrupt("status"))?,
        attempts: u32::try_from(attempts).map_err(|_| corrupt("attempts"))?,
        next_attempt: next,
        finished_at: done,
        error,
    })
}

/// A saved template's row (kind, channel, subject, body) as a template; `None` for a row
/// that no longer parses (the default for its kind and channel applies).
pub(crate) fn template((kind, channel, subject, body): (String, String, Option<String>, String)) -> Option<Template> {
    let kind = MessageKind::parse(&kind)?;
    let channel = MessageChannel::parse(&channel)?;
    Template::new(kind, channel, subject.as_deref(), &body).ok()
}

/// A template as its row's values (kind, channel, subject, body).
pub(crate) fn template_row(template: &Template) -> (&'static str, &'static str, Option<String>, String) {
    let text = template.text();
    (template.kind().as_str(), template.channel().as_str(), text.subject, text.body)
}
