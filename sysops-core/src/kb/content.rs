//! What an article says: validated title, Markdown body, product categories and tags.

use crate::error::ValidationError;
use crate::skill::ProductCategory;
use crate::text::text_type;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

text_type!(
    /// An article's title (1–300 characters).
    ArticleTitle,
    field = "title",
    max = 300
);
text_type!(
    /// An article's body in Markdown (1–500,000 characters: the longest manual page of the
    /// reference corpus is 318,000).
    ArticleBody,
    field = "body",
    max = 500_000
);

/// A tag an article is filed under: 1–40 lower-case letters, digits, `-` or `_`, stored as
/// given but lower-cased (`"Wi-Fi"` is `"wi-fi"`).
///
/// ```
/// use sysops_core::kb::Tag;
/// assert_eq!(Tag::new(" Wi-Fi ").unwrap().as_str(), "wi-fi");
/// assert!(Tag::new("two words").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Tag(String);

impl Tag {
    /// Longest accepted tag, in characters.
    pub const MAX_CHARS: usize = 40;

    /// Trims and lower-cases `value`, refusing anything but letters, digits, `-` and `_`.
    pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
        let value = crate::text::bounded("tag", value.into(), Self::MAX_CHARS)?.to_lowercase();
        if value.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_') {
            Ok(Self(value))
        } else {
            Err(ValidationError::Unknown {
                field: "tag (letters, digits, '-' and '_')",
                value: crate::error::clip(&value),
            })
        }
    }

    /// The tag.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

crate::text::string_conversions!(Tag);

/// One revision's content. Every article is filed under at least one product category (the
/// skills whose experts carry it offline) and at most [`ArticleContent::MAX_TAGS`] tags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleContent {
    /// The title, weighted above the body in search.
    pub title: ArticleTitle,
    /// The body, in Markdown.
    pub body: ArticleBody,
    /// The products it is about (one or more).
    pub categories: BTreeSet<ProductCategory>,
    /// Free tags (up to 20).
    pub tags: BTreeSet<Tag>,
}

impl ArticleContent {
    /// Most tags an article carries.
    pub const MAX_TAGS: usize = 20;

    /// Checks the rules of [`check`](Self::check).
    pub fn new(
        title: ArticleTitle,
        body: ArticleBody,
        categories: BTreeSet<ProductCategory>,
        tags: BTreeSet<Tag>,
    ) -> Result<Self, ValidationError> {
        let content = Self { title, body, categories, tags };
        content.check()?;
        Ok(content)
    }

    /// Most distinct words a body may hold, and most bytes they may take together: what every
    /// engine can index (PostgreSQL refuses a text-search vector over 1 MB). The longest
    /// manual of the reference corpus holds 4,183 distinct words of 51,268 bytes.
    pub const MAX_DISTINCT_WORDS: usize = 10_000;
    /// See [`Self::MAX_DISTINCT_WORDS`].
    pub const MAX_DISTINCT_WORD_BYTES: usize = 100_000;

    /// At least one category, at most [`Self::MAX_TAGS`] tags, and a body whose distinct words
    /// stay within [`Self::MAX_DISTINCT_WORDS`] and [`Self::MAX_DISTINCT_WORD_BYTES`]; for
    /// content built field by field.
    pub fn check(&self) -> Result<(), ValidationError> {
        let mut distinct = std::collections::HashSet::new();
        let mut bytes = 0;
        for word in super::query::words(self.body.as_str()) {
            let len = word.len();
            if distinct.insert(word) {
                bytes += len;
                let over = |field, value: usize, max: usize| ValidationError::OutOfRange {
                    field,
                    value: i64::try_from(value).unwrap_or(i64::MAX),
                    min: 1,
                    max: max as i64,
                };
                if distinct.len() > Self::MAX_DISTINCT_WORDS {
                    return Err(over("body_distinct_words", distinct.len(), Self::MAX_DISTINCT_WORDS));
                }
                if bytes > Self::MAX_DISTINCT_WORD_BYTES {
                    return Err(over("body_distinct_word_bytes", bytes, Self::MAX_DISTINCT_WORD_BYTES));
                }
            }
        }
        if self.categories.is_empty() {
            return Err(ValidationError::NoEntries { field: "categories" });
        }
        if self.tags.len() > Self::MAX_TAGS {
            return Err(ValidationError::count("tags", self.tags.len(), 0, Self::MAX_TAGS));
        }
        Ok(())
    }
}
