//! The transactional outbox as consumers read it.

use crate::client::{Sysops, all, consumer};
use crate::error::SysopsError;
use crate::guard::guard;
use crate::types::Timestamp;
use crate::value::count;
use sysops_core as core;
use uuid::Uuid;

/// One committed event, in commit order, for a named consumer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct OutboxEntry {
    /// Its position; acknowledge it once handled.
    pub position: u64,
    /// The aggregate kind, e.g. `"ticket"`.
    pub aggregate: String,
    /// The aggregate's id.
    pub aggregate_id: Uuid,
    /// The event's sequence within the aggregate.
    pub sequence: u64,
    /// When it happened.
    pub at: Timestamp,
    /// Its stable name, e.g. `"TicketSubmitted"`.
    pub name: String,
    /// The versioned event envelope as JSON.
    pub json: String,
}

impl From<core::store::OutboxEntry> for OutboxEntry {
    fn from(e: core::store::OutboxEntry) -> Self {
        OutboxEntry {
            position: e.position,
            aggregate: e.event.stream.kind.as_str().to_owned(),
            aggregate_id: e.event.stream.id,
            sequence: e.event.sequence.0,
            at: e.event.at,
            name: e.event.name,
            json: e.event.json,
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// Up to `limit` events `consumer` has not acknowledged yet, in commit order. Consumer names
    /// are 1–100 characters of `a-z 0-9 _ - .`.
    pub async fn poll_outbox(&self, consumer: String, limit: i64) -> Result<Vec<OutboxEntry>, SysopsError> {
        guard(async move {
            let limit = count("limit", limit)?;
            Ok(all(self.api()?.poll_outbox(&self::consumer(consumer)?, limit).await?))
        })
        .await
    }

    /// Records that `consumer` handled everything up to `position`.
    pub async fn ack_outbox(&self, consumer: String, position: u64) -> Result<(), SysopsError> {
        guard(async move { Ok(self.api()?.ack_outbox(&self::consumer(consumer)?, position).await?) }).await
    }
}
