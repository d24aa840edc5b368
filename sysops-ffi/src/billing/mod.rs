//! Billing: cards, subscriptions, invoices and payments, as Kotlin, Swift and Python see them.
//! `card.rs` holds the values that carry a secret, `records.rs` what is read back,
//! `host.rs` the gateway a host implements, `gateway.rs` the simulated one; this file the
//! handle's billing calls.
//!
//! A card number crosses the boundary once, into a [`Card`], which checks it at once and
//! never shows it: `toString()` in Kotlin, `description` in Swift and `repr()` in Python print
//! the brand and the last four digits only. Everything read back holds a [`CardOnFile`].

mod card;
mod gateway;
mod host;
mod records;

pub(crate) use card::key_provider;
pub use card::{Card, CardKey, CardOnFile};
pub use gateway::{Simulated, SimulatedGateway};
use host::HostGateway;
pub use host::{ChargeAnswer, ChargeRequest, GatewayError, PaymentGateway, RefundRequest};
pub use records::{
    AdminAction, BillingReport, Declined, Invoice, InvoiceLine, InvoicePage, PaymentAttempt, PlanSpan, Refund,
    RotationReport, Subscription,
};

use crate::client::{Sysops, all, page, reason};
use crate::error::SysopsError;
use crate::guard::guard;
use crate::value::{Actor, Money};
use std::sync::Arc;
use sysops_core::billing as bill;
use sysops_core::{CustomerId, InvoiceId};
use uuid::Uuid;

fn invoice_id(id: Uuid) -> InvoiceId {
    InvoiceId::from_uuid(id)
}

fn period(text: String) -> Result<bill::BillingPeriod, SysopsError> {
    Ok(bill::BillingPeriod::parse(&text)?)
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// Subscribes `customer` to their plan, charged monthly to `card` (or resumes their
    /// cancelled subscription with it). The number goes to the card vault; only the token,
    /// brand, last four digits and expiry come back. The customer themself or an administrator.
    pub async fn start_subscription(
        &self,
        actor: Actor,
        customer: Uuid,
        card: Arc<Card>,
    ) -> Result<Subscription, SysopsError> {
        guard(async move {
            let card = card.inner.clone();
            Ok(self.api()?.start_subscription(actor.into(), CustomerId::from_uuid(customer), card).await?.into())
        })
        .await
    }

    /// Charges another card from now on (the customer themself or an administrator).
    pub async fn replace_card(
        &self,
        actor: Actor,
        customer: Uuid,
        card: Arc<Card>,
    ) -> Result<Subscription, SysopsError> {
        guard(async move {
            let card = card.inner.clone();
            Ok(self.api()?.replace_card(actor.into(), CustomerId::from_uuid(customer), card).await?.into())
        })
        .await
    }

    /// Cancels the subscription at once; the days already used this month are still billed.
    pub async fn cancel_subscription(&self, actor: Actor, customer: Uuid) -> Result<Subscription, SysopsError> {
        guard(async move {
            Ok(self.api()?.cancel_subscription(actor.into(), CustomerId::from_uuid(customer)).await?.into())
        })
        .await
    }

    /// A customer's subscription (the customer themself or an administrator).
    pub async fn subscription(&self, actor: Actor, customer: Uuid) -> Result<Subscription, SysopsError> {
        guard(async move { Ok(self.api()?.subscription(actor.into(), CustomerId::from_uuid(customer)).await?.into()) })
            .await
    }

    /// A customer's invoices, `limit` (1–10,000) after `after` in id order: their statements.
    pub async fn invoices(
        &self,
        actor: Actor,
        customer: Uuid,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<InvoicePage, SysopsError> {
        guard(async move {
            let listing =
                self.api()?.invoices(actor.into(), CustomerId::from_uuid(customer), page(after, limit)?).await?;
            Ok(InvoicePage { invoices: all(listing.items), quarantined: all(listing.quarantined), next: listing.next })
        })
        .await
    }

    /// One invoice (its customer or an administrator).
    pub async fn invoice(&self, actor: Actor, invoice: Uuid) -> Result<Invoice, SysopsError> {
        guard(async move { Ok(self.api()?.invoice(actor.into(), invoice_id(invoice)).await?.into()) }).await
    }

    /// The monthly run for `period` (`YYYY-MM`, a month that has ended): one invoice per
    /// subscription, charges through `gateway` (the host's own, or a [`SimulatedGateway`]),
    /// retries of earlier months, suspensions. Safe to rerun and to run from several processes
    /// at once. Administrators and the system.
    pub async fn run_billing(
        &self,
        actor: Actor,
        period: String,
        gateway: Arc<dyn PaymentGateway>,
    ) -> Result<BillingReport, SysopsError> {
        guard(async move {
            let period = self::period(period)?;
            Ok(self.api()?.run_billing(actor.into(), period, &HostGateway(gateway)).await?.into())
        })
        .await
    }

    /// An administrator (or the system) charges an unpaid invoice now, with why.
    pub async fn retry_payment(
        &self,
        actor: Actor,
        invoice: Uuid,
        why: String,
        gateway: Arc<dyn PaymentGateway>,
    ) -> Result<Invoice, SysopsError> {
        guard(async move {
            let why = reason(why)?;
            Ok(self.api()?.retry_payment(actor.into(), invoice_id(invoice), why, &HostGateway(gateway)).await?.into())
        })
        .await
    }

    /// An administrator refunds `amount` (more than zero, at most what was paid and not yet
    /// refunded) of a paid invoice, with why.
    pub async fn refund_payment(
        &self,
        actor: Actor,
        invoice: Uuid,
        amount: Money,
        why: String,
        gateway: Arc<dyn PaymentGateway>,
    ) -> Result<Invoice, SysopsError> {
        guard(async move {
            let why = reason(why)?;
            let invoice = invoice_id(invoice);
            Ok(self
                .api()?
                .refund_payment(actor.into(), invoice, amount.into(), why, &HostGateway(gateway))
                .await?
                .into())
        })
        .await
    }

    /// An administrator voids an unpaid invoice, with why; a suspension for it is lifted.
    pub async fn void_invoice(&self, actor: Actor, invoice: Uuid, why: String) -> Result<Invoice, SysopsError> {
        guard(async move {
            let why = reason(why)?;
            Ok(self.api()?.void_invoice(actor.into(), invoice_id(invoice), why).await?.into())
        })
        .await
    }

    /// An administrator writes off an unpaid invoice, with why; a suspension for it is lifted.
    pub async fn write_off_invoice(&self, actor: Actor, invoice: Uuid, why: String) -> Result<Invoice, SysopsError> {
        guard(async move {
            let why = reason(why)?;
            Ok(self.api()?.write_off_invoice(actor.into(), invoice_id(invoice), why).await?.into())
        })
        .await
    }

    /// Re-encrypts every stored card under the current card key (administrators, the system).
    pub async fn rotate_card_keys(&self, actor: Actor) -> Result<RotationReport, SysopsError> {
        guard(async move {
            let report = self.api()?.rotate_card_keys(actor.into()).await?;
            Ok(RotationReport { rotated: report.rotated, current: report.current })
        })
        .await
    }
}
