//! The one error type hosts catch: small, stable, and carrying the data to act on.
//!
//! Every failure of the Rust API converts here, at one place, like
//! application-services' public errors: Kotlin sees `SysopsException.NotFound`,
//! Swift `SysopsError.NotFound`, Python `sysops.NotFoundError`.

use crate::enums::{Action, Role, TicketStatus};
use sysops_core::billing::{BillingError, CardError, VaultError};
use sysops_core::kb::KbError;
use sysops_core::{self as core, Error, RuleError, StoreError, TicketError, ValidationError};
use sysops_storage::OpenError;

/// Why an actor was refused (the `reason` of [`SysopsError::Forbidden`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
pub enum DenyReason {
    /// The actor's role never may.
    RoleNotAllowed,
    /// A customer or expert acting on someone else's records.
    NotYours,
    /// An expert acting on a ticket not assigned to them.
    NotAssignedToYou,
    /// No staff account or customer has the actor's id.
    UnknownAccount,
    /// The staff account was deactivated.
    AccountDeactivated,
    /// The actor claims a role its account does not have (`actual_role` says which it has).
    RoleMismatch,
    /// Administrators may not demote or deactivate themselves.
    OwnAccount,
}

/// Which business rule refused a command (the `rule` of [`SysopsError::RuleViolated`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
pub enum Rule {
    /// The record exists already (a second registration).
    AlreadyExists,
    /// The plan no longer accepts customers.
    PlanRetired,
    /// An expert profile needs an active staff account with the expert role.
    NotAnExpertAccount,
    /// The command would change nothing.
    NoChange,
    /// The expert already rejected this ticket or let an offer of it expire.
    ExpertExcluded,
    /// The expert answered after the offer's deadline.
    OfferExpired,
    /// Expiry was asked for before the offer's deadline.
    DeadlineNotReached,
    /// Reopening was asked for after the reopen window.
    ReopenWindowClosed,
    /// The customer's plan does not cover the ticket's product category.
    NotCovered,
    /// The expert lacks the skill, level, area or active profile the ticket needs.
    ExpertUnqualified,
    /// Only a handle opened with `open_simulated` has a clock to advance.
    RealClock,
    /// The customer's account is suspended for an unpaid invoice: no new tickets until it is
    /// paid, voided or written off.
    AccountSuspended,
    /// The customer has no active subscription.
    NoActiveSubscription,
    /// The customer already has an active subscription.
    AlreadySubscribed,
    /// The card on file has expired.
    CardExpired,
    /// The invoice's status does not allow the action (refund an unpaid one, void a paid one).
    InvoiceNotActionable,
    /// A refund larger than what was paid and not yet refunded.
    RefundTooLarge,
    /// A billing run for a month that has not ended.
    PeriodNotEnded,
    /// A retired knowledge-base article can be read but no longer revised.
    ArticleRetired,
    /// The survey link's token is truncated, altered, forged or replaced by a newer link.
    SurveyLinkInvalid,
    /// The survey link expired (14 days after it was sent).
    SurveyExpired,
    /// The survey was answered already; an answer is final.
    SurveyAnswered,
}

/// Why a call failed. A failed call changed nothing (except `run_assignment`, which keeps
/// the expiries it committed before failing).
/// Why a sync message was refused (the `fault` of [`SysopsError::Sync`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
pub enum SyncFault {
    /// Written by a newer library (the app or the server needs updating).
    NewerProtocol,
    /// Not a sync message, too large, or inconsistent.
    Malformed,
    /// An answer to another request than the phone's latest (a replay, a duplicate, a late
    /// delivery): drop it and sync again.
    Stale,
    /// It holds something its expert may not see, or is for another expert.
    OutsideView,
    /// The phone's database belongs to another expert.
    OtherExpert,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
#[allow(missing_docs)]
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
        /// The refused action.
        action: Action,
        /// Why.
        reason: DenyReason,
        /// For [`DenyReason::RoleMismatch`], the role the account really has.
        actual_role: Option<Role>,
        /// The whole explanation.
        detail: String,
    },
    /// The ticket's workflow does not allow this command in its current state.
    #[error("{detail}")]
    InvalidTransition {
        ticket: String,
        /// Its current status.
        status: TicketStatus,
        /// The refused action.
        action: Action,
        /// The whole explanation.
        detail: String,
    },
    /// Another business rule refused the command (plan retired, not covered, offer expired, ...).
    #[error("{detail}")]
    RuleViolated {
        rule: Rule,
        /// The whole explanation.
        detail: String,
    },
    /// Someone else changed the same record first: reload and retry.
    #[error("conflict: {detail}")]
    Conflict {
        /// What collided.
        detail: String,
    },
    /// The store is at capacity (a load spike): no connection, or on SQLite no turn at the
    /// writer, came free within the handle's wait limit. Nothing was written: retry, after a
    /// short pause if it repeats. Nothing needs restarting when the spike ends.
    #[error("busy: {detail}")]
    Busy {
        /// The whole explanation.
        detail: String,
    },
    /// A phone's sync message cannot be used; nothing was applied. `fault` says why: a newer
    /// app or server wrote it (update), it is not a sync message, it answers an older request
    /// (drop it and ask again), or it holds what its expert may not see.
    #[error("sync: {detail}")]
    Sync {
        /// Why.
        fault: SyncFault,
        /// The whole explanation.
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
impl From<ValidationError> for SysopsError {
    fn from(error: ValidationError) -> Self {
        SysopsError::InvalidInput { field: error.field().to_owned(), reason: error.to_string() }
    }
}

/// The host's reason code, and the real role for a role mismatch.
pub(crate) fn deny_reason(reason: core::DenyReason) -> (DenyReason, Option<Role>) {
    match reason {
        core::DenyReason::RoleNotAllowed => (DenyReason::RoleNotAllowed, None),
        core::DenyReason::NotYours => (DenyReason::NotYours, None),
        core::DenyReason::NotAssignedToYou => (DenyReason::NotAssignedToYou, None),
        core::DenyReason::UnknownAccount => (DenyReason::UnknownAccount, None),
        core::DenyReason::AccountDeactivated => (DenyReason::AccountDeactivated, None),
        core::DenyReason::RoleMismatch { actual } => (DenyReason::RoleMismatch, Some(actual)),
        core::DenyReason::OwnAccount => (DenyReason::OwnAccount, None),
    }
}

impl From<Error> for SysopsError {
    fn from(error: Error) -> Self {
        let detail = error.to_string();
        match error {
            Error::Invalid(e) => e.into(),
            Error::Forbidden(f) => {
                let (reason, actual_role) = deny_reason(f.reason);
                SysopsError::Forbidden { action: f.action, reason, actual_role, detail }
            }
            Error::NotFound { kind, id } => {
                SysopsError::NotFound { kind: kind.as_str().to_owned(), id: id.to_string() }
            }
            Error::Ticket(e) => ticket_error(e, detail),
            Error::Rule(e) => SysopsError::RuleViolated { rule: rule(&e), detail },
            Error::Billing(e) => billing_error(e, detail),
            Error::Kb(e) => kb_error(e, detail),
            Error::Notify(e) => notify_error(e, detail),
            Error::Survey(e) => SysopsError::RuleViolated { rule: survey_rule(&e), detail },
            Error::Vault(VaultError::UnknownToken { token }) => {
                SysopsError::NotFound { kind: "card".to_owned(), id: token.to_string() }
            }
            Error::Vault(VaultError::Store(e)) => e.into(),
            Error::Vault(_) => SysopsError::Storage { detail },
            Error::Store(e) => e.into(),
            Error::Replay(_) => SysopsError::Internal { detail },
            Error::Sync(e) => SysopsError::Sync { fault: sync_fault(&e), detail },
        }
    }
}

/// A template refused when saved is invalid input naming the field at fault (`template` for
/// a fact its kind does not carry); a message that could not be written is a bug.
fn notify_error(error: core::notify::NotifyError, detail: String) -> SysopsError {
    let field = match error {
        core::notify::NotifyError::MissingFact { .. } => "template",
        core::notify::NotifyError::Template { field, .. } => field,
        core::notify::NotifyError::NoTemplate { .. } => return SysopsError::Internal { detail },
    };
    SysopsError::InvalidInput { field: field.to_owned(), reason: detail }
}

/// Stable names hosts can match on.
/// A refused ticket command: an invalid transition, or the rule that refused it.
fn ticket_error(error: TicketError, detail: String) -> SysopsError {
    let rule = match error {
        TicketError::InvalidTransition { ticket, status, action } => {
            return SysopsError::InvalidTransition { ticket: ticket.to_string(), status, action, detail };
        }
        TicketError::ExpertExcluded { .. } => Rule::ExpertExcluded,
        TicketError::OfferExpired { .. } => Rule::OfferExpired,
        TicketError::DeadlineNotReached { .. } => Rule::DeadlineNotReached,
        TicketError::ReopenWindowClosed { .. } => Rule::ReopenWindowClosed,
        TicketError::NotCovered { .. } => Rule::NotCovered,
        TicketError::ExpertUnqualified { .. } => Rule::ExpertUnqualified,
        TicketError::AccountSuspended { .. } => Rule::AccountSuspended,
        TicketError::Unchanged { .. } => Rule::NoChange,
    };
    SysopsError::RuleViolated { rule, detail }
}

/// A refused billing command: a card refused at intake is invalid input naming the field,
/// the rest are rules.
fn billing_error(error: BillingError, detail: String) -> SysopsError {
    let rule = match error {
        BillingError::Card(card) => {
            let field = match card {
                CardError::InvalidExpiry { .. } | CardError::Expired { .. } => "card_expiry",
                CardError::InvalidCvv => "cvv",
                _ => "card_number",
            };
            return SysopsError::InvalidInput { field: field.to_owned(), reason: detail };
        }
        BillingError::NotPositive { field } => {
            return SysopsError::InvalidInput { field: field.replace(' ', "_"), reason: detail };
        }
        BillingError::Rule(e) => rule(&e),
        BillingError::NoActiveSubscription { .. } => Rule::NoActiveSubscription,
        BillingError::AlreadySubscribed { .. } => Rule::AlreadySubscribed,
        BillingError::CardExpired { .. } => Rule::CardExpired,
        BillingError::InvoiceNotActionable { .. } => Rule::InvoiceNotActionable,
        BillingError::RefundTooLarge { .. } => Rule::RefundTooLarge,
        BillingError::NotEnded { .. } => Rule::PeriodNotEnded,
    };
    SysopsError::RuleViolated { rule, detail }
}

/// A refused knowledge-base command or query: a query that cannot run is invalid input, an
/// unknown revision is not found, the rest are rules.
fn kb_error(error: KbError, detail: String) -> SysopsError {
    let rule = match error {
        KbError::Query(_) => return SysopsError::InvalidInput { field: "query".to_owned(), reason: detail },
        KbError::UnknownRevision { article, revision, .. } => {
            return SysopsError::NotFound { kind: "article_revision".to_owned(), id: format!("{article}#{revision}") };
        }
        KbError::Retired { .. } => Rule::ArticleRetired,
        KbError::Rule(e) => rule(&e),
    };
    SysopsError::RuleViolated { rule, detail }
}

fn sync_fault(error: &core::sync::SyncError) -> SyncFault {
    match error {
        core::sync::SyncError::NewerProtocol { .. } => SyncFault::NewerProtocol,
        core::sync::SyncError::Malformed { .. } => SyncFault::Malformed,
        core::sync::SyncError::Stale { .. } => SyncFault::Stale,
        core::sync::SyncError::OutsideView { .. } => SyncFault::OutsideView,
        core::sync::SyncError::OtherExpert => SyncFault::OtherExpert,
    }
}

fn survey_rule(error: &core::survey::SurveyError) -> Rule {
    match error {
        core::survey::SurveyError::InvalidToken => Rule::SurveyLinkInvalid,
        core::survey::SurveyError::Expired { .. } => Rule::SurveyExpired,
        core::survey::SurveyError::AlreadyAnswered { .. } => Rule::SurveyAnswered,
    }
}

fn rule(error: &RuleError) -> Rule {
    match error {
        RuleError::AlreadyExists { .. } => Rule::AlreadyExists,
        RuleError::PlanRetired { .. } => Rule::PlanRetired,
        RuleError::NotAnExpertAccount { .. } => Rule::NotAnExpertAccount,
        RuleError::NoChange { .. } => Rule::NoChange,
    }
}

impl From<StoreError> for SysopsError {
    fn from(error: StoreError) -> Self {
        let detail = error.to_string();
        match error {
            StoreError::Conflict { .. } => SysopsError::Conflict { detail },
            StoreError::Busy => SysopsError::Busy { detail },
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
            OpenError::InvalidOption { option, .. } => {
                SysopsError::InvalidInput { field: format!("{option}_ms"), reason: error.to_string() }
            }
            OpenError::Store(e) => e.into(),
            other => SysopsError::Storage { detail: other.to_string() },
        }
    }
}
