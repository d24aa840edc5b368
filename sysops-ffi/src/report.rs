//! Reports for managers: the ticketing, expert performance and financial tables, each with
//! its CSV; and the projector that keeps their read models.

use crate::client::Sysops;
use crate::error::SysopsError;
use crate::guard::guard;
use crate::types::Timestamp;
use crate::value::{Actor, Money};
use crate::{Currency, Priority, ProductCategory};
use sysops_core::report as core;
use uuid::Uuid;

/// What one round of the report projector did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct ProjectionReport {
    /// Outbox events read.
    pub events: u64,
    /// Read-model rows written.
    pub rows: u64,
    /// Events that could not be folded in (they do not decode, or their record's facts are
    /// missing: `rebuild_reports` takes them in).
    pub skipped: u64,
}

impl From<sysops_core::ProjectionReport> for ProjectionReport {
    fn from(r: sysops_core::ProjectionReport) -> Self {
        ProjectionReport { events: r.events, rows: r.rows, skipped: r.skipped }
    }
}

/// One group of the ticketing report: the tickets submitted in the period by customers of one
/// region, under one plan, of one category and priority; counts by status are as of the
/// report's `as_of`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct TicketingRow {
    /// The region (state) of the customer's address; empty when unknown.
    pub region: String,
    pub plan: Uuid,
    pub plan_name: String,
    pub category: ProductCategory,
    pub priority: Priority,
    pub submitted: u64,
    /// Waiting for an expert.
    pub open: u64,
    /// Offered, waiting for the expert's answer.
    pub assigned: u64,
    pub accepted: u64,
    pub in_progress: u64,
    pub waiting_for_customer: u64,
    pub completed: u64,
    pub closed: u64,
    pub cancelled: u64,
    /// Tickets reopened at least once.
    pub reopened: u64,
    /// Tickets completed at least once.
    pub fixed: u64,
    /// Tickets completed and never reopened.
    pub fixed_first_time: u64,
    /// `fixed_first_time / fixed`; absent when none was fixed.
    pub first_time_fix_rate: Option<f64>,
    /// Response deadlines missed.
    pub response_breaches: u64,
    /// Resolution deadlines missed.
    pub resolution_breaches: u64,
    /// Tickets waiting for an expert past their response deadline.
    pub waiting_too_long: u64,
    /// Of the tickets not completed, closed or cancelled: the median age in seconds
    /// (nearest rank), the 90th percentile, and the oldest.
    pub open_age_p50_s: Option<i64>,
    pub open_age_p90_s: Option<i64>,
    pub open_age_max_s: Option<i64>,
}

impl From<core::TicketingRow> for TicketingRow {
    fn from(r: core::TicketingRow) -> Self {
        TicketingRow {
            first_time_fix_rate: r.first_time_fix_rate(),
            region: r.region,
            plan: r.plan.as_uuid(),
            plan_name: r.plan_name,
            category: r.category,
            priority: r.priority,
            submitted: r.submitted,
            open: r.open,
            assigned: r.assigned,
            accepted: r.accepted,
            in_progress: r.in_progress,
            waiting_for_customer: r.waiting_for_customer,
            completed: r.completed,
            closed: r.closed,
            cancelled: r.cancelled,
            reopened: r.reopened,
            fixed: r.fixed,
            fixed_first_time: r.fixed_first_time,
            response_breaches: r.response_breaches,
            resolution_breaches: r.resolution_breaches,
            waiting_too_long: r.waiting_too_long,
            open_age_p50_s: r.open_age_p50_s,
            open_age_p90_s: r.open_age_p90_s,
            open_age_max_s: r.open_age_max_s,
        }
    }
}

/// One expert's row of the expert performance report: offers made in the period (their
/// outcome as of `as_of`), visits completed in it, surveys answered in it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct ExpertRow {
    pub expert: Uuid,
    pub name: String,
    pub offers: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Not answered in time.
    pub expired: u64,
    /// The ticket was cancelled before they answered.
    pub withdrawn: u64,
    /// Not answered yet.
    pub pending: u64,
    /// The median seconds from offer to acceptance (nearest rank).
    pub accept_p50_s: Option<i64>,
    /// Visits completed.
    pub completed: u64,
    /// The median seconds from acceptance to completion of those visits.
    pub complete_p50_s: Option<i64>,
    /// Seconds on site in those visits.
    pub worked_s: i64,
    /// Metres from their base to those visits, as the assignment job measured them.
    pub travel_m: i64,
    /// Visits whose distance was measured (an administrator's assignment has none).
    pub travel_measured: u64,
    /// Surveys answered about them.
    pub surveys: u64,
    /// Mean stars (1–5); absent without surveys.
    pub mean_satisfaction: Option<f64>,
    /// Surveys with a recommend score.
    pub recommends: u64,
    /// Mean recommend score (0–10); absent without one.
    pub mean_recommend: Option<f64>,
    /// Their working hours a week, in seconds.
    pub weekly_s: i64,
    pub registered_at: Timestamp,
    /// Seconds of working hours in the period, from their registration up to `as_of`.
    pub scheduled_s: i64,
    /// `worked_s / scheduled_s`; absent when nothing was scheduled.
    pub utilisation: Option<f64>,
}

impl From<core::ExpertRow> for ExpertRow {
    fn from(r: core::ExpertRow) -> Self {
        ExpertRow {
            expert: r.expert.as_uuid(),
            name: r.name,
            offers: r.offers,
            accepted: r.accepted,
            rejected: r.rejected,
            expired: r.expired,
            withdrawn: r.withdrawn,
            pending: r.pending,
            accept_p50_s: r.accept_p50_s,
            completed: r.completed,
            complete_p50_s: r.complete_p50_s,
            worked_s: r.worked_s,
            travel_m: r.travel_m,
            travel_measured: r.travel_measured,
            surveys: r.surveys,
            mean_satisfaction: r.mean_satisfaction,
            recommends: r.recommends,
            mean_recommend: r.mean_recommend,
            weekly_s: r.weekly_s,
            registered_at: r.registered_at,
            scheduled_s: r.scheduled_s,
            utilisation: r.utilisation,
        }
    }
}

/// One group of the financial report: the invoices of one billing month under one plan (of
/// each invoice's last line) in one currency, exact to the cent.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct FinancialRow {
    /// The billing month, `YYYY-MM`.
    pub period: String,
    pub plan: Uuid,
    pub plan_name: String,
    pub currency: Currency,
    /// Invoices issued.
    pub invoices: u64,
    /// Their totals: the month's revenue billed.
    pub invoiced: Money,
    /// The totals of those paid.
    pub collected: Money,
    /// Refunds completed.
    pub refunded: Money,
    /// `collected` less `refunded`.
    pub net: Money,
    /// Invoices still unpaid (open, failing or uncollectible), and what they owe.
    pub outstanding_invoices: u64,
    pub outstanding: Money,
    /// Charges declined.
    pub failed_payments: u64,
    /// Invoices whose last charge was declined.
    pub failing_invoices: u64,
    pub written_off: Money,
    pub voided: Money,
}

impl From<core::FinancialRow> for FinancialRow {
    fn from(r: core::FinancialRow) -> Self {
        FinancialRow {
            period: r.period.to_string(),
            plan: r.plan.as_uuid(),
            plan_name: r.plan_name,
            currency: r.currency,
            invoices: r.invoices,
            invoiced: r.invoiced.into(),
            collected: r.collected.into(),
            refunded: r.refunded.into(),
            net: r.net.into(),
            outstanding_invoices: r.outstanding_invoices,
            outstanding: r.outstanding.into(),
            failed_payments: r.failed_payments,
            failing_invoices: r.failing_invoices,
            written_off: r.written_off.into(),
            voided: r.voided.into(),
        }
    }
}

/// Generates a report record: its period, when it was computed, how far behind the events
/// its read model was, its rows, and the rows as CSV.
macro_rules! report_record {
    ($(#[$doc:meta])* $name:ident, $core:ty, $row:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, uniffi::Record)]
        #[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
        pub struct $name {
            /// The period's first instant.
            pub start: Timestamp,
            /// The first instant after the period.
            pub end: Timestamp,
            /// When it was computed: statuses and outcomes are as of then.
            pub as_of: Timestamp,
            /// The time of the oldest event its read model had not taken in yet; absent when
            /// it had taken in every one.
            pub behind_since: Option<Timestamp>,
            /// Its rows, in the report's order.
            pub rows: Vec<$row>,
            /// The rows as CSV (RFC 4180): a header of the rows' field names, times in RFC
            /// 3339, money as exact amounts, an absent value as an empty cell.
            pub csv: String,
        }

        impl From<$core> for $name {
            fn from(report: $core) -> Self {
                $name {
                    csv: report.to_csv(),
                    start: report.range.from(),
                    end: report.range.to(),
                    as_of: report.as_of,
                    behind_since: report.lag.behind_since,
                    rows: report.rows.into_iter().map(<$row>::from).collect(),
                }
            }
        }
    };
}

report_record!(
    /// The ticketing report: a row per region, plan, category and priority with tickets
    /// submitted in the period.
    TicketingReport,
    core::TicketingReport,
    TicketingRow
);
report_record!(
    /// The expert performance report: a row per expert registered before the period ends.
    ExpertReport,
    core::ExpertReport,
    ExpertRow
);
report_record!(
    /// The financial report: a row per billing month (starting in the period), plan and
    /// currency.
    FinancialReport,
    core::FinancialReport,
    FinancialRow
);

/// The period from `start` (default: the epoch) to `end` (default: the latest time sysops
/// accepts); `InvalidInput` unless `start` is before `end`.
fn range(start: Option<Timestamp>, end: Option<Timestamp>) -> Result<core::ReportRange, SysopsError> {
    let all = core::ReportRange::all_time();
    Ok(core::ReportRange::new(start.unwrap_or(all.from()), end.unwrap_or(all.to()))?)
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// One round of the report projector (System or an administrator): folds up to `batch`
    /// (1–10,000) new events into the reports' read models. Run it in a loop, as often as
    /// the reports' lag allows; an event read twice changes nothing.
    pub async fn project_reports(&self, actor: Actor, batch: u32) -> Result<ProjectionReport, SysopsError> {
        guard(async move { Ok(self.api()?.project_reports(actor.into(), batch).await?.into()) }).await
    }

    /// Folds every stored event into the reports' read models again, from nothing (System or
    /// an administrator); answers the rows written. Safe while the projector runs.
    pub async fn rebuild_reports(&self, actor: Actor) -> Result<u64, SysopsError> {
        guard(async move { Ok(self.api()?.rebuild_reports(actor.into()).await?) }).await
    }

    /// The ticketing report over the tickets submitted from `start` (included) to `end` (excluded), each absent
    /// for no bound (managers and
    /// administrators; anyone else is `Forbidden`).
    #[uniffi::method(default(start = None, end = None))]
    pub async fn ticketing_report(
        &self,
        actor: Actor,
        start: Option<Timestamp>,
        end: Option<Timestamp>,
    ) -> Result<TicketingReport, SysopsError> {
        guard(async move { Ok(self.api()?.ticketing_report(actor.into(), range(start, end)?).await?.into()) }).await
    }

    /// The expert performance report over the offers, visits and surveys from `start` to `end`
    /// (managers and administrators).
    #[uniffi::method(default(start = None, end = None))]
    pub async fn expert_report(
        &self,
        actor: Actor,
        start: Option<Timestamp>,
        end: Option<Timestamp>,
    ) -> Result<ExpertReport, SysopsError> {
        guard(async move { Ok(self.api()?.expert_report(actor.into(), range(start, end)?).await?.into()) }).await
    }

    /// The financial report over the billing months starting from `start` to
    /// `end` (managers
    /// and administrators).
    #[uniffi::method(default(start = None, end = None))]
    pub async fn financial_report(
        &self,
        actor: Actor,
        start: Option<Timestamp>,
        end: Option<Timestamp>,
    ) -> Result<FinancialReport, SysopsError> {
        guard(async move { Ok(self.api()?.financial_report(actor.into(), range(start, end)?).await?.into()) }).await
    }
}

/// The Python block: each report as a pandas or polars data frame (built by the package's
/// `sysops._frames`, which imports either only when asked) and as a CSV file.
#[cfg(feature = "python")]
mod python {
    use super::{ExpertReport, ExpertRow, FinancialReport, FinancialRow, TicketingReport, TicketingRow};
    use pyo3::IntoPyObjectExt;
    use pyo3::prelude::*;
    use pyo3::types::PyDict;

    /// A field of a row: its name and how to read it.
    type Field<R, T> = (&'static str, fn(&R) -> T);

    /// A column: its name, its kind in a data frame (`category`, `int`, `float`, `decimal`,
    /// `datetime`, `str`), and its cells.
    type Column<'py> = (&'static str, &'static str, Vec<Bound<'py, PyAny>>);

    /// The column `name` of `kind`, a cell per row from `cell`.
    fn column<'py, R, T: IntoPyObjectExt<'py>>(
        py: Python<'py>,
        rows: &[R],
        name: &'static str,
        kind: &'static str,
        cell: impl Fn(&R) -> T,
    ) -> PyResult<Column<'py>> {
        Ok((name, kind, rows.iter().map(|r| cell(r).into_bound_py_any(py)).collect::<PyResult<_>>()?))
    }

    /// Hands `columns` to `sysops._frames.<builder>`.
    fn frame<'py>(py: Python<'py>, builder: &str, columns: Vec<Column<'py>>) -> PyResult<Bound<'py, PyAny>> {
        let (data, kinds) = (PyDict::new(py), PyDict::new(py));
        for (name, kind, cells) in columns {
            data.set_item(name, cells)?;
            kinds.set_item(name, kind)?;
        }
        py.import("sysops._frames")?.call_method1(builder, (data, kinds))
    }

    /// The columns of each row type, in the order of its fields.
    trait Columns: Sized {
        fn columns<'py>(py: Python<'py>, rows: &[Self]) -> PyResult<Vec<Column<'py>>>;
    }

    impl Columns for TicketingRow {
        fn columns<'py>(py: Python<'py>, rows: &[Self]) -> PyResult<Vec<Column<'py>>> {
            let counts: [Field<Self, u64>; 12] = [
                ("submitted", |r| r.submitted),
                ("open", |r| r.open),
                ("assigned", |r| r.assigned),
                ("accepted", |r| r.accepted),
                ("in_progress", |r| r.in_progress),
                ("waiting_for_customer", |r| r.waiting_for_customer),
                ("completed", |r| r.completed),
                ("closed", |r| r.closed),
                ("cancelled", |r| r.cancelled),
                ("reopened", |r| r.reopened),
                ("fixed", |r| r.fixed),
                ("fixed_first_time", |r| r.fixed_first_time),
            ];
            let mut columns = vec![
                column(py, rows, "region", "category", |r| r.region.clone())?,
                column(py, rows, "plan", "str", |r| r.plan.to_string())?,
                column(py, rows, "plan_name", "category", |r| r.plan_name.clone())?,
                column(py, rows, "category", "category", |r| r.category.as_str())?,
                column(py, rows, "priority", "category", |r| r.priority.as_str())?,
            ];
            for (name, count) in counts {
                columns.push(column(py, rows, name, "int", count)?);
            }
            columns.push(column(py, rows, "first_time_fix_rate", "float", |r| r.first_time_fix_rate)?);
            columns.push(column(py, rows, "response_breaches", "int", |r| r.response_breaches)?);
            columns.push(column(py, rows, "resolution_breaches", "int", |r| r.resolution_breaches)?);
            columns.push(column(py, rows, "waiting_too_long", "int", |r| r.waiting_too_long)?);
            columns.push(column(py, rows, "open_age_p50_s", "int", |r| r.open_age_p50_s)?);
            columns.push(column(py, rows, "open_age_p90_s", "int", |r| r.open_age_p90_s)?);
            columns.push(column(py, rows, "open_age_max_s", "int", |r| r.open_age_max_s)?);
            Ok(columns)
        }
    }

    impl Columns for ExpertRow {
        fn columns<'py>(py: Python<'py>, rows: &[Self]) -> PyResult<Vec<Column<'py>>> {
            let counts: [Field<Self, u64>; 9] = [
                ("offers", |r| r.offers),
                ("accepted", |r| r.accepted),
                ("rejected", |r| r.rejected),
                ("expired", |r| r.expired),
                ("withdrawn", |r| r.withdrawn),
                ("pending", |r| r.pending),
                ("completed", |r| r.completed),
                ("travel_measured", |r| r.travel_measured),
                ("surveys", |r| r.surveys),
            ];
            let mut columns = vec![
                column(py, rows, "expert", "str", |r| r.expert.to_string())?,
                column(py, rows, "name", "str", |r| r.name.clone())?,
            ];
            for (name, count) in counts {
                columns.push(column(py, rows, name, "int", count)?);
            }
            let integers: [Field<Self, Option<i64>>; 7] = [
                ("accept_p50_s", |r| r.accept_p50_s),
                ("complete_p50_s", |r| r.complete_p50_s),
                ("worked_s", |r| Some(r.worked_s)),
                ("travel_m", |r| Some(r.travel_m)),
                ("weekly_s", |r| Some(r.weekly_s)),
                ("scheduled_s", |r| Some(r.scheduled_s)),
                ("recommends", |r| i64::try_from(r.recommends).ok()),
            ];
            for (name, value) in integers {
                columns.push(column(py, rows, name, "int", value)?);
            }
            columns.push(column(py, rows, "mean_satisfaction", "float", |r| r.mean_satisfaction)?);
            columns.push(column(py, rows, "mean_recommend", "float", |r| r.mean_recommend)?);
            columns.push(column(py, rows, "utilisation", "float", |r| r.utilisation)?);
            columns.push(column(py, rows, "registered_at", "datetime", |r| r.registered_at)?);
            Ok(columns)
        }
    }

    impl Columns for FinancialRow {
        fn columns<'py>(py: Python<'py>, rows: &[Self]) -> PyResult<Vec<Column<'py>>> {
            let mut columns = vec![
                column(py, rows, "period", "category", |r| r.period.clone())?,
                column(py, rows, "plan", "str", |r| r.plan.to_string())?,
                column(py, rows, "plan_name", "category", |r| r.plan_name.clone())?,
                column(py, rows, "currency", "category", |r| r.currency.code())?,
            ];
            let counts: [Field<Self, u64>; 4] = [
                ("invoices", |r| r.invoices),
                ("outstanding_invoices", |r| r.outstanding_invoices),
                ("failed_payments", |r| r.failed_payments),
                ("failing_invoices", |r| r.failing_invoices),
            ];
            for (name, count) in counts {
                columns.push(column(py, rows, name, "int", count)?);
            }
            let money: [Field<Self, rust_decimal::Decimal>; 7] = [
                ("invoiced", |r| r.invoiced.amount),
                ("collected", |r| r.collected.amount),
                ("refunded", |r| r.refunded.amount),
                ("net", |r| r.net.amount),
                ("outstanding", |r| r.outstanding.amount),
                ("written_off", |r| r.written_off.amount),
                ("voided", |r| r.voided.amount),
            ];
            for (name, amount) in money {
                columns.push(column(py, rows, name, "decimal", amount)?);
            }
            Ok(columns)
        }
    }

    /// A report's Python methods: its data frames, its CSV, and a readable `repr()`.
    macro_rules! frames {
        ($($report:ty),+) => {$(
            #[pymethods]
            impl $report {
                /// The rows as a pandas DataFrame: counts as nullable integers, ratios as
                /// floats, money as `decimal.Decimal`, times as UTC datetimes, names as
                /// categories. Needs pandas (`ImportError` naming it otherwise).
                fn to_pandas<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    frame(py, "to_pandas", Columns::columns(py, &self.rows)?)
                }

                /// The rows as a polars DataFrame (`Decimal` money, `Datetime` in UTC,
                /// `Categorical` names). Needs polars (`ImportError` naming it otherwise).
                fn to_polars<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    frame(py, "to_polars", Columns::columns(py, &self.rows)?)
                }

                /// The rows as CSV: written to `path` when given (and `None` returned), else
                /// returned as text.
                #[pyo3(signature = (path = None))]
                fn to_csv(&self, path: Option<std::path::PathBuf>) -> PyResult<Option<String>> {
                    match path {
                        Some(path) => std::fs::write(path, &self.csv).map(|()| None).map_err(PyErr::from),
                        None => Ok(Some(self.csv.clone())),
                    }
                }

                fn __repr__(&self) -> String {
                    format!("{} {} to {}, {} rows", stringify!($report), self.start, self.end, self.rows.len())
                }
            }
        )+};
    }

    frames!(TicketingReport, ExpertReport, FinancialReport);
}
