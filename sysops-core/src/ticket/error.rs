//! The ticket workflow's own rule errors.

use super::TicketStatus;
use crate::actor::Action;
use crate::expert::Unqualified;
use crate::id::{CustomerId, ExpertId, InvoiceId, PlanId, TicketId};
use crate::rule::Refused;
use crate::skill::ProductCategory;
use chrono::{DateTime, Utc};

/// A ticket command that the workflow rules refuse in the ticket's current state.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[allow(missing_docs)]
pub enum TicketError {
    /// The command is not allowed from the ticket's state.
    #[error("ticket {ticket} is {status:?}; {action:?} is not allowed from there")]
    InvalidTransition {
        ticket: TicketId,
        /// Its current state.
        status: TicketStatus,
        /// The refused command.
        action: Action,
    },
    /// The expert already rejected this ticket or let an offer of it expire.
    #[error("expert {expert} already rejected or let ticket {ticket} expire")]
    ExpertExcluded {
        ticket: TicketId,
        /// The excluded expert.
        expert: ExpertId,
    },
    /// The expert answered after the response deadline; the offer is void.
    #[error("the offer of ticket {ticket} expired at {respond_by}")]
    OfferExpired {
        ticket: TicketId,
        /// The deadline that passed.
        respond_by: DateTime<Utc>,
    },
    /// Expiry was requested before the response deadline.
    #[error("the offer of ticket {ticket} runs until {respond_by}")]
    DeadlineNotReached {
        ticket: TicketId,
        /// The deadline still ahead.
        respond_by: DateTime<Utc>,
    },
    /// Reopening was requested after the reopen window.
    #[error("ticket {ticket} could be reopened until {window_end}")]
    ReopenWindowClosed {
        ticket: TicketId,
        /// When the window ended.
        window_end: DateTime<Utc>,
    },
    /// The customer's plan does not cover the product category.
    #[error("plan {plan} does not cover {category:?}")]
    NotCovered {
        plan: PlanId,
        /// The category asked for.
        category: ProductCategory,
    },
    /// The customer's account is suspended for an unpaid invoice: they can still read their
    /// tickets, but submit new ones only once it is paid, voided or written off.
    #[error("the account of customer {customer} is suspended until invoice {invoice} is settled")]
    AccountSuspended {
        customer: CustomerId,
        /// The unpaid invoice.
        invoice: InvoiceId,
    },
    /// The command would change nothing (the same articles recorded again).
    #[error("{action:?} would not change ticket {ticket}")]
    Unchanged { ticket: TicketId, action: Action },
    /// The expert may not be given this ticket (manual assignment checks).
    #[error("expert {expert} cannot take ticket {ticket}: {why:?}")]
    ExpertUnqualified {
        ticket: TicketId,
        expert: ExpertId,
        /// What is missing.
        why: Unqualified,
    },
}

impl From<TicketError> for Refused<TicketError> {
    fn from(error: TicketError) -> Self {
        Refused::Rule(error)
    }
}
