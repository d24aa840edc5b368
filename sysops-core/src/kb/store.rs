//! The knowledge base's part of the storage contract: the index row of an article's current
//! revision, the search request and its hits, and the [`KbStore`] trait with its
//! `MemoryStore` implementation.

use super::content::Tag;
use super::query::{SearchQuery, Term, VOCABULARY_CHARS, deletion_keys, words};
use super::rank::Weights;
use super::threshold::{ListRead, MatchSet, Posting, TermCounts};
use super::{Article, ArticleContent};
use crate::error::{StoreError, ValidationError};
use crate::event::{AggregateKind, Sequence};
use crate::id::ArticleId;
use crate::persist::{MemoryStore, Window};
use crate::skill::ProductCategory;
use crate::ticket::TicketIndex;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

/// What storage indexes an article by: its current revision's text and filters, and its
/// vocabulary (the words the typo fallback corrects against). Written by each backend's kb
/// storage file in the transaction that stores the article's events.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct ArticleIndex {
    pub revision: u32,
    pub title: String,
    pub body: String,
    pub categories: BTreeSet<ProductCategory>,
    pub tags: BTreeSet<String>,
    /// Retired articles leave search.
    pub retired: bool,
    /// The distinct words of title, body and tags of [`VOCABULARY_CHARS`] characters.
    pub words: BTreeSet<String>,
    /// What each ranked term weighs in this revision: storage lists the article under each
    /// (by impact) and keeps them to score it.
    pub weights: Weights,
}

impl ArticleIndex {
    pub(super) fn of(article: &Article) -> Self {
        let ArticleContent { title, body, categories, tags } = &article.content;
        let text = [title.as_str(), body.as_str()].into_iter().chain(tags.iter().map(Tag::as_str));
        let words = text.flat_map(words).filter(|w| VOCABULARY_CHARS.contains(&w.chars().count())).collect();
        ArticleIndex {
            revision: article.revision(),
            title: title.to_string(),
            body: body.to_string(),
            categories: categories.clone(),
            tags: tags.iter().map(|t| t.as_str().to_owned()).collect(),
            retired: article.retired.is_some(),
            words,
            weights: Weights::of(title.as_str(), body.as_str()),
        }
    }
}

/// The vocabulary rows of `words`: each word's [`deletion_keys`], as (key, word) pairs.
pub fn known_word_keys<'a>(words: impl IntoIterator<Item = &'a str>) -> Vec<(String, &'a str)> {
    words.into_iter().flat_map(|w| deletion_keys(w).into_iter().map(move |k| (k, w))).collect()
}

/// A search: the query, its filters and the page wanted.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleSearch {
    /// What to find.
    pub query: SearchQuery,
    /// Only articles about one of these products (none: any product).
    pub categories: BTreeSet<ProductCategory>,
    /// Only articles carrying every one of these tags (at most [`ArticleContent::MAX_TAGS`]).
    pub tags: BTreeSet<Tag>,
    /// Hits to skip (0 to [`ArticleSearch::MAX_OFFSET`]).
    pub offset: u32,
    /// Hits wanted (1 to [`ArticleSearch::MAX_LIMIT`]).
    pub limit: u32,
}

impl ArticleSearch {
    /// Most hits on one page.
    pub const MAX_LIMIT: u32 = Window::MAX_LIMIT;
    /// Deepest a search pages (see [`Window::MAX_OFFSET`]).
    pub const MAX_OFFSET: u32 = Window::MAX_OFFSET;

    /// The first 20 hits for `query`, unfiltered.
    pub fn new(query: SearchQuery) -> Self {
        Self { query, categories: BTreeSet::new(), tags: BTreeSet::new(), offset: 0, limit: 20 }
    }

    /// Checks the page is within bounds.
    pub fn check(&self) -> Result<(), ValidationError> {
        self.window()?;
        // No article carries more tags, so no search needs more.
        if self.tags.len() > ArticleContent::MAX_TAGS {
            return Err(ValidationError::count("tags", self.tags.len(), 0, ArticleContent::MAX_TAGS));
        }
        Ok(())
    }

    /// The search's page, checked.
    pub fn window(&self) -> Result<Window, ValidationError> {
        Window::new(self.offset, self.limit)
    }
}

/// A piece of a snippet: highlighted where it matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetPart {
    /// The text.
    pub text: String,
    /// True where the query matched.
    pub highlighted: bool,
}

/// One article found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleHit {
    /// The article.
    pub article: ArticleId,
    /// Its current revision, the one searched.
    pub revision: u32,
    /// Its title.
    pub title: String,
    /// A short passage of the body around the matches, cut from the body's first 4,000
    /// characters (where a snippet costs the same for a long manual as for a short note).
    pub snippet: Vec<SnippetPart>,
    /// How many tickets record the article as (part of) their solution.
    pub solved_tickets: u64,
}

/// A page of hits, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The hits.
    pub hits: Vec<ArticleHit>,
    /// The query that was run instead when nothing matched what was typed and the typo
    /// fallback found words it most likely meant ("did you mean …").
    pub corrected: Option<SearchQuery>,
    /// The offset of the next page, if there are more hits.
    pub next_offset: Option<u32>,
}

/// Knowledge-base queries every backend answers.
pub trait KbStore: Send + Sync {
    /// How many articles rank (current revisions not retired) and how many of them rank on
    /// each of `terms`, in order.
    fn term_counts(&self, terms: &[String]) -> impl Future<Output = Result<TermCounts, StoreError>> + Send;

    /// The ranked terms starting with `prefix` that most articles rank on, at most `max`, each
    /// with how many do (most first, then in term order).
    fn terms_starting(
        &self,
        prefix: &str,
        max: usize,
    ) -> impl Future<Output = Result<Vec<(String, u64)>, StoreError>> + Send;

    /// The next entries of each list read, in order of `reads`.
    fn ranked_lists(&self, reads: &[ListRead]) -> impl Future<Output = Result<Vec<Vec<Posting>>, StoreError>> + Send;

    /// Those of `among` that match `search` (its query and filters, not retired), in any
    /// order.
    fn matching(
        &self,
        search: &ArticleSearch,
        among: &[ArticleId],
    ) -> impl Future<Output = Result<Vec<ArticleId>, StoreError>> + Send;

    /// `limit` of the articles `set` says for `search` (all of them when there are fewer).
    fn matches(
        &self,
        search: &ArticleSearch,
        limit: usize,
        set: MatchSet,
    ) -> impl Future<Output = Result<Vec<ArticleId>, StoreError>> + Send;

    /// Whether [`MatchSet::Candidates`] answers the matches themselves (the engine's index holds
    /// word positions), so they need no check.
    fn candidates_match(&self) -> bool;

    /// The stored weights ([`Weights::encode`]) of those of `articles` that rank, in any order.
    fn article_weights(
        &self,
        articles: &[ArticleId],
    ) -> impl Future<Output = Result<Vec<(ArticleId, String)>, StoreError>> + Send;

    /// The hits of `articles` (not retired) for `query`: title and snippet, in any order.
    fn article_hits(
        &self,
        query: &SearchQuery,
        articles: &[ArticleId],
    ) -> impl Future<Output = Result<Vec<ArticleHit>, StoreError>> + Send;

    /// The vocabulary words that have one of `keys` among their [`deletion_keys`], each with
    /// how many article revisions used it.
    fn similar_words(&self, keys: &[String]) -> impl Future<Output = Result<Vec<(String, u64)>, StoreError>> + Send;

    /// Brings the search engine up to date with a bulk import just committed, so the first
    /// searches after it are as fast as later ones (PostgreSQL plans them from fresh table
    /// statistics, SQLite reads a merged index).
    fn articles_imported(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every article (retired ones too) about one of `categories`, with its version: what an
    /// expert's offline copy holds, or should.
    fn article_versions(
        &self,
        categories: &BTreeSet<ProductCategory>,
    ) -> impl Future<Output = Result<Vec<(ArticleId, Sequence)>, StoreError>> + Send;

    /// How many tickets record each of `articles` as (part of) their solution, in order.
    fn times_solved(&self, articles: &[ArticleId]) -> impl Future<Output = Result<Vec<u64>, StoreError>> + Send;
}

impl KbStore for MemoryStore {
    async fn term_counts(&self, terms: &[String]) -> Result<TermCounts, StoreError> {
        let ranked = self.ranked_articles();
        let docs = terms.iter().map(|t| ranked.iter().filter(|(_, i)| i.weights.get(t) > 0).count() as u64);
        Ok(TermCounts { articles: ranked.len() as u64, docs: docs.collect() })
    }

    async fn terms_starting(&self, prefix: &str, max: usize) -> Result<Vec<(String, u64)>, StoreError> {
        let mut docs: BTreeMap<String, u64> = BTreeMap::new();
        for (_, index) in self.ranked_articles() {
            for (term, _) in index.weights.iter().filter(|(t, _)| t.starts_with(prefix)) {
                *docs.entry(term.to_owned()).or_default() += 1;
            }
        }
        let mut found: Vec<(String, u64)> = docs.into_iter().collect();
        found.sort_by(|(a, x), (b, y)| y.cmp(x).then(a.cmp(b)));
        found.truncate(max);
        Ok(found)
    }

    async fn ranked_lists(&self, reads: &[ListRead]) -> Result<Vec<Vec<Posting>>, StoreError> {
        let ranked = self.ranked_articles();
        Ok(reads
            .iter()
            .map(|read| {
                let mut list: Vec<Posting> = ranked
                    .iter()
                    .map(|(article, index)| Posting { article: *article, impact: index.weights.get(&read.term) })
                    .filter(|p| p.impact > 0)
                    .collect();
                let order = |p: &Posting| std::cmp::Reverse((p.impact, p.article));
                list.sort_by_key(order);
                let start = read.after.map_or(0, |after| list.partition_point(|p| order(p) <= order(&after)));
                list.into_iter().skip(start).take(read.limit as usize).collect()
            })
            .collect())
    }

    async fn matching(&self, search: &ArticleSearch, among: &[ArticleId]) -> Result<Vec<ArticleId>, StoreError> {
        let among: BTreeSet<&ArticleId> = among.iter().collect();
        let ranked = self.ranked_articles();
        let found = ranked.into_iter().filter(|(id, index)| among.contains(id) && matches_search(search, index));
        Ok(found.map(|(id, _)| id).collect())
    }

    async fn matches(&self, search: &ArticleSearch, limit: usize, _: MatchSet) -> Result<Vec<ArticleId>, StoreError> {
        let ranked = self.ranked_articles();
        Ok(ranked
            .into_iter()
            .filter(|(_, index)| matches_search(search, index))
            .map(|(id, _)| id)
            .take(limit)
            .collect())
    }

    fn candidates_match(&self) -> bool {
        true
    }

    async fn article_weights(&self, articles: &[ArticleId]) -> Result<Vec<(ArticleId, String)>, StoreError> {
        let ranked = self.ranked_articles();
        let wanted = ranked.into_iter().filter(|(id, _)| articles.contains(id));
        Ok(wanted.map(|(id, index)| (id, index.weights.encode())).collect())
    }

    async fn article_hits(&self, query: &SearchQuery, articles: &[ArticleId]) -> Result<Vec<ArticleHit>, StoreError> {
        let ranked = self.ranked_articles();
        let wanted = ranked.into_iter().filter(|(id, _)| articles.contains(id));
        Ok(wanted
            .map(|(article, index)| ArticleHit {
                article,
                revision: index.revision,
                title: index.title.clone(),
                snippet: super::snippet(query, super::rank::lead(&index.body)),
                solved_tickets: 0,
            })
            .collect())
    }

    async fn similar_words(&self, keys: &[String]) -> Result<Vec<(String, u64)>, StoreError> {
        let inner = self.lock();
        let mut uses: BTreeMap<&str, u64> = BTreeMap::new();
        for (_, index) in inner.states.values() {
            if let Some(index) = index.get::<ArticleIndex>() {
                for word in &index.words {
                    *uses.entry(word).or_default() += 1;
                }
            }
        }
        let keys: BTreeSet<&str> = keys.iter().map(String::as_str).collect();
        Ok(uses
            .into_iter()
            .filter(|(word, _)| deletion_keys(word).iter().any(|k| keys.contains(k.as_str())))
            .map(|(word, n)| (word.to_owned(), n))
            .collect())
    }

    async fn articles_imported(&self) -> Result<(), StoreError> {
        Ok(())
    }

    async fn article_versions(
        &self,
        categories: &BTreeSet<ProductCategory>,
    ) -> Result<Vec<(ArticleId, Sequence)>, StoreError> {
        let inner = self.lock();
        let articles = inner.states.iter().filter(|(stream, _)| stream.kind == AggregateKind::Article);
        let about = articles.filter(|(_, (_, index))| {
            index.get::<ArticleIndex>().is_some_and(|a| !a.categories.is_disjoint(categories))
        });
        Ok(about.map(|(stream, (state, _))| (ArticleId::from_uuid(stream.id), state.version)).collect())
    }

    async fn times_solved(&self, articles: &[ArticleId]) -> Result<Vec<u64>, StoreError> {
        let inner = self.lock();
        let solutions: Vec<&TicketIndex> = inner.states.values().filter_map(|(_, index)| index.get()).collect();
        let solved = |article: &ArticleId| solutions.iter().filter(|t| t.solved_by.contains(article)).count() as u64;
        Ok(articles.iter().map(solved).collect())
    }
}

impl MemoryStore {
    /// The current revisions not retired, in id order.
    fn ranked_articles(&self) -> Vec<(ArticleId, ArticleIndex)> {
        let inner = self.lock();
        let articles = inner.states.iter().filter(|(stream, _)| stream.kind == AggregateKind::Article);
        let indexes = articles
            .filter_map(|(stream, (_, index))| Some((ArticleId::from_uuid(stream.id), index.get::<ArticleIndex>()?)));
        indexes.filter(|(_, index)| !index.retired).map(|(id, index)| (id, index.clone())).collect()
    }
}

/// Whether an article matches a search's query (whole words, unstemmed) and filters.
fn matches_search(search: &ArticleSearch, index: &ArticleIndex) -> bool {
    let filtered = (search.categories.is_empty() || !search.categories.is_disjoint(&index.categories))
        && search.tags.iter().all(|t| index.tags.contains(t.as_str()));
    let text: Vec<String> = words(&index.title).chain(words(&index.body)).collect();
    let found = |t: &Term| matches(t, &text);
    filtered && search.query.required().iter().all(found) && !search.query.excluded().iter().any(found)
}

/// Whether `term` occurs in `text`.
fn matches(term: &Term, text: &[String]) -> bool {
    match term {
        Term::Word(w) => text.contains(w),
        Term::Prefix(p) => text.iter().any(|t| t.starts_with(p.as_str())),
        Term::Phrase(ws) => text.windows(ws.len()).any(|window| window == ws),
    }
}
