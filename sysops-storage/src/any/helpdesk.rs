//! Helpdesk search on whichever backend this is.

use super::{AnyStore, delegate};
use sysops_core::StoreError;
use sysops_core::helpdesk::{CustomerLookup, HelpdeskStore, TicketLookup};
use sysops_core::store::StoredState;

impl HelpdeskStore for AnyStore {
    async fn find_customers(&self, lookup: &CustomerLookup) -> Result<Vec<StoredState>, StoreError> {
        delegate!(self.find_customers(lookup))
    }

    async fn find_tickets(&self, lookup: &TicketLookup) -> Result<Vec<StoredState>, StoreError> {
        delegate!(self.find_tickets(lookup))
    }
}
