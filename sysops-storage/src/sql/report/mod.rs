//! The reports' read models, the same on both backends: the statements that write them
//! (written with `$N` parameters, which sqlx binds by number on SQLite too) and their rows
//! back into facts; the reports' queries are in `queries.rs`.

mod queries;

pub(crate) use queries::*;

use chrono::{DateTime, Utc};
use sysops_core::billing::{BillingPeriod, InvoiceStatus};
use sysops_core::report::{
    CustomerFacts, ExpertFacts, InvoiceFacts, OfferFacts, PlanFacts, SurveyFacts, TicketFacts, TicketMemo,
};
use sysops_core::{
    AggregateKind, Currency, CustomerId, ExpertId, InvoiceId, PlanId, Priority, ProductCategory, Sequence, StoreError,
    StreamId, SurveyId, TicketId, TicketStatus,
};
use uuid::Uuid;

/// The columns of `report_tickets`, in [`TicketRow`] order.
pub(crate) const TICKET_COLUMNS: &str = "ticket, customer, plan, category, priority, status, submitted_at, \
     respond_by, completions, reopened, response_breaches, resolution_breaches, version";

/// Replaces a stored ticket row only with one that took in a later event. A ticket row also
/// carries its customer's region (`region`, after [`TICKET_COLUMNS`]), looked up as it is
/// written: the ticketing report groups by it without joining a million rows to customers.
pub(crate) const TICKET_UPSERT: &str = " ON CONFLICT (ticket) DO UPDATE SET customer = excluded.customer, \
     region = excluded.region, \
     plan = excluded.plan, category = excluded.category, priority = excluded.priority, \
     status = excluded.status, submitted_at = excluded.submitted_at, respond_by = excluded.respond_by, \
     completions = excluded.completions, reopened = excluded.reopened, \
     response_breaches = excluded.response_breaches, resolution_breaches = excluded.resolution_breaches, \
     version = excluded.version WHERE report_tickets.version < excluded.version";

/// Replaces a stored memo only with one that took in a later event.
pub(crate) const MEMO_UPSERT: &str = " ON CONFLICT (ticket) DO UPDATE SET memo = excluded.memo, \
     version = excluded.version WHERE report_ticket_memos.version < excluded.version";

/// The columns of `report_offers`, in [`OfferRow`] order.
pub(crate) const OFFER_COLUMNS: &str =
    "assignment, ticket, expert, offered_at, outcome, answered_at, started_at, completed_at, travel_m, version";

/// Replaces a stored offer only with one that took in a later event.
pub(crate) const OFFER_UPSERT: &str = " ON CONFLICT (assignment) DO UPDATE SET outcome = excluded.outcome, \
     answered_at = excluded.answered_at, started_at = excluded.started_at, completed_at = excluded.completed_at, \
     travel_m = excluded.travel_m, version = excluded.version WHERE report_offers.version < excluded.version";

/// Replaces a stored expert only with one that took in a later event.
pub(crate) const EXPERT_UPSERT: &str = " ON CONFLICT (expert) DO UPDATE SET name = excluded.name, \
     weekly_s = excluded.weekly_s, registered_at = excluded.registered_at, version = excluded.version \
     WHERE report_experts.version < excluded.version";

/// Replaces a stored survey only with one that took in a later event.
pub(crate) const SURVEY_UPSERT: &str = " ON CONFLICT (survey) DO UPDATE SET satisfaction = excluded.satisfaction, \
     recommend = excluded.recommend, answered_at = excluded.answered_at, version = excluded.version \
     WHERE report_surveys.version < excluded.version";

/// Replaces a stored customer row only with one that took in a later event.
pub(crate) const CUSTOMER_UPSERT: &str = " ON CONFLICT (customer) DO UPDATE SET region = excluded.region, \
     plan = excluded.plan, version = excluded.version WHERE report_customers.version < excluded.version";

/// Gives the tickets of the customers just written their customer's region, for a customer
/// who moved: the statement up to its customer column, which each backend compares with its
/// list of ids.
pub(crate) const TICKET_REGIONS: &str = "UPDATE report_tickets SET region = c.region FROM report_customers c \
     WHERE c.customer = report_tickets.customer AND report_tickets.region <> c.region AND c.customer";

pub(crate) const PLAN_UPSERT: &str = " ON CONFLICT (plan) DO UPDATE SET name = excluded.name";

pub(crate) const CLEAR: [&str; 8] = [
    "DELETE FROM report_tickets",
    "DELETE FROM report_ticket_memos",
    "DELETE FROM report_offers",
    "DELETE FROM report_customers",
    "DELETE FROM report_plans",
    "DELETE FROM report_experts",
    "DELETE FROM report_surveys",
    "DELETE FROM report_invoices",
];

/// A `report_tickets` row to write, in [`TICKET_COLUMNS`] order.
pub(crate) type TicketRow = (Uuid, Uuid, Uuid, String, i64, String, i64, Option<i64>, i64, i64, i64, i64, i64);

/// A ticket's facts as its row and its memo's JSON.
pub(crate) fn ticket_row(facts: &TicketFacts) -> Result<(TicketRow, String), StoreError> {
    let memo = serde_json::to_string(&facts.memo)
        .map_err(|e| corrupt(AggregateKind::Ticket, facts.ticket.as_uuid(), format!("memo: {e}")))?;
    let row = (
        facts.ticket.as_uuid(),
        facts.customer.as_uuid(),
        facts.plan.as_uuid(),
        facts.category.as_str().to_owned(),
        facts.priority as i64,
        facts.status.as_str().to_owned(),
        facts.submitted_at.timestamp(),
        facts.respond_by.map(|at| at.timestamp()),
        i64::from(facts.completions),
        i64::from(facts.reopened),
        i64::from(facts.response_breaches),
        i64::from(facts.resolution_breaches),
        crate::rows::to_i64(facts.version.0),
    );
    Ok((row, memo))
}

/// A stored ticket row with its memo's JSON: [`TICKET_COLUMNS`], then `memo`.
pub(crate) type StoredTicket =
    (Uuid, Uuid, Uuid, String, i64, String, i64, Option<i64>, i64, i64, i64, i64, i64, String);

/// Reads the stored facts of tickets: the statement up to its ticket column, which each
/// backend compares with its list of ids.
pub(crate) fn select_tickets() -> String {
    format!(
        "SELECT {TICKET_COLUMNS_T}, k.memo FROM report_tickets t JOIN report_ticket_memos k ON k.ticket = t.ticket
         WHERE t.ticket"
    )
}

/// [`TICKET_COLUMNS`] of `report_tickets t`.
const TICKET_COLUMNS_T: &str = "t.ticket, t.customer, t.plan, t.category, t.priority, t.status, t.submitted_at, \
     t.respond_by, t.completions, t.reopened, t.response_breaches, t.resolution_breaches, t.version";

/// A stored ticket row and its memo back as facts; a row sysops could not have written is
/// [`StoreError::Corrupt`].
pub(crate) fn ticket_facts(row: StoredTicket) -> Result<TicketFacts, StoreError> {
    let (
        ticket,
        customer,
        plan,
        category,
        priority,
        status,
        submitted,
        respond_by,
        completions,
        reopened,
        rb,
        sb,
        v,
        memo,
    ) = row;
    let bad = |detail: String| corrupt(AggregateKind::Ticket, ticket, detail);
    let memo: TicketMemo = serde_json::from_str(&memo).map_err(|e| bad(format!("memo: {e}")))?;
    let count = |n: i64| u32::try_from(n).map_err(|_| bad(format!("count {n}")));
    Ok(TicketFacts {
        ticket: TicketId::from(ticket),
        customer: CustomerId::from(customer),
        plan: PlanId::from(plan),
        category: ProductCategory::parse(&category).map_err(|e| bad(e.to_string()))?,
        priority: priority_of(priority).ok_or_else(|| bad(format!("priority {priority}")))?,
        status: status_of(&status).ok_or_else(|| bad(format!("status {status}")))?,
        submitted_at: instant(submitted).ok_or_else(|| bad(format!("time {submitted}")))?,
        respond_by: match respond_by {
            Some(at) => Some(instant(at).ok_or_else(|| bad(format!("time {at}")))?),
            None => None,
        },
        completions: count(completions)?,
        reopened: count(reopened)?,
        response_breaches: count(rb)?,
        resolution_breaches: count(sb)?,
        memo,
        version: Sequence(crate::rows::to_u64(v)),
    })
}

/// A `report_customers` row: customer, region, plan, version.
pub(crate) type CustomerRow = (Uuid, String, Uuid, i64);

pub(crate) fn customer_row(facts: &CustomerFacts) -> CustomerRow {
    (facts.customer.as_uuid(), facts.region.clone(), facts.plan.as_uuid(), crate::rows::to_i64(facts.version.0))
}

pub(crate) fn customer_facts((customer, region, plan, version): CustomerRow) -> CustomerFacts {
    CustomerFacts {
        customer: CustomerId::from(customer),
        region,
        plan: PlanId::from(plan),
        version: Sequence(crate::rows::to_u64(version)),
    }
}

pub(crate) fn plan_row(facts: &PlanFacts) -> (Uuid, String) {
    (facts.plan.as_uuid(), facts.name.clone())
}

/// A `report_offers` row, in [`OFFER_COLUMNS`] order.
pub(crate) type OfferRow =
    (Uuid, Uuid, Uuid, i64, &'static str, Option<i64>, Option<i64>, Option<i64>, Option<i64>, i64);

pub(crate) fn offer_row(facts: &OfferFacts) -> OfferRow {
    let seconds = |at: Option<DateTime<Utc>>| at.map(|at| at.timestamp());
    (
        facts.assignment.as_uuid(),
        facts.ticket.as_uuid(),
        facts.expert.as_uuid(),
        facts.offered_at.timestamp(),
        facts.outcome.as_str(),
        seconds(facts.answered_at),
        seconds(facts.started_at),
        seconds(facts.completed_at),
        facts.travel_m,
        crate::rows::to_i64(facts.version.0),
    )
}

/// A `report_experts` row: expert, name, weekly seconds, registration, version.
pub(crate) type ExpertFactsRow = (Uuid, String, i64, i64, i64);

pub(crate) fn expert_row(facts: &ExpertFacts) -> ExpertFactsRow {
    let version = crate::rows::to_i64(facts.version.0);
    (facts.expert.as_uuid(), facts.name.clone(), facts.weekly_s, facts.registered_at.timestamp(), version)
}

pub(crate) fn expert_facts(row: ExpertFactsRow) -> Result<ExpertFacts, StoreError> {
    let (expert, name, weekly_s, registered, version) = row;
    Ok(ExpertFacts {
        expert: ExpertId::from(expert),
        name,
        weekly_s,
        registered_at: instant(registered)
            .ok_or_else(|| corrupt(AggregateKind::Expert, expert, format!("time {registered}")))?,
        version: Sequence(crate::rows::to_u64(version)),
    })
}

/// A `report_surveys` row: survey, expert, satisfaction, recommend, answered, version.
pub(crate) type SurveyRow = (Uuid, Uuid, Option<i64>, Option<i64>, Option<i64>, i64);

pub(crate) fn survey_row(facts: &SurveyFacts) -> SurveyRow {
    (
        facts.survey.as_uuid(),
        facts.expert.as_uuid(),
        facts.satisfaction.map(i64::from),
        facts.recommend.map(i64::from),
        facts.answered_at.map(|at| at.timestamp()),
        crate::rows::to_i64(facts.version.0),
    )
}

pub(crate) fn survey_facts(row: SurveyRow) -> Result<SurveyFacts, StoreError> {
    let (survey, expert, satisfaction, recommend, answered, version) = row;
    let bad = |detail: String| corrupt(AggregateKind::Survey, survey, detail);
    let score = |n: Option<i64>| n.map(|n| u8::try_from(n).map_err(|_| bad(format!("score {n}")))).transpose();
    Ok(SurveyFacts {
        survey: SurveyId::from(survey),
        expert: ExpertId::from(expert),
        satisfaction: score(satisfaction)?,
        recommend: score(recommend)?,
        answered_at: answered.map(|at| instant(at).ok_or_else(|| bad(format!("time {at}")))).transpose()?,
        version: Sequence(crate::rows::to_u64(version)),
    })
}

/// The columns of `report_invoices`, in [`InvoiceRow`] order.
pub(crate) const INVOICE_COLUMNS: &str = "invoice, customer, plan, period_start, currency, total_minor, status, declined, \
     refunded_minor, refund_pending, refund_pending_minor, version";

/// Replaces a stored invoice only with one that took in a later event.
pub(crate) const INVOICE_UPSERT: &str = " ON CONFLICT (invoice) DO UPDATE SET status = excluded.status, \
     declined = excluded.declined, refunded_minor = excluded.refunded_minor, \
     refund_pending = excluded.refund_pending, refund_pending_minor = excluded.refund_pending_minor, \
     version = excluded.version WHERE report_invoices.version < excluded.version";

/// A `report_invoices` row, in [`INVOICE_COLUMNS`] order.
pub(crate) type InvoiceRow = (Uuid, Uuid, Uuid, i64, String, i64, String, i64, i64, Option<i64>, Option<i64>, i64);

pub(crate) fn invoice_row(facts: &InvoiceFacts) -> InvoiceRow {
    (
        facts.invoice.as_uuid(),
        facts.customer.as_uuid(),
        facts.plan.as_uuid(),
        facts.period.start().timestamp(),
        facts.currency.code().to_owned(),
        facts.total_minor,
        facts.status.as_str().to_owned(),
        i64::from(facts.declined),
        facts.refunded_minor,
        facts.refund_pending.map(|(number, _)| i64::from(number)),
        facts.refund_pending.map(|(_, minor)| minor),
        crate::rows::to_i64(facts.version.0),
    )
}

pub(crate) fn invoice_facts(row: InvoiceRow) -> Result<InvoiceFacts, StoreError> {
    let (invoice, customer, plan, start, currency, total_minor, status, declined, refunded, number, minor, version) =
        row;
    let bad = |detail: String| corrupt(AggregateKind::Invoice, invoice, detail);
    let refund_pending = match (number, minor) {
        (Some(number), Some(minor)) => {
            Some((u32::try_from(number).map_err(|_| bad(format!("refund {number}")))?, minor))
        }
        _ => None,
    };
    Ok(InvoiceFacts {
        invoice: InvoiceId::from(invoice),
        customer: CustomerId::from(customer),
        plan: PlanId::from(plan),
        period: period_of(start).ok_or_else(|| bad(format!("period {start}")))?,
        currency: Currency::parse(&currency).map_err(|e| bad(e.to_string()))?,
        total_minor,
        status: invoice_status(&status).ok_or_else(|| bad(format!("status {status}")))?,
        declined: u32::try_from(declined).map_err(|_| bad(format!("declined {declined}")))?,
        refunded_minor: refunded,
        refund_pending,
        version: Sequence(crate::rows::to_u64(version)),
    })
}

pub(super) fn period_of(start: i64) -> Option<BillingPeriod> {
    BillingPeriod::containing(instant(start)?).ok()
}

pub(super) fn invoice_status(name: &str) -> Option<InvoiceStatus> {
    use InvoiceStatus::*;
    [Open, PaymentFailed, Uncollectible, Paid, Void, WrittenOff].into_iter().find(|s| s.as_str() == name)
}

pub(super) fn priority_of(rank: i64) -> Option<Priority> {
    [Priority::Standard, Priority::High, Priority::Critical].into_iter().find(|p| *p as i64 == rank)
}

fn status_of(name: &str) -> Option<TicketStatus> {
    TicketStatus::ALL.into_iter().find(|s| s.as_str() == name)
}

pub(super) fn instant(seconds: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, 0)
}

pub(super) fn corrupt(kind: AggregateKind, id: Uuid, detail: String) -> StoreError {
    StoreError::Corrupt { stream: StreamId::new(kind, id), detail: format!("report row: {detail}") }
}
