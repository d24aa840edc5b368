//! Validated text values: names, emails, E.164 phone numbers, bounded free text; and names
//! folded for search.

use crate::error::{ValidationError, clip};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

macro_rules! string_conversions {
    ($($name:ident),*) => {$(
        impl TryFrom<String> for $name {
            type Error = ValidationError;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }
        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }
    )*};
}
macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, field = $field:literal, max = $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Longest accepted value, in characters.
            pub const MAX_CHARS: usize = $max;

            /// Trims `value` and checks it is neither empty nor longer than [`Self::MAX_CHARS`].
            pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
                $crate::text::bounded($field, value.into(), Self::MAX_CHARS).map(Self)
            }

            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        $crate::text::string_conversions!($name);
    };
}
pub(crate) use {string_conversions, text_type};

pub(crate) fn bounded(field: &'static str, value: String, max: usize) -> Result<String, ValidationError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::Empty { field });
    }
    let len = trimmed.chars().count();
    if len > max {
        return Err(ValidationError::TooLong { field, max, len });
    }
    // Control characters (NUL above all, which PostgreSQL's text cannot hold) are never
    // meant; line breaks and tabs are, in notes and descriptions.
    if let Some(at) = trimmed.chars().position(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(ValidationError::ControlCharacter { field, at });
    }
    Ok(if trimmed.len() == value.len() { value } else { trimmed.to_owned() })
}

text_type!(
    /// A person's display name (1–200 characters).
    PersonName,
    field = "name",
    max = 200
);
text_type!(
    /// What is wrong, in the customer's words (1–10,000 characters).
    Description,
    field = "description",
    max = 10_000
);
text_type!(
    /// A short free-text reason (rejection, cancellation, reopening; 1–2,000 characters).
    Reason,
    field = "reason",
    max = 2_000
);
text_type!(
    /// The expert's notes on completed work (1–10,000 characters).
    WorkNotes,
    field = "notes",
    max = 10_000
);
text_type!(
    /// A line of a postal address (1–200 characters).
    AddressLine,
    field = "address",
    max = 200
);
text_type!(
    /// A support plan's marketing name (1–100 characters).
    PlanName,
    field = "plan_name",
    max = 100
);

/// A syntactically valid email address, stored with a lower-cased domain.
///
/// ```
/// use sysops_core::Email;
/// assert_eq!(Email::new(" Ada@Example.COM ").unwrap().as_str(), "Ada@example.com");
/// assert!(Email::new("no-at-sign").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Checks `local@domain.tld` shape, 254 characters at most (RFC 5321), no spaces or control characters.
    pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
        let value: String = value.into();
        let invalid = || ValidationError::InvalidEmail { value: clip(&value) };
        let trimmed = value.trim();
        if trimmed.len() > 254 || trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or_else(invalid)?;
        let labels_ok = domain.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain.contains('.') || !labels_ok {
            return Err(invalid());
        }
        Ok(Self(format!("{local}@{}", domain.to_lowercase())))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number in E.164 form: `+`, country code, subscriber number; 8 to 15 digits.
///
/// Spaces, dashes, dots and parentheses are accepted on input and removed.
///
/// ```
/// use sysops_core::Phone;
/// assert_eq!(Phone::new("+1 (415) 555-0100").unwrap().as_str(), "+14155550100");
/// assert!(Phone::new("415-555-0100").is_err()); // no country code
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Normalizes and validates an E.164 number.
    pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
        let value: String = value.into();
        let invalid = || ValidationError::InvalidPhone { value: clip(&value) };
        let rest = value.trim().strip_prefix('+').ok_or_else(invalid)?;
        let mut digits = String::with_capacity(16);
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(invalid()),
            }
        }
        if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
            return Err(invalid());
        }
        Ok(Self(format!("+{digits}")))
    }

    /// The number, `+` followed by digits only.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_conversions!(Email, Phone);

/// How a person wants to hear from the Sysops Squad: by email or by text message.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MessageChannel {
    /// To the email address (customers registered before a preference existed).
    #[default]
    Email,
    /// A text message to the mobile phone.
    Sms,
}

impl MessageChannel {
    /// Both, in a stable order.
    pub const ALL: [MessageChannel; 2] = [MessageChannel::Email, MessageChannel::Sms];

    /// The stable name stored and shown (`email`, `sms`).
    pub fn as_str(self) -> &'static str {
        match self {
            MessageChannel::Email => "email",
            MessageChannel::Sms => "sms",
        }
    }

    /// The channel with that stable name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// The words of a name as they are indexed and searched: lower-cased, accents removed
/// (compatibility decomposition without its combining marks), split at every character that
/// is not a letter or digit. `José  García-López` gives `jose`, `garcia`, `lopez`.
///
/// ```
/// use sysops_core::helpdesk::name_words;
/// assert_eq!(name_words("José  García-López"), ["jose", "garcia", "lopez"]);
/// assert_eq!(name_words("ÅSA Øberg"), ["asa", "øberg"]);
/// assert_eq!(name_words("ϓ İ"), ["υ", "i"], "folding twice changes nothing");
/// ```
pub fn name_words(name: &str) -> Vec<String> {
    // Decomposed, lower-cased, decomposed again: a compatibility decomposition can yield an
    // upper-case letter (`ϓ`) and lower-casing a mark (`İ`), so one pass of each would not
    // give back the same words when folded again.
    let bare = |text: &str| -> String { text.nfkd().filter(|c| !is_combining_mark(*c)).collect() };
    let lower: String = bare(name).chars().flat_map(char::to_lowercase).collect();
    let folded = bare(&lower);
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

/// The folded name of `name` as stored: its [`name_words`] joined by spaces.
pub fn name_key(name: &str) -> String {
    name_words(name).join(" ")
}

/// The distinct words of a stored folded name.
pub fn key_words(name_key: &str) -> std::collections::BTreeSet<&str> {
    name_key.split(' ').filter(|w| !w.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["a@b.co", "first.last+tag@sub.example.org", "x@bücher.de"] {
            assert!(Email::new(ok).is_ok(), "{ok}");
        }
        for bad in ["", "@b.co", "a@", "a@b", "a b@c.de", "a@-b.com", "a@b..com", "a@@b.com"] {
            assert!(matches!(Email::new(bad), Err(ValidationError::InvalidEmail { .. })), "{bad}");
        }
    }

    #[test]
    fn phones() {
        assert_eq!(Phone::new("+44 20 7946 0958").unwrap().as_str(), "+442079460958");
        for bad in ["", "+", "+0123456789", "+1234567", "+1234567890123456", "+1-800-FLOWERS", "5551234567"] {
            assert!(matches!(Phone::new(bad), Err(ValidationError::InvalidPhone { .. })), "{bad}");
        }
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_kept() {
        assert_eq!(PersonName::new("Ada\0Admin"), Err(ValidationError::ControlCharacter { field: "name", at: 3 }));
        assert!(matches!(Reason::new("no\u{7}"), Err(ValidationError::ControlCharacter { .. })));
        assert!(matches!(Email::new("a\0@b.co"), Err(ValidationError::InvalidEmail { .. })));
        assert_eq!(WorkNotes::new("Swapped fuse.\r\n\tTested.").unwrap().as_str(), "Swapped fuse.\r\n\tTested.");
    }

    #[test]
    fn bounded_text_is_trimmed_and_limited() {
        assert_eq!(Description::new("  screen flickers \n").unwrap().as_str(), "screen flickers");
        assert_eq!(Description::new(" \t"), Err(ValidationError::Empty { field: "description" }));
        let huge = "x".repeat(1_000_000);
        assert_eq!(
            Description::new(huge),
            Err(ValidationError::TooLong { field: "description", max: 10_000, len: 1_000_000 })
        );
    }

    #[test]
    fn deserializing_checks_too() {
        assert!(serde_json::from_str::<Phone>("\"12\"").is_err());
        assert!(serde_json::from_str::<Reason>("\"\"").is_err());
    }
}
