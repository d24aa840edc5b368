//! One store type for whichever backend a URL picked.

//!
//! Each domain's queries are delegated in this folder's file of that name.

mod assignment;
mod billing;
mod expert;
mod helpdesk;
mod kb;
mod notify;
mod report;
mod ticket;

use crate::{PgStore, SqliteStore};
use sysops_core::store::{Change, ConsumerName, EventStore, Outbox, OutboxEntry, Page, StoredEvent, StoredState};
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
            AnyStore::Postgres(store) if store.is_distributed() => "citus",
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

/// Runs the method on whichever backend this is.
macro_rules! delegate {
    ($self:ident . $method:ident ( $($arg:expr),* )) => {
        match $self {
            AnyStore::Sqlite(s) => s.$method($($arg),*).await,
            AnyStore::Postgres(p) => p.$method($($arg),*).await,
        }
    };
}
pub(crate) use delegate;

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

    async fn load_many(&self, kind: AggregateKind, ids: &[uuid::Uuid]) -> Result<Vec<StoredState>, StoreError> {
        delegate!(self.load_many(kind, ids))
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
