//! Rules shared by every aggregate, and the one shape of a refused command.

use crate::actor::{Action, Forbidden};
use crate::error::ValidationError;
use crate::id::PlanId;
use crate::stream::AggregateKind;
use uuid::Uuid;

/// A rule of an aggregate other than the ticket was broken.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[allow(missing_docs)]
pub enum RuleError {
    /// The aggregate exists already.
    #[error("{kind:?} {id} already exists")]
    AlreadyExists { kind: AggregateKind, id: Uuid },
    /// The plan no longer accepts customers.
    #[error("plan {plan} is retired")]
    PlanRetired { plan: PlanId },
    /// An expert profile needs an active staff account with the expert role.
    #[error("account {account} is not an active expert account")]
    NotAnExpertAccount { account: Uuid },
    /// The command would not change anything (same role, already inactive, ...).
    #[error("{action:?} would change nothing")]
    NoChange {
        /// The command.
        action: Action,
    },
}

/// Why an aggregate refused a command: malformed input, an actor without the right, or a
/// broken rule of type `R` (the aggregate's own rule error). Nothing was written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refused<R> {
    /// Malformed input.
    #[error(transparent)]
    Invalid(ValidationError),
    /// Not allowed for this actor.
    #[error(transparent)]
    Forbidden(Forbidden),
    /// A rule of the aggregate refused it.
    #[error(transparent)]
    Rule(R),
}

impl<R> From<ValidationError> for Refused<R> {
    fn from(error: ValidationError) -> Self {
        Refused::Invalid(error)
    }
}

impl<R> From<Forbidden> for Refused<R> {
    fn from(error: Forbidden) -> Self {
        Refused::Forbidden(error)
    }
}

impl From<RuleError> for Refused<RuleError> {
    fn from(error: RuleError) -> Self {
        Refused::Rule(error)
    }
}
