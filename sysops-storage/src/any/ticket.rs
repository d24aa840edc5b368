//! Ticket queries on either backend.

use super::{AnyStore, delegate};
use sysops_core::StoreError;
use sysops_core::store::{Page, StoredState, TicketFilter, TicketStore};

impl TicketStore for AnyStore {
    async fn tickets(&self, filter: TicketFilter, page: Page) -> Result<Vec<StoredState>, StoreError> {
        delegate!(self.tickets(filter, page))
    }

    async fn count_tickets(&self, filter: TicketFilter) -> Result<u64, StoreError> {
        delegate!(self.count_tickets(filter))
    }
}
