//! The reports' read models and queries on SQLite.

use super::SqliteStore;
use crate::error::backend;
use crate::sql::report::{self as sql, TICKET_COLUMNS};
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, QueryBuilder, Sqlite};
use sysops_core::report::{CustomerFacts, Projection, ReportRange, ReportStore, TicketFacts, TicketingRow};
use sysops_core::{CustomerId, StoreError, TicketId};

/// Rows per statement: at most 13 parameters each, under SQLite's 32,766.
const CHUNK: usize = 1_000;

impl ReportStore for SqliteStore {
    async fn ticket_facts(&self, tickets: &[TicketId]) -> Result<Vec<TicketFacts>, StoreError> {
        let mut found = Vec::with_capacity(tickets.len());
        for chunk in tickets.chunks(CHUNK) {
            let sql = sql::select_tickets(&vec!["?"; chunk.len()].join(", "));
            let mut query = sqlx::query_as::<_, sql::StoredTicket>(AssertSqlSafe(sql));
            for ticket in chunk {
                query = query.bind(ticket.as_uuid());
            }
            found.extend(query.fetch_all(&self.reader).await.map_err(backend)?);
        }
        found.into_iter().map(sql::ticket_facts).collect()
    }

    async fn customer_facts(&self, customers: &[CustomerId]) -> Result<Vec<CustomerFacts>, StoreError> {
        let mut found = Vec::with_capacity(customers.len());
        for chunk in customers.chunks(CHUNK) {
            let ids = vec!["?"; chunk.len()].join(", ");
            let sql = format!("SELECT customer, region, plan, version FROM report_customers WHERE customer IN ({ids})");
            let mut query = sqlx::query_as::<_, sql::CustomerRow>(AssertSqlSafe(sql));
            for customer in chunk {
                query = query.bind(customer.as_uuid());
            }
            found.extend(query.fetch_all(&self.reader).await.map_err(backend)?);
        }
        Ok(found.into_iter().map(sql::customer_facts).collect())
    }

    async fn write_facts(&self, projection: &Projection) -> Result<(), StoreError> {
        let tickets = projection.tickets.iter().map(sql::ticket_row).collect::<Result<Vec<_>, _>>()?;
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        for chunk in tickets.chunks(CHUNK) {
            let mut insert = QueryBuilder::<Sqlite>::new(format!("INSERT INTO report_tickets ({TICKET_COLUMNS}) "));
            insert.push_values(chunk, |mut b, (row, _)| {
                b.push_bind(row.0)
                    .push_bind(row.1)
                    .push_bind(row.2)
                    .push_bind(&row.3)
                    .push_bind(row.4)
                    .push_bind(&row.5)
                    .push_bind(row.6)
                    .push_bind(row.7)
                    .push_bind(row.8)
                    .push_bind(row.9)
                    .push_bind(row.10)
                    .push_bind(row.11)
                    .push_bind(row.12);
            });
            insert.push(sql::TICKET_UPSERT);
            insert.build().execute(&mut *tx).await.map_err(backend)?;
            let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO report_ticket_clocks (ticket, clock, version) ");
            insert.push_values(chunk, |mut b, (row, clock)| {
                b.push_bind(row.0).push_bind(clock).push_bind(row.12);
            });
            insert.push(sql::CLOCK_UPSERT);
            insert.build().execute(&mut *tx).await.map_err(backend)?;
        }
        for chunk in projection.customers.chunks(CHUNK) {
            let mut insert =
                QueryBuilder::<Sqlite>::new("INSERT INTO report_customers (customer, region, plan, version) ");
            insert.push_values(chunk.iter().map(sql::customer_row), |mut b, (customer, region, plan, version)| {
                b.push_bind(customer).push_bind(region).push_bind(plan).push_bind(version);
            });
            insert.push(sql::CUSTOMER_UPSERT);
            insert.build().execute(&mut *tx).await.map_err(backend)?;
        }
        for chunk in projection.plans.chunks(CHUNK) {
            let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO report_plans (plan, name) ");
            insert.push_values(chunk.iter().map(sql::plan_row), |mut b, (plan, name)| {
                b.push_bind(plan).push_bind(name);
            });
            insert.push(sql::PLAN_UPSERT);
            insert.build().execute(&mut *tx).await.map_err(backend)?;
        }
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
        let found = sqlx::query(sql::TICKETING)
            .bind(range.from().timestamp())
            .bind(range.to().timestamp())
            .bind(as_of.timestamp())
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        found.iter().map(|row| sql::ticketing_row(sql::ticketing_tuple(row).map_err(backend)?)).collect()
    }
}
