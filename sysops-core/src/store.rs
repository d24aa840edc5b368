//! The whole storage contract, split by subsystem as each backend implements it: the event
//! store and the outbox every domain shares ([`EventStore`], [`Outbox`]), and one query
//! trait per domain ([`TicketStore`], [`ExpertStore`], [`AssignmentStore`], [`BillingStore`]
//! and the [`CardVault`], [`KbStore`], [`HelpdeskStore`], [`NotifyStore`], [`ReportStore`]). [`Store`] is
//! all of them; adding a domain's queries adds its trait here, and nothing else here changes.
//!
//! Each trait has its conformance suite in `testing` (feature `testing`), which every
//! backend runs.

pub use crate::aggregate::Index;
pub use crate::assignment::{AssignmentStore, Claim, ExpertLoad};
pub use crate::billing::{BillingStore, CardVault, InvoiceFilter, InvoiceIndex, SubscriptionIndex, VaultEntry};
pub use crate::expert::{ExpertIndex, ExpertQuery, ExpertStore};
pub use crate::helpdesk::{CustomerLookup, HelpdeskStore, TicketLookup};
pub use crate::kb::{ArticleIndex, KbStore};
pub use crate::notify::NotifyStore;
pub use crate::persist::{
    Change, ConsumerName, EventStore, Listing, MemoryStore, Outbox, OutboxEntry, Page, Quarantined, StoredEvent,
    StoredState, audit_stream, decode_all, decode_event, decode_state, history, load, next_after,
};
pub use crate::report::ReportStore;
pub use crate::ticket::{TicketFilter, TicketIndex, TicketStore};

/// Everything a [`Service`](crate::Service) needs from a backend; implemented for every type
/// that implements each part.
pub trait Store:
    EventStore
    + Outbox
    + TicketStore
    + ExpertStore
    + AssignmentStore
    + BillingStore
    + CardVault
    + KbStore
    + HelpdeskStore
    + NotifyStore
    + ReportStore
{
}

impl<T> Store for T where
    T: EventStore
        + Outbox
        + TicketStore
        + ExpertStore
        + AssignmentStore
        + BillingStore
        + CardVault
        + KbStore
        + HelpdeskStore
        + NotifyStore
        + ReportStore
{
}
