//! A hit's snippet cut by sysops from the article's lead: the words around the first one the
//! query matches, every matched word highlighted. Words match as they rank
//! ([`rank::term_of`]: case, accents and English endings ignored; stop words never
//! highlighted), and a prefix matches the words it starts.

use super::query::{SearchQuery, Term};
use super::rank;
use super::store::SnippetPart;
use std::collections::BTreeSet;

/// Words a snippet shows, and how many of them come before the first match.
const WORDS: usize = 16;
const BEFORE: usize = 6;
/// Marks text left out at either end.
const ELLIPSIS: &str = "…";

/// What the query highlights: the stems of its required words, and its prefixes folded.
struct Highlight {
    stems: BTreeSet<String>,
    prefixes: Vec<String>,
}

impl Highlight {
    fn of(query: &SearchQuery) -> Self {
        let mut stems = BTreeSet::new();
        let mut prefixes = Vec::new();
        for term in query.required() {
            match term {
                Term::Word(w) => stems.extend(rank::term_of(w)),
                Term::Phrase(ws) => stems.extend(ws.iter().filter_map(|w| rank::term_of(w))),
                Term::Prefix(p) => prefixes.push(crate::text::name_words(p).concat()),
            }
        }
        Highlight { stems, prefixes }
    }

    fn matches(&self, word: &str) -> bool {
        // Stemming every word of a lead would cost more than the rest of a search: a word is
        // stemmed only when it starts as one of the query's stems does.
        let first = word.chars().next().map(|c| c.to_ascii_lowercase());
        let ascii_miss = first.is_some_and(|c| c.is_ascii() && !self.stems.iter().any(|s| s.starts_with(c)));
        if self.prefixes.is_empty() && ascii_miss {
            return false;
        }
        let folded = crate::text::name_words(word).concat();
        self.prefixes.iter().any(|p| folded.starts_with(p.as_str()))
            || (!ascii_miss && rank::term_of(word).is_some_and(|t| self.stems.contains(&t)))
    }
}

/// The snippet of `text` for `query`: up to 16 words, starting up to six words before the
/// first match (the text's start when nothing matches), white space runs shown as one space,
/// `…` where text is left out.
pub fn snippet(query: &SearchQuery, text: &str) -> Vec<SnippetPart> {
    let highlight = Highlight::of(query);
    let words: Vec<(usize, usize)> = word_spans(text);
    let first = words.iter().position(|(a, b)| text.get(*a..*b).is_some_and(|w| highlight.matches(w)));
    let start = first.unwrap_or(0).saturating_sub(BEFORE);
    let shown = words.get(start..).unwrap_or_default();
    let shown = shown.get(..WORDS).unwrap_or(shown);
    let (Some((from, _)), Some((_, to))) = (shown.first(), shown.last()) else { return Vec::new() };
    let mut parts: Vec<SnippetPart> = Vec::new();
    let mut push = |piece: &str, highlighted: bool| match parts.last_mut() {
        Some(last) if last.highlighted == highlighted => last.text.push_str(piece),
        _ => parts.push(SnippetPart { text: piece.to_owned(), highlighted }),
    };
    if start > 0 {
        push(&format!("{ELLIPSIS} "), false);
    }
    let mut at = *from;
    for (a, b) in shown {
        let gap = text.get(at..*a).unwrap_or_default();
        if !gap.is_empty() {
            push(&collapsed(gap), false);
        }
        let word = text.get(*a..*b).unwrap_or_default();
        push(word, highlight.matches(word));
        at = *b;
    }
    if *to < text.len() {
        let rest = text.get(*to..).unwrap_or_default();
        let closing: String = rest.chars().take_while(|c| !c.is_alphanumeric() && !c.is_whitespace()).collect();
        push(&closing, false);
        if words.len() > start + shown.len() {
            push(&format!(" {ELLIPSIS}"), false);
        }
    }
    parts.retain(|p| !p.text.is_empty());
    parts
}

/// The byte spans of `text`'s words: runs of letters and digits.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                spans.push((from, at));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        spans.push((from, text.len()));
    }
    spans
}

/// `gap` with each run of white space as one space.
fn collapsed(gap: &str) -> String {
    let mut out = String::with_capacity(gap.len());
    for c in gap.chars() {
        if c.is_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(query: &str, text: &str) -> String {
        let query = SearchQuery::parse(query).expect("query");
        snippet(&query, text)
            .iter()
            .map(|p| if p.highlighted { format!("[{}]", p.text) } else { p.text.clone() })
            .collect()
    }

    #[test]
    fn the_words_around_the_first_match_are_shown_with_every_match_highlighted() {
        let text = "Before anything else, switch the unit off. Then open tray two and pull the jammed \
                    sheet out slowly; Jams usually   clear.\n\nIf the paper jams again, call support.";
        assert_eq!(
            shown("jam", text),
            "… open tray two and pull the [jammed] sheet out slowly; [Jams] usually clear. If the paper …"
        );
        assert_eq!(
            shown("\"paper jams\"", text),
            "… open tray two and pull the [jammed] sheet out slowly; [Jams] usually clear. If the [paper] …"
        );
        assert_eq!(
            shown("Swit*", text),
            "Before anything else, [switch] the unit off. Then open tray two and pull the jammed sheet …"
        );
        assert_eq!(shown("toner", "Short text."), "Short text.");
        assert_eq!(shown("toner", ""), "");
        assert_eq!(shown("café", "Le Café du coin"), "Le [Café] du coin");
    }
}
