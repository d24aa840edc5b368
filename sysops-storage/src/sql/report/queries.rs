//! The reports' queries, the same on both backends (`$N` parameters), and their rows back
//! into report rows.

use super::{corrupt, expert_facts, period_of, priority_of};
use sysops_core::report::{ExpertRow, FinancialRow, TicketingRow};
use sysops_core::{AggregateKind, Currency, PlanId, ProductCategory, StoreError};
use uuid::Uuid;

/// The ticketing report over the tickets submitted from `$1` to `$2` (Unix seconds), as of
/// `$3`: each group's counts, and the nearest-rank percentiles of its open tickets' ages
/// (the age at rank ⌈p·n⌉ of the n ages in ascending order).
pub(crate) const TICKETING: &str = "
WITH t AS (
    SELECT COALESCE(c.region, '') AS region, t.plan, t.category, t.priority, t.status, t.submitted_at,
           t.respond_by, t.completions, t.reopened, t.response_breaches, t.resolution_breaches
    FROM report_tickets t LEFT JOIN report_customers c ON c.customer = t.customer
    WHERE t.submitted_at >= $1 AND t.submitted_at < $2
),
ages AS (
    SELECT region, plan, category, priority, $3 - submitted_at AS age,
           ROW_NUMBER() OVER (PARTITION BY region, plan, category, priority ORDER BY submitted_at DESC) AS n,
           COUNT(*) OVER (PARTITION BY region, plan, category, priority) AS total
    FROM t WHERE status NOT IN ('completed', 'closed', 'cancelled')
),
percentiles AS (
    SELECT region, plan, category, priority,
           MAX(CASE WHEN n = (total + 1) / 2 THEN age END) AS p50,
           MAX(CASE WHEN n = (9 * total + 9) / 10 THEN age END) AS p90,
           MAX(age) AS oldest
    FROM ages GROUP BY region, plan, category, priority
),
groups AS (
    SELECT region, plan, category, priority,
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
    FROM t GROUP BY region, plan, category, priority
)
SELECT g.region, g.plan, COALESCE(p.name, ''), g.category, g.priority, g.submitted, g.open, g.assigned,
       g.accepted, g.in_progress, g.waiting_for_customer, g.completed, g.closed, g.cancelled, g.reopened,
       g.fixed, g.fixed_first_time, g.response_breaches, g.resolution_breaches, g.waiting_too_long,
       a.p50, a.p90, a.oldest
FROM groups g
LEFT JOIN percentiles a
       ON a.region = g.region AND a.plan = g.plan AND a.category = g.category AND a.priority = g.priority
LEFT JOIN report_plans p ON p.plan = g.plan";

/// A row of [`TICKETING`]: the group (region, plan, plan name, category, priority), its
/// fifteen counts in [`TicketingRow`] order, and the three ages.
pub(crate) type TicketingTuple = ((String, Uuid, String, String, i64), [i64; 15], [Option<i64>; 3]);

/// Reads a [`TICKETING`] row of either backend.
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

/// A [`TICKETING`] row as a report row.
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

/// The expert report over the offers made, visits completed and surveys answered from `$1`
/// to `$2` (Unix seconds), a row per expert registered before `$2`: each count, and the
/// nearest-rank medians (the value at rank ⌈n/2⌉ in ascending order).
pub(crate) const EXPERTS: &str = "
WITH offers AS (
    SELECT expert, COUNT(*) AS offers,
           COUNT(*) FILTER (WHERE outcome = 'accepted') AS accepted,
           COUNT(*) FILTER (WHERE outcome = 'rejected') AS rejected,
           COUNT(*) FILTER (WHERE outcome = 'expired') AS expired,
           COUNT(*) FILTER (WHERE outcome = 'withdrawn') AS withdrawn,
           COUNT(*) FILTER (WHERE outcome = 'pending') AS pending
    FROM report_offers WHERE offered_at >= $1 AND offered_at < $2 GROUP BY expert
),
accepts AS (
    SELECT expert, answered_at - offered_at AS s,
           ROW_NUMBER() OVER (PARTITION BY expert ORDER BY answered_at - offered_at) AS n,
           COUNT(*) OVER (PARTITION BY expert) AS total
    FROM report_offers
    WHERE outcome = 'accepted' AND answered_at IS NOT NULL AND offered_at >= $1 AND offered_at < $2
),
completes AS (
    SELECT expert, completed_at - answered_at AS s,
           ROW_NUMBER() OVER (PARTITION BY expert ORDER BY completed_at - answered_at) AS n,
           COUNT(*) OVER (PARTITION BY expert) AS total
    FROM report_offers WHERE completed_at >= $1 AND completed_at < $2 AND answered_at IS NOT NULL
),
visits AS (
    SELECT expert, COUNT(*) AS completed,
           CAST(COALESCE(SUM(completed_at - started_at), 0) AS BIGINT) AS worked,
           CAST(COALESCE(SUM(travel_m), 0) AS BIGINT) AS travel, COUNT(travel_m) AS measured
    FROM report_offers WHERE completed_at >= $1 AND completed_at < $2 GROUP BY expert
),
surveys AS (
    SELECT expert, COUNT(*) AS surveys, CAST(SUM(satisfaction) AS BIGINT) AS stars,
           COUNT(recommend) AS recommends, CAST(COALESCE(SUM(recommend), 0) AS BIGINT) AS recommend_sum
    FROM report_surveys
    WHERE satisfaction IS NOT NULL AND answered_at >= $1 AND answered_at < $2 GROUP BY expert
)
SELECT e.expert, e.name, e.weekly_s, e.registered_at,
       COALESCE(o.offers, 0), COALESCE(o.accepted, 0), COALESCE(o.rejected, 0), COALESCE(o.expired, 0),
       COALESCE(o.withdrawn, 0), COALESCE(o.pending, 0),
       COALESCE(v.completed, 0), COALESCE(v.worked, 0), COALESCE(v.travel, 0), COALESCE(v.measured, 0),
       COALESCE(s.surveys, 0), COALESCE(s.stars, 0), COALESCE(s.recommends, 0), COALESCE(s.recommend_sum, 0),
       a.p50, c.p50
FROM report_experts e
LEFT JOIN offers o ON o.expert = e.expert
LEFT JOIN visits v ON v.expert = e.expert
LEFT JOIN surveys s ON s.expert = e.expert
LEFT JOIN (SELECT expert, MAX(CASE WHEN n = (total + 1) / 2 THEN s END) AS p50 FROM accepts GROUP BY expert) a
       ON a.expert = e.expert
LEFT JOIN (SELECT expert, MAX(CASE WHEN n = (total + 1) / 2 THEN s END) AS p50 FROM completes GROUP BY expert) c
       ON c.expert = e.expert
WHERE e.registered_at < $2";

/// A row of [`EXPERTS`]: the expert (id, name, weekly seconds, registration), its fourteen
/// counts and sums in query order, and the two medians.
pub(crate) type ExpertTuple = ((Uuid, String, i64, i64), [i64; 14], [Option<i64>; 2]);

/// Reads an [`EXPERTS`] row of either backend.
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

/// An [`EXPERTS`] row as a report row (its derived figures not filled in).
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
/// (Unix seconds): per month, plan and currency, the counts and the sums in minor units.
pub(crate) const FINANCIAL: &str = "
SELECT i.period_start, i.plan, COALESCE(p.name, ''), i.currency,
       COUNT(*),
       COUNT(*) FILTER (WHERE i.status IN ('open', 'payment_failed', 'uncollectible')),
       CAST(SUM(i.declined) AS BIGINT),
       COUNT(*) FILTER (WHERE i.status IN ('payment_failed', 'uncollectible')),
       CAST(SUM(i.total_minor) AS BIGINT),
       CAST(COALESCE(SUM(i.total_minor) FILTER (WHERE i.status = 'paid'), 0) AS BIGINT),
       CAST(SUM(i.refunded_minor) AS BIGINT),
       CAST(COALESCE(SUM(i.total_minor) FILTER (WHERE i.status IN ('open', 'payment_failed', 'uncollectible')), 0)
            AS BIGINT),
       CAST(COALESCE(SUM(i.total_minor) FILTER (WHERE i.status = 'written_off'), 0) AS BIGINT),
       CAST(COALESCE(SUM(i.total_minor) FILTER (WHERE i.status = 'void'), 0) AS BIGINT)
FROM report_invoices i LEFT JOIN report_plans p ON p.plan = i.plan
WHERE i.period_start >= $1 AND i.period_start < $2
GROUP BY i.period_start, i.plan, p.name, i.currency";

/// Reads a [`FINANCIAL`] row of either backend as a report row.
pub(crate) fn financial_row<R>(row: &R) -> Result<FinancialRow, StoreError>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let read = || -> Result<_, sqlx::Error> {
        let group: (i64, Uuid, String, String) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?);
        Ok((group, integers::<_, 10>(row, 4)?))
    };
    let ((start, plan, plan_name, currency), numbers) = read().map_err(crate::error::backend)?;
    let bad = |detail: String| corrupt(AggregateKind::Plan, plan, detail);
    let [invoices, outstanding, declined, failing, invoiced, collected, refunded, owed, written_off, voided] = numbers;
    let count = |n: i64| u64::try_from(n).map_err(|_| bad(format!("count {n}")));
    Ok(FinancialRow::of(
        (
            period_of(start).ok_or_else(|| bad(format!("period {start}")))?,
            PlanId::from(plan),
            plan_name,
            Currency::parse(&currency).map_err(|e| bad(e.to_string()))?,
        ),
        [count(invoices)?, count(outstanding)?, count(declined)?, count(failing)?],
        [invoiced, collected, refunded, owed, written_off, voided],
    ))
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
