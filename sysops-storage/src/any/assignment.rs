//! The assignment batch on either backend.

use super::{AnyStore, delegate};
use sysops_core::StoreError;
use sysops_core::store::{AssignmentStore, Change, Claim, ExpertLoad};

impl AssignmentStore for AnyStore {
    async fn expert_loads(&self) -> Result<Vec<ExpertLoad>, StoreError> {
        delegate!(self.expert_loads())
    }

    async fn assignment_batch<R, F>(&self, limit: u32, decide: F) -> Result<R, StoreError>
    where
        R: Send,
        F: FnOnce(Claim) -> Result<(Vec<Change>, R), StoreError> + Send,
    {
        delegate!(self.assignment_batch(limit, decide))
    }
}
