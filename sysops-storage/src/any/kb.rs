//! Knowledge-base queries on whichever backend this is.

use super::{AnyStore, delegate};
use std::collections::BTreeSet;
use sysops_core::kb::{ArticleHit, ArticleSearch, KbStore};
use sysops_core::{ArticleId, ProductCategory, Sequence, StoreError};

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
