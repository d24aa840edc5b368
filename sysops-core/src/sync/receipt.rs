//! The server's memory of each queued command it answered, so a command sent twice is applied
//! once and answered the same both times.
//!
//! A receipt is a record of its own, created in the commit that applies its command (or alone,
//! for a refusal): its id is derived from the expert and the command id, on the ticket's
//! shard, so a second commit of the same command conflicts on creating it and writes nothing.

use super::command::{PhoneCommand, Verdict};
use crate::aggregate::{Aggregate, Index};
use crate::error::ReplayError;
use crate::event::{AggregateKind, Envelope, EventName, Sequence};
use crate::id::{CommandId, TicketId, UserId};
use crate::stream::ShardKey;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// One queued command's answer, as the server gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandReceipt {
    /// [`CommandReceipt::id_for`] the expert, command and ticket.
    pub id: Uuid,
    /// The command answered.
    pub command: CommandId,
    /// Whose phone sent it.
    pub expert: UserId,
    /// The ticket it was for.
    pub ticket: TicketId,
    /// What the expert did.
    pub what: PhoneCommand,
    /// The answer.
    pub verdict: Verdict,
    version: Sequence,
}

/// A receipt's one event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ReceiptEvent {
    /// The command was answered.
    Recorded {
        /// The receipt.
        receipt: Uuid,
        /// The command answered.
        command: CommandId,
        /// Whose phone sent it.
        expert: UserId,
        /// The ticket it was for.
        ticket: TicketId,
        /// What the expert did.
        what: PhoneCommand,
        /// The answer.
        verdict: Verdict,
    },
}

impl EventName for ReceiptEvent {
    fn name(&self) -> &'static str {
        "CommandAnswered"
    }
}

impl CommandReceipt {
    /// The receipt's id: a digest of the expert and the command (one expert's command ids never
    /// meet another's), carrying the ticket's shard key so it is stored beside the ticket.
    pub fn id_for(expert: UserId, command: CommandId, ticket: TicketId) -> Uuid {
        let mut digest = Sha256::new();
        digest.update(expert.as_uuid().as_bytes());
        digest.update(command.as_uuid().as_bytes());
        let mut bytes = [0u8; 16];
        for (byte, digested) in bytes.iter_mut().zip(digest.finalize()) {
            *byte = digested;
        }
        let id = uuid::Builder::from_custom_bytes(bytes).into_uuid();
        ShardKey::of(ticket.as_uuid()).stamp(id)
    }
}

impl Aggregate for CommandReceipt {
    const KIND: AggregateKind = AggregateKind::CommandReceipt;
    type Event = ReceiptEvent;

    fn id(&self) -> Uuid {
        self.id
    }

    fn version(&self) -> Sequence {
        self.version
    }

    fn create(first: &Envelope<ReceiptEvent>) -> Result<Self, ReplayError> {
        let ReceiptEvent::Recorded { receipt, command, expert, ticket, what, verdict } = &first.payload;
        Ok(CommandReceipt {
            id: *receipt,
            command: *command,
            expert: *expert,
            ticket: *ticket,
            what: what.clone(),
            verdict: verdict.clone(),
            version: first.sequence,
        })
    }

    fn evolve(&mut self, event: &Envelope<ReceiptEvent>) -> Result<(), ReplayError> {
        Err(ReplayError::DoesNotApply { event: event.payload.name(), state: "answered" })
    }

    fn index(&self) -> Index {
        Index::none()
    }
}
