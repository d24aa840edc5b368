//! The reports' read models and queries on SQLite.

use super::SqliteStore;
use crate::error::backend;
use crate::sql::report::{self as sql, INVOICE_COLUMNS, OFFER_COLUMNS, TICKET_COLUMNS};
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, QueryBuilder, Sqlite};
use sysops_core::report::{
    CustomerFacts, ExpertFacts, ExpertRow, FinancialRow, InvoiceFacts, Projection, ReportRange, ReportStore,
    SurveyFacts, TicketFacts, TicketingRow,
};
use sysops_core::{CustomerId, ExpertId, InvoiceId, StoreError, SurveyId, TicketId};
use uuid::Uuid;

/// Rows per statement: at most 13 parameters each, under SQLite's 32,766.
const CHUNK: usize = 1_000;

/// The ticketing report: the counts in one scan of the tickets (stored in group order: no
/// sort), and the ages: SQLite has no percentile function, so each group's open tickets are
/// numbered oldest first, in the order the table keeps them, and the ranks picked.
const TICKETING: &str = sql::ticketing!(
    "
    SELECT c.*, a.p50, a.p90, a.oldest
    FROM (SELECT region, plan, category, priority,",
    sql::ticket_counts!(),
    ") c
    LEFT JOIN (
        SELECT region, plan, category, priority,
               MAX(CASE WHEN n = total + 1 - (total + 1) / 2 THEN age END) AS p50,
               MAX(CASE WHEN n = total + 1 - (9 * total + 9) / 10 THEN age END) AS p90,
               MAX(age) AS oldest
        FROM (
            SELECT region, plan, category, priority, $3 - submitted_at AS age,
                   ROW_NUMBER() OVER w AS n, COUNT(*) OVER w AS total
            FROM report_tickets
            WHERE submitted_at >= $1 AND submitted_at < $2 AND status NOT IN ('completed', 'closed', 'cancelled')
            WINDOW w AS (PARTITION BY region, plan, category, priority ORDER BY submitted_at
                         ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        )
        WHERE n = 1 OR n = total + 1 - (total + 1) / 2 OR n = total + 1 - (9 * total + 9) / 10
        GROUP BY region, plan, category, priority
    ) a ON a.region = c.region AND a.plan = c.plan AND a.category = c.category AND a.priority = c.priority
"
);

/// The expert report: the counts in one scan of the offers (stored by expert: no sort), and
/// the medians: each expert's two kinds of durations numbered in ascending order, the middle
/// ranks picked.
const EXPERTS: &str = sql::experts!(
    "
    SELECT c.*, m.accept_p50, m.complete_p50
    FROM (SELECT expert,",
    sql::offer_counts!(),
    ") c
    LEFT JOIN (
        SELECT expert, MAX(CASE WHEN kind = 0 THEN s END) AS accept_p50,
               MAX(CASE WHEN kind = 1 THEN s END) AS complete_p50
        FROM (
            SELECT kind, expert, s, ROW_NUMBER() OVER w AS n, COUNT(*) OVER w AS total
            FROM (
                SELECT 0 AS kind, expert, answered_at - offered_at AS s FROM report_offers
                WHERE outcome = 'accepted' AND answered_at IS NOT NULL AND offered_at >= $1 AND offered_at < $2
                UNION ALL
                SELECT 1, expert, completed_at - answered_at FROM report_offers
                WHERE completed_at >= $1 AND completed_at < $2 AND answered_at IS NOT NULL
            )
            WINDOW w AS (PARTITION BY kind, expert ORDER BY s ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        )
        WHERE n = (total + 1) / 2
        GROUP BY expert
    ) m ON m.expert = c.expert
"
);

impl ReportStore for SqliteStore {
    async fn ticket_facts(&self, tickets: &[TicketId]) -> Result<Vec<TicketFacts>, StoreError> {
        let ids: Vec<Uuid> = tickets.iter().map(|t| t.as_uuid()).collect();
        let found: Vec<sql::StoredTicket> = self.rows_of(&sql::select_tickets(), &ids).await?;
        found.into_iter().map(sql::ticket_facts).collect()
    }

    async fn customer_facts(&self, customers: &[CustomerId]) -> Result<Vec<CustomerFacts>, StoreError> {
        let ids: Vec<Uuid> = customers.iter().map(|c| c.as_uuid()).collect();
        let found: Vec<sql::CustomerRow> =
            self.rows_of("SELECT customer, region, plan, version FROM report_customers WHERE customer", &ids).await?;
        Ok(found.into_iter().map(sql::customer_facts).collect())
    }

    async fn expert_facts(&self, experts: &[ExpertId]) -> Result<Vec<ExpertFacts>, StoreError> {
        let ids: Vec<Uuid> = experts.iter().map(|e| e.as_uuid()).collect();
        let select = "SELECT expert, name, weekly_s, registered_at, version FROM report_experts WHERE expert";
        let found: Vec<sql::ExpertFactsRow> = self.rows_of(select, &ids).await?;
        found.into_iter().map(sql::expert_facts).collect()
    }

    async fn survey_facts(&self, surveys: &[SurveyId]) -> Result<Vec<SurveyFacts>, StoreError> {
        let ids: Vec<Uuid> = surveys.iter().map(|s| s.as_uuid()).collect();
        let select =
            "SELECT survey, expert, satisfaction, recommend, answered_at, version FROM report_surveys WHERE survey";
        let found: Vec<sql::SurveyRow> = self.rows_of(select, &ids).await?;
        found.into_iter().map(sql::survey_facts).collect()
    }

    async fn invoice_facts(&self, invoices: &[InvoiceId]) -> Result<Vec<InvoiceFacts>, StoreError> {
        let ids: Vec<Uuid> = invoices.iter().map(|i| i.as_uuid()).collect();
        let select = format!("SELECT {INVOICE_COLUMNS} FROM report_invoices WHERE invoice");
        let found: Vec<sql::InvoiceRow> = self.rows_of(&select, &ids).await?;
        found.into_iter().map(sql::invoice_facts).collect()
    }

    async fn write_facts(&self, projection: &Projection) -> Result<(), StoreError> {
        let tickets = projection.tickets.iter().map(sql::ticket_row).collect::<Result<Vec<_>, _>>()?;
        let offers: Vec<sql::OfferRow> = projection.offers.iter().map(sql::offer_row).collect();
        let customers: Vec<sql::CustomerRow> = projection.customers.iter().map(sql::customer_row).collect();
        let experts: Vec<sql::ExpertFactsRow> = projection.experts.iter().map(sql::expert_row).collect();
        let surveys: Vec<sql::SurveyRow> = projection.surveys.iter().map(sql::survey_row).collect();
        let invoices: Vec<sql::InvoiceRow> = projection.invoices.iter().map(sql::invoice_row).collect();
        let plans: Vec<(Uuid, String)> = projection.plans.iter().map(sql::plan_row).collect();
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        // Customers first: the tickets written next take their region from them.
        let head = "INSERT INTO report_customers (customer, region, plan, version) ";
        upsert(&mut tx, head, &customers, sql::CUSTOMER_UPSERT, |mut b, r| {
            b.push_bind(r.0).push_bind(&r.1).push_bind(r.2).push_bind(r.3);
        })
        .await?;
        for chunk in customers.chunks(CHUNK) {
            let mut statement = QueryBuilder::<Sqlite>::new(sql::TICKET_REGIONS);
            statement.push(" IN (");
            let mut ids = statement.separated(", ");
            for customer in chunk {
                ids.push_bind(customer.0);
            }
            statement.push(")");
            statement.build().execute(&mut *tx).await.map_err(backend)?;
        }
        // Each ticket with its customer's region (`column2` of the values: the customer).
        let head =
            format!("INSERT INTO report_tickets ({TICKET_COLUMNS}, region) SELECT v.*, COALESCE(c.region, '') FROM (");
        let tail =
            format!(") v LEFT JOIN report_customers c ON c.customer = v.column2 WHERE true{}", sql::TICKET_UPSERT);
        upsert(&mut tx, &head, &tickets, &tail, |mut b, (r, _)| {
            b.push_bind(r.0).push_bind(r.1).push_bind(r.2).push_bind(&r.3).push_bind(r.4).push_bind(&r.5);
            b.push_bind(r.6).push_bind(r.7).push_bind(r.8).push_bind(r.9).push_bind(r.10).push_bind(r.11);
            b.push_bind(r.12);
        })
        .await?;
        let head = "INSERT INTO report_ticket_memos (ticket, memo, version) ";
        upsert(&mut tx, head, &tickets, sql::MEMO_UPSERT, |mut b, (r, memo)| {
            b.push_bind(r.0).push_bind(memo).push_bind(r.12);
        })
        .await?;
        let head = format!("INSERT INTO report_offers ({OFFER_COLUMNS}) ");
        upsert(&mut tx, &head, &offers, sql::OFFER_UPSERT, |mut b, r| {
            b.push_bind(r.0).push_bind(r.1).push_bind(r.2).push_bind(r.3).push_bind(r.4);
            b.push_bind(r.5).push_bind(r.6).push_bind(r.7).push_bind(r.8).push_bind(r.9);
        })
        .await?;
        let head = "INSERT INTO report_experts (expert, name, weekly_s, registered_at, version) ";
        upsert(&mut tx, head, &experts, sql::EXPERT_UPSERT, |mut b, r| {
            b.push_bind(r.0).push_bind(&r.1).push_bind(r.2).push_bind(r.3).push_bind(r.4);
        })
        .await?;
        let head = "INSERT INTO report_surveys (survey, expert, satisfaction, recommend, answered_at, version) ";
        upsert(&mut tx, head, &surveys, sql::SURVEY_UPSERT, |mut b, r| {
            b.push_bind(r.0).push_bind(r.1).push_bind(r.2).push_bind(r.3).push_bind(r.4).push_bind(r.5);
        })
        .await?;
        let head = format!("INSERT INTO report_invoices ({INVOICE_COLUMNS}) ");
        upsert(&mut tx, &head, &invoices, sql::INVOICE_UPSERT, |mut b, r| {
            b.push_bind(r.0).push_bind(r.1).push_bind(r.2).push_bind(r.3).push_bind(&r.4).push_bind(r.5);
            b.push_bind(&r.6).push_bind(r.7).push_bind(r.8).push_bind(r.9).push_bind(r.10).push_bind(r.11);
        })
        .await?;
        upsert(&mut tx, "INSERT INTO report_plans (plan, name) ", &plans, sql::PLAN_UPSERT, |mut b, r| {
            b.push_bind(r.0).push_bind(&r.1);
        })
        .await?;
        tx.commit().await.map_err(backend)
    }

    async fn clear_facts(&self) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
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
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        found.iter().map(|row| sql::ticketing_row(sql::ticketing_tuple(row).map_err(backend)?)).collect()
    }

    async fn financial_rows(&self, range: ReportRange) -> Result<Vec<FinancialRow>, StoreError> {
        let found = sqlx::query(sql::FINANCIAL)
            .bind(range.from().timestamp())
            .bind(range.to().timestamp())
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        let tuples = found.iter().map(sql::financial_tuple).collect::<Result<_, _>>().map_err(backend)?;
        sql::financial_rows(tuples)
    }

    async fn expert_rows(&self, range: ReportRange) -> Result<Vec<ExpertRow>, StoreError> {
        let found = sqlx::query(EXPERTS)
            .bind(range.from().timestamp())
            .bind(range.to().timestamp())
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        found.iter().map(|row| sql::expert_report_row(sql::expert_tuple(row).map_err(backend)?)).collect()
    }
}

impl SqliteStore {
    /// The rows `select` (ending in its id column) finds among `ids`, a chunk at a time.
    async fn rows_of<T>(&self, select: &str, ids: &[Uuid]) -> Result<Vec<T>, StoreError>
    where
        T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
    {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CHUNK) {
            let sql = format!("{select} IN ({})", vec!["?"; chunk.len()].join(", "));
            let mut query = sqlx::query_as::<_, T>(AssertSqlSafe(sql));
            for id in chunk {
                query = query.bind(*id);
            }
            found.extend(query.fetch_all(&self.reader).await.map_err(backend)?);
        }
        Ok(found)
    }
}

/// Writes `rows` with `insert` (`INSERT INTO table (columns) `), [`CHUNK`] rows per statement,
/// each row's values bound by `bind`; `conflict`, the rest of the statement, says what a row
/// already stored becomes.
async fn upsert<'r, T: Sync>(
    tx: &mut super::Tx,
    insert: &str,
    rows: &'r [T],
    conflict: &str,
    mut bind: impl FnMut(sqlx::query_builder::Separated<'_, Sqlite, &'static str>, &'r T) + Send,
) -> Result<(), StoreError> {
    for chunk in rows.chunks(CHUNK) {
        let mut statement = QueryBuilder::<Sqlite>::new(insert);
        statement.push_values(chunk, &mut bind);
        statement.push(conflict);
        statement.build().execute(&mut **tx).await.map_err(backend)?;
    }
    Ok(())
}
