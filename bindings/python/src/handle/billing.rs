//! Billing, as methods of the Python handle: subscriptions and cards, statements, the monthly
//! run and administrators' actions on invoices.

use super::{Sysops, blocking};
use crate::args::Id;
use crate::errors::Failure;
use pyo3::prelude::*;
use std::sync::Arc;
use sysops_ffi as ffi;

#[pymethods]
impl Sysops {
    /// Subscribes the customer to their plan, charged monthly to `card` (the number goes to
    /// the vault); resumes a cancelled subscription.
    fn start_subscription(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        customer: Id,
        card: &ffi::Card,
    ) -> Result<ffi::Subscription, Failure> {
        blocking(py, self.inner.start_subscription(actor, customer.0, Arc::new(card.clone())))
    }

    /// Charges another card from now on.
    fn replace_card(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        customer: Id,
        card: &ffi::Card,
    ) -> Result<ffi::Subscription, Failure> {
        blocking(py, self.inner.replace_card(actor, customer.0, Arc::new(card.clone())))
    }

    /// Cancels the subscription at once; the days used this month are still billed.
    fn cancel_subscription(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        customer: Id,
    ) -> Result<ffi::Subscription, Failure> {
        blocking(py, self.inner.cancel_subscription(actor, customer.0))
    }

    /// The customer's subscription.
    fn subscription(&self, py: Python<'_>, actor: ffi::Actor, customer: Id) -> Result<ffi::Subscription, Failure> {
        blocking(py, self.inner.subscription(actor, customer.0))
    }

    /// The customer's invoices, `limit` after `after`, in id order.
    #[pyo3(signature = (actor, customer, after = None, limit = 100))]
    fn invoices(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        customer: Id,
        after: Option<Id>,
        limit: i64,
    ) -> Result<ffi::InvoicePage, Failure> {
        blocking(py, self.inner.invoices(actor, customer.0, after.map(|a| a.0), limit))
    }

    /// One invoice.
    fn invoice(&self, py: Python<'_>, actor: ffi::Actor, invoice: Id) -> Result<ffi::Invoice, Failure> {
        blocking(py, self.inner.invoice(actor, invoice.0))
    }

    /// The monthly run for `period` (`"YYYY-MM"`, ended), charging through `gateway`.
    fn run_billing(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        period: String,
        gateway: &ffi::SimulatedGateway,
    ) -> Result<ffi::BillingReport, Failure> {
        blocking(py, self.inner.run_billing(actor, period, Arc::new(gateway.clone())))
    }

    /// An administrator charges an unpaid invoice now, with why.
    fn retry_payment(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        invoice: Id,
        reason: String,
        gateway: &ffi::SimulatedGateway,
    ) -> Result<ffi::Invoice, Failure> {
        blocking(py, self.inner.retry_payment(actor, invoice.0, reason, Arc::new(gateway.clone())))
    }

    /// An administrator refunds `amount` of a paid invoice, with why.
    fn refund_payment(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        invoice: Id,
        amount: ffi::Money,
        reason: String,
        gateway: &ffi::SimulatedGateway,
    ) -> Result<ffi::Invoice, Failure> {
        blocking(py, self.inner.refund_payment(actor, invoice.0, amount, reason, Arc::new(gateway.clone())))
    }

    /// An administrator voids an unpaid invoice, with why.
    fn void_invoice(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        invoice: Id,
        reason: String,
    ) -> Result<ffi::Invoice, Failure> {
        blocking(py, self.inner.void_invoice(actor, invoice.0, reason))
    }

    /// An administrator writes off an unpaid invoice, with why.
    fn write_off_invoice(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        invoice: Id,
        reason: String,
    ) -> Result<ffi::Invoice, Failure> {
        blocking(py, self.inner.write_off_invoice(actor, invoice.0, reason))
    }

    /// Re-encrypts every stored card under the current card key.
    fn rotate_card_keys(&self, py: Python<'_>, actor: ffi::Actor) -> Result<ffi::RotationReport, Failure> {
        blocking(py, self.inner.rotate_card_keys(actor))
    }
}
