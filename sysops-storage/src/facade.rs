//! [`Sysops`]: the one entry type for Rust services and the language bindings.

use crate::error::OpenError;
use crate::url::StoreUrl;
use crate::{AnyStore, KeyProvider, PgStore, SqliteStore};
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
    /// The longest a call waits for a connection (and on SQLite for its turn at the writer, or
    /// another process's lock) before it fails with [`StoreError::Busy`], having written
    /// nothing: a spike beyond what the machine can do is answered "busy, retry", never a
    /// hang. From 1 ms to [`MAX_WAIT_LIMIT`](crate::MAX_WAIT_LIMIT) (600 s); by default
    /// [`DEFAULT_MAX_WAIT`](crate::DEFAULT_MAX_WAIT) (5 s). A SQLite store opens all its
    /// connections when it is opened, so there any limit works. On PostgreSQL it also bounds
    /// opening a connection (a lock wait, too), so keep it above a connection's set-up time
    /// (tens of milliseconds).
    pub max_wait: std::time::Duration,
    /// Where the billing quantum lives (subscriptions, invoices, the card vault), when it is
    /// kept in a database of its own (ADR-4); by default, in the main store. Same URL forms.
    pub billing_url: Option<String>,
    /// The keys the card vault seals card numbers with; without them every card operation
    /// is refused.
    pub card_keys: Option<Arc<dyn KeyProvider>>,
    /// Where the reports' read models live, when they are kept in a database of their own
    /// (ADR-7: reports never slow the ticket system down); by default, in the main store.
    /// Same URL forms.
    pub analytics_url: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            ids: Arc::new(UuidV7Ids),
            pg_schema: None,
            pg_max_connections: 10,
            max_wait: crate::DEFAULT_MAX_WAIT,
            billing_url: None,
            card_keys: None,
            analytics_url: None,
        }
    }
}

/// Opens the store at `url` with `options`.
async fn open_store(url: &str, options: &Options) -> Result<AnyStore, OpenError> {
    Ok(match StoreUrl::parse(url)? {
        StoreUrl::SqliteFile(path) => AnyStore::Sqlite(SqliteStore::open_with_wait(&path, options.max_wait).await?),
        StoreUrl::SqliteMemory => AnyStore::Sqlite(SqliteStore::in_memory_with_wait(options.max_wait).await?),
        StoreUrl::Postgres(url) => AnyStore::Postgres(
            PgStore::open_with_wait(&url, options.pg_schema.as_deref(), options.pg_max_connections, options.max_wait)
                .await?,
        ),
    })
}

/// The service over an expert's phone store, for a [`Replica`](sysops_core::Replica): a SQLite
/// file (`sqlite://FILE`) or, in tests, `sqlite::memory:`. A phone keeps its own database; a
/// PostgreSQL URL is refused (`InvalidOption` `url`).
pub async fn open_phone(url: &str, options: Options) -> Result<Service<SqliteStore>, OpenError> {
    let store = match StoreUrl::parse(url)? {
        StoreUrl::SqliteFile(path) => SqliteStore::open_with_wait(&path, options.max_wait).await?,
        StoreUrl::SqliteMemory => SqliteStore::in_memory_with_wait(options.max_wait).await?,
        StoreUrl::Postgres(_) => {
            return Err(OpenError::InvalidOption { option: "url", reason: "a phone's replica is a SQLite database" });
        }
    };
    Ok(Service::new(store, options.clock, options.ids))
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

    /// Opens the store at `url` with `options` (and the billing store at
    /// `options.billing_url` and the analytics store at `options.analytics_url`, if given).
    pub async fn open_with(url: &str, options: Options) -> Result<Self, OpenError> {
        let mut store = open_store(url, &options).await?;
        let billing = match &options.billing_url {
            Some(billing_url) => Some(open_store(billing_url, &options).await?),
            None => None,
        };
        let billing = match (billing, options.card_keys.clone()) {
            (Some(billing), Some(keys)) => Some(billing.with_card_keys(keys)),
            (billing, None) => billing,
            (None, Some(keys)) => {
                store = store.with_card_keys(keys);
                None
            }
        };
        let analytics = match &options.analytics_url {
            Some(analytics_url) => Some(open_store(analytics_url, &options).await?),
            None => None,
        };
        let mut service = Service::new(store, options.clock, options.ids);
        if let Some(billing) = billing {
            service = service.with_billing_store(billing);
        }
        if let Some(analytics) = analytics {
            service = service.with_analytics_store(analytics);
        }
        Ok(Self { service })
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

    /// Up to `limit` billing outbox entries `consumer` has not acknowledged yet: the same as
    /// [`poll_outbox`](Self::poll_outbox) unless billing lives in a database of its own.
    pub async fn poll_billing_outbox(
        &self,
        consumer: &ConsumerName,
        limit: u32,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        self.service.billing_store().poll(consumer, limit).await
    }

    /// Records that `consumer` has handled the billing outbox up to `position`.
    pub async fn ack_billing_outbox(&self, consumer: &ConsumerName, position: u64) -> Result<(), StoreError> {
        self.service.billing_store().ack(consumer, position).await
    }

    /// Closes the database connections; later calls fail with a storage error.
    pub async fn close(&self) {
        self.service.store().close().await;
        // The main store again when billing or the reports share it: closing twice is harmless.
        self.service.billing_store().close().await;
        self.service.analytics_store().close().await;
    }
}

impl Deref for Sysops {
    type Target = Service<AnyStore>;

    fn deref(&self) -> &Service<AnyStore> {
        &self.service
    }
}
