//! Every error the service returns, gathered from the layers and domains below it.

use crate::actor::Forbidden;
use crate::billing::{BillingError, CardError, VaultError};
use crate::error::{ReplayError, StoreError, ValidationError};
use crate::kb::KbError;
use crate::rule::{Refused, RuleError};
use crate::stream::AggregateKind;
use crate::ticket::TicketError;
use uuid::Uuid;

/// Every error the service returns.
#[derive(Debug, thiserror::Error)]
#[allow(missing_docs)]
pub enum Error {
    /// Malformed input.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// Not allowed for this actor.
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    /// No such aggregate.
    #[error("{kind:?} {id} not found")]
    NotFound {
        kind: AggregateKind,
        /// The id asked for.
        id: Uuid,
    },
    /// A ticket workflow rule refused the command.
    #[error(transparent)]
    Ticket(#[from] TicketError),
    /// Another rule refused the command.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// A billing rule refused the command (a card refused at intake among them).
    #[error(transparent)]
    Billing(#[from] BillingError),
    /// A knowledge-base rule refused the command, or a search query cannot be run.
    #[error(transparent)]
    Kb(#[from] KbError),
    /// A notification template is refused, or a message could not be written.
    #[error(transparent)]
    Notify(#[from] crate::notify::NotifyError),
    /// A survey link does not work (any more).
    #[error(transparent)]
    Survey(#[from] crate::survey::SurveyError),
    /// A sync message cannot be used (see [`crate::sync`]).
    #[error(transparent)]
    Sync(#[from] crate::sync::SyncError),
    /// The card vault could not store or reveal a card.
    #[error(transparent)]
    Vault(#[from] VaultError),
    /// Storage failed or a concurrent writer won (see [`StoreError::Conflict`]).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Stored history is inconsistent.
    #[error(transparent)]
    Replay(#[from] ReplayError),
}

impl Error {
    /// `NotFound` for a typed id.
    pub fn not_found(kind: AggregateKind, id: impl Into<Uuid>) -> Self {
        Error::NotFound { kind, id: id.into() }
    }

    /// True for an optimistic-concurrency conflict, after which a reload and retry may succeed.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Store(StoreError::Conflict { .. }))
    }
}

impl From<CardError> for Error {
    fn from(error: CardError) -> Self {
        Error::Billing(BillingError::Card(error))
    }
}

/// A refused command is the error of its kind: `Forbidden`, `Invalid` or the aggregate's rule.
impl<R> From<Refused<R>> for Error
where
    Error: From<R>,
{
    fn from(refused: Refused<R>) -> Self {
        match refused {
            Refused::Invalid(e) => Error::Invalid(e),
            Refused::Forbidden(e) => Error::Forbidden(e),
            Refused::Rule(e) => e.into(),
        }
    }
}
