//! Helpdesk look-ups: the caller's customer record and tickets found from whatever they read
//! out while on the line — a ticket number, their name, their email, or their phone number in
//! any formatting.
//!
//! One search box: [`LookupKey::parse`] decides what the text is, in this order:
//!
//! | typed                                         | taken as                                   |
//! |-----------------------------------------------|--------------------------------------------|
//! | a UUID                                        | a ticket id                                |
//! | ten symbols, a letter first, a digit last     | a [`TicketNumber`] (`HX4TZ-9K2M7`)         |
//! | anything with `@`                             | an email address, ignoring case            |
//! | digits with `+ ( ) - . /` and spaces          | a phone number (7 to 15 digits)            |
//! | anything else                                 | name words, each the start of a name word  |
//!
//! A phone number given with its country code (`+1 312 555 0100`, or `00` for `+`) must
//! match the whole number; without one (`(312) 555-0100`, `312.555.0100`) it matches the
//! numbers that end with its digits. Names match ignoring case and accents: `jose garc`
//! finds José García.

mod store;

pub use crate::text::{key_words, name_key, name_words};
pub use store::{CustomerLookup, HelpdeskStore, TicketLookup};

use crate::error::{StoreError, ValidationError, clip};
use crate::id::TicketId;
pub use crate::persist::Window;
use crate::persist::{Quarantined, StoredState, decode_all};
use crate::ticket::{TicketNumber, TicketStatus};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a search text was taken as (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
pub enum LookupKind {
    /// A ticket's id.
    TicketId,
    /// A ticket's number.
    TicketNumber,
    /// An email address.
    Email,
    /// A phone number.
    Phone,
    /// Words of a customer's name.
    Name,
}

/// A search text, understood (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupKey {
    /// The ticket with this id.
    TicketId(TicketId),
    /// The tickets with this number.
    TicketNumber(TicketNumber),
    /// Customers with this email address, lower-cased.
    Email(String),
    /// Customers with this phone number.
    Phone(PhoneKey),
    /// Customers with a name word starting with each of these (folded by [`name_words`]).
    Name(Vec<String>),
}

/// A phone number as typed, reduced to its digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneKey {
    /// 7 to 15 digits.
    pub digits: String,
    /// Given with its country code: the whole number must match, not only its end.
    pub international: bool,
}

impl LookupKey {
    /// Longest search text, in characters (the longest name or email is shorter).
    pub const MAX_CHARS: usize = 320;
    /// Most name words in one search.
    pub const MAX_WORDS: usize = 8;
    /// Fewest digits of a phone search: fewer would match too many numbers.
    pub const MIN_PHONE_DIGITS: usize = 7;
    /// Most digits of a phone number (E.164).
    pub const MAX_PHONE_DIGITS: usize = 15;

    /// Understands a search text, or says why it cannot be searched (empty, too long, a
    /// phone number with too few or too many digits, too many name words).
    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        let text = text.trim();
        let len = text.chars().count();
        if len > Self::MAX_CHARS {
            return Err(ValidationError::TooLong { field: "text", max: Self::MAX_CHARS, len });
        }
        if let Ok(id) = uuid::Uuid::try_parse(text) {
            return Ok(LookupKey::TicketId(TicketId::from_uuid(id)));
        }
        if let Some(number) = TicketNumber::parse(text) {
            return Ok(LookupKey::TicketNumber(number));
        }
        if text.contains('@') {
            if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(ValidationError::InvalidEmail { value: clip(text) });
            }
            return Ok(LookupKey::Email(text.to_lowercase()));
        }
        if text.chars().any(|c| c.is_ascii_digit())
            && text.chars().all(|c| c.is_ascii_digit() || c.is_whitespace() || "+()-./".contains(c))
        {
            return Self::phone(text);
        }
        let words = name_words(text);
        if words.is_empty() {
            return Err(ValidationError::Empty { field: "text" });
        }
        if words.len() > Self::MAX_WORDS {
            return Err(ValidationError::count("name words", words.len(), 1, Self::MAX_WORDS));
        }
        Ok(LookupKey::Name(words))
    }

    fn phone(text: &str) -> Result<Self, ValidationError> {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let (digits, international) = match digits.strip_prefix("00") {
            Some(rest) => (rest.to_owned(), true),
            None => (digits, text.starts_with('+')),
        };
        if !(Self::MIN_PHONE_DIGITS..=Self::MAX_PHONE_DIGITS).contains(&digits.len()) {
            return Err(ValidationError::count(
                "phone digits",
                digits.len(),
                Self::MIN_PHONE_DIGITS,
                Self::MAX_PHONE_DIGITS,
            ));
        }
        Ok(LookupKey::Phone(PhoneKey { digits, international }))
    }

    /// What the text was taken as.
    pub fn kind(&self) -> LookupKind {
        match self {
            LookupKey::TicketId(_) => LookupKind::TicketId,
            LookupKey::TicketNumber(_) => LookupKind::TicketNumber,
            LookupKey::Email(_) => LookupKind::Email,
            LookupKey::Phone(_) => LookupKind::Phone,
            LookupKey::Name(_) => LookupKind::Name,
        }
    }
}

/// A page of what a helpdesk search found, best match first.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<T> {
    /// The matches on this page.
    pub items: Vec<T>,
    /// Matches whose stored record cannot be read (see `quarantined_records`).
    pub quarantined: Vec<Quarantined>,
    /// What the text was taken as; `None` for a ticket search without text.
    pub matched_by: Option<LookupKind>,
    /// The offset of the next page, if there are more matches.
    pub next_offset: Option<u32>,
}

/// The page of what storage returned for `window` (one row more than the limit when
/// another page follows), rows that do not decode set aside as quarantined.
pub(crate) fn finish<T>(
    window: Window,
    mut rows: Vec<StoredState>,
    matched_by: Option<LookupKind>,
    decode: impl Fn(&StoredState) -> Result<T, StoreError>,
) -> Result<Found<T>, StoreError> {
    let more = rows.len() > window.limit as usize;
    rows.truncate(window.limit as usize);
    let mut quarantined = Vec::new();
    let items = decode_all(&rows, decode, &mut quarantined)?;
    Ok(Found { items, quarantined, matched_by, next_offset: window.next_offset(more) })
}

/// A ticket search as a caller gives it: text (any [`LookupKey`]), status and a window of
/// submission times, each optional.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TicketSearch {
    /// What the caller said; `None` for every customer's tickets.
    pub text: Option<String>,
    /// Only in this status.
    pub status: Option<TicketStatus>,
    /// Only submitted at or after this instant.
    pub submitted_from: Option<DateTime<Utc>>,
    /// Only submitted before this instant.
    pub submitted_to: Option<DateTime<Utc>>,
}

impl TicketSearch {
    /// The lookup storage runs: the text understood, the times checked (within the accepted
    /// range, the window not empty).
    pub fn check(&self, window: Window) -> Result<TicketLookup, ValidationError> {
        let key = self.text.as_deref().map(LookupKey::parse).transpose()?;
        let from = self.submitted_from.map(|t| crate::time::check("submitted_from", t)).transpose()?;
        let to = self.submitted_to.map(|t| crate::time::check("submitted_to", t)).transpose()?;
        if let (Some(from), Some(to)) = (from, to)
            && from >= to
        {
            return Err(ValidationError::EmptyInterval { field: "submitted" });
        }
        Ok(TicketLookup { key, status: self.status, from, to, window })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(digits: &str, international: bool) -> LookupKey {
        LookupKey::Phone(PhoneKey { digits: digits.to_owned(), international })
    }

    #[test]
    fn a_phone_number_is_understood_in_any_formatting() {
        for typed in ["(312) 555-0100", "312.555.0100", "312 555 0100", "3125550100"] {
            assert_eq!(LookupKey::parse(typed), Ok(phone("3125550100", false)), "{typed}");
        }
        for typed in ["+1 312 555 0100", "+1 (312) 555-0100", "001 312 555 0100", "+13125550100"] {
            assert_eq!(LookupKey::parse(typed), Ok(phone("13125550100", true)), "{typed}");
        }
    }

    #[test]
    fn too_few_or_too_many_digits_are_refused() {
        assert!(matches!(LookupKey::parse("555-010"), Err(ValidationError::OutOfRange { field: "phone digits", .. })));
        assert!(matches!(
            LookupKey::parse("+1 234 567 890 123 456"),
            Err(ValidationError::OutOfRange { field: "phone digits", .. })
        ));
    }

    #[test]
    fn emails_names_and_tickets_are_told_apart() {
        assert_eq!(LookupKey::parse(" Ada@Example.COM "), Ok(LookupKey::Email("ada@example.com".into())));
        assert_eq!(LookupKey::parse("García, José"), Ok(LookupKey::Name(vec!["garcia".into(), "jose".into()])));
        assert_eq!(LookupKey::parse("Price-Jones").map(|k| k.kind()), Ok(LookupKind::Name));
        let id = TicketId::from_uuid(uuid::Uuid::now_v7());
        assert_eq!(LookupKey::parse(&id.to_string()), Ok(LookupKey::TicketId(id)));
        let number = TicketNumber::of(id);
        assert_eq!(LookupKey::parse(&number.to_string().to_lowercase()), Ok(LookupKey::TicketNumber(number)));
    }

    #[test]
    fn nothing_to_search_for_is_refused() {
        for typed in ["", "   ", "-- !! --", "🙂"] {
            assert_eq!(LookupKey::parse(typed), Err(ValidationError::Empty { field: "text" }), "{typed}");
        }
        assert!(matches!(LookupKey::parse(&"a ".repeat(9)), Err(ValidationError::OutOfRange { .. })));
        assert!(matches!(LookupKey::parse(&"x".repeat(321)), Err(ValidationError::TooLong { .. })));
        assert!(matches!(LookupKey::parse("a b@c.d"), Err(ValidationError::InvalidEmail { .. })));
    }

    #[test]
    fn a_window_of_times_must_not_be_empty_or_out_of_range() {
        let window = Window::new(0, 10).unwrap();
        let at = crate::time::EARLIEST;
        let search = TicketSearch { submitted_from: Some(at), submitted_to: Some(at), ..TicketSearch::default() };
        assert_eq!(search.check(window).err(), Some(ValidationError::EmptyInterval { field: "submitted" }));
        let search = TicketSearch { submitted_to: Some(DateTime::<Utc>::MIN_UTC), ..TicketSearch::default() };
        assert!(matches!(search.check(window), Err(ValidationError::TimeOutOfRange { .. })));
        assert!(Window::new(0, 0).is_err() && Window::new(1_001, 10).is_err() && Window::new(0, 101).is_err());
    }
}
