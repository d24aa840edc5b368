//! Knowledge-base query text and rows both backends share: how often articles solved
//! tickets, the articles' versions an offline copy compares, and how a revision changes the
//! ranked lists.

use crate::rows::{Bind, Placeholders, Sql, to_u64};
use sysops_core::kb::rank::Weights;
use sysops_core::kb::threshold::{Posting, TermCounts};
use sysops_core::{ArticleId, Sequence};
use uuid::Uuid;

/// How many solution rows name each of `articles` (those with none are absent), with the
/// values to bind.
pub(crate) fn times_solved_query(articles: &[ArticleId], style: Placeholders) -> (String, Vec<Bind>) {
    let mut sql = Sql::new("SELECT article, count(*) FROM ticket_solutions WHERE article IN (", style);
    for (i, _) in articles.iter().enumerate() {
        sql.push(if i == 0 { "#" } else { ", #" });
    }
    sql.push(") GROUP BY article");
    (sql.text, articles.iter().map(|a| Bind::Id(a.as_uuid())).collect())
}

/// Article version rows as ids and sequences.
pub(crate) fn versions(found: Vec<(Uuid, i64)>) -> Vec<(ArticleId, Sequence)> {
    found.into_iter().map(|(id, version)| (ArticleId::from_uuid(id), Sequence(to_u64(version)))).collect()
}

/// The counts of `found` for `articles`, in their order (0 where absent).
pub(crate) fn in_order(articles: &[ArticleId], found: &[(Uuid, i64)]) -> Vec<u64> {
    let count = |a: &ArticleId| found.iter().find(|(id, _)| *id == a.as_uuid()).map_or(0, |(_, n)| (*n).max(0) as u64);
    articles.iter().map(count).collect()
}

/// The counts of `terms` among the rows `found` (term, docs; the empty term's docs are the
/// ranked articles), 0 where absent.
pub(crate) fn term_counts(terms: &[String], found: &[(String, i64)]) -> TermCounts {
    let docs = |term: &str| found.iter().find(|(t, _)| t == term).map_or(0, |(_, n)| to_u64(*n));
    TermCounts { articles: docs(""), docs: terms.iter().map(|t| docs(t)).collect() }
}

/// List rows as entries.
pub(crate) fn postings(found: Vec<(Uuid, i64)>) -> Vec<Posting> {
    let entry = |(id, impact): (Uuid, i64)| Posting {
        article: ArticleId::from_uuid(id),
        impact: u16::try_from(impact).unwrap_or(0),
    };
    found.into_iter().map(entry).collect()
}

/// A table counting something per word.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Counted {
    /// `kb_words`: how many revisions used each word (the vocabulary).
    Words,
    /// `kb_terms`: how many articles rank on each stem.
    Terms,
}

impl Counted {
    /// The table, its word column and its count column.
    pub(crate) fn names(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Counted::Words => ("kb_words", "word", "uses"),
            Counted::Terms => ("kb_terms", "term", "docs"),
        }
    }
}

/// How a revision changes an article's ranked lists: the entries to take out, those to add,
/// and the change of each term's article count (the empty term counts the ranked articles).
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Reranked {
    pub(crate) removed: Vec<(String, i16)>,
    pub(crate) added: Vec<(String, i16)>,
    pub(crate) docs: std::collections::BTreeMap<String, i64>,
}

/// The change from an article's stored weights (`None`: it did not rank) to its new ones
/// (`None`: it no longer ranks, being retired).
pub(crate) fn rerank(old: Option<&Weights>, new: Option<&Weights>) -> Reranked {
    let empty = Weights::default();
    let (before, after) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut change = Reranked::default();
    let impact = |i: u16| i16::try_from(i).unwrap_or(i16::MAX);
    for (term, was) in before.iter() {
        let now = after.get(term);
        if now != was {
            change.removed.push((term.to_owned(), impact(was)));
        }
        if now == 0 {
            *change.docs.entry(term.to_owned()).or_default() -= 1;
        }
    }
    for (term, now) in after.iter() {
        let was = before.get(term);
        if was != now {
            change.added.push((term.to_owned(), impact(now)));
        }
        if was == 0 {
            *change.docs.entry(term.to_owned()).or_default() += 1;
        }
    }
    let articles = i64::from(new.is_some()) - i64::from(old.is_some());
    if articles != 0 {
        change.docs.insert(String::new(), articles);
    }
    change
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revision_moves_only_the_entries_whose_impact_changed() {
        let first = Weights::of("Printer jams", "Open the tray.");
        let second = Weights::of("Printer jams", "Open the tray and the lid.");
        let change = rerank(Some(&first), Some(&second));
        assert!(change.added.iter().any(|(t, _)| t == "lid"));
        assert_eq!(change.docs.get("lid"), Some(&1));
        assert_eq!(change.docs.get("printer"), None, "still ranked on");
        assert_eq!(change.docs.get(""), None, "still one article");
        let retired = rerank(Some(&second), None);
        assert_eq!(retired.removed.len(), second.len());
        assert_eq!(retired.docs.get(""), Some(&-1));
        assert!(rerank(Some(&second), Some(&second)) == Reranked::default());
    }
}
