//! The notifications' queue, history and templates on PostgreSQL: each message on its
//! customer's shard; a page of messages written or updated in one statement (`UNNEST`).

use super::PgStore;
use crate::error::backend;
use crate::sql::notify::{self as rows, COLUMNS, DeliveryRow};
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;
use sysops_core::notify::{
    Attempt, Delivery, DeliveryFilter, DeliveryStatus, Message, MessageKey, NotifyStore, Template,
};
use sysops_core::{ShardKey, StoreError};
use uuid::Uuid;

/// The advisory lock consumers take turns claiming due messages under (any fixed number
/// no other lock of the database uses): two never claim the same message.
const CLAIM_TURN: i64 = 0x5_7509_0071_f1ed;

fn shard(customer: Uuid) -> i32 {
    i32::from(ShardKey::of(customer).get())
}

impl NotifyStore for PgStore {
    async fn queue_messages(
        &self,
        messages: &[Message],
        claimed_until: DateTime<Utc>,
    ) -> Result<Vec<MessageKey>, StoreError> {
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        let col = |f: fn(&Message) -> String| messages.iter().map(f).collect::<Vec<_>>();
        let keys: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
            "INSERT INTO notifications (shard, {COLUMNS})
             SELECT u.*, 'pending', 0, $12::timestamptz, NULL::timestamptz, NULL::text FROM UNNEST(
                 $1::int4[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                 $8::uuid[], $9::uuid[], $10::uuid[], $11::timestamptz[]) AS u
             ON CONFLICT (key, shard) DO NOTHING RETURNING key"
        )))
        .bind(messages.iter().map(|m| shard(m.customer.as_uuid())).collect::<Vec<_>>())
        .bind(col(|m| m.key.as_str().to_owned()))
        .bind(col(|m| m.kind.as_str().to_owned()))
        .bind(col(|m| m.channel.as_str().to_owned()))
        .bind(col(|m| m.to.clone()))
        .bind(messages.iter().map(|m| m.subject.clone()).collect::<Vec<_>>())
        .bind(col(|m| m.body.clone()))
        .bind(messages.iter().map(|m| m.customer.as_uuid()).collect::<Vec<_>>())
        .bind(messages.iter().map(|m| m.ticket.map(|t| t.as_uuid())).collect::<Vec<_>>())
        .bind(messages.iter().map(|m| m.expert.map(|e| e.as_uuid())).collect::<Vec<_>>())
        .bind(messages.iter().map(|m| m.created_at).collect::<Vec<_>>())
        .bind(claimed_until)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(keys.iter().filter_map(|k| MessageKey::parse(k)).collect())
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
        // Keys are unique across shards (a key names its event's stream); the shard keys only
        // let Citus skip the shards that hold none of them.
        let claimed: Vec<DeliveryRow> = sqlx::query_as(AssertSqlSafe(format!(
            "UPDATE notifications SET next_attempt = $1 WHERE shard = ANY($2) AND key = ANY($3) RETURNING {COLUMNS}"
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

    async fn deliveries(&self, filter: DeliveryFilter, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        let (column, id) = match filter {
            DeliveryFilter::Ticket(ticket) => ("ticket", ticket.as_uuid()),
            DeliveryFilter::Customer(customer) => ("customer", customer.as_uuid()),
        };
        // A ticket's id carries its customer's shard key, so either lookup names one shard.
        let found: Vec<DeliveryRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM notifications WHERE {column} = $1 AND shard = $2
             ORDER BY created_at DESC, key DESC LIMIT $3"
        )))
        .bind(id)
        .bind(shard(id))
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
