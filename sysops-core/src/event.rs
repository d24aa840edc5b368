//! Event envelopes: every change is an event stamped with its aggregate, sequence, time and actor.

use crate::actor::Actor;
pub use crate::stream::{AggregateKind, Sequence, StreamId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The event schema version this code writes and the newest it reads.
pub const SCHEMA_VERSION: u16 = 1;

/// A domain event with its metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<E> {
    /// Schema version the event was written with.
    pub schema: u16,
    /// The aggregate the event belongs to.
    pub aggregate_id: Uuid,
    /// Its gap-free position in the aggregate's stream.
    pub sequence: Sequence,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who caused it.
    pub by: Actor,
    /// What happened.
    pub payload: E,
}

/// A named event payload.
pub trait EventName {
    /// The event's stable name, e.g. `"TicketSubmitted"`, for storage and logs.
    fn name(&self) -> &'static str;
}
