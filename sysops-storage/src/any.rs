//! One store type for whichever backend a URL picked.

use crate::{PgStore, SqliteStore};
use sysops_core::store::{
    AssignmentStore, Change, Claim, ConsumerName, EventStore, ExpertLoad, ExpertQuery, ExpertStore, Outbox,
    OutboxEntry, Page, StoredEvent, StoredState, TicketFilter, TicketStore,
};
use sysops_core::{AggregateKind, StoreError, StreamId};

/// Either backend, chosen at run time.
#[derive(Clone)]
pub enum AnyStore {
    /// An embedded SQLite database.
    Sqlite(SqliteStore),
    /// A PostgreSQL server.
    Postgres(PgStore),
}

impl AnyStore {
    /// `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        match self {
            AnyStore::Sqlite(_) => "sqlite",
            AnyStore::Postgres(_) => "postgres",
        }
    }

    /// Closes the connections.
    pub async fn close(&self) {
        match self {
            AnyStore::Sqlite(s) => s.close().await,
            AnyStore::Postgres(p) => p.close().await,
        }
    }
}

macro_rules! delegate {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match $self {
            AnyStore::Sqlite(s) => s.$method($($arg),*).await,
            AnyStore::Postgres(p) => p.$method($($arg),*).await,
        }
    };
}

impl EventStore for AnyStore {
    async fn commit(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        delegate!(self.commit(changes))
    }

    async fn load(&self, stream: StreamId) -> Result<Option<StoredState>, StoreError> {
        delegate!(self.load(stream))
    }

    async fn events(&self, stream: StreamId) -> Result<Vec<StoredEvent>, StoreError> {
        delegate!(self.events(stream))
    }

    async fn states(&self, kind: AggregateKind, page: Page) -> Result<Vec<StoredState>, StoreError> {
        delegate!(self.states(kind, page))
    }
}

impl Outbox for AnyStore {
    async fn poll(&self, consumer: &ConsumerName, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        delegate!(self.poll(consumer, limit))
    }

    async fn ack(&self, consumer: &ConsumerName, position: u64) -> Result<(), StoreError> {
        delegate!(self.ack(consumer, position))
    }
}

impl TicketStore for AnyStore {
    async fn tickets(&self, filter: TicketFilter, page: Page) -> Result<Vec<StoredState>, StoreError> {
        delegate!(self.tickets(filter, page))
    }
}

impl ExpertStore for AnyStore {
    async fn experts(&self, query: ExpertQuery, page: Page) -> Result<Vec<StoredState>, StoreError> {
        delegate!(self.experts(query, page))
    }
}

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
