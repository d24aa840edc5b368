//! The card vault's cryptography, shared by both backends: card numbers sealed with
//! AES-256-GCM (the `aes-gcm` crate of RustCrypto) under keys the host supplies.
//!
//! Each sealed card stores the id of its key and a fresh random 96-bit nonce; the card's token
//! is the associated data, so a ciphertext copied onto another token fails authentication.
//! Keys come from a [`KeyProvider`]: the current key seals new cards, older ones still open
//! the cards sealed under them until [`CardVault::rotate_card_keys`] re-seals those.
//!
//! [`CardVault::rotate_card_keys`]: sysops_core::billing::CardVault::rotate_card_keys

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use sysops_core::CardToken;
use sysops_core::billing::{CardNumber, RotationReport, VaultError};

/// A 256-bit card key with its id. Never shows its bytes.
#[derive(Clone)]
pub struct CardKey {
    id: String,
    bytes: [u8; 32],
}

impl CardKey {
    /// Longest key id, in bytes.
    pub const MAX_ID_LEN: usize = 64;

    /// The key `bytes` (exactly 32) named `id` (1 to 64 printable ASCII characters, stored
    /// beside every card sealed with it).
    pub fn new(id: &str, bytes: &[u8]) -> Result<Self, VaultError> {
        let valid_id = !id.is_empty() && id.len() <= Self::MAX_ID_LEN && id.bytes().all(|b| b.is_ascii_graphic());
        if !valid_id {
            return Err(VaultError::KeyProvider(format!(
                "a key id has 1 to {} printable ASCII characters",
                Self::MAX_ID_LEN
            )));
        }
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| VaultError::KeyProvider(format!("key {id:?} must be 32 bytes, not {}", bytes.len())))?;
        Ok(Self { id: id.to_owned(), bytes })
    }

    /// The key's id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl fmt::Debug for CardKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardKey({:?}, ••••)", self.id)
    }
}

/// Where the vault's keys come from: a key management service, a secrets file, the host's
/// keystore. Implemented by the host; [`StaticKeys`] holds keys given at start-up.
pub trait KeyProvider: Send + Sync {
    /// The key new cards are sealed under.
    fn current(&self) -> Result<CardKey, VaultError>;

    /// The key named `id`, if the provider still has it.
    fn key(&self, id: &str) -> Result<Option<CardKey>, VaultError>;
}

/// Keys held in memory: one current key and any older ones still needed to open cards not yet
/// rotated.
#[derive(Debug, Clone)]
pub struct StaticKeys {
    current: String,
    keys: BTreeMap<String, CardKey>,
}

impl StaticKeys {
    /// `current` seals new cards; `older` keys only open cards sealed under them.
    pub fn new(current: CardKey, older: impl IntoIterator<Item = CardKey>) -> Self {
        let mut keys: BTreeMap<String, CardKey> = older.into_iter().map(|k| (k.id.clone(), k)).collect();
        let id = current.id.clone();
        keys.insert(id.clone(), current);
        Self { current: id, keys }
    }
}

impl KeyProvider for StaticKeys {
    fn current(&self) -> Result<CardKey, VaultError> {
        self.keys.get(&self.current).cloned().ok_or_else(|| VaultError::KeyProvider("no current key".into()))
    }

    fn key(&self, id: &str) -> Result<Option<CardKey>, VaultError> {
        Ok(self.keys.get(id).cloned())
    }
}

/// The keys a store seals cards with, or none (then every card operation is refused).
#[derive(Clone, Default)]
pub(crate) struct Keys(Option<Arc<dyn KeyProvider>>);

impl Keys {
    pub(crate) fn new(provider: Arc<dyn KeyProvider>) -> Self {
        Self(Some(provider))
    }

    fn provider(&self) -> Result<&dyn KeyProvider, VaultError> {
        self.0
            .as_deref()
            .ok_or_else(|| VaultError::KeyProvider("no card keys were given to this store (Options::card_keys)".into()))
    }

    /// The id of the key new cards are sealed under.
    pub(crate) fn current_id(&self) -> Result<String, VaultError> {
        Ok(self.provider()?.current()?.id)
    }

    /// `card` sealed under the current key for `token`.
    pub(crate) fn seal(&self, token: CardToken, card: &CardNumber) -> Result<Sealed, VaultError> {
        let key = self.provider()?.current()?;
        let cipher = Aes256Gcm::new_from_slice(&key.bytes).map_err(|e| VaultError::KeyProvider(e.to_string()))?;
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let aad = token.as_uuid();
        let ciphertext = cipher
            .encrypt(&nonce, Payload { msg: card.expose_digits().as_bytes(), aad: aad.as_bytes() })
            .map_err(|_| VaultError::KeyProvider("encryption failed".into()))?;
        Ok(Sealed { key_id: key.id, nonce: nonce.to_vec(), ciphertext })
    }

    /// The cards of `tokens`, in order, from the vault rows `found` (in any order; a token
    /// without a row is unknown). The provider is asked once per key, not once per card: it
    /// may be the host's code behind a foreign-language call.
    pub(crate) fn open_all(&self, tokens: &[CardToken], found: Vec<SealedRow>) -> Vec<Result<CardNumber, VaultError>> {
        let found: HashMap<uuid::Uuid, Sealed> = found
            .into_iter()
            .map(|(token, key_id, nonce, ciphertext)| (token, Sealed { key_id, nonce, ciphertext }))
            .collect();
        let mut ciphers: HashMap<&str, Aes256Gcm> = HashMap::new();
        let mut open = |token: CardToken| {
            let sealed = found.get(&token.as_uuid()).ok_or(VaultError::UnknownToken { token })?;
            let cipher = match ciphers.entry(&sealed.key_id) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(new) => new.insert(self.cipher(token, &sealed.key_id)?),
            };
            open_with(cipher, token, sealed)
        };
        tokens.iter().map(|token| open(*token)).collect()
    }

    /// The cipher of the key `key_id`, which sealed `token`'s card.
    fn cipher(&self, token: CardToken, key_id: &str) -> Result<Aes256Gcm, VaultError> {
        let key =
            self.provider()?.key(key_id)?.ok_or_else(|| VaultError::UnknownKey { token, key_id: key_id.to_owned() })?;
        Aes256Gcm::new_from_slice(&key.bytes).map_err(|e| VaultError::KeyProvider(e.to_string()))
    }
}

/// The card `sealed` holds for `token`, under the key's `cipher`.
fn open_with(cipher: &Aes256Gcm, token: CardToken, sealed: &Sealed) -> Result<CardNumber, VaultError> {
    let tampered = || VaultError::Tampered { token, key_id: sealed.key_id.clone() };
    let nonce: [u8; 12] = sealed.nonce.as_slice().try_into().map_err(|_| tampered())?;
    let aad = token.as_uuid();
    let digits = cipher
        .decrypt(&Nonce::from(nonce), Payload { msg: &sealed.ciphertext, aad: aad.as_bytes() })
        .map_err(|_| tampered())?;
    let digits = String::from_utf8(digits).map_err(|_| tampered())?;
    CardNumber::parse(&digits).map_err(|_| tampered())
}

/// A card as the vault table stores it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub(crate) struct Sealed {
    pub(crate) key_id: String,
    pub(crate) nonce: Vec<u8>,
    pub(crate) ciphertext: Vec<u8>,
}

/// How many sealed cards a rotation reads at once.
pub(crate) const ROTATION_PAGE: i64 = 500;

/// A vault row as read with its token: token, key id, nonce, ciphertext.
pub(crate) type SealedRow = (uuid::Uuid, String, Vec<u8>, Vec<u8>);

/// Re-seals under the current key, a page at a time, every card sealed under another:
/// `stale(current)` reads the next page of such cards, `reseal(token, old key id, sealed)`
/// writes one back guarded by its old key id (a card sealed again meanwhile is left as it is)
/// and answers how many rows it changed. `already` counts the cards under the current key.
pub(crate) async fn rotate<S, SF, R, RF>(
    keys: &Keys,
    already: i64,
    stale: S,
    reseal: R,
) -> Result<RotationReport, VaultError>
where
    S: Fn(String) -> SF,
    SF: Future<Output = Result<Vec<SealedRow>, sqlx::Error>>,
    R: Fn(CardToken, String, Sealed) -> RF,
    RF: Future<Output = Result<u64, sqlx::Error>>,
{
    let store = |e| VaultError::Store(crate::error::backend(e));
    let current = keys.current_id()?;
    let mut report = RotationReport { rotated: 0, current: u64::try_from(already).unwrap_or(0) };
    loop {
        let page = stale(current.clone()).await.map_err(store)?;
        if page.is_empty() {
            return Ok(report);
        }
        let tokens: Vec<CardToken> = page.iter().map(|(token, ..)| CardToken::from_uuid(*token)).collect();
        let old_keys: Vec<String> = page.iter().map(|(_, key_id, ..)| key_id.clone()).collect();
        let cards = keys.open_all(&tokens, page);
        for ((token, old_key), card) in tokens.into_iter().zip(old_keys).zip(cards) {
            report.rotated += reseal(token, old_key, keys.seal(token, &card?)?).await.map_err(store)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    impl Keys {
        /// The card `sealed` holds for `token`, alone.
        fn open(&self, token: CardToken, sealed: &Sealed) -> Result<CardNumber, VaultError> {
            let row = (token.as_uuid(), sealed.key_id.clone(), sealed.nonce.clone(), sealed.ciphertext.clone());
            self.open_all(&[token], vec![row]).remove(0)
        }
    }

    fn keys(current: &str, older: &[&str]) -> Keys {
        let key = |id: &str| CardKey::new(id, &[id.len() as u8; 32]).unwrap();
        Keys::new(Arc::new(StaticKeys::new(key(current), older.iter().map(|id| key(id)))))
    }

    #[test]
    fn a_sealed_card_opens_only_for_its_token_and_under_its_key() {
        let card = CardNumber::parse("4242424242424242").unwrap();
        let token = CardToken::from_uuid(Uuid::now_v7());
        let sealed = keys("k1", &[]).seal(token, &card).unwrap();
        assert!(!sealed.ciphertext.windows(4).any(|w| w == b"4242"));
        assert_eq!(keys("k2", &["k1"]).open(token, &sealed).unwrap(), card);
        let other = CardToken::from_uuid(Uuid::now_v7());
        assert!(matches!(keys("k1", &[]).open(other, &sealed), Err(VaultError::Tampered { .. })));
        assert!(matches!(keys("k2", &[]).open(token, &sealed), Err(VaultError::UnknownKey { .. })));
        let mut flipped = sealed.clone();
        flipped.ciphertext[0] ^= 1;
        assert!(matches!(keys("k1", &[]).open(token, &flipped), Err(VaultError::Tampered { .. })));
        assert!(matches!(Keys::default().seal(token, &card), Err(VaultError::KeyProvider(_))));
    }

    #[test]
    fn a_page_of_cards_opens_in_order_asking_the_provider_once_per_key() {
        struct Counting(StaticKeys, std::sync::atomic::AtomicUsize);
        impl KeyProvider for Counting {
            fn current(&self) -> Result<CardKey, VaultError> {
                self.0.current()
            }
            fn key(&self, id: &str) -> Result<Option<CardKey>, VaultError> {
                self.1.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                self.0.key(id)
            }
        }
        let key = |id: &str| CardKey::new(id, &[id.len() as u8; 32]).unwrap();
        let (old, new) = (keys("k1", &[]), keys("k22", &[]));
        let numbers = ["4242424242424242", "5555555555554444", "378282246310005", "4000056655665556"];
        let mut tokens = Vec::new();
        let mut rows = Vec::new();
        for (n, digits) in numbers.iter().enumerate() {
            let token = CardToken::from_uuid(Uuid::now_v7());
            let sealed = if n % 2 == 0 { &old } else { &new }.seal(token, &CardNumber::parse(digits).unwrap()).unwrap();
            tokens.push(token);
            rows.push((token.as_uuid(), sealed.key_id, sealed.nonce, sealed.ciphertext));
        }
        let missing = CardToken::from_uuid(Uuid::now_v7());
        tokens.insert(2, missing);
        rows.reverse();
        let provider = Arc::new(Counting(StaticKeys::new(key("k22"), [key("k1")]), Default::default()));
        let opened = Keys::new(provider.clone()).open_all(&tokens, rows);
        let digits: Vec<_> = opened.iter().map(|c| c.as_ref().map(|c| c.expose_digits().to_owned())).collect();
        assert!(matches!(&digits[2], Err(VaultError::UnknownToken { token }) if *token == missing));
        let found: Vec<_> = digits.into_iter().filter_map(Result::ok).collect();
        assert_eq!(found, numbers, "each card answers its own token, in the order asked");
        assert_eq!(provider.1.load(std::sync::atomic::Ordering::Relaxed), 2, "once per key");
    }

    #[test]
    fn keys_are_checked_and_never_shown() {
        assert!(CardKey::new("", &[0; 32]).is_err());
        assert!(CardKey::new("k 1", &[0; 32]).is_err());
        assert!(CardKey::new("k1", &[0; 31]).is_err());
        let key = CardKey::new("k1", &[7; 32]).unwrap();
        assert_eq!(format!("{key:?}"), "CardKey(\"k1\", ••••)");
    }
}
