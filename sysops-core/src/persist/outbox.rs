//! The transactional outbox: every committed event, delivered to named consumers in commit
//! order, at least once.

use super::StoredEvent;
use crate::error::{StoreError, ValidationError, clip};
use std::future::Future;

/// The name of an outbox consumer (e.g. `"assignment"`, `"notifications"`): 1–100 of `a-z 0-9 _ - .`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConsumerName(String);

impl ConsumerName {
    /// Checks the name.
    ///
    /// ```
    /// use sysops_core::store::ConsumerName;
    /// assert!(ConsumerName::new("notifications").is_ok());
    /// assert!(ConsumerName::new("").is_err());
    /// assert!(ConsumerName::new("Robert'); DROP TABLE").is_err());
    /// ```
    pub fn new(name: impl Into<String>) -> Result<Self, ValidationError> {
        let name = name.into();
        let valid = (1..=100).contains(&name.len())
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b));
        if valid {
            Ok(Self(name))
        } else {
            Err(ValidationError::Unknown { field: "consumer_name", value: clip(&name) })
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An event as delivered by the outbox: its global delivery position and the event.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct OutboxEntry {
    /// Position in delivery order; strictly increasing, gaps allowed.
    pub position: u64,
    pub event: StoredEvent,
}

/// Consumers read the outbox with a durable named cursor: [`poll`](Outbox::poll) returns
/// entries after the cursor, [`ack`](Outbox::ack) moves it. Delivery is at-least-once (what
/// is not acked is delivered again), positions only grow, nothing committed is ever skipped,
/// and each aggregate's events come in sequence order.
///
/// Across aggregates: on one node (memory, SQLite, PostgreSQL) in commit order. On a
/// distributed database (Citus) commits on different nodes have no common order; entries
/// come in the order the relay saw them committed, which keeps each shard key's (each
/// customer's) commits in order.
pub trait Outbox: Send + Sync {
    /// Up to `limit` outbox entries after `consumer`'s cursor, in delivery order.
    fn poll(
        &self,
        consumer: &ConsumerName,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<OutboxEntry>, StoreError>> + Send;

    /// Moves `consumer`'s cursor to `position` (a position it was delivered); it never moves back.
    fn ack(&self, consumer: &ConsumerName, position: u64) -> impl Future<Output = Result<(), StoreError>> + Send;
}
