//! The commands an expert gives on the phone, and the server's verdict on each.

use crate::actor::DenyReason;
use crate::id::{ArticleId, CommandId, TicketId};
use crate::text::{Reason, WorkNotes};
use crate::ticket::{TicketCommand, TicketStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What an expert does to a ticket from the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PhoneCommand {
    /// Take the offered ticket.
    Accept,
    /// Decline the offer, saying why.
    Reject {
        /// Why.
        reason: Reason,
    },
    /// Start work on site.
    Start,
    /// Finish, with what was done.
    Complete {
        /// What was done.
        notes: WorkNotes,
    },
    /// Record the articles that solved the (completed) ticket: at most
    /// [`Ticket::MAX_SOLUTIONS`](crate::Ticket::MAX_SOLUTIONS), none to withdraw.
    LinkArticles {
        /// The articles.
        articles: BTreeSet<ArticleId>,
    },
}

impl PhoneCommand {
    /// The ticket workflow command it is.
    pub fn ticket_command(&self) -> TicketCommand {
        match self {
            PhoneCommand::Accept => TicketCommand::Accept,
            PhoneCommand::Reject { reason } => TicketCommand::Reject { reason: reason.clone() },
            PhoneCommand::Start => TicketCommand::Start,
            PhoneCommand::Complete { notes } => TicketCommand::Complete { notes: notes.clone() },
            PhoneCommand::LinkArticles { articles } => TicketCommand::RecordSolution { articles: articles.clone() },
        }
    }
}

/// A command the phone decided and keeps until the server answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedCommand {
    /// Its id, fresh on the phone: the server applies each id once.
    pub id: CommandId,
    /// The ticket it is for.
    pub ticket: TicketId,
    /// What the expert did.
    pub command: PhoneCommand,
    /// When the expert did it, by the phone's clock (shown to the expert; the server records
    /// its own time).
    pub decided_at: DateTime<Utc>,
}

/// The server's answer to one queued command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Verdict {
    /// Applied: the ticket's history holds it, and the ticket's copy at `version` (or later)
    /// shows it.
    Applied {
        /// The ticket's version once applied.
        version: u64,
    },
    /// Refused: nothing changed on the server.
    Refused(Refusal),
}

/// A verdict and the command it answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommandVerdict {
    /// The command answered.
    pub command: CommandId,
    /// The answer.
    pub verdict: Verdict,
}

/// Why the server refused a queued command: what the phone shows the expert, and what its
/// local copy is rolled back for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Refusal {
    /// The ticket does not exist (or an article to link does not).
    NotFound,
    /// The expert may not (the ticket is no longer theirs: an administrator reassigned it).
    Forbidden {
        /// Why.
        reason: DenyReason,
    },
    /// The ticket's status does not allow it (cancelled, or offered again meanwhile).
    InvalidTransition {
        /// The ticket's status on the server.
        status: TicketStatus,
    },
    /// The offer's deadline passed before the server heard the answer.
    OfferExpired,
    /// The expert rejected this ticket or let an offer of it expire before.
    ExpertExcluded,
    /// It would change nothing.
    NoChange,
    /// A value the command carries is refused (`field` names it).
    InvalidInput {
        /// The value refused.
        field: String,
        /// Why.
        reason: String,
    },
}

/// A command the server refused, kept on the phone until the app dismisses it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefusedCommand {
    /// The command as the expert gave it.
    pub command: QueuedCommand,
    /// Why the server refused it.
    pub refusal: Refusal,
}
