//! Money as an exact decimal amount with a currency; never a float.

use crate::error::ValidationError;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency the business bills in.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Currency {
    /// United States dollar.
    Usd,
    /// Canadian dollar.
    Cad,
    /// Euro.
    Eur,
}

impl Currency {
    /// Digits after the decimal point in the currency's smallest unit (cents: 2).
    pub const fn minor_units(self) -> u32 {
        2
    }

    /// The ISO 4217 code, e.g. `"USD"`.
    pub const fn code(self) -> &'static str {
        match self {
            Currency::Usd => "USD",
            Currency::Cad => "CAD",
            Currency::Eur => "EUR",
        }
    }

    /// Parses an ISO 4217 code (case-insensitive).
    pub fn parse(code: &str) -> Result<Self, ValidationError> {
        match code.trim().to_ascii_uppercase().as_str() {
            "USD" => Ok(Currency::Usd),
            "CAD" => Ok(Currency::Cad),
            "EUR" => Ok(Currency::Eur),
            _ => Err(ValidationError::UnknownCurrency { code: crate::error::clip(code) }),
        }
    }
}

/// An exact amount of one currency.
///
/// Amounts are kept at the currency's minor unit: construction rounds half away
/// from zero ("commercial rounding", 2.345 → 2.35, -2.345 → -2.35), the rule
/// invoices and statements use. Arithmetic between two currencies is refused.
///
/// ```
/// use sysops_core::{Currency, Money};
/// use rust_decimal::Decimal;
/// let fee = Money::new(Decimal::new(19_995, 3), Currency::Usd); // 19.995
/// assert_eq!(fee.to_string(), "20.00 USD");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// `amount` of `currency`, rounded half away from zero to the minor unit.
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        let mut amount = amount.round_dp_with_strategy(currency.minor_units(), RoundingStrategy::MidpointAwayFromZero);
        amount.rescale(currency.minor_units());
        Self { amount, currency }
    }

    /// Zero of `currency`.
    pub fn zero(currency: Currency) -> Self {
        Self::new(Decimal::ZERO, currency)
    }

    /// The amount, always at the currency's minor-unit scale.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// `self + other`, or an error when the currencies differ or the sum overflows.
    pub fn checked_add(self, other: Money) -> Result<Money, ValidationError> {
        self.same_currency(other)?;
        self.amount
            .checked_add(other.amount)
            .map(|a| Money::new(a, self.currency))
            .ok_or(ValidationError::Overflow { field: "money" })
    }

    /// `self - other`, or an error when the currencies differ or the result overflows.
    pub fn checked_sub(self, other: Money) -> Result<Money, ValidationError> {
        self.same_currency(other)?;
        self.amount
            .checked_sub(other.amount)
            .map(|a| Money::new(a, self.currency))
            .ok_or(ValidationError::Overflow { field: "money" })
    }

    /// True when the amount is below zero.
    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    fn same_currency(self, other: Money) -> Result<(), ValidationError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(ValidationError::CurrencyMismatch { left: self.currency.code(), right: other.currency.code() })
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency.code())
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero_to_cents() {
        assert_eq!(Money::new(Decimal::new(2345, 3), Currency::Usd).amount(), Decimal::new(235, 2));
        assert_eq!(Money::new(Decimal::new(-2345, 3), Currency::Usd).amount(), Decimal::new(-235, 2));
        assert_eq!(Money::new(Decimal::new(5, 0), Currency::Usd).to_string(), "5.00 USD");
    }

    #[test]
    fn refuses_to_mix_currencies() {
        let usd = Money::new(Decimal::ONE, Currency::Usd);
        let eur = Money::new(Decimal::ONE, Currency::Eur);
        assert_eq!(usd.checked_add(eur), Err(ValidationError::CurrencyMismatch { left: "USD", right: "EUR" }));
        assert_eq!(usd.checked_add(usd).map(|m| m.amount()), Ok(Decimal::new(200, 2)));
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let max = Money::new(Decimal::MAX, Currency::Usd);
        assert_eq!(max.checked_add(max), Err(ValidationError::Overflow { field: "money" }));
    }

    #[test]
    fn parses_currency_codes() {
        assert_eq!(Currency::parse("usd"), Ok(Currency::Usd));
        assert!(matches!(Currency::parse("XXX"), Err(ValidationError::UnknownCurrency { .. })));
    }
}
