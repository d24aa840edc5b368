//! Card intake: a number checked before it goes anywhere, and types that never show it.
//!
//! A [`CardNumber`] or [`Cvv`] exists only between the caller and the vault: neither is
//! serializable, and both redact themselves in `Debug` and `Display` (`•••• 4242`, `•••`).
//! Everything outside the vault holds a [`CardOnFile`]: a token, the brand, the last four
//! digits and the expiry. The errors here never carry the digits they refuse.

use super::error::CardError;
use crate::id::CardToken;
use crate::text::PersonName;
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The card networks sysops recognises from a number's leading digits.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum CardBrand {
    Visa,
    Mastercard,
    Amex,
    Discover,
    DinersClub,
    Jcb,
    UnionPay,
}

impl CardBrand {
    /// The brand of `digits` (ASCII digits only) and the lengths it issues.
    fn detect(digits: &[u8]) -> Option<(CardBrand, &'static [usize])> {
        let prefix = |n: usize| -> u32 { digits.iter().take(n).fold(0, |acc, d| acc * 10 + u32::from(d - b'0')) };
        let (p1, p2, p3, p4, p6) = (prefix(1), prefix(2), prefix(3), prefix(4), prefix(6));
        let brand = match () {
            () if p2 == 34 || p2 == 37 => (CardBrand::Amex, &[15][..]),
            () if (51..=55).contains(&p2) || (2221..=2720).contains(&p4) => (CardBrand::Mastercard, &[16][..]),
            () if p4 == 6011 || p2 == 65 || (644..=649).contains(&p3) || (622_126..=622_925).contains(&p6) => {
                (CardBrand::Discover, &[16, 17, 18, 19][..])
            }
            () if p2 == 62 => (CardBrand::UnionPay, &[16, 17, 18, 19][..]),
            () if (3528..=3589).contains(&p4) => (CardBrand::Jcb, &[16, 17, 18, 19][..]),
            () if (300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39 => {
                (CardBrand::DinersClub, &[14, 15, 16, 17, 18, 19][..])
            }
            () if p1 == 4 => (CardBrand::Visa, &[13, 16, 19][..]),
            () => return None,
        };
        Some(brand)
    }

    /// How many digits this brand's security code has (Amex: 4, the others: 3).
    pub const fn cvv_digits(self) -> usize {
        match self {
            CardBrand::Amex => 4,
            _ => 3,
        }
    }
}

/// The Luhn (mod 10) check every payment card number passes.
fn luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let d = u32::from(d - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// A payment card number: 12 to 19 digits of a recognised brand, at a length that brand
/// issues, passing the Luhn check. Spaces and dashes between digits are accepted and dropped.
///
/// Never serialized and never shown: `Debug` and `Display` print `•••• ` and the last four
/// digits; only the vault reads the digits ([`CardNumber::expose_digits`]).
///
/// ```
/// use sysops_core::billing::{CardBrand, CardNumber};
/// let card = CardNumber::parse("4242 4242 4242 4242").unwrap();
/// assert_eq!(card.brand(), CardBrand::Visa);
/// assert_eq!(format!("{card:?}"), "•••• 4242");
/// assert!(CardNumber::parse("4242 4242 4242 4241").is_err()); // wrong check digit
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber {
    digits: String,
    brand: CardBrand,
}

impl CardNumber {
    /// Fewest digits of any card number.
    pub const MIN_DIGITS: usize = 12;
    /// Most digits of any card number.
    pub const MAX_DIGITS: usize = 19;

    /// Checks `input` as a card number. The error says what is wrong, never which digits.
    pub fn parse(input: &str) -> Result<Self, CardError> {
        // Bounded before anything else, so 10 kB of spaces is refused as quickly as 20 digits.
        if input.len() > 2 * Self::MAX_DIGITS + 8 {
            return Err(CardError::WrongLength { digits: input.chars().filter(char::is_ascii_digit).count() });
        }
        let mut digits = String::with_capacity(Self::MAX_DIGITS);
        for c in input.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' => {}
                _ => return Err(CardError::NotDigits),
            }
        }
        if !(Self::MIN_DIGITS..=Self::MAX_DIGITS).contains(&digits.len()) {
            return Err(CardError::WrongLength { digits: digits.len() });
        }
        let bytes = digits.as_bytes();
        let (brand, lengths) = CardBrand::detect(bytes).ok_or(CardError::UnknownBrand)?;
        if !lengths.contains(&digits.len()) {
            return Err(CardError::WrongLength { digits: digits.len() });
        }
        if !luhn(bytes) {
            return Err(CardError::FailsLuhnCheck);
        }
        Ok(Self { digits, brand })
    }

    /// The card's brand.
    pub fn brand(&self) -> CardBrand {
        self.brand
    }

    /// The last four digits, the only ones shown outside the vault.
    pub fn last4(&self) -> Last4 {
        Last4(self.digits.get(self.digits.len().saturating_sub(4)..).unwrap_or_default().to_owned())
    }

    /// The digits, for the vault to encrypt and a payment gateway to charge. Nothing else
    /// should call this.
    pub fn expose_digits(&self) -> &str {
        &self.digits
    }
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "•••• {}", self.last4().0)
    }
}

impl fmt::Display for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// The last four digits of a card number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Last4(String);

impl Last4 {
    /// The four digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Last4 {
    type Error = CardError;
    fn try_from(value: String) -> Result<Self, CardError> {
        if value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(value))
        } else {
            Err(CardError::NotDigits)
        }
    }
}

impl From<Last4> for String {
    fn from(value: Last4) -> String {
        value.0
    }
}

impl fmt::Display for Last4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A card security code (CVV/CVC): 3 digits, 4 for Amex. Accepted for a first
/// authorization only: it has no `Serialize`, is never stored, and never shows (`•••`).
#[derive(Clone, PartialEq, Eq)]
pub struct Cvv(String);

impl Cvv {
    /// Checks `input` as a security code of 3 or 4 digits.
    pub fn parse(input: &str) -> Result<Self, CardError> {
        let code = input.trim();
        if (3..=4).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(code.to_owned()))
        } else {
            Err(CardError::InvalidCvv)
        }
    }

    /// The digits, for the payment gateway's first authorization.
    pub fn expose_digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Cvv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("•••")
    }
}

impl fmt::Display for Cvv {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("•••")
    }
}

/// The month a card expires: it is valid through the last instant of that month (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "(i32, u32)", into = "(i32, u32)")]
pub struct CardExpiry {
    year: i32,
    month: u32,
}

impl CardExpiry {
    /// Latest year accepted: cards are issued for at most 20 years.
    const YEARS_AHEAD: i32 = 20;

    /// A month `1..=12` of a four-digit year `2000..=2199`.
    pub fn new(year: i32, month: u32) -> Result<Self, CardError> {
        if (1..=12).contains(&month) && (2000..=2199).contains(&year) {
            Ok(Self { year, month })
        } else {
            Err(CardError::InvalidExpiry { year: i64::from(year), month: i64::from(month) })
        }
    }

    /// The expiry of a card used at `now`: refused when its month has ended, or when it lies
    /// more than 20 years ahead.
    pub fn valid_at(year: i32, month: u32, now: DateTime<Utc>) -> Result<Self, CardError> {
        let expiry = Self::new(year, month)?;
        if expiry.has_expired(now) {
            return Err(CardError::Expired { year, month });
        }
        if year > now.year().saturating_add(Self::YEARS_AHEAD) {
            return Err(CardError::InvalidExpiry { year: i64::from(year), month: i64::from(month) });
        }
        Ok(expiry)
    }

    /// True once the expiry month has ended at `now`.
    pub fn has_expired(&self, now: DateTime<Utc>) -> bool {
        (now.year(), now.month()) > (self.year, self.month)
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month, `1..=12`.
    pub fn month(&self) -> u32 {
        self.month
    }
}

impl TryFrom<(i32, u32)> for CardExpiry {
    type Error = CardError;
    fn try_from((year, month): (i32, u32)) -> Result<Self, CardError> {
        Self::new(year, month)
    }
}

impl From<CardExpiry> for (i32, u32) {
    fn from(expiry: CardExpiry) -> Self {
        (expiry.year, expiry.month)
    }
}

impl fmt::Display for CardExpiry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{}", self.month, self.year)
    }
}

/// A card as the customer hands it in: what the vault stores, and the CVV for a first
/// authorization. Shows no digit but the last four.
#[derive(Clone, PartialEq, Eq)]
pub struct NewCard {
    /// The number.
    pub number: CardNumber,
    /// When it expires.
    pub expiry: CardExpiry,
    /// The name on the card.
    pub holder: PersonName,
    /// The security code, never stored.
    pub cvv: Option<Cvv>,
}

impl fmt::Debug for NewCard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewCard")
            .field("number", &self.number)
            .field("expiry", &self.expiry)
            .field("holder", &self.holder)
            .field("cvv", &self.cvv)
            .finish()
    }
}

/// A card on file, as everything outside the vault knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct CardOnFile {
    /// The vault's handle on the number.
    pub token: CardToken,
    pub brand: CardBrand,
    pub last4: Last4,
    pub expiry: CardExpiry,
    /// The name on the card.
    pub holder: PersonName,
}

impl CardOnFile {
    /// What is known of `card` once the vault holds its number under `token`.
    pub fn of(card: &NewCard, token: CardToken) -> Self {
        Self {
            token,
            brand: card.number.brand(),
            last4: card.number.last4(),
            expiry: card.expiry,
            holder: card.holder.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn test_numbers_of_every_brand_are_recognised() {
        for (number, brand) in [
            ("4111111111111111", CardBrand::Visa),
            ("4222222222222", CardBrand::Visa),
            ("5555555555554444", CardBrand::Mastercard),
            ("2223003122003222", CardBrand::Mastercard),
            ("378282246310005", CardBrand::Amex),
            ("6011111111111117", CardBrand::Discover),
            ("36227206271667", CardBrand::DinersClub),
            ("3530111333300000", CardBrand::Jcb),
            ("6200000000000005", CardBrand::UnionPay),
        ] {
            assert_eq!(CardNumber::parse(number).map(|c| c.brand()), Ok(brand), "{number}");
        }
    }

    #[test]
    fn bad_numbers_are_refused_without_repeating_them() {
        for (input, error) in [
            ("4111111111111112", CardError::FailsLuhnCheck),
            ("4111 1111 1111 1111 1111 11111", CardError::WrongLength { digits: 25 }),
            ("41111111111", CardError::WrongLength { digits: 11 }),
            ("411111111111111", CardError::WrongLength { digits: 15 }),
            ("9111111111111111", CardError::UnknownBrand),
            ("4111-1111-1111-111x", CardError::NotDigits),
            ("٤١١١١١١١١١١١١١١١", CardError::NotDigits),
            ("", CardError::WrongLength { digits: 0 }),
        ] {
            let refused = CardNumber::parse(input).unwrap_err();
            assert_eq!(refused, error, "{input}");
            assert!(!refused.to_string().contains("1111"), "{refused}");
        }
        let huge = " ".repeat(10_000);
        assert!(matches!(CardNumber::parse(&huge), Err(CardError::WrongLength { .. })));
    }

    #[test]
    fn a_card_is_valid_through_the_end_of_its_expiry_month() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert!(CardExpiry::valid_at(2026, 12, at("2026-12-31T23:59:59Z")).is_ok());
        assert_eq!(
            CardExpiry::valid_at(2026, 11, at("2026-12-01T00:00:00Z")),
            Err(CardError::Expired { year: 2026, month: 11 })
        );
        assert!(CardExpiry::valid_at(2026, 13, at("2026-12-01T00:00:00Z")).is_err());
        assert!(CardExpiry::valid_at(2060, 1, at("2026-12-01T00:00:00Z")).is_err());
    }

    #[test]
    fn a_cvv_has_three_or_four_digits_and_never_shows() {
        let cvv = Cvv::parse("123").unwrap();
        assert_eq!(format!("{cvv:?} {cvv}"), "••• •••");
        for bad in ["12", "12345", "12a", ""] {
            assert_eq!(Cvv::parse(bad), Err(CardError::InvalidCvv));
        }
    }

    proptest! {
        /// A valid number keeps its digits out of `Debug` and `Display`, whatever the spacing.
        #[test]
        fn a_card_number_never_shows_more_than_its_last_four_digits(body in "[0-9]{15}", spaced in any::<bool>()) {
            let mut digits = format!("4{body}");
            // Fix the check digit so the number is valid.
            digits.pop();
            let check = (0..10u8).find(|d| luhn(format!("{digits}{d}").as_bytes())).unwrap();
            digits.push(char::from(b'0' + check));
            let input = if spaced { digits.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(" ") } else { digits.clone() };
            let card = CardNumber::parse(&input).unwrap();
            let shown = format!("{card:?} {card}");
            prop_assert!(!shown.contains(&digits[..12]));
            prop_assert_eq!(card.last4().to_string(), digits[12..].to_owned());
            prop_assert_eq!(card.expose_digits(), digits.as_str());
        }

        /// Changing any one digit of a valid number is caught by the Luhn check.
        #[test]
        fn one_wrong_digit_fails_the_luhn_check(at in 0usize..16, by in 1u8..10) {
            let mut digits = b"4242424242424242".to_vec();
            digits[at] = b'0' + (digits[at] - b'0' + by) % 10;
            prop_assert!(!luhn(&digits));
        }
    }
}
