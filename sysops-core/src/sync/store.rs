//! The phone's part of the storage contract: the copies of the expert's tickets and customers,
//! the outbound queue and the refusals to show, beside the event store that holds the
//! articles and the expert's account.

use super::command::{QueuedCommand, RefusedCommand};
use super::view::CustomerCard;
use crate::error::StoreError;
use crate::id::{CommandId, CustomerId, TicketId, UserId};
use crate::persist::MemoryStore;
use crate::ticket::Ticket;
use std::collections::BTreeMap;
use std::future::Future;
use uuid::Uuid;

/// A queued command and, once the server applied it, the ticket version that shows it: until
/// the phone's copy reaches that version, the command is still shown on top of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// The command.
    pub command: QueuedCommand,
    /// The ticket's version on the server once applied; `None` while not answered.
    pub applied_at: Option<u64>,
}

/// Everything the phone keeps besides its event store, read at once (a few hundred records).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplicaData {
    /// The expert the replica belongs to, from its first request on.
    pub expert: Option<UserId>,
    /// The latest request sent: only its answer is applied.
    pub latest_request: Option<Uuid>,
    /// The server's copies of the expert's tickets (as [`super::seen_by`] them).
    pub tickets: BTreeMap<TicketId, Ticket>,
    /// The customers of those tickets.
    pub customers: BTreeMap<CustomerId, CustomerCard>,
    /// The outbound queue, oldest first.
    pub queue: Vec<Pending>,
    /// Commands the server refused, oldest first, until dismissed.
    pub refused: Vec<RefusedCommand>,
}

/// One atomic change to the phone's data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReplicaWrite {
    /// Claims the replica for this expert.
    pub expert: Option<UserId>,
    /// Replaces the latest request (`Some(None)`: none outstanding).
    pub latest_request: Option<Option<Uuid>>,
    /// Tickets to store, replacing the copy held.
    pub tickets: Vec<Ticket>,
    /// Customers to store, replacing the copy held.
    pub customers: Vec<CustomerCard>,
    /// Tickets to drop.
    pub drop_tickets: Vec<TicketId>,
    /// Customers to drop.
    pub drop_customers: Vec<CustomerId>,
    /// Commands to append to the queue.
    pub enqueue: Vec<QueuedCommand>,
    /// Queued commands the server applied, with the ticket version that shows each.
    pub applied: Vec<(CommandId, u64)>,
    /// Commands to take out of the queue.
    pub unqueue: Vec<CommandId>,
    /// Refusals to keep.
    pub refused: Vec<RefusedCommand>,
    /// Refusals the app dismissed.
    pub dismissed: Vec<CommandId>,
}

/// The phone's store (SQLite on the device, memory in tests).
pub trait ReplicaStore: Send + Sync {
    /// Everything the replica keeps besides its event store.
    fn replica_data(&self) -> impl Future<Output = Result<ReplicaData, StoreError>> + Send;

    /// Applies `write` whole or not at all. Queued commands keep their order; a command
    /// enqueued twice (same id) is kept once; a refusal kept twice is kept once.
    fn write_replica(&self, write: ReplicaWrite) -> impl Future<Output = Result<(), StoreError>> + Send;
}

impl ReplicaData {
    /// `write` applied to this data, as every backend applies it.
    pub fn with(mut self, write: ReplicaWrite) -> ReplicaData {
        if write.expert.is_some() {
            self.expert = write.expert;
        }
        if let Some(latest) = write.latest_request {
            self.latest_request = latest;
        }
        for ticket in write.tickets {
            self.tickets.insert(ticket.id, ticket);
        }
        for card in write.customers {
            self.customers.insert(card.id, card);
        }
        for id in &write.drop_tickets {
            self.tickets.remove(id);
        }
        for id in &write.drop_customers {
            self.customers.remove(id);
        }
        for command in write.enqueue {
            if !self.queue.iter().any(|p| p.command.id == command.id) {
                self.queue.push(Pending { command, applied_at: None });
            }
        }
        for (id, version) in write.applied {
            if let Some(pending) = self.queue.iter_mut().find(|p| p.command.id == id) {
                pending.applied_at = Some(version);
            }
        }
        self.queue.retain(|p| !write.unqueue.contains(&p.command.id));
        for refusal in write.refused {
            if !self.refused.iter().any(|r| r.command.id == refusal.command.id) {
                self.refused.push(refusal);
            }
        }
        self.refused.retain(|r| !write.dismissed.contains(&r.command.id));
        self
    }
}

impl ReplicaStore for MemoryStore {
    async fn replica_data(&self) -> Result<ReplicaData, StoreError> {
        Ok(self.lock().with_table(|data: &mut ReplicaData| data.clone()))
    }

    async fn write_replica(&self, write: ReplicaWrite) -> Result<(), StoreError> {
        self.lock().with_table(|data: &mut ReplicaData| *data = std::mem::take(data).with(write));
        Ok(())
    }
}
