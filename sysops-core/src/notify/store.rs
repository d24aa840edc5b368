//! The notifications' part of the storage contract: the messages with their delivery
//! history, and the saved templates ([`NotifyStore`], with its `MemoryStore` implementation).

use super::{Delivery, DeliveryStatus, MessageKey, MessageKind, Template};
use crate::error::StoreError;
use crate::id::{CustomerId, TicketId};
use crate::persist::MemoryStore;
use crate::text::MessageChannel;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::future::Future;

/// Whose delivery history to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum DeliveryFilter {
    Ticket(TicketId),
    /// Every message about the customer's tickets and account.
    Customer(CustomerId),
}

/// What one hand-over to the notifier came to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Attempt {
    pub key: MessageKey,
    /// The message's customer (its owner, whose shard holds it).
    pub customer: CustomerId,
    /// When the notifier answered.
    pub at: DateTime<Utc>,
    /// `Sent`, `Failed` (for good), or `Pending` to try again at `retry_at`.
    pub status: DeliveryStatus,
    pub retry_at: Option<DateTime<Utc>>,
    pub error: Option<String>,
}

impl Attempt {
    /// A message given up without trying it again, for `why`.
    pub fn given_up(message: &super::Message, at: DateTime<Utc>, why: &str) -> Self {
        let (key, customer) = (message.key.clone(), message.customer);
        Self { key, customer, at, status: DeliveryStatus::Failed, retry_at: None, error: Some(why.to_owned()) }
    }
}

/// The message queue and delivery history every backend keeps. Messages are unique by key:
/// queueing one again changes nothing.
pub trait NotifyStore: Send + Sync {
    /// Records messages with what came of their first hand-over, each whose key is not
    /// recorded yet; answers how many were new.
    fn record_deliveries(&self, deliveries: &[Delivery]) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Up to `limit` pending messages due at `now`, earliest due first, each claimed until
    /// `claimed_until` so that another consumer does not take it meanwhile.
    fn claim_due(
        &self,
        now: DateTime<Utc>,
        claimed_until: DateTime<Utc>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Delivery>, StoreError>> + Send;

    /// Records each attempt: one more try, and the message's new status.
    fn record_attempts(&self, attempts: &[Attempt]) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Up to `limit` messages about `customer` (only those about `ticket`, one of theirs, when
    /// given), newest first (by the time of the event that called for them, then by key). The
    /// customer is always named, so one index serves both and a ticket's messages are found
    /// on its customer's shard.
    fn deliveries(
        &self,
        customer: CustomerId,
        ticket: Option<TicketId>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Delivery>, StoreError>> + Send;

    /// Saves a template, replacing the one saved before for its kind and channel.
    fn save_template(&self, template: &Template) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every saved template.
    fn saved_templates(&self) -> impl Future<Output = Result<Vec<Template>, StoreError>> + Send;
}

/// The memory store's notification rows.
#[derive(Default)]
struct Tables {
    notifications: BTreeMap<MessageKey, Delivery>,
    templates: BTreeMap<(MessageKind, MessageChannel), Template>,
}

impl MemoryStore {
    fn notify<R>(&self, f: impl FnOnce(&mut Tables) -> R) -> R {
        self.lock().with_table(f)
    }
}

impl NotifyStore for MemoryStore {
    async fn record_deliveries(&self, deliveries: &[Delivery]) -> Result<u64, StoreError> {
        self.notify(|inner| {
            let mut new = 0;
            for d in deliveries {
                if !inner.notifications.contains_key(&d.message.key) {
                    inner.notifications.insert(d.message.key.clone(), d.clone());
                    new += 1;
                }
            }
            Ok(new)
        })
    }

    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        claimed_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        self.notify(|inner| {
            let mut due: Vec<&mut Delivery> = inner
                .notifications
                .values_mut()
                .filter(|d| d.status == DeliveryStatus::Pending && d.next_attempt.is_some_and(|at| at <= now))
                .collect();
            due.sort_by(|a, b| (a.next_attempt, &a.message.key).cmp(&(b.next_attempt, &b.message.key)));
            Ok(due
                .into_iter()
                .take(usize::try_from(limit).unwrap_or(usize::MAX))
                .map(|d| {
                    d.next_attempt = Some(claimed_until);
                    d.clone()
                })
                .collect())
        })
    }

    async fn record_attempts(&self, attempts: &[Attempt]) -> Result<(), StoreError> {
        self.notify(|inner| {
            for attempt in attempts {
                if let Some(d) = inner.notifications.get_mut(&attempt.key) {
                    d.attempts = d.attempts.saturating_add(1);
                    d.status = attempt.status;
                    d.next_attempt = attempt.retry_at.filter(|_| attempt.status == DeliveryStatus::Pending);
                    d.finished_at = (attempt.status != DeliveryStatus::Pending).then_some(attempt.at);
                    d.error = attempt.error.clone();
                }
            }
            Ok(())
        })
    }

    async fn deliveries(
        &self,
        customer: CustomerId,
        ticket: Option<TicketId>,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        self.notify(|inner| {
            let mut found: Vec<Delivery> = inner
                .notifications
                .values()
                .filter(|d| d.message.customer == customer && ticket.is_none_or(|t| d.message.ticket == Some(t)))
                .cloned()
                .collect();
            found.sort_by(|a, b| (b.message.created_at, &b.message.key).cmp(&(a.message.created_at, &a.message.key)));
            found.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
            Ok(found)
        })
    }

    async fn save_template(&self, template: &Template) -> Result<(), StoreError> {
        self.notify(|t| t.templates.insert((template.kind(), template.channel()), template.clone()));
        Ok(())
    }

    async fn saved_templates(&self) -> Result<Vec<Template>, StoreError> {
        Ok(self.notify(|t| t.templates.values().cloned().collect()))
    }
}
