//! The token in a survey link: the survey it opens and a secret only the link holds.
//!
//! A token is 64 URL-safe characters (unpadded base64url of 48 bytes): the survey's id (16
//! bytes) and 32 secret bytes, 244 of them random ([`crate::IdGen::next_secret`]). The survey
//! keeps only the SHA-256 digest of the secret ([`TokenHash`]), so a copy of the database
//! opens no survey; a token checks against it in constant time. A token that is too short,
//! too long, badly encoded, of an unknown survey or with the wrong secret is one error,
//! [`super::SurveyError::InvalidToken`], so a guesser learns nothing from it.

use crate::id::SurveyId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use uuid::Uuid;

/// Bytes of a token: the survey's id and the secret.
const BYTES: usize = 16 + 32;

/// Characters of a token as written in a link.
pub const TOKEN_CHARS: usize = 64;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A survey link's token. Its `Debug` shows the survey only; the secret leaves it only
/// through [`SurveyToken::reveal`], to be written into the link.
#[derive(Clone, PartialEq, Eq)]
pub struct SurveyToken {
    survey: SurveyId,
    secret: [u8; 32],
}

impl SurveyToken {
    /// A token for `survey` with a fresh `secret`.
    pub fn new(survey: SurveyId, secret: [u8; 32]) -> Self {
        Self { survey, secret }
    }

    /// Reads a token from a link; `None` unless it is exactly [`TOKEN_CHARS`] base64url
    /// characters (surrounding spaces are forgiven: links get pasted).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().as_bytes();
        if text.len() != TOKEN_CHARS {
            return None;
        }
        let mut bytes = [0u8; BYTES];
        for (chunk, out) in text.chunks_exact(4).zip(bytes.chunks_exact_mut(3)) {
            let mut bits = 0u32;
            for &c in chunk {
                let value = ALPHABET.iter().position(|&a| a == c)?;
                bits = (bits << 6) | value as u32;
            }
            out.copy_from_slice(&bits.to_be_bytes()[1..]);
        }
        let (id, secret) = bytes.split_at(16);
        Some(Self { survey: SurveyId::from(Uuid::from_slice(id).ok()?), secret: secret.try_into().ok()? })
    }

    /// The survey it opens.
    pub fn survey(&self) -> SurveyId {
        self.survey
    }

    /// The token as written in the link: give it to the customer, store it nowhere.
    pub fn reveal(&self) -> String {
        let mut bytes = [0u8; BYTES];
        let (id, secret) = bytes.split_at_mut(16);
        id.copy_from_slice(self.survey.as_uuid().as_bytes());
        secret.copy_from_slice(&self.secret);
        let mut text = String::with_capacity(TOKEN_CHARS);
        for chunk in bytes.chunks_exact(3) {
            let bits = chunk.iter().fold(0u32, |bits, &b| (bits << 8) | u32::from(b));
            for shift in [18, 12, 6, 0] {
                text.extend(ALPHABET.get(((bits >> shift) & 63) as usize).map(|&c| char::from(c)));
            }
        }
        text
    }

    /// What the survey stores in place of the secret.
    pub fn hash(&self) -> TokenHash {
        TokenHash(Sha256::digest(self.secret).into())
    }
}

impl fmt::Debug for SurveyToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SurveyToken({}, secret redacted)", self.survey)
    }
}

/// The SHA-256 digest of a token's secret, stored as 64 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TokenHash([u8; 32]);

impl TokenHash {
    /// True when `token` is the one this digest was taken of, compared in constant time.
    pub fn matches(&self, token: &SurveyToken) -> bool {
        let other = token.hash();
        self.0.iter().zip(other.0.iter()).fold(0u8, |diff, (a, b)| diff | (a ^ b)) == 0
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from(*self))
    }
}

impl From<TokenHash> for String {
    fn from(hash: TokenHash) -> String {
        hash.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl TryFrom<String> for TokenHash {
    type Error = String;
    fn try_from(hex: String) -> Result<Self, String> {
        let bad = || format!("a token hash is 64 lower-case hex digits, not {} characters", hex.chars().count());
        if hex.len() != 64 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(bad());
        }
        let mut bytes = [0u8; 32];
        for (out, pair) in bytes.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
            let text = std::str::from_utf8(pair).map_err(|_| bad())?;
            *out = u8::from_str_radix(text, 16).map_err(|_| bad())?;
        }
        Ok(Self(bytes))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::id::TicketId;
    use proptest::prelude::*;

    fn token(seed: u8) -> SurveyToken {
        let survey = SurveyId::of(TicketId::from(Uuid::now_v7()), 7);
        SurveyToken::new(survey, [seed; 32])
    }

    proptest! {
        #[test]
        fn a_token_reads_back_from_its_link(id in any::<u128>(), secret in any::<[u8; 32]>()) {
            let token = SurveyToken::new(SurveyId::from(Uuid::from_u128(id)), secret);
            let link = token.reveal();
            prop_assert_eq!(link.len(), TOKEN_CHARS);
            prop_assert!(link.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
            prop_assert_eq!(SurveyToken::parse(&link), Some(token.clone()));
            prop_assert!(token.hash().matches(&token));
        }

        #[test]
        fn no_other_text_reads_as_a_token(text in ".{0,80}") {
            if let Some(token) = SurveyToken::parse(&text) {
                prop_assert_eq!(token.reveal(), text.trim());
            }
        }
    }

    #[test]
    fn truncated_padded_or_altered_tokens_do_not_match() {
        let token = token(1);
        let link = token.reveal();
        assert_eq!(SurveyToken::parse(&link[..63]), None);
        assert_eq!(SurveyToken::parse(&format!("{link}A")), None);
        assert_eq!(SurveyToken::parse(&link.replace(|c: char| c == link.chars().last().unwrap(), "+")), None);
        assert_eq!(SurveyToken::parse(&format!("  {link}\n")), Some(token.clone()));
        let forged = SurveyToken::new(token.survey(), [2; 32]);
        assert!(!token.hash().matches(&forged));
    }

    #[test]
    fn the_secret_never_shows_and_the_hash_reads_back() {
        let token = token(0xAB);
        assert!(!format!("{token:?}").contains(&token.reveal()[22..]));
        let hash = token.hash();
        let json = serde_json::to_string(&hash).unwrap();
        assert_eq!(serde_json::from_str::<TokenHash>(&json).unwrap(), hash);
        assert!(serde_json::from_str::<TokenHash>("\"abc\"").is_err());
        assert!(serde_json::from_str::<TokenHash>(&json.to_uppercase()).is_err());
    }
}
