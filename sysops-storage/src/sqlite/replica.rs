//! The expert's phone on SQLite: the replica's copies, queue and refusals
//! (`0012_replica.sql`), each write one transaction.

use super::SqliteStore;
use crate::error::backend;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::{Sqlite, Transaction};
use sysops_core::sync::{Pending, ReplicaData, ReplicaStore, ReplicaWrite};
use sysops_core::{AggregateKind, StoreError, StreamId};
use uuid::Uuid;

const EXPERT: &str = "expert";
const LATEST_REQUEST: &str = "latest_request";

fn corrupt(kind: AggregateKind, id: Uuid, detail: String) -> StoreError {
    StoreError::Corrupt { stream: StreamId::new(kind, id), detail }
}

fn decode<T: DeserializeOwned>(kind: AggregateKind, id: Uuid, body: &str) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|e| corrupt(kind, id, format!("replica copy: {e}")))
}

fn encode<T: Serialize>(kind: AggregateKind, id: Uuid, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|source| StoreError::Encode { stream: StreamId::new(kind, id), source })
}

fn uuid_of(value: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(value).map_err(|e| corrupt(AggregateKind::StaffAccount, Uuid::nil(), format!("replica meta: {e}")))
}

impl ReplicaStore for SqliteStore {
    async fn replica_data(&self) -> Result<ReplicaData, StoreError> {
        let mut tx = self.reader.begin().await.map_err(backend)?;
        let mut data = ReplicaData::default();
        let meta: Vec<(String, String)> =
            sqlx::query_as("SELECT key, value FROM replica_meta").fetch_all(&mut *tx).await.map_err(backend)?;
        for (key, value) in meta {
            match key.as_str() {
                EXPERT => data.expert = Some(uuid_of(&value)?.into()),
                LATEST_REQUEST => data.latest_request = Some(uuid_of(&value)?),
                _ => {}
            }
        }
        let rows: Vec<(Uuid, String)> =
            sqlx::query_as("SELECT id, body FROM replica_tickets").fetch_all(&mut *tx).await.map_err(backend)?;
        for (id, body) in rows {
            let ticket: sysops_core::Ticket = decode(AggregateKind::Ticket, id, &body)?;
            data.tickets.insert(ticket.id, ticket);
        }
        let rows: Vec<(Uuid, String)> =
            sqlx::query_as("SELECT id, body FROM replica_customers").fetch_all(&mut *tx).await.map_err(backend)?;
        for (id, body) in rows {
            let card: sysops_core::sync::CustomerCard = decode(AggregateKind::Customer, id, &body)?;
            data.customers.insert(card.id, card);
        }
        let rows: Vec<(Uuid, String, Option<i64>)> =
            sqlx::query_as("SELECT id, body, applied_at FROM replica_queue ORDER BY position")
                .fetch_all(&mut *tx)
                .await
                .map_err(backend)?;
        for (id, body, applied_at) in rows {
            let command = decode(AggregateKind::Ticket, id, &body)?;
            data.queue.push(Pending { command, applied_at: applied_at.and_then(|v| u64::try_from(v).ok()) });
        }
        let rows: Vec<(Uuid, String)> = sqlx::query_as("SELECT id, body FROM replica_refusals ORDER BY position")
            .fetch_all(&mut *tx)
            .await
            .map_err(backend)?;
        for (id, body) in rows {
            data.refused.push(decode(AggregateKind::Ticket, id, &body)?);
        }
        tx.commit().await.map_err(backend)?;
        Ok(data)
    }

    async fn write_replica(&self, write: ReplicaWrite) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        if let Some(expert) = write.expert {
            set_meta(&mut tx, EXPERT, Some(expert.as_uuid())).await?;
        }
        if let Some(latest) = write.latest_request {
            set_meta(&mut tx, LATEST_REQUEST, latest).await?;
        }
        for ticket in &write.tickets {
            let (id, body) = (ticket.id.as_uuid(), encode(AggregateKind::Ticket, ticket.id.as_uuid(), ticket)?);
            put(&mut tx, "INSERT OR REPLACE INTO replica_tickets (id, body) VALUES (?1, ?2)", id, &body).await?;
        }
        for card in &write.customers {
            let (id, body) = (card.id.as_uuid(), encode(AggregateKind::Customer, card.id.as_uuid(), card)?);
            put(&mut tx, "INSERT OR REPLACE INTO replica_customers (id, body) VALUES (?1, ?2)", id, &body).await?;
        }
        for id in &write.drop_tickets {
            delete(&mut tx, "DELETE FROM replica_tickets WHERE id = ?1", id.as_uuid()).await?;
        }
        for id in &write.drop_customers {
            delete(&mut tx, "DELETE FROM replica_customers WHERE id = ?1", id.as_uuid()).await?;
        }
        for command in &write.enqueue {
            let (id, body) = (command.id.as_uuid(), encode(AggregateKind::Ticket, command.ticket.as_uuid(), command)?);
            put(&mut tx, "INSERT OR IGNORE INTO replica_queue (id, body) VALUES (?1, ?2)", id, &body).await?;
        }
        for (id, version) in &write.applied {
            sqlx::query("UPDATE replica_queue SET applied_at = ?2 WHERE id = ?1")
                .bind(id.as_uuid())
                .bind(i64::try_from(*version).unwrap_or(i64::MAX))
                .execute(&mut *tx)
                .await
                .map_err(backend)?;
        }
        for id in &write.unqueue {
            delete(&mut tx, "DELETE FROM replica_queue WHERE id = ?1", id.as_uuid()).await?;
        }
        for refused in &write.refused {
            let id = refused.command.id.as_uuid();
            let body = encode(AggregateKind::Ticket, refused.command.ticket.as_uuid(), refused)?;
            put(&mut tx, "INSERT OR IGNORE INTO replica_refusals (id, body) VALUES (?1, ?2)", id, &body).await?;
        }
        for id in &write.dismissed {
            delete(&mut tx, "DELETE FROM replica_refusals WHERE id = ?1", id.as_uuid()).await?;
        }
        tx.commit().await.map_err(backend)
    }
}

async fn set_meta(tx: &mut Transaction<'_, Sqlite>, key: &str, value: Option<Uuid>) -> Result<(), StoreError> {
    let query = match value {
        Some(value) => sqlx::query("INSERT OR REPLACE INTO replica_meta (key, value) VALUES (?1, ?2)")
            .bind(key)
            .bind(value.to_string()),
        None => sqlx::query("DELETE FROM replica_meta WHERE key = ?1").bind(key),
    };
    query.execute(&mut **tx).await.map_err(backend).map(drop)
}

async fn put(tx: &mut Transaction<'_, Sqlite>, sql: &'static str, id: Uuid, body: &str) -> Result<(), StoreError> {
    sqlx::query(sql).bind(id).bind(body).execute(&mut **tx).await.map_err(backend).map(drop)
}

async fn delete(tx: &mut Transaction<'_, Sqlite>, sql: &'static str, id: Uuid) -> Result<(), StoreError> {
    sqlx::query(sql).bind(id).execute(&mut **tx).await.map_err(backend).map(drop)
}
