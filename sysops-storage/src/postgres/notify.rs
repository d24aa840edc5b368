//! The notifications' queue, history and templates on PostgreSQL: each message on its
//! customer's shard; a page of messages written or updated in one statement (`UNNEST`).

use super::PgStore;
use crate::error::backend;
use crate::sql::notify::{self as rows, COLUMNS, DeliveryRow};
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;
use sysops_core::notify::{Attempt, Delivery, DeliveryStatus, NotifyStore, Template};
use sysops_core::{CustomerId, ShardKey, StoreError, TicketId};
use uuid::Uuid;

/// The advisory lock consumers take turns claiming due messages under (any fixed number
/// no other lock of the database uses): two never claim the same message.
const CLAIM_TURN: i64 = 0x5_7509_0071_f1ed;

fn shard(customer: Uuid) -> i32 {
    i32::from(ShardKey::of(customer).get())
}

impl NotifyStore for PgStore {
    async fn record_deliveries(&self, deliveries: &[Delivery]) -> Result<u64, StoreError> {
        if deliveries.is_empty() {
            return Ok(0);
        }
        let col = |f: fn(&Delivery) -> String| deliveries.iter().map(f).collect::<Vec<_>>();
        // The keys recorded, counted from `RETURNING`: Citus reports an `INSERT ... SELECT`'s
        // rows as affected even when they conflicted.
        let recorded: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
            "INSERT INTO notifications (shard, {COLUMNS}) SELECT * FROM UNNEST(
                 $1::int4[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[],
                 $9::uuid[], $10::uuid[], $11::timestamptz[], $12::text[], $13::int8[], $14::timestamptz[],
                 $15::timestamptz[], $16::text[])
             ON CONFLICT (key, shard) DO NOTHING RETURNING key"
        )))
        .bind(deliveries.iter().map(|d| shard(d.message.customer.as_uuid())).collect::<Vec<_>>())
        .bind(col(|d| d.message.key.as_str().to_owned()))
        .bind(col(|d| d.message.kind.as_str().to_owned()))
        .bind(col(|d| d.message.channel.as_str().to_owned()))
        .bind(col(|d| d.message.to.clone()))
        .bind(deliveries.iter().map(|d| d.message.subject.clone()).collect::<Vec<_>>())
        .bind(col(|d| d.message.body.clone()))
        .bind(deliveries.iter().map(|d| d.message.customer.as_uuid()).collect::<Vec<_>>())
        .bind(deliveries.iter().map(|d| d.message.ticket.map(|t| t.as_uuid())).collect::<Vec<_>>())
        .bind(deliveries.iter().map(|d| d.message.expert.map(|e| e.as_uuid())).collect::<Vec<_>>())
        .bind(deliveries.iter().map(|d| d.message.created_at).collect::<Vec<_>>())
        .bind(col(|d| d.status.as_str().to_owned()))
        .bind(deliveries.iter().map(|d| i64::from(d.attempts)).collect::<Vec<_>>())
        .bind(deliveries.iter().map(|d| d.next_attempt).collect::<Vec<_>>())
        .bind(deliveries.iter().map(|d| d.finished_at).collect::<Vec<_>>())
        .bind(deliveries.iter().map(|d| d.error.clone()).collect::<Vec<_>>())
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(recorded.len() as u64)
    }

    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        claimed_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(backend)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(CLAIM_TURN).execute(&mut *tx).await.map_err(backend)?;
        let due: Vec<(String, i32)> = sqlx::query_as(
            "SELECT key, shard FROM notifications WHERE status = 'pending' AND next_attempt <= $1
             ORDER BY next_attempt, key LIMIT $2",
        )
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let returning = COLUMNS.split(", ").map(|c| format!("n.{c}")).collect::<Vec<_>>().join(", ");
        let claimed: Vec<DeliveryRow> = sqlx::query_as(AssertSqlSafe(format!(
            "UPDATE notifications n SET next_attempt = $1 FROM UNNEST($2::int4[], $3::text[]) AS c(shard, key)
             WHERE n.shard = c.shard AND n.key = c.key RETURNING {returning}"
        )))
        .bind(claimed_until)
        .bind(due.iter().map(|d| d.1).collect::<Vec<_>>())
        .bind(due.iter().map(|d| d.0.clone()).collect::<Vec<_>>())
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)?;
        let mut due = claimed.into_iter().map(rows::delivery).collect::<Result<Vec<_>, _>>()?;
        due.sort_by(|a, b| a.message.key.cmp(&b.message.key));
        Ok(due)
    }

    async fn record_attempts(&self, attempts: &[Attempt]) -> Result<(), StoreError> {
        if attempts.is_empty() {
            return Ok(());
        }
        let pending = |a: &Attempt| a.status == DeliveryStatus::Pending;
        sqlx::query(
            "UPDATE notifications n SET status = a.status, attempts = n.attempts + 1,
                 next_attempt = a.next_attempt, finished_at = a.finished_at, error = a.error
             FROM UNNEST($1::int4[], $2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[])
                 AS a(shard, key, status, next_attempt, finished_at, error)
             WHERE n.shard = a.shard AND n.key = a.key",
        )
        .bind(attempts.iter().map(|a| shard(a.customer.as_uuid())).collect::<Vec<_>>())
        .bind(attempts.iter().map(|a| a.key.as_str().to_owned()).collect::<Vec<_>>())
        .bind(attempts.iter().map(|a| a.status.as_str().to_owned()).collect::<Vec<_>>())
        .bind(attempts.iter().map(|a| a.retry_at.filter(|_| pending(a))).collect::<Vec<_>>())
        .bind(attempts.iter().map(|a| (!pending(a)).then_some(a.at)).collect::<Vec<_>>())
        .bind(attempts.iter().map(|a| a.error.clone()).collect::<Vec<_>>())
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn deliveries(
        &self,
        customer: CustomerId,
        ticket: Option<TicketId>,
        limit: u32,
    ) -> Result<Vec<Delivery>, StoreError> {
        let found: Vec<DeliveryRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM notifications WHERE customer = $1 AND shard = $2
                 AND ($3::uuid IS NULL OR ticket = $3)
             ORDER BY created_at DESC, key DESC LIMIT $4"
        )))
        .bind(customer.as_uuid())
        .bind(shard(customer.as_uuid()))
        .bind(ticket.map(|t| t.as_uuid()))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        found.into_iter().map(rows::delivery).collect()
    }

    async fn save_template(&self, template: &Template) -> Result<(), StoreError> {
        let (kind, channel, subject, body) = rows::template_row(template);
        sqlx::query(
            "INSERT INTO notification_templates (kind, channel, subject, body) VALUES ($1, $2, $3, $4)
             ON CONFLICT (kind, channel) DO UPDATE SET subject = excluded.subject, body = excluded.body",
        )
        .bind(kind)
        .bind(channel)
        .bind(subject)
        .bind(body)
        .execute(&self.pool)
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn saved_templates(&self) -> Result<Vec<Template>, StoreError> {
        let found: Vec<(String, String, Option<String>, String)> =
            sqlx::query_as("SELECT kind, channel, subject, body FROM notification_templates")
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        Ok(found.into_iter().filter_map(rows::template).collect())
    }
}
