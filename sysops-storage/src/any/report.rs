//! Reports on whichever backend this is.

use super::{AnyStore, delegate};
use chrono::{DateTime, Utc};
use sysops_core::report::{
    CustomerFacts, ExpertFacts, ExpertRow, FinancialRow, InvoiceFacts, Projection, ReportRange, ReportStore,
    SurveyFacts, TicketFacts, TicketingRow,
};
use sysops_core::{CustomerId, ExpertId, InvoiceId, StoreError, SurveyId, TicketId};

impl ReportStore for AnyStore {
    async fn ticket_facts(&self, tickets: &[TicketId]) -> Result<Vec<TicketFacts>, StoreError> {
        delegate!(self.ticket_facts(tickets))
    }

    async fn customer_facts(&self, customers: &[CustomerId]) -> Result<Vec<CustomerFacts>, StoreError> {
        delegate!(self.customer_facts(customers))
    }

    async fn expert_facts(&self, experts: &[ExpertId]) -> Result<Vec<ExpertFacts>, StoreError> {
        delegate!(self.expert_facts(experts))
    }

    async fn survey_facts(&self, surveys: &[SurveyId]) -> Result<Vec<SurveyFacts>, StoreError> {
        delegate!(self.survey_facts(surveys))
    }

    async fn invoice_facts(&self, invoices: &[InvoiceId]) -> Result<Vec<InvoiceFacts>, StoreError> {
        delegate!(self.invoice_facts(invoices))
    }

    async fn financial_rows(&self, range: ReportRange) -> Result<Vec<FinancialRow>, StoreError> {
        delegate!(self.financial_rows(range))
    }

    async fn write_facts(&self, projection: &Projection) -> Result<(), StoreError> {
        delegate!(self.write_facts(projection))
    }

    async fn clear_facts(&self) -> Result<(), StoreError> {
        delegate!(self.clear_facts())
    }

    async fn ticketing_rows(&self, range: ReportRange, as_of: DateTime<Utc>) -> Result<Vec<TicketingRow>, StoreError> {
        delegate!(self.ticketing_rows(range, as_of))
    }

    async fn expert_rows(&self, range: ReportRange) -> Result<Vec<ExpertRow>, StoreError> {
        delegate!(self.expert_rows(range))
    }
}
