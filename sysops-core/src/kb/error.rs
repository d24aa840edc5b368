//! The knowledge base's own errors: a search query that cannot be run, and the rules of
//! articles and their revisions.

use crate::id::ArticleId;
use crate::rule::{Refused, RuleError};

/// A search query refused before it reaches storage (the language is in `kb::query`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[allow(missing_docs)]
pub enum QueryError {
    /// No word, prefix or phrase that must match: an empty query, only symbols, or only
    /// exclusions.
    #[error("the query has nothing to search for: give at least one word that must match")]
    NothingToFind,
    /// The query text is longer than accepted.
    #[error("the query is {len} characters long, at most {max} are accepted")]
    TooLong { max: usize, len: usize },
    /// More words than a query may hold.
    #[error("the query has more than {max} words")]
    TooManyTerms { max: usize },
    /// One word is longer than any indexed word.
    #[error("the word {word:?} is longer than {max} characters")]
    WordTooLong {
        max: usize,
        /// An excerpt of the word.
        word: String,
    },
}

/// A knowledge-base command or query the rules refuse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[allow(missing_docs)]
pub enum KbError {
    /// The search query cannot be run.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The article has no such revision.
    #[error("article {article} has revisions 1 to {latest}, not {revision}")]
    UnknownRevision { article: ArticleId, revision: u32, latest: u32 },
    /// A retired article can be read but no longer revised.
    #[error("article {article} is retired")]
    Retired { article: ArticleId },
    /// A rule every aggregate shares (the command would change nothing).
    #[error(transparent)]
    Rule(#[from] RuleError),
}

impl From<KbError> for Refused<KbError> {
    fn from(error: KbError) -> Self {
        Refused::Rule(error)
    }
}

impl From<RuleError> for Refused<KbError> {
    fn from(error: RuleError) -> Self {
        Refused::Rule(KbError::Rule(error))
    }
}
