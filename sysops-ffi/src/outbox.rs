//! The transactional outbox as consumers read it.

use crate::types::Timestamp;
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
