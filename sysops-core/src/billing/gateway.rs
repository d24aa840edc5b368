//! Payment through a gateway the host provides, and a deterministic simulated one.
//!
//! The gateway must honour idempotency keys: asked twice with one key, it charges (or
//! refunds) at most once and answers the second call with the first call's result. sysops
//! records every key before it calls, and calls again with the same key when an answer was
//! lost, so a crash, a timeout or a rerun never charges twice.

use super::card::{CardExpiry, CardNumber};
use crate::money::Money;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

/// A future a gateway returns.
pub type GatewayFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, GatewayError>> + Send + 'a>>;

/// A charge to ask of the gateway.
#[derive(Debug, Clone)]
pub struct ChargeRequest {
    /// The same for every retry of one attempt.
    pub key: String,
    /// How much.
    pub amount: Money,
    /// The card, revealed by the vault for this call only.
    pub card: CardNumber,
    /// Its expiry.
    pub expiry: CardExpiry,
}

/// The gateway's answer to a charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeAnswer {
    /// Charged; the gateway's id of the charge.
    Charged(String),
    /// Declined, with the gateway's reason.
    Declined(String),
}

/// The longest charge id, refund id or decline reason sysops keeps from a gateway, in characters.
pub const MAX_GATEWAY_TEXT: usize = 500;

/// `text` from a gateway's answer if sysops can keep it: 1–[`MAX_GATEWAY_TEXT`] characters,
/// no control characters. An answer that is not is no answer: the call is repeated later with
/// the same key, and a gateway honouring keys answers it the same way without acting twice.
pub fn checked_gateway_text(what: &str, text: String) -> Result<String, GatewayError> {
    let chars = text.chars().count();
    if chars == 0 || chars > MAX_GATEWAY_TEXT || text.chars().any(char::is_control) {
        return Err(GatewayError::Unavailable(format!(
            "unusable answer: a {what} must be 1-{MAX_GATEWAY_TEXT} characters without control characters"
        )));
    }
    Ok(text)
}

impl ChargeAnswer {
    /// The answer if its id or reason is one sysops can keep ([`checked_gateway_text`]).
    pub fn checked(self) -> Result<Self, GatewayError> {
        Ok(match self {
            ChargeAnswer::Charged(id) => ChargeAnswer::Charged(checked_gateway_text("charge id", id)?),
            ChargeAnswer::Declined(why) => ChargeAnswer::Declined(checked_gateway_text("decline reason", why)?),
        })
    }
}

/// No answer came: the gateway may or may not have acted, so the call is repeated later
/// with the same key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    /// The gateway could not be reached, or failed.
    #[error("payment gateway unavailable: {0}")]
    Unavailable(String),
    /// The gateway did not answer in time.
    #[error("payment gateway timed out")]
    Timeout,
}

/// A payment service provider, implemented by the host (a Rust type, a Kotlin or Swift
/// object, a Python object). Both calls must honour `key` as an idempotency key.
pub trait PaymentGateway: Send + Sync {
    /// Charges `request.amount` to the card.
    fn charge(&self, request: ChargeRequest) -> GatewayFuture<'_, ChargeAnswer>;

    /// Refunds `amount` of the charge `charge`; answers the refund's id.
    fn refund(&self, key: String, charge: String, amount: Money) -> GatewayFuture<'_, String>;
}

/// What the simulated gateway does with one new charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Simulated {
    /// Charge the card.
    Approve,
    /// Decline with this reason.
    Decline(String),
    /// Fail before reaching the bank: nothing is charged, no answer.
    Unavailable,
    /// Time out before reaching the bank: nothing is charged, no answer.
    Timeout,
    /// Charge the card, then lose the answer (a timeout): the next call with the same key
    /// answers `Charged`.
    LostAnswer,
}

/// A charge the simulated gateway made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedCharge {
    /// The charge's id.
    pub charge: String,
    /// The idempotency key it was made under.
    pub key: String,
    /// How much.
    pub amount: Money,
    /// The card's last four digits.
    pub last4: String,
}

#[derive(Default)]
struct SimState {
    /// Per card number: what its next new charges do, in order; the last one repeats.
    scripts: HashMap<String, Vec<Simulated>>,
    /// Answers given (or owed, after a lost answer) per key.
    answers: HashMap<String, ChargeAnswer>,
    refunds: HashMap<String, String>,
    charges: Vec<SimulatedCharge>,
    refunded: Vec<(String, Money)>,
}

/// A deterministic gateway for tests and the demo: it approves every card unless told
/// otherwise per card number ([`SimulatedGateway::script`]), honours idempotency keys like a
/// real one, and lists what it charged. It never logs a card number.
///
/// ```
/// use sysops_core::billing::{CardExpiry, CardNumber, ChargeAnswer, ChargeRequest, PaymentGateway, Simulated, SimulatedGateway};
/// use sysops_core::{Currency, Money};
/// # futures::executor::block_on(async {
/// let gateway = SimulatedGateway::new();
/// let card = CardNumber::parse("4000 0000 0000 0002").unwrap();
/// gateway.script(&card, vec![Simulated::Decline("insufficient funds".into()), Simulated::Approve]);
/// let request = |key: &str| ChargeRequest {
///     key: key.into(),
///     amount: Money::new(10.into(), Currency::Usd),
///     card: card.clone(),
///     expiry: CardExpiry::new(2030, 1).unwrap(),
/// };
/// assert!(matches!(gateway.charge(request("a")).await, Ok(ChargeAnswer::Declined(_))));
/// assert!(matches!(gateway.charge(request("b")).await, Ok(ChargeAnswer::Charged(_))));
/// assert!(matches!(gateway.charge(request("b")).await, Ok(ChargeAnswer::Charged(_)))); // same key: once
/// assert_eq!(gateway.charges().len(), 1);
/// # });
/// ```
#[derive(Default)]
pub struct SimulatedGateway {
    state: Mutex<SimState>,
}

impl fmt::Debug for SimulatedGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SimulatedGateway")
    }
}

impl SimulatedGateway {
    /// A gateway that approves every card.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, SimState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What new charges of `card` do, in order; the last step repeats for later ones.
    /// Repeated calls with a key already answered are answered the same, whatever the script.
    pub fn script(&self, card: &CardNumber, steps: Vec<Simulated>) {
        self.state().scripts.insert(card.expose_digits().to_owned(), steps);
    }

    /// Every charge made, in order.
    pub fn charges(&self) -> Vec<SimulatedCharge> {
        self.state().charges.clone()
    }

    /// Every refund made: the charge refunded and how much.
    pub fn refunds(&self) -> Vec<(String, Money)> {
        self.state().refunded.clone()
    }

    fn decide_charge(&self, request: &ChargeRequest) -> Result<ChargeAnswer, GatewayError> {
        let mut state = self.state();
        if let Some(answer) = state.answers.get(&request.key) {
            return Ok(answer.clone());
        }
        let step = match state.scripts.get_mut(request.card.expose_digits()) {
            Some(steps) if steps.len() > 1 => steps.remove(0),
            Some(steps) => steps.first().cloned().unwrap_or(Simulated::Approve),
            None => Simulated::Approve,
        };
        let charge = |state: &mut SimState| {
            let id = format!("ch_sim_{:08}", state.charges.len() + 1);
            state.charges.push(SimulatedCharge {
                charge: id.clone(),
                key: request.key.clone(),
                amount: request.amount,
                last4: request.card.last4().as_str().to_owned(),
            });
            state.answers.insert(request.key.clone(), ChargeAnswer::Charged(id.clone()));
            ChargeAnswer::Charged(id)
        };
        match step {
            Simulated::Approve => Ok(charge(&mut state)),
            Simulated::Decline(reason) => {
                let answer = ChargeAnswer::Declined(reason);
                state.answers.insert(request.key.clone(), answer.clone());
                Ok(answer)
            }
            Simulated::Unavailable => Err(GatewayError::Unavailable("simulated outage".into())),
            Simulated::Timeout => Err(GatewayError::Timeout),
            Simulated::LostAnswer => {
                charge(&mut state);
                Err(GatewayError::Timeout)
            }
        }
    }
}

impl PaymentGateway for SimulatedGateway {
    fn charge(&self, request: ChargeRequest) -> GatewayFuture<'_, ChargeAnswer> {
        let answer = self.decide_charge(&request);
        Box::pin(async move { answer })
    }

    fn refund(&self, key: String, charge: String, amount: Money) -> GatewayFuture<'_, String> {
        let mut state = self.state();
        let id = match state.refunds.get(&key) {
            Some(id) => id.clone(),
            None => {
                let id = format!("re_sim_{:08}", state.refunded.len() + 1);
                state.refunded.push((charge, amount));
                state.refunds.insert(key, id.clone());
                id
            }
        };
        Box::pin(async move { Ok(id) })
    }
}
