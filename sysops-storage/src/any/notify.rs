//! Notifications on whichever backend this is.

use super::{AnyStore, delegate};
use chrono::{DateTime, Utc};
use sysops_core::notify::{Attempt, Delivery, NotifyStore, Template};
use sysops_core::{CustomerId, StoreError, TicketId};

impl NotifyStore for AnyStore {
    async fn record_deliveries(&self, deliveries: &[Delivery]) -> Result<u64, StoreError> {
        delegate!(self.record_deliveries(deliveries))
    }

    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        claimed_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        delegate!(self.claim_due(now, claimed_until, limit))
    }

    async fn record_attempts(&self, attempts: &[Attempt]) -> Result<(), StoreError> {
        delegate!(self.record_attempts(attempts))
    }

    async fn deliveries(
        &self,
        customer: CustomerId,
        ticket: Option<TicketId>,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        delegate!(self.deliveries(customer, ticket, limit))
    }

    async fn save_template(&self, template: &Template) -> Result<(), StoreError> {
        delegate!(self.save_template(template))
    }

    async fn saved_templates(&self) -> Result<Vec<Template>, StoreError> {
        delegate!(self.saved_templates())
    }
}
