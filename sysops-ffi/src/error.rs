//! The one error type hosts catch: small, stable, and carrying the data to act on.
//!
//! Every failure of the Rust API converts here, at one place, like
//! application-services' public errors: Kotlin sees `SysopsException.NotFound`,
//! Swift `SysopsError.NotFound`, Python `sysops.NotFoundError`.

use sysops_core::{DenyReason, Error, RuleError, StoreError, TicketError, ValidationError};
use sysops_storage::OpenError;

/// Why a call failed. A failed call changed nothing (except `run_assignment`, which keeps
/// the expiries it committed before failing).
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum SysopsError {
    /// An argument is malformed: empty, too long, out of range, unknown name, bad format.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The argument or field at fault, e.g. `"phone"`, `"description"`, `"capacity"`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
    /// No such plan, customer, expert, staff account or ticket.
    #[error("{kind} {id} not found")]
    NotFound {
        /// `"plan"`, `"customer"`, `"expert"`, `"staff_account"` or `"ticket"`.
        kind: String,
        /// The id asked for.
        id: String,
    },
    /// The acting person may not do this (wrong role, not theirs, deactivated account).
    #[error("forbidden: {detail}")]
    Forbidden {
        /// The refused action, e.g. `"AcceptAssignment"`.
        action: String,
        /// Why, e.g. `"NotAssignedToYou"`, `"RoleNotAllowed"`, `"UnknownAccount"`.
        reason: String,
        /// The whole explanation.
        detail: String,
    },
    /// The ticket's workflow does not allow this command in its current state.
    #[error("{detail}")]
    InvalidTransition {
        /// The ticket.
        ticket: String,
        /// Its current status, e.g. `"completed"`.
        status: String,
        /// The refused action.
        action: String,
        /// The whole explanation.
        detail: String,
    },
    /// Another business rule refused the command (plan retired, not covered, offer expired, ...).
    #[error("{detail}")]
    RuleViolated {
        /// A stable name of the rule, e.g. `"NotCovered"`, `"OfferExpired"`, `"AlreadyExists"`.
        rule: String,
        /// The whole explanation.
        detail: String,
    },
    /// Someone else changed the same record first: reload and retry.
    #[error("conflict: {detail}")]
    Conflict {
        /// What collided.
        detail: String,
    },
    /// The database failed or cannot be opened (unreachable, corrupt, newer schema, disk).
    #[error("storage: {detail}")]
    Storage {
        /// What failed.
        detail: String,
    },
    /// The handle was closed; open a new one.
    #[error("this sysops handle is closed")]
    Closed,
    /// A stored record cannot be read (it is quarantined: listings and jobs skip it), a value
    /// would not read back and was not stored, or sysops hit a bug (a panic, caught at the
    /// boundary). Report it.
    #[error("internal: {detail}")]
    Internal {
        /// What was found.
        detail: String,
    },
}

/// The field a validation error names.
fn field_of(error: &ValidationError) -> &'static str {
    match error {
        ValidationError::Empty { field }
        | ValidationError::TooLong { field, .. }
        | ValidationError::OutOfRange { field, .. }
        | ValidationError::Unknown { field, .. }
        | ValidationError::Negative { field }
        | ValidationError::Overflow { field }
        | ValidationError::EmptyInterval { field }
        | ValidationError::NoEntries { field }
        | ValidationError::Duplicate { field, .. }
        | ValidationError::ControlCharacter { field, .. }
        | ValidationError::OutOfRangeReal { field, .. }
        | ValidationError::TimeOutOfRange { field, .. } => field,
        ValidationError::InvalidEmail { .. } => "email",
        ValidationError::InvalidPhone { .. } => "phone",
        ValidationError::InvalidCoordinate { .. } => "location",
        ValidationError::InvalidSkillLevel { .. } => "skill_level",
        ValidationError::UnknownCurrency { .. } | ValidationError::CurrencyMismatch { .. } => "currency",
    }
}

impl From<ValidationError> for SysopsError {
    fn from(error: ValidationError) -> Self {
        SysopsError::InvalidInput { field: field_of(&error).to_owned(), reason: error.to_string() }
    }
}

fn deny_reason(reason: DenyReason) -> String {
    match reason {
        DenyReason::RoleMismatch { .. } => "RoleMismatch".to_owned(),
        other => format!("{other:?}"),
    }
}

impl From<Error> for SysopsError {
    fn from(error: Error) -> Self {
        let detail = error.to_string();
        match error {
            Error::Invalid(e) => e.into(),
            Error::Forbidden(f) => {
                SysopsError::Forbidden { action: format!("{:?}", f.action), reason: deny_reason(f.reason), detail }
            }
            Error::NotFound { kind, id } => {
                SysopsError::NotFound { kind: kind.as_str().to_owned(), id: id.to_string() }
            }
            Error::Ticket(TicketError::InvalidTransition { ticket, status, action }) => {
                SysopsError::InvalidTransition {
                    ticket: ticket.to_string(),
                    status: status.as_str().to_owned(),
                    action: format!("{action:?}"),
                    detail,
                }
            }
            Error::Ticket(e) => SysopsError::RuleViolated { rule: ticket_rule_name(&e).to_owned(), detail },
            Error::Rule(e) => SysopsError::RuleViolated { rule: rule_name(&e).to_owned(), detail },
            Error::Store(e) => e.into(),
            Error::Replay(_) => SysopsError::Internal { detail },
        }
    }
}

/// Stable names hosts can match on.
fn ticket_rule_name(error: &TicketError) -> &'static str {
    match error {
        TicketError::InvalidTransition { .. } => "InvalidTransition",
        TicketError::ExpertExcluded { .. } => "ExpertExcluded",
        TicketError::OfferExpired { .. } => "OfferExpired",
        TicketError::DeadlineNotReached { .. } => "DeadlineNotReached",
        TicketError::ReopenWindowClosed { .. } => "ReopenWindowClosed",
        TicketError::NotCovered { .. } => "NotCovered",
        TicketError::ExpertUnqualified { .. } => "ExpertUnqualified",
    }
}

fn rule_name(error: &RuleError) -> &'static str {
    match error {
        RuleError::AlreadyExists { .. } => "AlreadyExists",
        RuleError::PlanRetired { .. } => "PlanRetired",
        RuleError::NotAnExpertAccount { .. } => "NotAnExpertAccount",
        RuleError::NoChange { .. } => "NoChange",
    }
}

impl From<StoreError> for SysopsError {
    fn from(error: StoreError) -> Self {
        let detail = error.to_string();
        match error {
            StoreError::Conflict { .. } => SysopsError::Conflict { detail },
            StoreError::Corrupt { .. } | StoreError::Integrity { .. } | StoreError::WouldNotReadBack { .. } => {
                SysopsError::Internal { detail }
            }
            StoreError::AckBeyondEnd { .. } => {
                SysopsError::InvalidInput { field: "position".to_owned(), reason: detail }
            }
            StoreError::Encode { .. } | StoreError::Backend(_) => SysopsError::Storage { detail },
        }
    }
}

impl From<OpenError> for SysopsError {
    fn from(error: OpenError) -> Self {
        match error {
            OpenError::InvalidUrl { .. } => {
                SysopsError::InvalidInput { field: "url".to_owned(), reason: error.to_string() }
            }
            OpenError::Store(e) => e.into(),
            other => SysopsError::Storage { detail: other.to_string() },
        }
    }
}
