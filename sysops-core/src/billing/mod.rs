//! The billing quantum (ADR-4, ADR-11): cards kept in a vault, subscriptions to support
//! plans, one invoice per subscription and month, payment through the host's gateway.
//!
//! - `card`: intake of a card; only a token, the brand, the last four digits and the
//!   expiry exist outside the vault.
//! - `period`: billing months and the proration rule.
//! - `subscription`, `invoice`: the aggregates.
//! - `gateway`: the [`PaymentGateway`] trait and a deterministic [`SimulatedGateway`].
//! - `store`: invoice listings and the [`CardVault`] storage traits.

mod card;
mod error;
mod gateway;
mod invoice;
mod period;
mod store;
mod subscription;

pub use card::{CardBrand, CardExpiry, CardNumber, CardOnFile, Cvv, Last4, NewCard};
pub use error::{BillingError, CardError};
pub use gateway::{
    ChargeAnswer, ChargeRequest, GatewayError, GatewayFuture, MAX_GATEWAY_TEXT, PaymentGateway, Simulated,
    SimulatedCharge, SimulatedGateway, checked_gateway_text,
};
pub use invoice::{
    AdminAction, AttemptOutcome, Invoice, InvoiceCommand, InvoiceEvent, InvoiceIndex, InvoiceStatus, PaymentAttempt,
    RETRY_AFTER_DAYS, Refund,
};
pub use period::{BilledPlan, BillingPeriod, InvoiceLine, PlanSpan, prorate};
pub use store::{BillingStore, CardVault, InvoiceFilter, RotationReport, VaultEntry, VaultError};
pub use subscription::{Subscription, SubscriptionCommand, SubscriptionEvent, SubscriptionIndex};

#[cfg(test)]
mod tests;
