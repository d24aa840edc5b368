//! Billing, as methods of the Python handle: subscriptions and cards, statements, the monthly
//! run and administrators' actions on invoices.

use super::{Sysops, blocking};
use crate::args::Id;
use crate::errors::Failure;
use pyo3::prelude::*;
use std::sync::Arc;
use sysops_ffi as ffi;

/// A gateway written in Python: an object with `charge(request) -> ChargeAnswer` and
/// `refund(request) -> str`. An exception is no answer (asked again later with the same key):
/// `TimeoutError` a timeout, any other the provider unavailable, recorded by its type's name
/// only, as its message might hold what the request held.
struct PythonGateway(Py<PyAny>);

impl PythonGateway {
    fn ask<T>(
        &self,
        method: &str,
        request: impl for<'py> IntoPyObject<'py>,
        answer: impl FnOnce(&Bound<'_, PyAny>) -> PyResult<T>,
    ) -> Result<T, ffi::GatewayError> {
        Python::attach(|py| {
            let asked = self.0.bind(py).call_method1(method, (request,)).and_then(|a| answer(&a));
            asked.map_err(|e| {
                if e.is_instance_of::<pyo3::exceptions::PyTimeoutError>(py) {
                    return ffi::GatewayError::Timeout;
                }
                let kind = e.get_type(py).name().map_or_else(|_| "an exception".to_owned(), |n| n.to_string());
                ffi::GatewayError::Unavailable { detail: format!("the Python gateway raised {kind}") }
            })
        })
    }
}

impl ffi::PaymentGateway for PythonGateway {
    fn charge(&self, request: Arc<ffi::ChargeRequest>) -> Result<ffi::ChargeAnswer, ffi::GatewayError> {
        let request = ffi::ChargeRequest::clone(&request);
        self.ask("charge", request, |a| a.extract::<ffi::ChargeAnswer>().map_err(Into::into))
    }

    fn refund(&self, request: ffi::RefundRequest) -> Result<String, ffi::GatewayError> {
        self.ask("refund", request, |a| a.extract::<String>())
    }
}

/// `gateway` as the run calls it: the simulated one, or one written in Python.
fn host_gateway(gateway: &Bound<'_, PyAny>) -> Result<Arc<dyn ffi::PaymentGateway>, Failure> {
    if let Ok(simulated) = gateway.cast::<ffi::SimulatedGateway>() {
        return Ok(Arc::new(simulated.get().clone()));
    }
    if !["charge", "refund"].iter().all(|m| gateway.hasattr(m).unwrap_or(false)) {
        let reason = "a SimulatedGateway, or an object with charge(request) and refund(request) methods".into();
        return Err(Failure(ffi::SysopsError::InvalidInput { field: "gateway".into(), reason }));
    }
    Ok(Arc::new(PythonGateway(gateway.clone().unbind())))
}

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
        gateway: &Bound<'_, PyAny>,
    ) -> Result<ffi::BillingReport, Failure> {
        blocking(py, self.inner.run_billing(actor, period, host_gateway(gateway)?))
    }

    /// An administrator charges an unpaid invoice now, with why.
    fn retry_payment(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        invoice: Id,
        reason: String,
        gateway: &Bound<'_, PyAny>,
    ) -> Result<ffi::Invoice, Failure> {
        blocking(py, self.inner.retry_payment(actor, invoice.0, reason, host_gateway(gateway)?))
    }

    /// An administrator refunds `amount` of a paid invoice, with why.
    fn refund_payment(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        invoice: Id,
        amount: ffi::Money,
        reason: String,
        gateway: &Bound<'_, PyAny>,
    ) -> Result<ffi::Invoice, Failure> {
        blocking(py, self.inner.refund_payment(actor, invoice.0, amount, reason, host_gateway(gateway)?))
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
