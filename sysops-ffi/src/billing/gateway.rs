//! The simulated payment gateway hosts test and demo billing with: a [`PaymentGateway`] like
//! one of their own, scripted per card.

use super::card::Card;
use super::host::{ChargeAnswer, ChargeRequest, GatewayError, PaymentGateway, RefundRequest};
use crate::client::reason;
use crate::error::SysopsError;
use crate::guard::guard_sync;
use std::sync::Arc;
use sysops_core::billing as bill;

/// What the simulated gateway does with one new charge of a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
pub enum Simulated {
    /// Charge the card.
    Approve,
    /// Decline it (with the reason given to `script`).
    Decline,
    /// Fail before reaching the bank: nothing charged, no answer.
    Unavailable,
    /// Time out before reaching the bank: nothing charged, no answer.
    Timeout,
    /// Charge, then lose the answer: the next call with the same key answers "charged".
    LostAnswer,
}

impl Simulated {
    fn step(self, decline_reason: &str) -> bill::Simulated {
        match self {
            Simulated::Approve => bill::Simulated::Approve,
            Simulated::Decline => bill::Simulated::Decline(decline_reason.to_owned()),
            Simulated::Unavailable => bill::Simulated::Unavailable,
            Simulated::Timeout => bill::Simulated::Timeout,
            Simulated::LostAnswer => bill::Simulated::LostAnswer,
        }
    }
}

/// A deterministic payment gateway for tests and demos: approves every card unless told
/// otherwise per card, honours idempotency keys like a real one, and counts what it charged.
/// Clones share one gateway.
#[derive(Debug, Default, Clone, uniffi::Object)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, module = "sysops"))]
pub struct SimulatedGateway {
    pub(crate) inner: Arc<bill::SimulatedGateway>,
}

#[uniffi::export]
impl SimulatedGateway {
    /// A gateway that approves every card.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// What the next new charges of `card` do, in order; the last step repeats. At most 1,000
    /// steps; declines give `decline_reason` (1–500 characters).
    pub fn script(&self, card: Arc<Card>, steps: Vec<Simulated>, decline_reason: String) -> Result<(), SysopsError> {
        guard_sync(|| self.script_card(&card, steps, decline_reason))
    }

    /// How many charges it made.
    pub fn charges(&self) -> u64 {
        self.inner.charges().len() as u64
    }

    /// How many refunds it made.
    pub fn refunds(&self) -> u64 {
        self.inner.refunds().len() as u64
    }
}

/// The simulated gateway is a gateway: pass it wherever one is asked for.
#[uniffi::export]
impl PaymentGateway for SimulatedGateway {
    fn charge(&self, request: Arc<ChargeRequest>) -> Result<ChargeAnswer, GatewayError> {
        let answer = bill::PaymentGateway::charge(self.inner.as_ref(), request.inner.clone());
        Ok(futures::executor::block_on(answer)?.into())
    }

    fn refund(&self, request: RefundRequest) -> Result<String, GatewayError> {
        let RefundRequest { key, charge, amount } = request;
        Ok(futures::executor::block_on(bill::PaymentGateway::refund(self.inner.as_ref(), key, charge, amount.into()))?)
    }
}

impl SimulatedGateway {
    pub(crate) fn script_card(
        &self,
        card: &Card,
        steps: Vec<Simulated>,
        decline_reason: String,
    ) -> Result<(), SysopsError> {
        if steps.len() > 1000 {
            return Err(SysopsError::InvalidInput { field: "steps".into(), reason: "at most 1,000 steps".into() });
        }
        let why = reason(decline_reason)?;
        self.inner.script(&card.inner.number, steps.into_iter().map(|s| s.step(why.as_str())).collect());
        Ok(())
    }
}
