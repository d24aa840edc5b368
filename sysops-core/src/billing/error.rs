//! The billing domain's own errors: a card refused at intake, and the rules of
//! subscriptions and invoices. None of them carries a card's digits.

use super::invoice::InvoiceStatus;
use super::period::BillingPeriod;
use crate::actor::Action;
use crate::id::{CustomerId, InvoiceId};
use crate::money::Money;
use crate::rule::{Refused, RuleError};

/// A card refused at intake. Says what is wrong, never which digits were given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[allow(missing_docs)]
pub enum CardError {
    /// Something other than digits, spaces and dashes.
    #[error("a card number holds only digits, spaces and dashes")]
    NotDigits,
    /// Too few or too many digits for a card number, or for its brand.
    #[error("a card number of {digits} digits is not issued by its brand (12 to 19 digits, as the brand issues)")]
    WrongLength { digits: usize },
    /// The leading digits belong to no card network sysops accepts.
    #[error("the card number belongs to no accepted card network")]
    UnknownBrand,
    /// The check digit is wrong: a digit was mistyped.
    #[error("the card number fails its check digit (Luhn): a digit is mistyped")]
    FailsLuhnCheck,
    /// Not a month 1..=12 of a year 2000..=2199, or further ahead than cards are issued.
    #[error("{month}/{year} is not a valid card expiry")]
    InvalidExpiry { year: i64, month: i64 },
    /// The expiry month has ended.
    #[error("the card expired at the end of {month:02}/{year}")]
    Expired { year: i32, month: u32 },
    /// A security code is 3 digits, or 4 for Amex.
    #[error("the security code must be 3 digits (4 for American Express)")]
    InvalidCvv,
}

/// A billing command the rules refuse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[allow(missing_docs)]
pub enum BillingError {
    /// The card was refused at intake.
    #[error(transparent)]
    Card(#[from] CardError),
    /// A rule every aggregate shares (the plan is retired, nothing would change).
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// The customer has no active subscription (never started, or cancelled).
    #[error("customer {customer} has no active subscription")]
    NoActiveSubscription { customer: CustomerId },
    /// The customer already has an active subscription.
    #[error("customer {customer} already has an active subscription")]
    AlreadySubscribed { customer: CustomerId },
    /// The card on file expired; the customer must register a new one.
    #[error("the card on file of customer {customer} has expired")]
    CardExpired { customer: CustomerId },
    /// The invoice's state does not allow the action.
    #[error("invoice {invoice} is {status:?}; {action:?} is not allowed")]
    InvoiceNotActionable { invoice: InvoiceId, status: InvoiceStatus, action: Action },
    /// A refund larger than what was paid and not yet refunded.
    #[error("invoice {invoice} can refund at most {refundable}, {asked} was asked")]
    RefundTooLarge { invoice: InvoiceId, refundable: Money, asked: Money },
    /// A billing run for a month that has not ended (months are billed after they end).
    #[error("period {period} has not ended yet")]
    NotEnded { period: BillingPeriod },
    /// An amount that must be positive is not.
    #[error("{field} must be more than zero")]
    NotPositive { field: &'static str },
}

impl From<BillingError> for Refused<BillingError> {
    fn from(error: BillingError) -> Self {
        Refused::Rule(error)
    }
}

impl From<CardError> for Refused<BillingError> {
    fn from(error: CardError) -> Self {
        Refused::Rule(BillingError::Card(error))
    }
}
