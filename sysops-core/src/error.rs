//! The error types every layer shares: malformed input, storage failures, broken histories.
//!
//! Each domain keeps its own rule errors beside its code (`ticket::TicketError`,
//! `rule::RuleError`, `actor::Forbidden`); the service gathers them all in
//! [`Error`](crate::Error). This module depends on no domain, so every domain may use it.

use crate::stream::{Sequence, StreamId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Longest excerpt of a rejected input kept in an error, so a 1 MB value is not copied around.
pub(crate) const EXCERPT_CHARS: usize = 64;

/// An excerpt of `value`, at most [`EXCERPT_CHARS`] characters, for error messages.
pub(crate) fn clip(value: &str) -> String {
    match value.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

/// `value`, if it is finite and within `min..=max`.
pub(crate) fn check_real(field: &'static str, value: f64, min: f64, max: f64) -> Result<f64, ValidationError> {
    if value.is_finite() && (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(ValidationError::OutOfRangeReal { field, value, min, max })
    }
}

/// An input that is malformed regardless of any state: it names the field and what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[allow(missing_docs)]
pub enum ValidationError {
    /// A required text is empty or only white space.
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    /// A text is longer than allowed.
    #[error("{field} is {len} characters long, at most {max} are allowed")]
    TooLong {
        field: &'static str,
        /// Allowed maximum, in characters.
        max: usize,
        /// Actual length, in characters.
        len: usize,
    },
    /// A text holds a control character (other than a line break or tab).
    #[error("{field} holds a control character at position {at}")]
    ControlCharacter {
        field: &'static str,
        /// Its position, in characters after trimming.
        at: usize,
    },
    /// Not an email address.
    #[error("{value:?} is not a valid email address")]
    InvalidEmail {
        /// Excerpt of the rejected value.
        value: String,
    },
    /// Not an E.164 phone number.
    #[error("{value:?} is not an E.164 phone number such as +14155550100")]
    InvalidPhone {
        /// Excerpt of the rejected value.
        value: String,
    },
    /// A latitude or longitude that is not finite or out of range.
    #[error("({lat}, {lon}) is not a valid coordinate")]
    InvalidCoordinate {
        /// Latitude given.
        lat: f64,
        /// Longitude given.
        lon: f64,
    },
    /// A skill level outside 1..=5.
    #[error("skill level {value} is outside 1..=5")]
    InvalidSkillLevel {
        /// The level given.
        value: i64,
    },
    /// A number outside its allowed range.
    #[error("{field} = {value} is outside {min}..={max}")]
    OutOfRange {
        field: &'static str,
        /// The value given.
        value: i64,
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
    },
    /// A name that is not one of an enumeration's values.
    #[error("{value:?} is not a known {field}")]
    Unknown {
        /// The enumeration.
        field: &'static str,
        /// Excerpt of the value given.
        value: String,
    },
    /// An unknown ISO 4217 currency code.
    #[error("{code:?} is not a supported currency")]
    UnknownCurrency {
        /// Excerpt of the code given.
        code: String,
    },
    /// Two amounts of different currencies were combined.
    #[error("cannot combine {left} with {right}")]
    CurrencyMismatch {
        /// Left operand's currency code.
        left: &'static str,
        /// Right operand's currency code.
        right: &'static str,
    },
    /// An amount that must not be negative is.
    #[error("{field} must not be negative")]
    Negative { field: &'static str },
    /// Arithmetic overflowed.
    #[error("{field} overflowed")]
    Overflow { field: &'static str },
    /// A message or record that is not what it claims to be.
    #[error("{field}: {reason}")]
    Malformed {
        field: &'static str,
        /// What is wrong, in a fixed text.
        reason: &'static str,
    },
    /// A time interval whose end is not after its start.
    #[error("{field}: the end must be after the start")]
    EmptyInterval { field: &'static str },
    /// A list that must not be empty is.
    #[error("{field} needs at least one entry")]
    NoEntries { field: &'static str },
    /// A list names the same thing twice.
    #[error("{field} {value} is given twice")]
    Duplicate {
        field: &'static str,
        /// What is repeated.
        value: String,
    },
    /// A real number that is NaN, infinite or outside its range.
    #[error("{field} = {value} is outside {min}..={max}")]
    OutOfRangeReal {
        field: &'static str,
        /// The value given.
        value: f64,
        /// Smallest allowed.
        min: f64,
        /// Largest allowed.
        max: f64,
    },
    /// An instant outside the range sysops accepts (see [`crate::time`]).
    #[error("{field} = {at} is outside 1970-01-01T00:00:00Z..=9999-12-31T23:59:59.999999Z")]
    TimeOutOfRange {
        field: &'static str,
        /// The instant given (or the end of the range it overflowed).
        at: DateTime<Utc>,
    },
}

impl ValidationError {
    /// The input refused, as hosts name it (`email`, `location`, `card_number`, ...).
    pub fn field(&self) -> &'static str {
        match self {
            ValidationError::Empty { field }
            | ValidationError::TooLong { field, .. }
            | ValidationError::OutOfRange { field, .. }
            | ValidationError::Unknown { field, .. }
            | ValidationError::Malformed { field, .. }
            | ValidationError::Negative { field }
            | ValidationError::Overflow { field }
            | ValidationError::EmptyInterval { field }
            | ValidationError::NoEntries { field }
            | ValidationError::Duplicate { field, .. }
            | ValidationError::ControlCharacter { field, .. }
            | ValidationError::OutOfRangeReal { field, .. }
            | ValidationError::TimeOutOfRange { field, .. } => field,
            ValidationError::InvalidEmail { .. } => "email",
            ValidationError::InvalidPhone { .. } => "phone",
            ValidationError::InvalidCoordinate { .. } => "location",
            ValidationError::InvalidSkillLevel { .. } => "skill_level",
            ValidationError::UnknownCurrency { .. } | ValidationError::CurrencyMismatch { .. } => "currency",
        }
    }

    /// [`ValidationError::OutOfRange`] for a count of things (list lengths, pages).
    pub fn count(field: &'static str, value: usize, min: usize, max: usize) -> Self {
        let int = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        ValidationError::OutOfRange { field, value: int(value), min: int(min), max: int(max) }
    }
}

/// A failure of a storage backend.
#[derive(Debug, thiserror::Error)]
#[allow(missing_docs)]
pub enum StoreError {
    /// Another writer appended to the stream first: reload and retry.
    #[error("{stream} is at {actual}, the command expected {expected}")]
    Conflict {
        /// The stream written.
        stream: StreamId,
        /// The version the writer read.
        expected: Sequence,
        /// The version found.
        actual: Sequence,
    },
    /// Stored data could not be decoded or violates an invariant.
    #[error("stored data of {stream} is corrupt: {detail}")]
    Corrupt {
        /// The stream read.
        stream: StreamId,
        /// What was wrong.
        detail: String,
    },
    /// A value would not decode back into itself, so it was not written.
    #[error("{stream} was not written: {detail}")]
    WouldNotReadBack {
        /// The stream written.
        stream: StreamId,
        /// What would not read back.
        detail: String,
    },
    /// The database file failed its integrity check.
    #[error("the database failed its integrity check: {}", problems.join("; "))]
    Integrity {
        /// What the check reported.
        problems: Vec<String>,
    },
    /// A consumer acknowledged a position the outbox never delivered.
    #[error("consumer {consumer} cannot ack position {position}: the outbox ends at {last}")]
    AckBeyondEnd {
        consumer: String,
        /// The position acked.
        position: u64,
        /// The last position delivered to anyone.
        last: u64,
    },
    /// A value could not be encoded for storage.
    #[error("could not encode {stream}: {source}")]
    Encode {
        /// The stream written.
        stream: StreamId,
        /// The serializer's error.
        source: serde_json::Error,
    },
    /// The store is at capacity: no connection, no turn to commit with a group, or no lock came
    /// free within the store's wait limit. Nothing was written; retry, after a pause if it repeats.
    #[error("the store is busy: nothing came free within its wait limit; nothing was written, retry")]
    Busy,
    /// The backend itself failed (connection, disk, ...).
    #[error("storage backend failed: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Replaying stored events failed: the history does not fit the aggregate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReplayError {
    /// There were no events.
    #[error("no events to replay")]
    Empty,
    /// An event belongs to another aggregate.
    #[error("event of {found} replayed onto {expected}")]
    WrongAggregate {
        /// The aggregate being rebuilt.
        expected: Uuid,
        /// The event's aggregate.
        found: Uuid,
    },
    /// Sequence numbers are not gap-free and increasing.
    #[error("expected sequence {expected}, found {found}")]
    OutOfSequence {
        /// The next sequence number.
        expected: Sequence,
        /// The event's sequence number.
        found: Sequence,
    },
    /// The event does not fit the state it is applied to.
    #[error("event {event} does not apply to {state}")]
    DoesNotApply {
        /// The event's name.
        event: &'static str,
        /// The state's name.
        state: &'static str,
    },
    /// The event was written by a newer version of sysops.
    #[error("event schema {found} is newer than the supported {supported}")]
    UnsupportedSchema {
        /// The event's schema version.
        found: u16,
        /// The newest schema this code reads.
        supported: u16,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_short_values_and_cuts_long_ones_on_char_boundaries() {
        assert_eq!(clip("abc"), "abc");
        let long = "é".repeat(100);
        assert_eq!(clip(&long).chars().count(), EXCERPT_CHARS + 1);
    }
}
