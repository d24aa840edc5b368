//! Knowledge-base queries on whichever backend this is.

use super::{AnyStore, delegate};
use sysops_core::kb::{ArticleHit, ArticleSearch, KbStore};
use sysops_core::{ArticleId, StoreError};

impl KbStore for AnyStore {
    async fn search_articles(&self, search: &ArticleSearch) -> Result<Vec<ArticleHit>, StoreError> {
        delegate!(self.search_articles(search))
    }

    async fn similar_words(&self, keys: &[String]) -> Result<Vec<(String, u64)>, StoreError> {
        delegate!(self.similar_words(keys))
    }

    async fn articles_imported(&self) -> Result<(), StoreError> {
        delegate!(self.articles_imported())
    }

    async fn times_solved(&self, articles: &[ArticleId]) -> Result<Vec<u64>, StoreError> {
        delegate!(self.times_solved(articles))
    }
}
