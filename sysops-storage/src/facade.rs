//! [`Sysops`]: the one entry type for Rust services and the language bindings.

use crate::error::OpenError;
use crate::url::StoreUrl;
use crate::{AnyStore, PgStore, SqliteStore};
use std::ops::Deref;
use std::sync::Arc;
use sysops_core::store::{ConsumerName, Outbox, OutboxEntry};
use sysops_core::{Clock, IdGen, Service, StoreError, SystemClock, UuidV7Ids};

/// How to open a [`Sysops`].
#[derive(Clone)]
pub struct Options {
    /// Where time comes from (the system clock by default; a manual one in simulations).
    pub clock: Arc<dyn Clock>,
    /// Where ids come from (random UUID v7 by default).
    pub ids: Arc<dyn IdGen>,
    /// PostgreSQL only: keep the tables in this schema (created if missing).
    pub pg_schema: Option<String>,
    /// PostgreSQL only: the connection pool's size.
    pub pg_max_connections: u32,
}

impl Default for Options {
    fn default() -> Self {
        Self { clock: Arc::new(SystemClock), ids: Arc::new(UuidV7Ids), pg_schema: None, pg_max_connections: 10 }
    }
}

/// Sysops on durable storage: every command and query of [`Service`] (through
/// `Deref`), plus the outbox consumers read.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use sysops_core::{Actor, Email, PersonName, StaffRole};
/// let sysops = sysops_storage::Sysops::open("sqlite::memory:").await?;
/// let admin = sysops
///     .create_staff_account(Actor::system(), PersonName::new("Ada")?, Email::new("ada@example.com")?, StaffRole::Administrator)
///     .await?;
/// assert!(admin.active);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub struct Sysops {
    service: Service<AnyStore>,
}

impl Sysops {
    /// Opens the store at `url` (`sqlite://FILE`, `sqlite::memory:` or `postgres://...`) with default options.
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        Self::open_with(url, Options::default()).await
    }

    /// Opens the store at `url` with `options`.
    pub async fn open_with(url: &str, options: Options) -> Result<Self, OpenError> {
        let store = match StoreUrl::parse(url)? {
            StoreUrl::SqliteFile(path) => AnyStore::Sqlite(SqliteStore::open(&path).await?),
            StoreUrl::SqliteMemory => AnyStore::Sqlite(SqliteStore::in_memory().await?),
            StoreUrl::Postgres(url) => {
                AnyStore::Postgres(PgStore::open(&url, options.pg_schema.as_deref(), options.pg_max_connections).await?)
            }
        };
        Ok(Self { service: Service::new(store, options.clock, options.ids) })
    }

    /// `"sqlite"`, `"postgres"`, or `"citus"` (PostgreSQL with the tables distributed by Citus).
    pub fn backend_name(&self) -> &'static str {
        self.service.store().backend_name()
    }

    /// Up to `limit` outbox entries `consumer` has not acknowledged yet, oldest first.
    pub async fn poll_outbox(&self, consumer: &ConsumerName, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        self.service.store().poll(consumer, limit).await
    }

    /// Records that `consumer` has handled everything up to `position`.
    pub async fn ack_outbox(&self, consumer: &ConsumerName, position: u64) -> Result<(), StoreError> {
        self.service.store().ack(consumer, position).await
    }

    /// Closes the database connections; later calls fail with a storage error.
    pub async fn close(&self) {
        self.service.store().close().await;
    }
}

impl Deref for Sysops {
    type Target = Service<AnyStore>;

    fn deref(&self) -> &Service<AnyStore> {
        &self.service
    }
}
