//! The expert search on either backend.

use super::{AnyStore, delegate};
use sysops_core::StoreError;
use sysops_core::store::{ExpertQuery, ExpertStore, Page, StoredState};

impl ExpertStore for AnyStore {
    async fn experts(&self, query: ExpertQuery, page: Page) -> Result<Vec<StoredState>, StoreError> {
        delegate!(self.experts(query, page))
    }
}
