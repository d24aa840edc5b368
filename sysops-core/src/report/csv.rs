//! The reports as CSV (RFC 4180): a header row of the rows' field names, then a line per row.
//! Times are RFC 3339 in UTC, money its exact amount (the row's `currency` says which),
//! ratios as decimals, and an absent value an empty cell.

use super::experts::{ExpertReport, ExpertRow};
use super::financial::{FinancialReport, FinancialRow};
use super::ticketing::{TicketingReport, TicketingRow};
use chrono::{DateTime, SecondsFormat, Utc};

/// A report's rows as a table: its column names, and each row's cells in their order.
pub trait Table {
    /// The column names, as the rows' fields are named.
    const COLUMNS: &'static [&'static str];

    /// The row's cells, as text, in [`Self::COLUMNS`] order.
    fn cells(&self) -> Vec<String>;
}

/// `rows` as CSV (RFC 4180): a header of the column names, then a line per row, each line
/// ending in CRLF. Times are RFC 3339 in UTC, money its exact amount (the row's `currency`
/// says which), ratios as decimals, and an absent value an empty cell.
pub fn to_csv<T: Table>(rows: &[T]) -> String {
    let mut csv = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = String>| {
        let quoted: Vec<String> = cells.map(|c| quote(&c)).collect();
        csv.push_str(&quoted.join(","));
        csv.push_str("\r\n");
    };
    line(&mut T::COLUMNS.iter().map(|c| (*c).to_owned()));
    for row in rows {
        line(&mut row.cells().into_iter());
    }
    csv
}

/// A cell quoted when it holds a comma, a quote or a line break (quotes doubled).
fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell.to_owned() }
}

fn opt<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

impl Table for TicketingRow {
    const COLUMNS: &'static [&'static str] = &[
        "region",
        "plan",
        "plan_name",
        "category",
        "priority",
        "submitted",
        "open",
        "assigned",
        "accepted",
        "in_progress",
        "waiting_for_customer",
        "completed",
        "closed",
        "cancelled",
        "reopened",
        "fixed",
        "fixed_first_time",
        "first_time_fix_rate",
        "response_breaches",
        "resolution_breaches",
        "waiting_too_long",
        "open_age_p50_s",
        "open_age_p90_s",
        "open_age_max_s",
    ];

    fn cells(&self) -> Vec<String> {
        let counts = [
            self.submitted,
            self.open,
            self.assigned,
            self.accepted,
            self.in_progress,
            self.waiting_for_customer,
            self.completed,
            self.closed,
            self.cancelled,
            self.reopened,
            self.fixed,
            self.fixed_first_time,
        ];
        let mut cells = vec![
            self.region.clone(),
            self.plan.to_string(),
            self.plan_name.clone(),
            self.category.as_str().to_owned(),
            self.priority.as_str().to_owned(),
        ];
        cells.extend(counts.iter().map(u64::to_string));
        cells.push(opt(self.first_time_fix_rate()));
        cells.extend([self.response_breaches, self.resolution_breaches, self.waiting_too_long].map(|n| n.to_string()));
        cells.extend([self.open_age_p50_s, self.open_age_p90_s, self.open_age_max_s].map(opt));
        cells
    }
}

impl Table for ExpertRow {
    const COLUMNS: &'static [&'static str] = &[
        "expert",
        "name",
        "offers",
        "accepted",
        "rejected",
        "expired",
        "withdrawn",
        "pending",
        "accept_p50_s",
        "completed",
        "complete_p50_s",
        "worked_s",
        "travel_m",
        "travel_measured",
        "surveys",
        "mean_satisfaction",
        "recommends",
        "mean_recommend",
        "weekly_s",
        "registered_at",
        "scheduled_s",
        "utilisation",
    ];

    fn cells(&self) -> Vec<String> {
        let mut cells = vec![self.expert.to_string(), self.name.clone()];
        let offers = [self.offers, self.accepted, self.rejected, self.expired, self.withdrawn, self.pending];
        cells.extend(offers.map(|n| n.to_string()));
        cells.extend([opt(self.accept_p50_s), self.completed.to_string(), opt(self.complete_p50_s)]);
        cells.extend([self.worked_s, self.travel_m].map(|n| n.to_string()));
        cells.extend([self.travel_measured, self.surveys].map(|n| n.to_string()));
        cells.extend([opt(self.mean_satisfaction), self.recommends.to_string(), opt(self.mean_recommend)]);
        cells.extend([self.weekly_s.to_string(), time(self.registered_at), self.scheduled_s.to_string()]);
        cells.push(opt(self.utilisation));
        cells
    }
}

impl Table for FinancialRow {
    const COLUMNS: &'static [&'static str] = &[
        "period",
        "plan",
        "plan_name",
        "currency",
        "invoices",
        "invoiced",
        "collected",
        "refunded",
        "net",
        "outstanding_invoices",
        "outstanding",
        "failed_payments",
        "failing_invoices",
        "written_off",
        "voided",
    ];

    fn cells(&self) -> Vec<String> {
        let money = |m: &crate::Money| m.amount().to_string();
        vec![
            self.period.to_string(),
            self.plan.to_string(),
            self.plan_name.clone(),
            self.currency.code().to_owned(),
            self.invoices.to_string(),
            money(&self.invoiced),
            money(&self.collected),
            money(&self.refunded),
            money(&self.net),
            self.outstanding_invoices.to_string(),
            money(&self.outstanding),
            self.failed_payments.to_string(),
            self.failing_invoices.to_string(),
            money(&self.written_off),
            money(&self.voided),
        ]
    }
}

impl TicketingReport {
    /// The rows as CSV (see [`to_csv`](super::to_csv)).
    pub fn to_csv(&self) -> String {
        to_csv(&self.rows)
    }
}

impl ExpertReport {
    /// The rows as CSV (see [`to_csv`](super::to_csv)).
    pub fn to_csv(&self) -> String {
        to_csv(&self.rows)
    }
}

impl FinancialReport {
    /// The rows as CSV (see [`to_csv`](super::to_csv)).
    pub fn to_csv(&self) -> String {
        to_csv(&self.rows)
    }
}
