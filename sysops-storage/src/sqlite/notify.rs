//! The notifications' queue, history and templates on SQLite.

use super::SqliteStore;
use crate::error::backend;
use crate::sql::notify::{self as rows, COLUMNS, DeliveryRow};
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, QueryBuilder, Sqlite};
use sysops_core::notify::{Attempt, Delivery, DeliveryStatus, NotifyStore, Template};
use sysops_core::{CustomerId, StoreError, TicketId};

/// Rows per statement: 15 parameters each, far below SQLite's limit.
const CHUNK: usize = 500;

impl NotifyStore for SqliteStore {
    async fn record_deliveries(&self, deliveries: &[Delivery]) -> Result<u64, StoreError> {
        let mut new = 0;
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        for chunk in deliveries.chunks(CHUNK) {
            let mut insert = QueryBuilder::<Sqlite>::new(format!("INSERT INTO notifications ({COLUMNS}) "));
            insert.push_values(chunk, |mut row, d| {
                let m = &d.message;
                row.push_bind(m.key.as_str())
                    .push_bind(m.kind.as_str())
                    .push_bind(m.channel.as_str())
                    .push_bind(&m.to)
                    .push_bind(&m.subject)
                    .push_bind(&m.body)
                    .push_bind(m.customer.as_uuid())
                    .push_bind(m.ticket.map(|t| t.as_uuid()))
                    .push_bind(m.expert.map(|e| e.as_uuid()))
                    .push_bind(m.created_at)
                    .push_bind(d.status.as_str())
                    .push_bind(i64::from(d.attempts))
                    .push_bind(d.next_attempt)
                    .push_bind(d.finished_at)
                    .push_bind(&d.error);
            });
            insert.push(" ON CONFLICT (key) DO NOTHING");
            new += insert.build().execute(&mut *tx).await.map_err(backend)?.rows_affected();
        }
        tx.commit().await.map_err(backend)?;
        Ok(new)
    }

    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        claimed_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        let claimed: Vec<DeliveryRow> = sqlx::query_as(AssertSqlSafe(format!(
            "UPDATE notifications SET next_attempt = ?1 WHERE key IN (
                 SELECT key FROM notifications WHERE status = 'pending' AND next_attempt <= ?2
                 ORDER BY next_attempt, key LIMIT ?3)
             RETURNING {COLUMNS}"
        )))
        .bind(claimed_until)
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&self.writer)
        .await
        .map_err(backend)?;
        let mut due = claimed.into_iter().map(rows::delivery).collect::<Result<Vec<_>, _>>()?;
        due.sort_by(|a, b| a.message.key.cmp(&b.message.key));
        Ok(due)
    }

    async fn record_attempts(&self, attempts: &[Attempt]) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        for chunk in attempts.chunks(CHUNK) {
            let mut update = QueryBuilder::<Sqlite>::new("WITH a (key, status, next_attempt, finished_at, error) AS (");
            update.push_values(chunk, |mut row, a| {
                let finished = (a.status != DeliveryStatus::Pending).then_some(a.at);
                let next = a.retry_at.filter(|_| a.status == DeliveryStatus::Pending);
                row.push_bind(a.key.as_str())
                    .push_bind(a.status.as_str())
                    .push_bind(next)
                    .push_bind(finished)
                    .push_bind(&a.error);
            });
            update.push(
                ") UPDATE notifications SET status = a.status, attempts = notifications.attempts + 1,
                     next_attempt = a.next_attempt, finished_at = a.finished_at, error = a.error
                 FROM a WHERE notifications.key = a.key",
            );
            update.build().execute(&mut *tx).await.map_err(backend)?;
        }
        tx.commit().await.map_err(backend)
    }

    async fn deliveries(
        &self,
        customer: CustomerId,
        ticket: Option<TicketId>,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        let found: Vec<DeliveryRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM notifications WHERE customer = ?1 AND (?2 IS NULL OR ticket = ?2)
             ORDER BY created_at DESC, key DESC LIMIT ?3"
        )))
        .bind(customer.as_uuid())
        .bind(ticket.map(|t| t.as_uuid()))
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        found.into_iter().map(rows::delivery).collect()
    }

    async fn save_template(&self, template: &Template) -> Result<(), StoreError> {
        let (kind, channel, subject, body) = rows::template_row(template);
        sqlx::query(
            "INSERT INTO notification_templates (kind, channel, subject, body) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (kind, channel) DO UPDATE SET subject = excluded.subject, body = excluded.body",
        )
        .bind(kind)
        .bind(channel)
        .bind(subject)
        .bind(body)
        .execute(&self.writer)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn saved_templates(&self) -> Result<Vec<Template>, StoreError> {
        let found: Vec<(String, String, Option<String>, String)> =
            sqlx::query_as("SELECT kind, channel, subject, body FROM notification_templates")
                .fetch_all(&self.reader)
                .await
                .map_err(backend)?;
        Ok(found.into_iter().filter_map(rows::template).collect())
    }
}
