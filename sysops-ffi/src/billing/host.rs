//! The payment gateway a host implements (a Kotlin class, a Swift type, a Python object) and
//! what crosses to it: the charge request, which holds the card number and never shows it,
//! the answer, and the two ways of giving no answer.

use crate::enums::CardBrand;
use crate::value::Money;
use std::fmt;
use std::sync::Arc;
use sysops_core::billing as bill;

/// A payment service provider the host implements, e.g. over its provider's HTTPS API. sysops
/// calls it from a background thread, one call at a time per billing run, and waits for the
/// answer; a call may block (a network request) but should give up within its own timeout
/// with [`GatewayError::Timeout`].
///
/// Both calls must honour the idempotency key: asked twice with one key, charge or refund at
/// most once and answer the second call as the first. sysops records every key before it
/// calls and calls again with the same key when no answer came (an error, a crash, a
/// timeout), so a key honoured is a customer never charged twice. Throwing anything else
/// counts as no answer. Answers are kept only when their id or reason is 1–500 characters
/// without control characters; any other answer counts as no answer too.
#[uniffi::export(rust, foreign)]
pub trait PaymentGateway: Send + Sync {
    /// Charges `request.amount()` to the card in `request`.
    fn charge(&self, request: Arc<ChargeRequest>) -> Result<ChargeAnswer, GatewayError>;

    /// Refunds `request.amount` of the charge `request.charge`; answers the refund's id.
    fn refund(&self, request: RefundRequest) -> Result<String, GatewayError>;
}

/// A charge to make: the idempotency key, the amount and the card, revealed by the vault for
/// this call only. `number()` is the one place a card number leaves sysops; printed, the
/// request shows the brand and the last four digits only.
#[derive(Clone, uniffi::Object)]
#[uniffi::export(Debug, Display)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, module = "sysops"))]
pub struct ChargeRequest {
    pub(crate) inner: bill::ChargeRequest,
}

impl fmt::Debug for ChargeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.inner;
        write!(f, "ChargeRequest(key={}, amount={}, card={:?} {:?})", r.key, r.amount, r.card.brand(), r.card)
    }
}

impl fmt::Display for ChargeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[uniffi::export]
impl ChargeRequest {
    /// The idempotency key, the same for every call about one attempt.
    pub fn key(&self) -> String {
        self.inner.key.clone()
    }

    /// How much to charge.
    pub fn amount(&self) -> Money {
        self.inner.amount.into()
    }

    /// The card number, digits only. Send it to the provider; never log or keep it.
    pub fn number(&self) -> String {
        self.inner.card.expose_digits().to_owned()
    }

    /// The card's expiry year, e.g. 2031.
    pub fn expiry_year(&self) -> u32 {
        self.inner.expiry.year().unsigned_abs()
    }

    /// The card's expiry month, 1–12.
    pub fn expiry_month(&self) -> u32 {
        self.inner.expiry.month()
    }

    /// The card's network.
    pub fn card_brand(&self) -> CardBrand {
        self.inner.card.brand()
    }

    /// The card's last four digits.
    pub fn card_last4(&self) -> String {
        self.inner.card.last4().as_str().to_owned()
    }
}

/// A refund to make of an earlier charge.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct RefundRequest {
    /// The idempotency key, the same for every call about one refund.
    pub key: String,
    /// The gateway's id of the charge to refund.
    pub charge: String,
    /// How much of it.
    pub amount: Money,
}

/// The gateway's answer to a charge.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, eq, from_py_object, module = "sysops"))]
#[allow(missing_docs)]
pub enum ChargeAnswer {
    /// Charged; the gateway's id of the charge.
    Charged { charge: String },
    /// Declined by the bank or the provider, with why (retried on the billing schedule).
    Declined { reason: String },
}

/// No answer: the gateway may or may not have acted, so sysops asks again later with the
/// same key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[allow(missing_docs)]
pub enum GatewayError {
    /// The provider could not be reached, or failed.
    #[error("payment gateway unavailable: {detail}")]
    Unavailable { detail: String },
    /// The provider did not answer in time.
    #[error("payment gateway timed out")]
    Timeout,
}

impl From<uniffi::UnexpectedUniFFICallbackError> for GatewayError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        GatewayError::Unavailable { detail: format!("the host's gateway failed: {}", e.reason) }
    }
}

impl From<GatewayError> for bill::GatewayError {
    fn from(e: GatewayError) -> Self {
        match e {
            GatewayError::Unavailable { detail } => bill::GatewayError::Unavailable(detail),
            GatewayError::Timeout => bill::GatewayError::Timeout,
        }
    }
}

impl From<bill::GatewayError> for GatewayError {
    fn from(e: bill::GatewayError) -> Self {
        match e {
            bill::GatewayError::Unavailable(detail) => GatewayError::Unavailable { detail },
            bill::GatewayError::Timeout => GatewayError::Timeout,
        }
    }
}

impl From<ChargeAnswer> for bill::ChargeAnswer {
    fn from(a: ChargeAnswer) -> Self {
        match a {
            ChargeAnswer::Charged { charge } => bill::ChargeAnswer::Charged(charge),
            ChargeAnswer::Declined { reason } => bill::ChargeAnswer::Declined(reason),
        }
    }
}

impl From<bill::ChargeAnswer> for ChargeAnswer {
    fn from(a: bill::ChargeAnswer) -> Self {
        match a {
            bill::ChargeAnswer::Charged(charge) => ChargeAnswer::Charged { charge },
            bill::ChargeAnswer::Declined(reason) => ChargeAnswer::Declined { reason },
        }
    }
}

/// The host's gateway as the core calls it: each call on a blocking thread of the runtime,
/// so a host's network call never stalls the runtime's workers, and a panic in it is no
/// answer rather than a crash.
pub(crate) struct HostGateway(pub(crate) Arc<dyn PaymentGateway>);

impl HostGateway {
    async fn call<T: Send + 'static>(
        &self,
        call: impl FnOnce(&dyn PaymentGateway) -> Result<T, GatewayError> + Send + 'static,
    ) -> Result<T, bill::GatewayError> {
        let gateway = self.0.clone();
        match tokio::task::spawn_blocking(move || call(gateway.as_ref())).await {
            Ok(answer) => answer.map_err(Into::into),
            Err(_) => Err(bill::GatewayError::Unavailable("the host's gateway panicked".into())),
        }
    }
}

impl bill::PaymentGateway for HostGateway {
    fn charge(&self, request: bill::ChargeRequest) -> bill::GatewayFuture<'_, bill::ChargeAnswer> {
        let request = Arc::new(ChargeRequest { inner: request });
        Box::pin(async move { self.call(move |g| g.charge(request)).await.map(Into::into) })
    }

    fn refund(&self, key: String, charge: String, amount: sysops_core::Money) -> bill::GatewayFuture<'_, String> {
        let request = RefundRequest { key, charge, amount: amount.into() };
        Box::pin(self.call(move |g| g.refund(request)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sysops_core::billing::PaymentGateway as _;

    /// A host's gateway with a bug.
    struct Panicking;

    impl PaymentGateway for Panicking {
        #[allow(clippy::panic)]
        fn charge(&self, _: Arc<ChargeRequest>) -> Result<ChargeAnswer, GatewayError> {
            panic!("a bug in the host's gateway")
        }

        fn refund(&self, _: RefundRequest) -> Result<String, GatewayError> {
            Err(GatewayError::Timeout)
        }
    }

    #[test]
    fn a_panicking_host_gateway_is_no_answer_and_a_request_never_shows_its_number() {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let request = bill::ChargeRequest {
            key: "invoice-1-charge-1".into(),
            amount: sysops_core::Money::new(10.into(), sysops_core::Currency::Usd),
            card: bill::CardNumber::parse("4242424242424242").unwrap(),
            expiry: bill::CardExpiry::new(2031, 7).unwrap(),
        };
        let shown = ChargeRequest { inner: request.clone() };
        assert!(!format!("{shown} {shown:?}").contains("4242424242424242"));
        assert!(format!("{shown}").contains("4242"), "the last four digits are shown");
        let gateway = HostGateway(Arc::new(Panicking));
        let answer = runtime.block_on(gateway.charge(request));
        assert!(matches!(answer, Err(bill::GatewayError::Unavailable(_))), "{answer:?}");
        let refund = runtime.block_on(gateway.refund(
            "k".into(),
            "ch".into(),
            sysops_core::Money::new(1.into(), sysops_core::Currency::Usd),
        ));
        assert_eq!(refund, Err(bill::GatewayError::Timeout));
    }
}
