//! The reports' read models and queries on PostgreSQL: a page's rows written in one
//! statement per table (`UNNEST`). On Citus the tables are the coordinator's own.

use super::PgStore;
use crate::error::backend;
use crate::sql::report::{self as sql, INVOICE_COLUMNS, OFFER_COLUMNS, TICKET_COLUMNS};
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;
use sysops_core::report::{
    CustomerFacts, ExpertFacts, ExpertRow, FinancialRow, InvoiceFacts, Projection, ReportRange, ReportStore,
    SurveyFacts, TicketFacts, TicketingRow,
};
use sysops_core::{CustomerId, ExpertId, InvoiceId, StoreError, SurveyId, TicketId};
use uuid::Uuid;

/// The ticketing report, its ages from PostgreSQL's ordered-set aggregate. `percentile_disc(f)`
/// picks rank ⌈f·n⌉ in floating point, where 0.9·n can come out a hair above a whole number
/// (0.9 × 70 = 63.00000000000001) and move the rank up one: the 90th percentile asks for
/// 0.899999999, which gives ⌈9n/10⌉ exactly for every group of fewer than ten million tickets.
/// The counts and the ages are two aggregates, united so PostgreSQL runs them side by side
/// (a parallel append) in one statement; each group's two rows are then merged.
const TICKETING: &str = sql::ticketing!(
    "
    SELECT region, plan, category, priority, MAX(submitted) AS submitted, MAX(open) AS open,
           MAX(assigned) AS assigned, MAX(accepted) AS accepted, MAX(in_progress) AS in_progress,
           MAX(waiting_for_customer) AS waiting_for_customer, MAX(completed) AS completed, MAX(closed) AS closed,
           MAX(cancelled) AS cancelled, MAX(reopened) AS reopened, MAX(fixed) AS fixed,
           MAX(fixed_first_time) AS fixed_first_time, MAX(response_breaches) AS response_breaches,
           MAX(resolution_breaches) AS resolution_breaches, MAX(waiting_too_long) AS waiting_too_long,
           MAX(p50) AS p50, MAX(p90) AS p90, MAX(oldest) AS oldest
    FROM (
        SELECT region, plan, category, priority, NULL AS p50, NULL AS p90, NULL AS oldest,",
    sql::ticket_counts!(),
    "
        UNION ALL
        SELECT region, plan, category, priority,
               percentile_disc(0.5) WITHIN GROUP (ORDER BY $3 - submitted_at),
               percentile_disc(0.899999999) WITHIN GROUP (ORDER BY $3 - submitted_at),
               MAX($3 - submitted_at),
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
        FROM report_tickets
        WHERE submitted_at >= $1 AND submitted_at < $2 AND status NOT IN ('completed', 'closed', 'cancelled')
        GROUP BY region, plan, category, priority
    ) parts
    GROUP BY region, plan, category, priority
"
);

/// The expert report, its medians from PostgreSQL's ordered-set aggregate (0.5·n is exact).
/// The counts and the medians are two aggregates over the offers, united so PostgreSQL runs
/// them side by side (a parallel append: one worker sorts for the medians while the other
/// counts) in one statement, one snapshot; each expert's two rows are then merged.
const EXPERTS: &str = sql::experts!(
    "
    SELECT expert, MAX(offers) AS offers, MAX(accepted) AS accepted, MAX(rejected) AS rejected,
           MAX(expired) AS expired, MAX(withdrawn) AS withdrawn, MAX(pending) AS pending,
           MAX(completed) AS completed, MAX(worked) AS worked, MAX(travel) AS travel, MAX(measured) AS measured,
           MAX(accept_p50) AS accept_p50, MAX(complete_p50) AS complete_p50
    FROM (
        SELECT expert, NULL AS accept_p50, NULL AS complete_p50,",
    sql::offer_counts!(),
    "
        UNION ALL
        SELECT expert,
               percentile_disc(0.5) WITHIN GROUP (ORDER BY answered_at - offered_at)
                   FILTER (WHERE outcome = 'accepted' AND answered_at IS NOT NULL AND offered_at >= $1 AND offered_at < $2),
               percentile_disc(0.5) WITHIN GROUP (ORDER BY completed_at - answered_at)
                   FILTER (WHERE completed_at >= $1 AND completed_at < $2 AND answered_at IS NOT NULL),
               NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
        FROM report_offers
        WHERE answered_at IS NOT NULL
          AND ((offered_at >= $1 AND offered_at < $2) OR (completed_at >= $1 AND completed_at < $2))
        GROUP BY expert
    ) parts
    GROUP BY expert
"
);

impl ReportStore for PgStore {
    async fn ticket_facts(&self, tickets: &[TicketId]) -> Result<Vec<TicketFacts>, StoreError> {
        let ids: Vec<Uuid> = tickets.iter().map(|t| t.as_uuid()).collect();
        let found: Vec<sql::StoredTicket> = self.rows_of(&sql::select_tickets(), ids).await?;
        found.into_iter().map(sql::ticket_facts).collect()
    }

    async fn customer_facts(&self, customers: &[CustomerId]) -> Result<Vec<CustomerFacts>, StoreError> {
        let ids: Vec<Uuid> = customers.iter().map(|c| c.as_uuid()).collect();
        let select = "SELECT customer, region, plan, version FROM report_customers WHERE customer";
        let found: Vec<sql::CustomerRow> = self.rows_of(select, ids).await?;
        Ok(found.into_iter().map(sql::customer_facts).collect())
    }

    async fn expert_facts(&self, experts: &[ExpertId]) -> Result<Vec<ExpertFacts>, StoreError> {
        let ids: Vec<Uuid> = experts.iter().map(|e| e.as_uuid()).collect();
        let select = "SELECT expert, name, weekly_s, registered_at, version FROM report_experts WHERE expert";
        let found: Vec<sql::ExpertFactsRow> = self.rows_of(select, ids).await?;
        found.into_iter().map(sql::expert_facts).collect()
    }

    async fn survey_facts(&self, surveys: &[SurveyId]) -> Result<Vec<SurveyFacts>, StoreError> {
        let ids: Vec<Uuid> = surveys.iter().map(|s| s.as_uuid()).collect();
        let select =
            "SELECT survey, expert, satisfaction, recommend, answered_at, version FROM report_surveys WHERE survey";
        let found: Vec<sql::SurveyRow> = self.rows_of(select, ids).await?;
        found.into_iter().map(sql::survey_facts).collect()
    }

    async fn invoice_facts(&self, invoices: &[InvoiceId]) -> Result<Vec<InvoiceFacts>, StoreError> {
        let ids: Vec<Uuid> = invoices.iter().map(|i| i.as_uuid()).collect();
        let select = format!("SELECT {INVOICE_COLUMNS} FROM report_invoices WHERE invoice");
        let found: Vec<sql::InvoiceRow> = self.rows_of(&select, ids).await?;
        found.into_iter().map(sql::invoice_facts).collect()
    }

    async fn write_facts(&self, projection: &Projection) -> Result<(), StoreError> {
        let tickets = projection.tickets.iter().map(sql::ticket_row).collect::<Result<Vec<_>, _>>()?;
        let mut tx = self.pool.begin().await.map_err(backend)?;
        // Customers first: the tickets written next take their region from them.
        if !projection.customers.is_empty() {
            let rows: Vec<sql::CustomerRow> = projection.customers.iter().map(sql::customer_row).collect();
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO report_customers (customer, region, plan, version)
                 SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::int8[]){}",
                sql::CUSTOMER_UPSERT
            )))
            .bind(rows.iter().map(|r| r.0).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.2).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.3).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            sqlx::query(AssertSqlSafe(format!("{} = ANY($1::uuid[])", sql::TICKET_REGIONS)))
                .bind(rows.iter().map(|r| r.0).collect::<Vec<_>>())
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        if !tickets.is_empty() {
            let uuids = |f: fn(&sql::TicketRow) -> Uuid| tickets.iter().map(|(r, _)| f(r)).collect::<Vec<_>>();
            let texts =
                |f: fn(&sql::TicketRow) -> &String| tickets.iter().map(|(r, _)| f(r).clone()).collect::<Vec<_>>();
            let ints = |f: fn(&sql::TicketRow) -> i64| tickets.iter().map(|(r, _)| f(r)).collect::<Vec<_>>();
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO report_tickets ({TICKET_COLUMNS}, region) SELECT u.*, COALESCE(c.region, '') FROM UNNEST(
                     $1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::int8[], $6::text[], $7::int8[], $8::int8[],
                     $9::int8[], $10::int8[], $11::int8[], $12::int8[], $13::int8[]) AS u({TICKET_COLUMNS})
                 LEFT JOIN report_customers c ON c.customer = u.customer{}",
                sql::TICKET_UPSERT
            )))
            .bind(uuids(|r| r.0))
            .bind(uuids(|r| r.1))
            .bind(uuids(|r| r.2))
            .bind(texts(|r| &r.3))
            .bind(ints(|r| r.4))
            .bind(texts(|r| &r.5))
            .bind(ints(|r| r.6))
            .bind(tickets.iter().map(|(r, _)| r.7).collect::<Vec<_>>())
            .bind(ints(|r| r.8))
            .bind(ints(|r| r.9))
            .bind(ints(|r| r.10))
            .bind(ints(|r| r.11))
            .bind(ints(|r| r.12))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO report_ticket_memos (ticket, memo, version)
                 SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::int8[]){}",
                sql::MEMO_UPSERT
            )))
            .bind(uuids(|r| r.0))
            .bind(tickets.iter().map(|(_, memo)| memo.clone()).collect::<Vec<_>>())
            .bind(ints(|r| r.12))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        if !projection.offers.is_empty() {
            let rows: Vec<sql::OfferRow> = projection.offers.iter().map(sql::offer_row).collect();
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO report_offers ({OFFER_COLUMNS}) SELECT * FROM UNNEST(
                     $1::uuid[], $2::uuid[], $3::uuid[], $4::int8[], $5::text[], $6::int8[], $7::int8[], $8::int8[],
                     $9::int8[], $10::int8[]){}",
                sql::OFFER_UPSERT
            )))
            .bind(rows.iter().map(|r| r.0).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.1).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.2).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.3).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.4).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.5).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.6).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.7).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.8).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.9).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        if !projection.experts.is_empty() {
            let rows: Vec<sql::ExpertFactsRow> = projection.experts.iter().map(sql::expert_row).collect();
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO report_experts (expert, name, weekly_s, registered_at, version)
                 SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::int8[], $4::int8[], $5::int8[]){}",
                sql::EXPERT_UPSERT
            )))
            .bind(rows.iter().map(|r| r.0).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.2).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.3).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.4).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        if !projection.surveys.is_empty() {
            let rows: Vec<sql::SurveyRow> = projection.surveys.iter().map(sql::survey_row).collect();
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO report_surveys (survey, expert, satisfaction, recommend, answered_at, version)
                 SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::int8[], $4::int8[], $5::int8[], $6::int8[]){}",
                sql::SURVEY_UPSERT
            )))
            .bind(rows.iter().map(|r| r.0).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.1).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.2).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.3).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.4).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.5).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        if !projection.invoices.is_empty() {
            let rows: Vec<sql::InvoiceRow> = projection.invoices.iter().map(sql::invoice_row).collect();
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO report_invoices ({INVOICE_COLUMNS}) SELECT * FROM UNNEST(
                     $1::uuid[], $2::uuid[], $3::uuid[], $4::int8[], $5::text[], $6::int8[], $7::text[], $8::int8[],
                     $9::int8[], $10::int8[], $11::int8[], $12::int8[]){}",
                sql::INVOICE_UPSERT
            )))
            .bind(rows.iter().map(|r| r.0).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.1).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.2).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.3).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.4.clone()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.5).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.6.clone()).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.7).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.8).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.9).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.10).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.11).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        if !projection.plans.is_empty() {
            let rows: Vec<(Uuid, String)> = projection.plans.iter().map(sql::plan_row).collect();
            sqlx::query(AssertSqlSafe(format!(
                "INSERT INTO report_plans (plan, name) SELECT * FROM UNNEST($1::uuid[], $2::text[]){}",
                sql::PLAN_UPSERT
            )))
            .bind(rows.iter().map(|r| r.0).collect::<Vec<_>>())
            .bind(rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }

    async fn clear_facts(&self) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        for statement in sql::CLEAR {
            sqlx::query(statement).execute(&mut *tx).await.map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }

    async fn ticketing_rows(&self, range: ReportRange, as_of: DateTime<Utc>) -> Result<Vec<TicketingRow>, StoreError> {
        let found = sqlx::query(TICKETING)
            .bind(range.from().timestamp())
            .bind(range.to().timestamp())
            .bind(as_of.timestamp())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        found.iter().map(|row| sql::ticketing_row(sql::ticketing_tuple(row).map_err(backend)?)).collect()
    }

    async fn financial_rows(&self, range: ReportRange) -> Result<Vec<FinancialRow>, StoreError> {
        let found = sqlx::query(sql::FINANCIAL)
            .bind(range.from().timestamp())
            .bind(range.to().timestamp())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        let tuples = found.iter().map(sql::financial_tuple).collect::<Result<_, _>>().map_err(backend)?;
        sql::financial_rows(tuples)
    }

    async fn expert_rows(&self, range: ReportRange) -> Result<Vec<ExpertRow>, StoreError> {
        let found = sqlx::query(EXPERTS)
            .bind(range.from().timestamp())
            .bind(range.to().timestamp())
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        found.iter().map(|row| sql::expert_report_row(sql::expert_tuple(row).map_err(backend)?)).collect()
    }
}

impl PgStore {
    /// The rows `select` (ending in its id column) finds among `ids`.
    async fn rows_of<T>(&self, select: &str, ids: Vec<Uuid>) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        let sql = format!("{select} = ANY($1::uuid[])");
        sqlx::query_as(AssertSqlSafe(sql)).bind(ids).fetch_all(&self.pool).await.map_err(backend)
    }
}
