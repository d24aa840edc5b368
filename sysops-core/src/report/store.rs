//! The reports' part of the storage contract: the read models' rows and the reports'
//! queries over them ([`ReportStore`], with its `MemoryStore` implementation).

use super::ReportRange;
use super::experts::ExpertRow;
use super::facts::{CustomerFacts, ExpertFacts, OfferFacts, PlanFacts, Projection, SurveyFacts, TicketFacts};
use super::financial::{FinancialRow, InvoiceFacts};
use super::ticketing::{TicketingRow, rows_of};
use crate::error::StoreError;
use crate::id::{AssignmentId, CustomerId, ExpertId, InvoiceId, PlanId, SurveyId, TicketId};
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

    /// The stored facts of those of `experts` that have some.
    fn expert_facts(&self, experts: &[ExpertId]) -> impl Future<Output = Result<Vec<ExpertFacts>, StoreError>> + Send;

    /// The stored facts of those of `surveys` that have some.
    fn survey_facts(&self, surveys: &[SurveyId]) -> impl Future<Output = Result<Vec<SurveyFacts>, StoreError>> + Send;

    /// The stored facts of those of `invoices` that have some.
    fn invoice_facts(
        &self,
        invoices: &[InvoiceId],
    ) -> impl Future<Output = Result<Vec<InvoiceFacts>, StoreError>> + Send;

    /// Writes a page's rows in one transaction: each row unless the stored one has a higher
    /// version; each plan's name.
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

    /// The expert report's rows (one per expert registered before the range ends), over
    /// the offers made, the work completed and the surveys answered in `range`, in any
    /// order, their derived figures not filled in yet.
    fn expert_rows(&self, range: ReportRange) -> impl Future<Output = Result<Vec<ExpertRow>, StoreError>> + Send;

    /// The financial report's rows over the invoices of billing months starting in
    /// `range`, in any order.
    fn financial_rows(&self, range: ReportRange) -> impl Future<Output = Result<Vec<FinancialRow>, StoreError>> + Send;
}

/// The memory store's read models.
#[derive(Default)]
struct Tables {
    tickets: BTreeMap<TicketId, TicketFacts>,
    customers: BTreeMap<CustomerId, CustomerFacts>,
    plans: HashMap<PlanId, PlanFacts>,
    offers: BTreeMap<AssignmentId, OfferFacts>,
    experts: BTreeMap<ExpertId, ExpertFacts>,
    surveys: BTreeMap<SurveyId, SurveyFacts>,
    invoices: BTreeMap<InvoiceId, InvoiceFacts>,
}

/// Inserts each of `rows` under its key unless the stored one took in a later event.
fn keep_latest<K: Ord, F: Clone>(
    table: &mut BTreeMap<K, F>,
    rows: &[F],
    key: impl Fn(&F) -> K,
    version: impl Fn(&F) -> crate::Sequence,
) {
    for row in rows {
        if table.get(&key(row)).is_none_or(|stored| version(stored) < version(row)) {
            table.insert(key(row), row.clone());
        }
    }
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

    async fn expert_facts(&self, experts: &[ExpertId]) -> Result<Vec<ExpertFacts>, StoreError> {
        Ok(self.reports(|t| experts.iter().filter_map(|id| t.experts.get(id).cloned()).collect()))
    }

    async fn survey_facts(&self, surveys: &[SurveyId]) -> Result<Vec<SurveyFacts>, StoreError> {
        Ok(self.reports(|t| surveys.iter().filter_map(|id| t.surveys.get(id).cloned()).collect()))
    }

    async fn invoice_facts(&self, invoices: &[InvoiceId]) -> Result<Vec<InvoiceFacts>, StoreError> {
        Ok(self.reports(|t| invoices.iter().filter_map(|id| t.invoices.get(id).cloned()).collect()))
    }

    async fn write_facts(&self, projection: &Projection) -> Result<(), StoreError> {
        self.reports(|t| {
            keep_latest(&mut t.invoices, &projection.invoices, |f| f.invoice, |f| f.version);
            keep_latest(&mut t.tickets, &projection.tickets, |f| f.ticket, |f| f.version);
            keep_latest(&mut t.offers, &projection.offers, |f| f.assignment, |f| f.version);
            keep_latest(&mut t.experts, &projection.experts, |f| f.expert, |f| f.version);
            keep_latest(&mut t.surveys, &projection.surveys, |f| f.survey, |f| f.version);
            keep_latest(&mut t.customers, &projection.customers, |f| f.customer, |f| f.version);
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

    async fn financial_rows(&self, range: ReportRange) -> Result<Vec<FinancialRow>, StoreError> {
        Ok(self.reports(|t| {
            let plans = t.plans.iter().map(|(id, p)| (*id, p)).collect();
            super::financial::rows_of(t.invoices.values(), &plans, range)
        }))
    }

    async fn expert_rows(&self, range: ReportRange) -> Result<Vec<ExpertRow>, StoreError> {
        Ok(self.reports(|t| super::experts::rows_of(t.experts.values(), t.offers.values(), t.surveys.values(), range)))
    }
}
