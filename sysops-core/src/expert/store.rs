//! The expert domain's part of the storage contract: its index row and the expert search.

use crate::aggregate::Index;
use crate::error::StoreError;
use crate::event::AggregateKind;
use crate::geo::GeoPoint;
use crate::persist::{MemoryStore, Page, StoredState};
use crate::skill::{ProductCategory, SkillLevel};
use std::future::Future;

/// The columns experts are found by: written by each backend's expert storage file in the
/// transaction that stores the expert's events.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct ExpertIndex {
    /// Whether the expert takes work.
    pub active: bool,
    pub skills: Vec<(ProductCategory, SkillLevel)>,
    pub base: GeoPoint,
    pub radius_km: u16,
}

/// Which experts to find; every field given must match.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ExpertQuery {
    /// Only experts skilled in this category ...
    pub category: Option<ProductCategory>,
    /// ... at this level or above (needs `category`).
    pub min_level: Option<SkillLevel>,
    /// Only experts whose service area contains this point.
    pub serving: Option<GeoPoint>,
    /// Only active experts.
    pub active_only: bool,
}

impl ExpertQuery {
    /// True when an expert indexed as `index` matches.
    pub fn matches(&self, index: &ExpertIndex) -> bool {
        let skilled = match self.category {
            None => true,
            Some(cat) => index.skills.iter().any(|(c, l)| *c == cat && self.min_level.is_none_or(|min| *l >= min)),
        };
        let serves = self.serving.is_none_or(|p| index.base.distance_km(&p) <= f64::from(index.radius_km));
        skilled && serves && (index.active || !self.active_only)
    }
}

/// Expert queries every backend answers.
pub trait ExpertStore: Send + Sync {
    /// Expert states matching `query`, in id order.
    fn experts(
        &self,
        query: ExpertQuery,
        page: Page,
    ) -> impl Future<Output = Result<Vec<StoredState>, StoreError>> + Send;
}

impl ExpertStore for MemoryStore {
    async fn experts(&self, query: ExpertQuery, page: Page) -> Result<Vec<StoredState>, StoreError> {
        Ok(self.list(AggregateKind::Expert, page, |index: &Index| index.get().is_some_and(|e| query.matches(e))))
    }
}
