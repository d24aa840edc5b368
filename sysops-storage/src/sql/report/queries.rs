//! The reports' queries (`$N` parameters) and their rows back into report rows: the counts
//! and sums the same on both backends, the percentiles each backend's own (its `report.rs`
//! completes `ticketing!` and `experts!`).

use super::{corrupt, expert_facts, invoice_status, period_of, priority_of};
use std::collections::BTreeMap;
use sysops_core::billing::InvoiceStatus;
use sysops_core::report::FinancialSums;
use sysops_core::report::{ExpertRow, FinancialRow, TicketingRow};
use sysops_core::{AggregateKind, Currency, PlanId, ProductCategory, StoreError};
use uuid::Uuid;

/// The select list counting the tickets submitted from `$1` to `$2` in a scan of
/// `report_tickets` grouped by region, plan, category and priority, as of `$3`: `submitted`,
/// each status, `reopened`, `fixed`, `fixed_first_time`, the breaches and `waiting_too_long`.
macro_rules! ticket_counts {
    () => {
        "
           COUNT(*) AS submitted,
           COUNT(*) FILTER (WHERE status = 'open') AS open,
           COUNT(*) FILTER (WHERE status = 'assigned') AS assigned,
           COUNT(*) FILTER (WHERE status = 'accepted') AS accepted,
           COUNT(*) FILTER (WHERE status = 'in_progress') AS in_progress,
           COUNT(*) FILTER (WHERE status = 'waiting_for_customer') AS waiting_for_customer,
           COUNT(*) FILTER (WHERE status = 'completed') AS completed,
           COUNT(*) FILTER (WHERE status = 'closed') AS closed,
           COUNT(*) FILTER (WHERE status = 'cancelled') AS cancelled,
           COUNT(*) FILTER (WHERE reopened > 0) AS reopened,
           COUNT(*) FILTER (WHERE completions > 0) AS fixed,
           COUNT(*) FILTER (WHERE completions > 0 AND reopened = 0) AS fixed_first_time,
           CAST(SUM(response_breaches) AS BIGINT) AS response_breaches,
           CAST(SUM(resolution_breaches) AS BIGINT) AS resolution_breaches,
           COUNT(*) FILTER (WHERE respond_by < $3) AS waiting_too_long
    FROM report_tickets WHERE submitted_at >= $1 AND submitted_at < $2
    GROUP BY region, plan, category, priority"
    };
}
pub(crate) use ticket_counts;

/// The ticketing report over the tickets submitted from `$1` to `$2` (Unix seconds), as of
/// `$3`. `groups` is a backend's own query of `region, plan, category, priority`, the
/// columns of [`ticket_counts!`], and the ages of the group's open tickets: `p50` and `p90`
/// at nearest ranks ⌈n/2⌉ and ⌈9n/10⌉ of the n ages in ascending order, and `oldest`. One
/// statement, so counts and ages are of the same snapshot.
macro_rules! ticketing {
    ($($groups:tt)+) => {
        concat!(
            "
WITH groups AS (",
            $($groups)+,
            ")
SELECT g.region, g.plan, COALESCE(p.name, ''), g.category, g.priority, g.submitted, g.open, g.assigned,
       g.accepted, g.in_progress, g.waiting_for_customer, g.completed, g.closed, g.cancelled, g.reopened,
       g.fixed, g.fixed_first_time, g.response_breaches, g.resolution_breaches, g.waiting_too_long,
       g.p50, g.p90, g.oldest
FROM groups g
LEFT JOIN report_plans p ON p.plan = g.plan"
        )
    };
}
pub(crate) use ticketing;

/// A row of [`ticketing!`]: the group (region, plan, plan name, category, priority), its
/// fifteen counts in [`TicketingRow`] order, and the three ages.
pub(crate) type TicketingTuple = ((String, Uuid, String, String, i64), [i64; 15], [Option<i64>; 3]);

/// Reads a [`ticketing!`] row of either backend.
pub(crate) fn ticketing_tuple<R>(row: &R) -> Result<TicketingTuple, sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let group = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?, row.try_get(4)?);
    let counts = integers(row, 5)?;
    let ages = [row.try_get(20)?, row.try_get(21)?, row.try_get(22)?];
    Ok((group, counts, ages))
}

/// A [`ticketing!`] row as a report row.
pub(crate) fn ticketing_row(tuple: TicketingTuple) -> Result<TicketingRow, StoreError> {
    let ((region, plan, plan_name, category, priority), counts, [p50, p90, oldest]) = tuple;
    let bad = |detail: String| corrupt(AggregateKind::Plan, plan, detail);
    let mut n = [0_u64; 15];
    for (to, count) in n.iter_mut().zip(counts) {
        *to = u64::try_from(count).map_err(|_| bad(format!("count {count}")))?;
    }
    let [
        submitted,
        open,
        assigned,
        accepted,
        in_progress,
        waiting_for_customer,
        completed,
        closed,
        cancelled,
        reopened,
        fixed,
        fixed_first_time,
        response_breaches,
        resolution_breaches,
        waiting_too_long,
    ] = n;
    Ok(TicketingRow {
        region,
        plan: PlanId::from(plan),
        plan_name,
        category: ProductCategory::parse(&category).map_err(|e| bad(e.to_string()))?,
        priority: priority_of(priority).ok_or_else(|| bad(format!("priority {priority}")))?,
        submitted,
        open,
        assigned,
        accepted,
        in_progress,
        waiting_for_customer,
        completed,
        closed,
        cancelled,
        reopened,
        fixed,
        fixed_first_time,
        response_breaches,
        resolution_breaches,
        waiting_too_long,
        open_age_p50_s: p50,
        open_age_p90_s: p90,
        open_age_max_s: oldest,
    })
}

/// The select list counting one expert's offers made and visits completed from `$1` to `$2`
/// in a scan of `report_offers` grouped by expert: `offers` and each outcome, `completed`,
/// `worked`, `travel` and `measured`.
macro_rules! offer_counts {
    () => {
        "
           COUNT(*) FILTER (WHERE offered_at >= $1 AND offered_at < $2) AS offers,
           COUNT(*) FILTER (WHERE offered_at >= $1 AND offered_at < $2 AND outcome = 'accepted') AS accepted,
           COUNT(*) FILTER (WHERE offered_at >= $1 AND offered_at < $2 AND outcome = 'rejected') AS rejected,
           COUNT(*) FILTER (WHERE offered_at >= $1 AND offered_at < $2 AND outcome = 'expired') AS expired,
           COUNT(*) FILTER (WHERE offered_at >= $1 AND offered_at < $2 AND outcome = 'withdrawn') AS withdrawn,
           COUNT(*) FILTER (WHERE offered_at >= $1 AND offered_at < $2 AND outcome = 'pending') AS pending,
           COUNT(*) FILTER (WHERE completed_at >= $1 AND completed_at < $2) AS completed,
           CAST(COALESCE(SUM(completed_at - started_at) FILTER (WHERE completed_at >= $1 AND completed_at < $2), 0)
                AS BIGINT) AS worked,
           CAST(COALESCE(SUM(travel_m) FILTER (WHERE completed_at >= $1 AND completed_at < $2), 0) AS BIGINT)
                AS travel,
           COUNT(travel_m) FILTER (WHERE completed_at >= $1 AND completed_at < $2) AS measured
    FROM report_offers
    WHERE (offered_at >= $1 AND offered_at < $2) OR (completed_at >= $1 AND completed_at < $2)
    GROUP BY expert"
    };
}
pub(crate) use offer_counts;

/// The expert report over the offers made, visits completed and surveys answered from `$1`
/// to `$2` (Unix seconds), a row per expert registered before `$2`. `offers` is a backend's
/// own query of `expert`, the columns of [`offer_counts!`], and `accept_p50` and
/// `complete_p50`: the seconds from offer to acceptance of the offers accepted, and from
/// acceptance to completion of the visits completed, at nearest rank ⌈n/2⌉.
macro_rules! experts {
    ($($offers:tt)+) => {
        concat!(
            "
WITH offers AS (",
            $($offers)+,
            "),
surveys AS (
    SELECT expert, COUNT(*) AS surveys, CAST(SUM(satisfaction) AS BIGINT) AS stars,
           COUNT(recommend) AS recommends, CAST(COALESCE(SUM(recommend), 0) AS BIGINT) AS recommend_sum
    FROM report_surveys
    WHERE satisfaction IS NOT NULL AND answered_at >= $1 AND answered_at < $2 GROUP BY expert
)
SELECT e.expert, e.name, e.weekly_s, e.registered_at,
       COALESCE(o.offers, 0), COALESCE(o.accepted, 0), COALESCE(o.rejected, 0), COALESCE(o.expired, 0),
       COALESCE(o.withdrawn, 0), COALESCE(o.pending, 0),
       COALESCE(o.completed, 0), COALESCE(o.worked, 0), COALESCE(o.travel, 0), COALESCE(o.measured, 0),
       COALESCE(s.surveys, 0), COALESCE(s.stars, 0), COALESCE(s.recommends, 0), COALESCE(s.recommend_sum, 0),
       o.accept_p50, o.complete_p50
FROM report_experts e
LEFT JOIN offers o ON o.expert = e.expert
LEFT JOIN surveys s ON s.expert = e.expert
WHERE e.registered_at < $2"
        )
    };
}
pub(crate) use experts;

/// A row of [`experts!`]: the expert (id, name, weekly seconds, registration), its fourteen
/// counts and sums in query order, and the two medians.
pub(crate) type ExpertTuple = ((Uuid, String, i64, i64), [i64; 14], [Option<i64>; 2]);

/// Reads an [`experts!`] row of either backend.
pub(crate) fn expert_tuple<R>(row: &R) -> Result<ExpertTuple, sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let expert = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?);
    Ok((expert, integers(row, 4)?, [row.try_get(18)?, row.try_get(19)?]))
}

/// An [`experts!`] row as a report row (its derived figures not filled in).
pub(crate) fn expert_report_row(tuple: ExpertTuple) -> Result<ExpertRow, StoreError> {
    let ((expert, name, weekly_s, registered), counts, [accept_p50_s, complete_p50_s]) = tuple;
    let facts = expert_facts((expert, name, weekly_s, registered, 0))?;
    let bad = |detail: String| corrupt(AggregateKind::Expert, expert, detail);
    let [
        offers,
        accepted,
        rejected,
        expired,
        withdrawn,
        pending,
        completed,
        worked_s,
        travel_m,
        measured,
        surveys,
        stars,
        recommends,
        recommend_sum,
    ] = counts;
    let n = |count: i64| u64::try_from(count).map_err(|_| bad(format!("count {count}")));
    Ok(ExpertRow {
        offers: n(offers)?,
        accepted: n(accepted)?,
        rejected: n(rejected)?,
        expired: n(expired)?,
        withdrawn: n(withdrawn)?,
        pending: n(pending)?,
        accept_p50_s,
        completed: n(completed)?,
        complete_p50_s,
        worked_s,
        travel_m,
        travel_measured: n(measured)?,
        surveys: n(surveys)?,
        satisfaction_sum: n(stars)?,
        recommends: n(recommends)?,
        recommend_sum: n(recommend_sum)?,
        ..ExpertRow::of(&facts)
    })
}

/// The financial report over the invoices of billing months starting from `$1` to `$2`
/// (Unix seconds): per month, plan, currency and status, the invoices, their declined
/// charges, totals and refunds in minor units. [`financial_rows`] folds the statuses into
/// each group's figures: a handful of sums per row is cheaper for the database than a dozen
/// filtered ones.
pub(crate) const FINANCIAL: &str = "
SELECT g.period_start, g.plan, COALESCE(p.name, ''), g.currency, g.status, g.invoices, g.declined, g.total,
       g.refunded
FROM (
    SELECT period_start, plan, currency, status, COUNT(*) AS invoices, CAST(SUM(declined) AS BIGINT) AS declined,
           CAST(SUM(total_minor) AS BIGINT) AS total, CAST(SUM(refunded_minor) AS BIGINT) AS refunded
    FROM report_invoices WHERE period_start >= $1 AND period_start < $2
    GROUP BY period_start, plan, currency, status
) g
LEFT JOIN report_plans p ON p.plan = g.plan";

/// A row of [`FINANCIAL`]: the group (month start, plan, plan name, currency, status) and its
/// four numbers.
pub(crate) type FinancialTuple = ((i64, Uuid, String, String, String), [i64; 4]);

/// Reads a [`FINANCIAL`] row of either backend.
pub(crate) fn financial_tuple<R>(row: &R) -> Result<FinancialTuple, sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let group = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?, row.try_get(4)?);
    Ok((group, integers(row, 5)?))
}

/// The report's rows from [`FINANCIAL`]'s, each status counted where it belongs.
pub(crate) fn financial_rows(tuples: Vec<FinancialTuple>) -> Result<Vec<FinancialRow>, StoreError> {
    type Group = (i64, Uuid, String, String);
    let mut groups: BTreeMap<Group, ([u64; 4], FinancialSums)> = BTreeMap::new();
    for ((start, plan, plan_name, currency, status), [invoices, declined, total, refunded]) in tuples {
        let bad = |detail: String| corrupt(AggregateKind::Plan, plan, detail);
        let status = invoice_status(&status).ok_or_else(|| bad(format!("status {status}")))?;
        let count = |n: i64| u64::try_from(n).map_err(|_| bad(format!("count {n}")));
        let (invoices, declined) = (count(invoices)?, count(declined)?);
        let ([all, outstanding, failed, failing], [invoiced, collected, refunds, owed, written_off, voided]) =
            groups.entry((start, plan, plan_name, currency)).or_default();
        *all += invoices;
        *failed += declined;
        *invoiced += total;
        *refunds += refunded;
        match status {
            InvoiceStatus::Open | InvoiceStatus::PaymentFailed | InvoiceStatus::Uncollectible => {
                *outstanding += invoices;
                *owed += total;
                *failing += if status == InvoiceStatus::Open { 0 } else { invoices };
            }
            InvoiceStatus::Paid => *collected += total,
            InvoiceStatus::WrittenOff => *written_off += total,
            InvoiceStatus::Void => *voided += total,
        }
    }
    groups
        .into_iter()
        .map(|((start, plan, plan_name, currency), (counts, sums))| {
            let bad = |detail: String| corrupt(AggregateKind::Plan, plan, detail);
            let period = period_of(start).ok_or_else(|| bad(format!("period {start}")))?;
            let currency = Currency::parse(&currency).map_err(|e| bad(e.to_string()))?;
            Ok(FinancialRow::of((period, PlanId::from(plan), plan_name, currency), counts, sums))
        })
        .collect()
}

/// The `N` integer columns of `row` from column `first` on.
fn integers<R, const N: usize>(row: &R, first: usize) -> Result<[i64; N], sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut numbers = [0; N];
    for (i, number) in numbers.iter_mut().enumerate() {
        *number = row.try_get(first + i)?;
    }
    Ok(numbers)
}
