//! Why a survey cannot be opened or answered.

use chrono::{DateTime, Utc};

/// A survey link that does not work (any more).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SurveyError {
    /// The token is not one this system issued, or not whole: truncated, altered, forged,
    /// or replaced by a newer one. One error for all, so a guesser learns nothing.
    #[error("this survey link is not valid")]
    InvalidToken,
    /// The link worked until `at`.
    #[error("this survey link expired at {at}")]
    Expired {
        /// When it stopped working.
        at: DateTime<Utc>,
    },
    /// The survey was answered at `at`; an answer is final.
    #[error("this survey was already answered at {at}")]
    AlreadyAnswered {
        /// When it was answered.
        at: DateTime<Utc>,
    },
}

impl From<SurveyError> for crate::rule::Refused<SurveyError> {
    fn from(error: SurveyError) -> Self {
        crate::rule::Refused::Rule(error)
    }
}
