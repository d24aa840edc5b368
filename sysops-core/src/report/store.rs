//! The reports' part of the storage contract: the read models' rows and the reports'
//! queries over them ([`ReportStore`], with its `MemoryStore` implementation).

use super::ReportRange;
use super::facts::{CustomerFacts, PlanFacts, Projection, TicketFacts};
use super::ticketing::{TicketingRow, rows_of};
use crate::error::StoreError;
use crate::id::{CustomerId, PlanId, TicketId};
use crate::persist::MemoryStore;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;

/// The read models every backend keeps, and the reports computed over them by the
/// database. A row is only ever replaced by one that took in a later event of its stream
/// (a higher `version`), so writes may repeat and race without going back.
pub trait ReportStore: Send + Sync {
    /// The stored facts of those of `tickets` that have some.
    fn ticket_facts(&self, tickets: &[TicketId]) -> impl Future<Output = Result<Vec<TicketFacts>, StoreError>> + Send;

    /// The stored facts of those of `customers` that have some.
    fn customer_facts(
        &self,
        customers: &[CustomerId],
    ) -> impl Future<Output = Result<Vec<CustomerFacts>, StoreError>> + Send;

    /// Writes a page's rows in one transaction: each ticket's and customer's unless the
    /// stored one has a higher version; each plan's name.
    fn write_facts(&self, projection: &Projection) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Forgets every row (a rebuild starts with it).
    fn clear_facts(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The ticketing report's rows over the tickets submitted in `range`, statuses and ages
    /// as of `as_of`, in any order.
    fn ticketing_rows(
        &self,
        range: ReportRange,
        as_of: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<TicketingRow>, StoreError>> + Send;
}

/// The memory store's read models.
#[derive(Default)]
struct Tables {
    tickets: BTreeMap<TicketId, TicketFacts>,
    customers: HashMap<CustomerId, CustomerFacts>,
    plans: HashMap<PlanId, PlanFacts>,
}

impl MemoryStore {
    fn reports<R>(&self, f: impl FnOnce(&mut Tables) -> R) -> R {
        self.lock().with_table(f)
    }
}

impl ReportStore for MemoryStore {
    async fn ticket_facts(&self, tickets: &[TicketId]) -> Result<Vec<TicketFacts>, StoreError> {
        Ok(self.reports(|t| tickets.iter().filter_map(|id| t.tickets.get(id).cloned()).collect()))
    }

    async fn customer_facts(&self, customers: &[CustomerId]) -> Result<Vec<CustomerFacts>, StoreError> {
        Ok(self.reports(|t| customers.iter().filter_map(|id| t.customers.get(id).cloned()).collect()))
    }

    async fn write_facts(&self, projection: &Projection) -> Result<(), StoreError> {
        self.reports(|t| {
            for facts in &projection.tickets {
                if t.tickets.get(&facts.ticket).is_none_or(|stored| stored.version < facts.version) {
                    t.tickets.insert(facts.ticket, facts.clone());
                }
            }
            for facts in &projection.customers {
                if t.customers.get(&facts.customer).is_none_or(|stored| stored.version < facts.version) {
                    t.customers.insert(facts.customer, facts.clone());
                }
            }
            for facts in &projection.plans {
                t.plans.insert(facts.plan, facts.clone());
            }
        });
        Ok(())
    }

    async fn clear_facts(&self) -> Result<(), StoreError> {
        self.reports(|t| *t = Tables::default());
        Ok(())
    }

    async fn ticketing_rows(&self, range: ReportRange, as_of: DateTime<Utc>) -> Result<Vec<TicketingRow>, StoreError> {
        Ok(self.reports(|t| {
            let customers = t.customers.iter().map(|(id, c)| (*id, c)).collect();
            let plans = t.plans.iter().map(|(id, p)| (*id, p)).collect();
            rows_of(t.tickets.values(), &customers, &plans, range, as_of)
        }))
    }
}
