//! The reports' read models and queries, the same on both backends: the statements (written
//! with `$N` parameters, which sqlx binds by number on SQLite too), and the rows back into
//! facts and report rows.

use chrono::{DateTime, Utc};
use sysops_core::report::{
    CustomerFacts, ExpertFacts, ExpertRow, OfferFacts, PlanFacts, SurveyFacts, TicketFacts, TicketMemo, TicketingRow,
};
use sysops_core::{
    AggregateKind, CustomerId, ExpertId, PlanId, Priority, ProductCategory, Sequence, StoreError, StreamId, SurveyId,
    TicketId, TicketStatus,
};
use uuid::Uuid;

/// The columns of `report_tickets`, in [`TicketRow`] order.
pub(crate) const TICKET_COLUMNS: &str = "ticket, customer, plan, category, priority, status, submitted_at, \
     respond_by, completions, reopened, response_breaches, resolution_breaches, version";

/// Replaces a stored ticket row only with one that took in a later event.
pub(crate) const TICKET_UPSERT: &str = " ON CONFLICT (ticket) DO UPDATE SET customer = excluded.customer, \
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

pub(crate) const PLAN_UPSERT: &str = " ON CONFLICT (plan) DO UPDATE SET name = excluded.name";

pub(crate) const CLEAR: [&str; 7] = [
    "DELETE FROM report_tickets",
    "DELETE FROM report_ticket_memos",
    "DELETE FROM report_offers",
    "DELETE FROM report_customers",
    "DELETE FROM report_plans",
    "DELETE FROM report_experts",
    "DELETE FROM report_surveys",
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
    let mut counts = [0; 14];
    for (i, count) in counts.iter_mut().enumerate() {
        *count = row.try_get(4 + i)?;
    }
    Ok((expert, counts, [row.try_get(18)?, row.try_get(19)?]))
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
    let mut counts = [0; 15];
    for (i, count) in counts.iter_mut().enumerate() {
        *count = row.try_get(5 + i)?;
    }
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

fn priority_of(rank: i64) -> Option<Priority> {
    [Priority::Standard, Priority::High, Priority::Critical].into_iter().find(|p| *p as i64 == rank)
}

fn status_of(name: &str) -> Option<TicketStatus> {
    TicketStatus::ALL.into_iter().find(|s| s.as_str() == name)
}

fn instant(seconds: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(seconds, 0)
}

fn corrupt(kind: AggregateKind, id: Uuid, detail: String) -> StoreError {
    StoreError::Corrupt { stream: StreamId::new(kind, id), detail: format!("report row: {detail}") }
}
