//! Cards and card keys: the two values that cross the boundary holding a secret, checked when
//! made and never shown; and the card on file, all that comes back.

use crate::enums::CardBrand;
use crate::error::SysopsError;
use crate::guard::guard_sync;
use crate::value::count;
use std::fmt;
use std::sync::Arc;
use sysops_core as core;
use sysops_core::billing as bill;
use uuid::Uuid;

/// A payment card as the customer hands it in: checked when made (Luhn check digit, a known
/// brand at a length it issues, expiry month 1–12 of 2000–2199, CVV of 3 or 4 digits), then
/// given to `start_subscription` or `replace_card`, which refuse an expired one. It never
/// shows its number: printed, it is `Card(Visa •••• 4242, 07/2031)`.
#[derive(Clone, uniffi::Object)]
#[uniffi::export(Debug, Display)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, module = "sysops"))]
pub struct Card {
    pub(crate) inner: bill::NewCard,
}

impl fmt::Debug for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Card({:?} {:?}, {})", self.inner.number.brand(), self.inner.number, self.inner.expiry)
    }
}

impl fmt::Display for Card {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl Card {
    /// Checks a card; the errors name the field and never the digits.
    pub fn parse(
        number: &str,
        expiry_year: i64,
        expiry_month: i64,
        holder: String,
        cvv: Option<String>,
    ) -> Result<Self, SysopsError> {
        let card_error = |e: bill::CardError| SysopsError::from(core::Error::from(e));
        let number = bill::CardNumber::parse(number).map_err(card_error)?;
        let (year, month) = (count::<i32>("card_expiry", expiry_year)?, count::<u32>("card_expiry", expiry_month)?);
        let expiry = bill::CardExpiry::new(year, month).map_err(card_error)?;
        let holder = core::PersonName::new(holder)?;
        let cvv = cvv.map(|c| bill::Cvv::parse(&c)).transpose().map_err(card_error)?;
        Ok(Card { inner: bill::NewCard { number, expiry, holder, cvv } })
    }
}

#[uniffi::export]
impl Card {
    /// Checks a card (see the type's rules); `cvv` is optional and never stored.
    #[uniffi::constructor]
    pub fn new(
        number: String,
        expiry_year: i64,
        expiry_month: i64,
        holder: String,
        cvv: Option<String>,
    ) -> Result<Arc<Self>, SysopsError> {
        guard_sync(|| Card::parse(&number, expiry_year, expiry_month, holder, cvv).map(Arc::new))
    }

    /// The card's network.
    pub fn brand(&self) -> CardBrand {
        self.inner.number.brand()
    }

    /// The last four digits.
    pub fn last4(&self) -> String {
        self.inner.number.last4().to_string()
    }
}

/// A card on file, as everything outside the vault knows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct CardOnFile {
    /// The vault's handle on the number.
    pub token: Uuid,
    pub brand: CardBrand,
    pub last4: String,
    pub expiry_year: i32,
    pub expiry_month: u32,
    /// The name on the card.
    pub holder: String,
}

impl From<bill::CardOnFile> for CardOnFile {
    fn from(c: bill::CardOnFile) -> Self {
        CardOnFile {
            token: c.token.as_uuid(),
            brand: c.brand,
            last4: c.last4.to_string(),
            expiry_year: c.expiry.year(),
            expiry_month: c.expiry.month(),
            holder: c.holder.into(),
        }
    }
}

/// A 256-bit key the card vault seals card numbers with, named by an id stored beside every
/// card it seals. Never printed: `CardKey("2026-12", ••••)`.
#[derive(Clone, uniffi::Object)]
#[uniffi::export(Debug, Display)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, module = "sysops"))]
pub struct CardKey {
    pub(crate) inner: sysops_storage::CardKey,
}

impl fmt::Debug for CardKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for CardKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl CardKey {
    /// Checks a key: `id` of 1 to 64 printable ASCII characters, `key` of exactly 32 bytes.
    pub fn parse(id: &str, key: &[u8]) -> Result<Self, SysopsError> {
        sysops_storage::CardKey::new(id, key)
            .map(|inner| CardKey { inner })
            .map_err(|e| SysopsError::InvalidInput { field: "card_key".into(), reason: e.to_string() })
    }
}

#[uniffi::export]
impl CardKey {
    /// A key of exactly 32 bytes named `id` (1 to 64 printable ASCII characters).
    #[uniffi::constructor]
    pub fn new(id: String, key: Vec<u8>) -> Result<Arc<Self>, SysopsError> {
        guard_sync(|| CardKey::parse(&id, &key).map(Arc::new))
    }
}

/// The key provider of a handle: the first key seals new cards, the others still open cards
/// sealed under them until `rotate_card_keys` re-seals those.
pub(crate) fn key_provider(keys: &[Arc<CardKey>]) -> Option<Arc<dyn sysops_storage::KeyProvider>> {
    let (current, older) = keys.split_first()?;
    let older = older.iter().map(|k| k.inner.clone());
    Some(Arc::new(sysops_storage::StaticKeys::new(current.inner.clone(), older)))
}
