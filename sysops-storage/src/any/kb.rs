//! Knowledge-base queries on whichever backend this is.

use super::{AnyStore, delegate};
use std::collections::BTreeSet;
use sysops_core::kb::threshold::{ListRead, MatchSet, Posting, TermCounts};
use sysops_core::kb::{ArticleHit, ArticleSearch, KbStore, SearchQuery};
use sysops_core::{ArticleId, ProductCategory, Sequence, StoreError};

impl KbStore for AnyStore {
    async fn term_counts(&self, terms: &[String]) -> Result<TermCounts, StoreError> {
        delegate!(self.term_counts(terms))
    }

    async fn terms_starting(&self, prefix: &str, max: usize) -> Result<Vec<(String, u64)>, StoreError> {
        delegate!(self.terms_starting(prefix, max))
    }

    async fn ranked_lists(&self, reads: &[ListRead]) -> Result<Vec<Vec<Posting>>, StoreError> {
        delegate!(self.ranked_lists(reads))
    }

    async fn matching(&self, search: &ArticleSearch, among: &[ArticleId]) -> Result<Vec<ArticleId>, StoreError> {
        delegate!(self.matching(search, among))
    }

    async fn matches(&self, search: &ArticleSearch, limit: usize, set: MatchSet) -> Result<Vec<ArticleId>, StoreError> {
        delegate!(self.matches(search, limit, set))
    }

    fn candidates_match(&self) -> bool {
        match self {
            AnyStore::Sqlite(s) => s.candidates_match(),
            AnyStore::Postgres(p) => p.candidates_match(),
        }
    }

    async fn article_weights(&self, articles: &[ArticleId]) -> Result<Vec<(ArticleId, String)>, StoreError> {
        delegate!(self.article_weights(articles))
    }

    async fn article_hits(&self, query: &SearchQuery, articles: &[ArticleId]) -> Result<Vec<ArticleHit>, StoreError> {
        delegate!(self.article_hits(query, articles))
    }

    async fn similar_words(&self, keys: &[String]) -> Result<Vec<(String, u64)>, StoreError> {
        delegate!(self.similar_words(keys))
    }

    async fn articles_imported(&self) -> Result<(), StoreError> {
        delegate!(self.articles_imported())
    }

    async fn article_versions(
        &self,
        categories: &BTreeSet<ProductCategory>,
    ) -> Result<Vec<(ArticleId, Sequence)>, StoreError> {
        delegate!(self.article_versions(categories))
    }

    async fn times_solved(&self, articles: &[ArticleId]) -> Result<Vec<u64>, StoreError> {
        delegate!(self.times_solved(articles))
    }
}
