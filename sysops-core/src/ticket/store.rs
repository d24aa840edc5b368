//! The ticket domain's part of the storage contract: its index row and its listing query.

use super::{TicketNumber, TicketStatus};
use crate::aggregate::Index;
use crate::error::StoreError;
use crate::event::AggregateKind;
use crate::id::{ArticleId, CustomerId, ExpertId};
use crate::persist::{MemoryStore, Page, StoredState};
use crate::skill::{Priority, ProductCategory};
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::future::Future;

/// The columns tickets are listed by: written by each backend's ticket storage file in the
/// transaction that stores the ticket's events.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct TicketIndex {
    pub number: TicketNumber,
    pub customer: CustomerId,
    pub status: TicketStatus,
    /// The expert currently offered or working the ticket.
    pub expert: Option<ExpertId>,
    pub priority: Priority,
    pub category: ProductCategory,
    pub submitted_at: DateTime<Utc>,
    /// The articles recorded as its solution.
    pub solved_by: BTreeSet<ArticleId>,
}

/// Which tickets to list; every field given must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TicketFilter {
    /// Only in this status.
    pub status: Option<TicketStatus>,
    /// Only of this customer.
    pub customer: Option<CustomerId>,
    /// Only where this expert is the current expert.
    pub expert: Option<ExpertId>,
}

impl TicketFilter {
    /// Tickets waiting for an expert: what the assignment job takes.
    pub fn open() -> Self {
        Self { status: Some(TicketStatus::Open), ..Self::default() }
    }

    /// A customer's tickets.
    pub fn of_customer(customer: CustomerId) -> Self {
        Self { customer: Some(customer), ..Self::default() }
    }

    /// An expert's current tickets.
    pub fn of_expert(expert: ExpertId) -> Self {
        Self { expert: Some(expert), ..Self::default() }
    }

    /// True when a ticket indexed as `index` matches.
    pub fn matches(&self, index: &TicketIndex) -> bool {
        self.status.is_none_or(|s| s == index.status)
            && self.customer.is_none_or(|c| c == index.customer)
            && self.expert.is_none_or(|e| Some(e) == index.expert)
    }
}

/// Ticket queries every backend answers.
pub trait TicketStore: Send + Sync {
    /// Ticket states matching `filter`, in id order.
    fn tickets(
        &self,
        filter: TicketFilter,
        page: Page,
    ) -> impl Future<Output = Result<Vec<StoredState>, StoreError>> + Send;

    /// How many tickets match `filter` (a customer's open tickets, an expert's workload, ...).
    fn count_tickets(&self, filter: TicketFilter) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

impl TicketStore for MemoryStore {
    async fn tickets(&self, filter: TicketFilter, page: Page) -> Result<Vec<StoredState>, StoreError> {
        Ok(self.list(AggregateKind::Ticket, page, |index: &Index| index.get().is_some_and(|t| filter.matches(t))))
    }

    async fn count_tickets(&self, filter: TicketFilter) -> Result<u64, StoreError> {
        let inner = self.lock();
        let matching = inner.states.values().filter(|(_, index)| index.get().is_some_and(|t| filter.matches(t)));
        Ok(matching.count() as u64)
    }
}
