//! The `reports` scenario's baseline: each report computed by loading the read models' rows
//! with sqlx (every ticket, offer, survey, invoice) and aggregating them in Rust, as a
//! notebook without database-side aggregation would. Each answers the same [`Summary`] as
//! sysops's report, so the run checks both agree.

use super::super::BoxError;
use super::super::baseline::BaselineDb;
use super::Summary;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// Every row `sql` selects, loaded at once.
async fn load<T>(db: &BaselineDb, sql: &'static str) -> Result<Vec<T>, BoxError>
where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    Ok(match db {
        BaselineDb::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await?,
        BaselineDb::Postgres { pool, .. } => sqlx::query_as(sql).fetch_all(pool).await?,
    })
}

/// The plans' names by id.
async fn plan_names(db: &BaselineDb) -> Result<HashMap<Uuid, String>, BoxError> {
    Ok(load::<(Uuid, String)>(db, "SELECT plan, name FROM report_plans").await?.into_iter().collect())
}

/// The value at nearest rank ⌈p·n⌉ of `values` (sorted here); -1 when there is none.
fn nearest_rank(values: &mut [i64], percent: usize) -> i64 {
    values.sort_unstable();
    let rank = (values.len() * percent).div_ceil(100);
    rank.checked_sub(1).and_then(|i| values.get(i)).copied().unwrap_or(-1)
}

/// One ticket: region, plan, category, priority, status, submitted, respond by, completions,
/// reopenings, response and resolution breaches.
type TicketRow = (String, Uuid, String, i64, String, i64, Option<i64>, i64, i64, i64, i64);

const STATUSES: [&str; 8] =
    ["open", "assigned", "accepted", "in_progress", "waiting_for_customer", "completed", "closed", "cancelled"];

/// The ticketing report over every ticket, as of `as_of` (Unix seconds).
pub(super) async fn ticketing(db: &BaselineDb, as_of: i64) -> Result<Summary, BoxError> {
    let tickets: Vec<TicketRow> = load(
        db,
        "SELECT COALESCE(c.region, ''), t.plan, t.category, t.priority, t.status, t.submitted_at, t.respond_by,
                t.completions, t.reopened, t.response_breaches, t.resolution_breaches
         FROM report_tickets t LEFT JOIN report_customers c ON c.customer = t.customer",
    )
    .await?;
    let names = plan_names(db).await?;
    type Group = (String, Uuid, String, i64);
    let mut groups: HashMap<Group, ([i64; 15], Vec<i64>)> = HashMap::new();
    for (
        region,
        plan,
        category,
        priority,
        status,
        submitted,
        respond_by,
        completions,
        reopened,
        response,
        resolution,
    ) in tickets
    {
        let (counts, ages) = groups.entry((region, plan, category, priority)).or_default();
        let at = STATUSES.iter().position(|s| *s == status).ok_or_else(|| format!("status {status:?}"))?;
        counts[0] += 1;
        counts[1 + at] += 1;
        counts[9] += i64::from(reopened > 0);
        counts[10] += i64::from(completions > 0);
        counts[11] += i64::from(completions > 0 && reopened == 0);
        counts[12] += response;
        counts[13] += resolution;
        counts[14] += i64::from(respond_by.is_some_and(|due| due < as_of));
        if !matches!(status.as_str(), "completed" | "closed" | "cancelled") {
            ages.push(as_of - submitted);
        }
    }
    let mut summary = Summary::new();
    for ((region, plan, category, priority), (counts, mut ages)) in groups {
        let name = names.get(&plan).map_or("", String::as_str);
        let mut values = counts.to_vec();
        let oldest = ages.iter().max().copied().unwrap_or(-1);
        values.extend([nearest_rank(&mut ages, 50), nearest_rank(&mut ages, 90), oldest]);
        summary.insert(format!("{region}|{plan}|{name}|{category}|{priority}"), values);
    }
    Ok(summary)
}

/// One offer: expert, offered, outcome, answered, started, completed, metres.
type OfferRow = (Uuid, i64, String, Option<i64>, Option<i64>, Option<i64>, Option<i64>);

/// One expert's tallies: offers and their outcomes (in [`OUTCOMES`] order), the seconds to
/// accept and to complete, visits, surveys (answered, stars, recommend scores, their sum).
#[derive(Default)]
struct Tally {
    outcomes: [i64; 6],
    accepts: Vec<i64>,
    completes: Vec<i64>,
    completed: i64,
    worked: i64,
    travel: i64,
    measured: i64,
    surveys: [i64; 4],
}

const OUTCOMES: [&str; 5] = ["accepted", "rejected", "expired", "withdrawn", "pending"];

/// The expert report over all time.
pub(super) async fn experts(db: &BaselineDb) -> Result<Summary, BoxError> {
    let experts: Vec<(Uuid, i64, i64)> = load(db, "SELECT expert, weekly_s, registered_at FROM report_experts").await?;
    let offers: Vec<OfferRow> = load(
        db,
        "SELECT expert, offered_at, outcome, answered_at, started_at, completed_at, travel_m FROM report_offers",
    )
    .await?;
    let surveys: Vec<(Uuid, Option<i64>, Option<i64>)> =
        load(db, "SELECT expert, satisfaction, recommend FROM report_surveys").await?;
    let mut tallies: HashMap<Uuid, Tally> = experts.iter().map(|e| (e.0, Tally::default())).collect();
    for (expert, offered, outcome, answered, started, completed, metres) in offers {
        let Some(t) = tallies.get_mut(&expert) else { continue };
        t.outcomes[0] += 1;
        let at = OUTCOMES.iter().position(|o| *o == outcome).ok_or_else(|| format!("outcome {outcome:?}"))?;
        t.outcomes[1 + at] += 1;
        if let (true, Some(answered)) = (outcome == "accepted", answered) {
            t.accepts.push(answered - offered);
        }
        if let Some(completed) = completed {
            t.completed += 1;
            t.worked += started.map_or(0, |s| completed - s);
            t.travel += metres.unwrap_or(0);
            t.measured += i64::from(metres.is_some());
            if let Some(answered) = answered {
                t.completes.push(completed - answered);
            }
        }
    }
    for (expert, satisfaction, recommend) in surveys {
        let (Some(t), Some(stars)) = (tallies.get_mut(&expert), satisfaction) else { continue };
        t.surveys[0] += 1;
        t.surveys[1] += stars;
        t.surveys[2] += i64::from(recommend.is_some());
        t.surveys[3] += recommend.unwrap_or(0);
    }
    let mut summary = Summary::new();
    for (expert, weekly_s, registered_at) in experts {
        let Some(mut t) = tallies.remove(&expert) else { continue };
        let mut values = t.outcomes.to_vec();
        values.push(nearest_rank(&mut t.accepts, 50));
        values.extend([t.completed, nearest_rank(&mut t.completes, 50), t.worked, t.travel, t.measured]);
        values.extend(t.surveys);
        values.extend([weekly_s, registered_at]);
        summary.insert(expert.to_string(), values);
    }
    Ok(summary)
}

/// One invoice: month start, plan, currency, total, status, declines, refunded (minor units).
type InvoiceRow = (i64, Uuid, String, i64, String, i64, i64);

/// The financial report over every billing month.
pub(super) async fn financial(db: &BaselineDb) -> Result<Summary, BoxError> {
    let invoices: Vec<InvoiceRow> = load(
        db,
        "SELECT period_start, plan, currency, total_minor, status, declined, refunded_minor FROM report_invoices",
    )
    .await?;
    let names = plan_names(db).await?;
    let mut groups: BTreeMap<(i64, Uuid, String), [i64; 10]> = BTreeMap::new();
    for (start, plan, currency, total, status, declined, refunded) in invoices {
        let g = groups.entry((start, plan, currency)).or_default();
        let outstanding = matches!(status.as_str(), "open" | "payment_failed" | "uncollectible");
        g[0] += 1;
        g[1] += i64::from(outstanding);
        g[2] += declined;
        g[3] += i64::from(matches!(status.as_str(), "payment_failed" | "uncollectible"));
        g[4] += total;
        g[5] += if status == "paid" { total } else { 0 };
        g[6] += refunded;
        g[7] += if outstanding { total } else { 0 };
        g[8] += if status == "written_off" { total } else { 0 };
        g[9] += if status == "void" { total } else { 0 };
    }
    let mut summary = Summary::new();
    for ((start, plan, currency), values) in groups {
        let month = chrono::DateTime::from_timestamp(start, 0).ok_or("a month out of range")?.format("%Y-%m");
        let name = names.get(&plan).map_or("", String::as_str);
        summary.insert(format!("{month}|{plan}|{name}|{currency}"), values.to_vec());
    }
    Ok(summary)
}
