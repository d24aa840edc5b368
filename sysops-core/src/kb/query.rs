//! The search language users type, parsed into a [`SearchQuery`] that renders safely for each
//! engine (SQLite FTS5, PostgreSQL `tsquery`), and the vocabulary arithmetic behind the
//! typo-tolerant fallback (deletion keys and edit distances).
//!
//! The language, in full:
//!
//! - a **word** is a run of letters and digits (any script); everything else separates words,
//!   so symbols, operators, emoji and brackets are never errors: `printer (jams!)` is
//!   `printer jams`;
//! - `"…"` is a **phrase**: its words in that order, next to each other (an unclosed quote
//!   runs to the end);
//! - a word followed by `*` is a **prefix** (at least two characters): `print*`;
//! - `-` before a word or a phrase **excludes** it: `printer -laser`;
//! - every other term must match: terms are joined by AND, and matching ignores case.
//!
//! Limits (each a typed [`QueryError`]): at most [`MAX_QUERY_CHARS`] characters, at least one
//! term that is not excluded, at most [`MAX_TERMS`] words and [`MAX_WORD_CHARS`] characters a
//! word.

use super::error::QueryError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// Longest query accepted, in characters (a pasted error message fits; a pasted log does not).
pub const MAX_QUERY_CHARS: usize = 10_000;
/// Most words a query may hold (each word of a phrase counts).
pub const MAX_TERMS: usize = 32;
/// Longest word, in characters.
pub const MAX_WORD_CHARS: usize = 64;

/// One term of a query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Term {
    /// A whole word.
    Word(String),
    /// Words starting with this.
    Prefix(String),
    /// These words, adjacent and in order.
    Phrase(Vec<String>),
}

/// A parsed query: what must match and what must not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    required: Vec<Term>,
    excluded: Vec<Term>,
}

/// The lower-cased words of `text`, in order: how queries are read and how article text is
/// split into the vocabulary the typo fallback corrects against. Lower-cased first, as
/// lower-casing can turn one letter into a letter and a mark (`İ` is `i̇`), which separates.
pub fn words(text: &str) -> impl Iterator<Item = String> {
    let lowered = text.to_lowercase();
    let words: Vec<String> =
        lowered.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_owned).collect();
    words.into_iter()
}

impl SearchQuery {
    /// Parses what a user typed (see the module documentation for the language).
    ///
    /// ```
    /// use sysops_core::kb::SearchQuery;
    /// let query = SearchQuery::parse(r#"Printer "paper jam" -laser wi*"#).unwrap();
    /// assert_eq!(query.to_string(), r#"printer "paper jam" wi* -laser"#);
    /// assert!(SearchQuery::parse("-laser").is_err());
    /// assert!(SearchQuery::parse("((( ☃ )))").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, QueryError> {
        let len = text.chars().count();
        if len > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong { max: MAX_QUERY_CHARS, len });
        }
        // Lower-cased first: lower-casing can turn one character into a letter and a mark
        // (`İ` is `i̇`), which must then separate words like any other mark.
        let lowered = text.to_lowercase();
        let mut query = SearchQuery { required: Vec::new(), excluded: Vec::new() };
        let mut rest = lowered.as_str();
        let mut words_seen = 0;
        while let Some(start) = rest.find(|c: char| c.is_alphanumeric() || c == '"') {
            // `-` excludes only at the start or after white space: `wi-fi` is two words.
            let at_start = rest.len() == lowered.len();
            let excluded = rest
                .get(..start)
                .and_then(|sep| sep.strip_suffix('-'))
                .is_some_and(|lead| lead.chars().next_back().map_or(at_start, char::is_whitespace));
            rest = rest.get(start..).unwrap_or_default();
            let term = if let Some(quoted) = rest.strip_prefix('"') {
                let end = quoted.find('"').unwrap_or(quoted.len());
                let phrase: Vec<String> = words(quoted.get(..end).unwrap_or_default()).collect();
                rest = quoted.get(end + 1..).unwrap_or_default();
                match phrase.len() {
                    0 => continue,
                    1 => Term::Word(phrase.into_iter().next().unwrap_or_default()),
                    _ => Term::Phrase(phrase),
                }
            } else {
                let end = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
                let word = rest.get(..end).unwrap_or_default().to_owned();
                rest = rest.get(end..).unwrap_or_default();
                match rest.strip_prefix('*') {
                    Some(after) if word.chars().count() >= 2 => {
                        rest = after;
                        Term::Prefix(word)
                    }
                    _ => Term::Word(word),
                }
            };
            for word in term.words() {
                if word.chars().count() > MAX_WORD_CHARS {
                    return Err(QueryError::WordTooLong { max: MAX_WORD_CHARS, word: crate::error::clip(word) });
                }
                words_seen += 1;
            }
            if words_seen > MAX_TERMS {
                return Err(QueryError::TooManyTerms { max: MAX_TERMS });
            }
            let terms = if excluded { &mut query.excluded } else { &mut query.required };
            if !terms.contains(&term) {
                terms.push(term);
            }
        }
        if query.required.is_empty() {
            return Err(QueryError::NothingToFind);
        }
        Ok(query)
    }

    /// The terms that must match.
    pub fn required(&self) -> &[Term] {
        &self.required
    }

    /// The terms that must not.
    pub fn excluded(&self) -> &[Term] {
        &self.excluded
    }

    /// An SQLite FTS5 `MATCH` expression. Every word is a quoted string of letters and digits
    /// only, so nothing a user typed can be read as FTS5 syntax.
    pub fn to_fts5(&self) -> String {
        let term = |t: &Term| match t {
            Term::Word(w) => format!("\"{w}\""),
            Term::Prefix(w) => format!("\"{w}\" *"),
            Term::Phrase(ws) => format!("\"{}\"", ws.join(" ")),
        };
        let required: Vec<String> = self.required.iter().map(term).collect();
        let mut expression = format!("({})", required.join(" AND "));
        for t in &self.excluded {
            expression.push_str(" NOT ");
            expression.push_str(&term(t));
        }
        expression
    }

    /// A PostgreSQL `to_tsquery` text. Every word is quoted and holds only letters and
    /// digits, so nothing a user typed can be read as `tsquery` syntax.
    pub fn to_tsquery(&self) -> String {
        let term = |t: &Term| match t {
            Term::Word(w) => format!("'{w}'"),
            Term::Prefix(w) => format!("'{w}':*"),
            Term::Phrase(ws) => format!("({})", ws.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" <-> ")),
        };
        let required = self.required.iter().map(term);
        let excluded = self.excluded.iter().map(|t| format!("!{}", term(t)));
        required.chain(excluded).collect::<Vec<_>>().join(" & ")
    }

    /// A looser query every match of this one also matches: a phrase's words anywhere, and
    /// nothing excluded. An engine answers it from its index alone, without re-reading any
    /// article's text.
    pub fn loosened(&self) -> SearchQuery {
        let mut required: Vec<Term> = Vec::new();
        for term in &self.required {
            let words = match term {
                Term::Phrase(ws) => ws.iter().map(|w| Term::Word(w.clone())).collect(),
                other => vec![other.clone()],
            };
            for word in words {
                if !required.contains(&word) {
                    required.push(word);
                }
            }
        }
        SearchQuery { required, excluded: Vec::new() }
    }

    /// The required whole words the typo fallback may correct: four characters or more.
    pub fn correctable_words(&self) -> BTreeSet<&str> {
        self.required
            .iter()
            .filter_map(|t| match t {
                Term::Word(w) if w.chars().count() >= 4 => Some(w.as_str()),
                _ => None,
            })
            .collect()
    }

    /// This query with required words replaced as `correct` says (`None`: keep the word).
    pub fn corrected(&self, correct: impl Fn(&str) -> Option<String>) -> SearchQuery {
        let required = self
            .required
            .iter()
            .map(|t| match t {
                Term::Word(w) => Term::Word(correct(w).unwrap_or_else(|| w.clone())),
                other => other.clone(),
            })
            .collect();
        SearchQuery { required, excluded: self.excluded.clone() }
    }
}

impl Term {
    fn words(&self) -> impl Iterator<Item = &str> {
        let words: &[String] = match self {
            Term::Word(w) | Term::Prefix(w) => std::slice::from_ref(w),
            Term::Phrase(ws) => ws,
        };
        words.iter().map(String::as_str)
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Word(w) => f.write_str(w),
            Term::Prefix(w) => write!(f, "{w}*"),
            Term::Phrase(ws) => write!(f, "\"{}\"", ws.join(" ")),
        }
    }
}

/// The query in the language it was parsed from, normalised (lower case, one space between
/// terms): parsing it again gives the same query.
impl fmt::Display for SearchQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let required = self.required.iter().map(Term::to_string);
        let excluded = self.excluded.iter().map(|t| format!("-{t}"));
        f.write_str(&required.chain(excluded).collect::<Vec<_>>().join(" "))
    }
}

/// Shortest and longest words kept in the vocabulary the typo fallback corrects against.
pub const VOCABULARY_CHARS: std::ops::RangeInclusive<usize> = 3..=32;

/// The lookup keys of a vocabulary word (symmetric-delete spelling correction): the word and
/// each way of deleting one of its characters. Two words within one edit of each other
/// (a letter added, dropped, changed, or two neighbours swapped: `pritner`, `printer`) share
/// a key, so a store finds a misspelling's candidates with one indexed lookup and no scan.
///
/// ```
/// use sysops_core::kb::deletion_keys;
/// let typo = deletion_keys("pritner");
/// assert!(deletion_keys("printer").iter().any(|k| typo.contains(k)));
/// ```
pub fn deletion_keys(word: &str) -> BTreeSet<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut keys = BTreeSet::from([word.to_owned()]);
    for skip in 0..chars.len() {
        keys.insert(chars.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, c)| c).collect());
    }
    keys
}

/// The vocabulary word `word` most likely meant: among `candidates` (word, how many article
/// revisions used it; a store finds them by [`deletion_keys`], so each is at most one
/// deletion on each side away), those within one edit (two for words of eight characters or
/// more), the closest, then the most used, then the first in alphabetical order. `None` when `word` itself is
/// among them (it is not misspelled) or none is close enough.
pub fn best_correction<'a>(word: &str, candidates: impl IntoIterator<Item = (&'a str, u64)>) -> Option<String> {
    let allowed = if word.chars().count() >= 8 { 2 } else { 1 };
    let mut best: Option<(usize, std::cmp::Reverse<u64>, &str)> = None;
    for (candidate, uses) in candidates {
        let distance = edit_distance(word, candidate);
        if distance == 0 {
            return None;
        }
        let key = (distance, std::cmp::Reverse(uses), candidate);
        if distance <= allowed && best.is_none_or(|b| key < b) {
            best = Some(key);
        }
    }
    best.map(|(_, _, w)| w.to_owned())
}

/// The optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
/// two neighbouring characters, each counting one.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    // Three rows of the table: two back (for swaps), the previous one and the current one.
    let mut two_back: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let cell = |row: &[usize], j: usize| row.get(j).copied().unwrap_or(usize::MAX / 2);
    for (i, ca) in a.iter().enumerate() {
        let mut row = Vec::with_capacity(b.len() + 1);
        row.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut best = (cell(&prev, j) + cost).min(cell(&prev, j + 1) + 1).min(cell(&row, j) + 1);
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(cb) && b.get(j - 1) == Some(ca);
            if swapped {
                best = best.min(cell(&two_back, j - 1) + 1);
            }
            row.push(best);
        }
        two_back = std::mem::replace(&mut prev, row);
    }
    cell(&prev, b.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn symbols_operators_and_brackets_only_separate_words() {
        let query = SearchQuery::parse("printer AND (jams!) OR 'tray' NEAR/3 ✓ 🖨️").unwrap();
        assert_eq!(query.to_string(), "printer and jams or tray near 3");
    }

    #[test]
    fn a_hyphen_inside_a_word_separates_and_only_a_leading_one_excludes() {
        let query = SearchQuery::parse("wi-fi -router \"-cable\"").unwrap();
        assert_eq!(query.to_string(), "wi fi cable -router");
    }

    #[test]
    fn an_unclosed_quote_runs_to_the_end() {
        let query = SearchQuery::parse(r#"wifi "drops every hour"#).unwrap();
        assert_eq!(
            query.required(),
            [Term::Word("wifi".into()), Term::Phrase(vec!["drops".into(), "every".into(), "hour".into()])]
        );
    }

    #[test]
    fn a_query_of_nothing_but_exclusions_or_symbols_finds_nothing_to_search() {
        for text in ["", "   ", "-laser", "\"\"", "((()))", "-\"paper jam\"", "*"] {
            assert_eq!(SearchQuery::parse(text), Err(QueryError::NothingToFind), "{text:?}");
        }
    }

    #[test]
    fn ten_kilobytes_of_words_is_too_many_terms_and_more_is_too_long() {
        let words: String = (0..1_000).map(|i| format!("w{i} ")).collect();
        assert_eq!(SearchQuery::parse(&words), Err(QueryError::TooManyTerms { max: MAX_TERMS }));
        let long = "a".repeat(MAX_QUERY_CHARS + 1);
        assert!(matches!(SearchQuery::parse(&long), Err(QueryError::TooLong { .. })));
    }

    #[test]
    fn rendered_queries_quote_every_word() {
        let query = SearchQuery::parse(r#"print* "paper jam" -laser"#).unwrap();
        assert_eq!(query.to_fts5(), r#"("print" * AND "paper jam") NOT "laser""#);
        assert_eq!(query.to_tsquery(), "'print':* & ('paper' <-> 'jam') & !'laser'");
    }

    #[test]
    fn a_swapped_pair_of_letters_is_one_edit_and_is_corrected() {
        assert_eq!(edit_distance("pritner", "printer"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        let candidates = [("printer", 40), ("printers", 12), ("pointer", 3)];
        assert_eq!(best_correction("pritner", candidates), Some("printer".into()));
        assert_eq!(best_correction("printer", candidates), None);
    }

    proptest! {
        /// Whatever is typed, parsing answers (never panics), and a parsed query reads back
        /// as itself and renders only quoted words and the engines' own operators.
        #[test]
        fn any_text_parses_or_is_refused_and_a_parsed_query_round_trips(text in "\\PC{0,200}") {
            if let Ok(query) = SearchQuery::parse(&text) {
                prop_assert_eq!(SearchQuery::parse(&query.to_string()), Ok(query.clone()));
                let fts5 = query.to_fts5();
                prop_assert!(fts5.split('"').skip(1).step_by(2).all(|quoted| quoted.chars().all(|c| c.is_alphanumeric() || c == ' ')));
                prop_assert!(!query.to_tsquery().contains("''"));
            }
        }

        /// Words one edit apart share a deletion key.
        #[test]
        fn words_one_edit_apart_share_a_key(word in "[a-z]{3,12}", at in 0usize..12, c in "[a-z]") {
            let chars: Vec<char> = word.chars().collect();
            let at = at % chars.len();
            let mut changed = chars.clone();
            changed[at] = c.chars().next().unwrap();
            let changed: String = changed.into_iter().collect();
            let keys = deletion_keys(&word);
            prop_assert!(deletion_keys(&changed).iter().any(|k| keys.contains(k)));
            prop_assert!(edit_distance(&word, &changed) <= 1);
        }
    }
}
