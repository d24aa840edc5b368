//! How search ranks articles: what each word of an article weighs in it (its *impact*),
//! computed once when a revision is written, and what each word of a query is worth (its
//! rarity). Storage keeps each word's articles ordered by impact, so a search reads the best
//! articles for its words first and stops as soon as no article left unread could enter its
//! page ([`super::threshold`]), however many articles contain a common word.
//!
//! An article's score for a query is the sum, over the query's required words (a phrase's
//! words each count), of the word's rarity times its impact in the article; a prefix counts
//! the best of the [`PREFIX_WORDS`] most common words it starts, at the rarity of the most
//! common one. The rarity is BM25's inverse document frequency; the impact BM25's saturated
//! term frequency over the title (each occurrence counting [`TITLE_WEIGHT`] times) and the
//! body's first [`LEAD_CHARS`] characters, normalised to a fixed length of
//! [`REFERENCE_WORDS`] words (a fixed length, not the corpus's average, so an impact never
//! changes after it is written). Words are ranked by their stem (English Snowball: "printers"
//! and "printing" rank as "print"), case and accents ignored; English words too common to
//! mean anything ([`STOP_WORDS`]) and words longer than [`MAX_WORD_CHARS`] are matched but
//! not ranked.

use super::query::MAX_WORD_CHARS;
use crate::text::name_words;
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Characters of the body, from its start, that rank (and that snippets are cut from).
pub const LEAD_CHARS: usize = 4_000;
/// How many times a word in the title counts.
pub const TITLE_WEIGHT: u32 = 10;
/// The length an article's title and lead are normalised against, in words.
pub const REFERENCE_WORDS: f64 = 250.0;
/// Most words a prefix ranks by.
pub const PREFIX_WORDS: usize = 16;
/// Words matched but not ranked: the English stop words of PostgreSQL's `english`
/// configuration (Snowball's list), which PostgreSQL does not match either.
pub const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "did",
    "do",
    "does",
    "doing",
    "don",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "s",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "t",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// BM25's saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Impacts are stored as integers: thousandths.
const SCALE: f64 = 1_000.0;

/// The ranked term of a word as typed or written: its folded stem, or `None` for a stop word
/// or a word too long to be searched for.
pub fn term_of(word: &str) -> Option<String> {
    folded_terms(word).next()
}

/// The ranked terms of `text`, in order (stop words and overlong words left out).
fn folded_terms(text: &str) -> impl Iterator<Item = String> {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    let stemmer = STEMMER.get_or_init(|| Stemmer::create(Algorithm::English));
    name_words(text)
        .into_iter()
        .filter(|w| w.chars().count() <= MAX_WORD_CHARS && !STOP_WORDS.contains(&w.as_str()))
        .map(move |w| stemmer.stem(&w).into_owned())
        .filter(|t| !t.is_empty())
}

/// The first [`LEAD_CHARS`] characters of `body`.
pub(crate) fn lead(body: &str) -> &str {
    body.char_indices().nth(LEAD_CHARS).and_then(|(at, _)| body.get(..at)).unwrap_or(body)
}

/// What each ranked term weighs in one article revision: its impact, from 1 to 2,200
/// (thousandths of BM25's saturated frequency). Terms absent weigh 0.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Weights(BTreeMap<String, u16>);

impl Weights {
    /// The weights of an article with this title and body.
    pub fn of(title: &str, body: &str) -> Self {
        let mut frequency: BTreeMap<String, u32> = BTreeMap::new();
        let mut length = 0u32;
        for (text, weight) in [(title, TITLE_WEIGHT), (lead(body), 1)] {
            for term in folded_terms(text) {
                *frequency.entry(term).or_default() += weight;
                length += weight;
            }
        }
        let norm = K1 * (1.0 - B + B * f64::from(length) / REFERENCE_WORDS);
        let impact = |tf: u32| {
            let tf = f64::from(tf);
            // At most (K1 + 1) × SCALE = 2,200: always within u16.
            ((tf * (K1 + 1.0) / (tf + norm)) * SCALE).round().clamp(1.0, f64::from(u16::MAX)) as u16
        };
        Weights(frequency.into_iter().map(|(term, tf)| (term, impact(tf))).collect())
    }

    /// The impact of `term` (0: absent).
    pub fn get(&self, term: &str) -> u16 {
        self.0.get(term).copied().unwrap_or(0)
    }

    /// Every term and its impact, in term order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u16)> {
        self.0.iter().map(|(t, i)| (t.as_str(), *i))
    }

    /// How many terms rank.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when no word of the article ranks.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The stored form: `term:impact` pairs separated by spaces (terms hold only letters and
    /// digits, so neither separator can occur in one).
    pub fn encode(&self) -> String {
        let pairs: Vec<String> = self.0.iter().map(|(t, i)| format!("{t}:{i}")).collect();
        pairs.join(" ")
    }

    /// The impact of `term` in weights in their stored form, without reading the others back
    /// (a search scores hundreds of articles on a few terms each).
    pub fn stored_impact(stored: &str, term: &str) -> u16 {
        for (at, _) in stored.match_indices(term) {
            // A whole term starts the stored form or follows a space, and a colon follows it
            // (terms hold neither, so a match across pairs is impossible).
            let starts = at == 0 || stored.as_bytes().get(at.wrapping_sub(1)) == Some(&b' ');
            let tail = stored.get(at + term.len()..).and_then(|t| t.strip_prefix(':'));
            if let (true, Some(tail)) = (starts, tail) {
                return tail.split(' ').next().unwrap_or_default().parse().unwrap_or(0);
            }
        }
        0
    }

    /// Reads the stored form back; a malformed pair (a row written by hand) is left out.
    pub fn decode(stored: &str) -> Self {
        let pair = |p: &str| {
            let (term, impact) = p.rsplit_once(':')?;
            Some((term.to_owned(), impact.parse().ok()?))
        };
        Weights(stored.split(' ').filter_map(pair).collect())
    }
}

/// What a word found in `docs` of `articles` ranked articles is worth (BM25's inverse document
/// frequency, always positive).
pub fn rarity(articles: u64, docs: u64) -> f64 {
    let (n, df) = (articles as f64, docs.min(articles) as f64);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn words_rank_by_their_folded_stem_and_stop_words_do_not_rank() {
        assert_eq!(term_of("Printers"), Some("printer".into()));
        assert_eq!(term_of("printing"), Some("print".into()));
        assert_eq!(term_of("Café"), Some("cafe".into()));
        assert_eq!(term_of("the"), None);
        assert_eq!(term_of(&"a".repeat(MAX_WORD_CHARS + 1)), None);
    }

    #[test]
    fn a_word_in_the_title_outweighs_the_same_word_in_the_body() {
        let in_title = Weights::of("Printer jams", "Open the tray and pull the sheet.");
        let in_body = Weights::of("Paper jams", "Open the printer tray and pull the sheet.");
        assert!(in_title.get("printer") > in_body.get("printer"));
        assert_eq!(in_body.get("toner"), 0);
    }

    #[test]
    fn more_occurrences_weigh_more_and_a_longer_article_dilutes_them() {
        let once = Weights::of("Notes", "router reset");
        let thrice = Weights::of("Notes", "router reset router router");
        let diluted = Weights::of("Notes", &format!("router {}", "filler ".repeat(500)));
        assert!(thrice.get("router") > once.get("router"));
        assert!(diluted.get("router") < once.get("router"));
    }

    #[test]
    fn only_the_lead_of_a_long_body_ranks() {
        let body = format!("{} modem", "x".repeat(LEAD_CHARS));
        assert_eq!(Weights::of("Notes", &body).get("modem"), 0);
    }

    #[test]
    fn rarer_words_are_worth_more() {
        assert!(rarity(1_000, 3) > rarity(1_000, 300));
        assert!(rarity(1_000, 1_000) > 0.0);
        assert!(rarity(0, 5) > 0.0);
    }

    proptest! {
        /// Whatever an article says, its weights are within range and read back as written.
        #[test]
        fn weights_round_trip_and_stay_in_range(title in "\\PC{0,40}", body in "\\PC{0,400}") {
            let weights = Weights::of(&title, &body);
            prop_assert!(weights.iter().all(|(t, i)| (1..=2_200).contains(&i) && !t.is_empty()));
            let stored = weights.encode();
            prop_assert_eq!(Weights::decode(&stored), weights.clone());
            for (term, impact) in weights.iter() {
                prop_assert_eq!(Weights::stored_impact(&stored, term), impact);
            }
        }

        /// A term found inside another in the stored form is not taken for it.
        #[test]
        fn a_stored_impact_is_the_whole_terms_own(a in "[a-z]{1,6}", b in "[a-z]{1,6}") {
            let weights = Weights::of("", &format!("{a}{b} {b}{a} {b}{a}"));
            let stored = weights.encode();
            for term in [a.clone(), b.clone()] {
                prop_assert_eq!(Weights::stored_impact(&stored, &term), weights.get(&term));
            }
        }
    }
}
