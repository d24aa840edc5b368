//! [`Sysops`]: the handle hosts open by URL; every facade operation, converted and async.

use crate::error::{Rule, SysopsError};
use crate::guard::{guard, guard_sync};
use crate::types::Timestamp;
use crate::value::count;
use chrono::TimeDelta;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use sysops_core as core;
use sysops_core::store::{ConsumerName, Page};
use sysops_storage::Options;
use uuid::Uuid;

/// Sysops on a database: open it once, share it, call it from any thread.
///
/// Every call names the acting [`Actor`](crate::Actor) and is authorized before anything changes.
/// Calls that touch the database are `suspend` in Kotlin and `async` in Swift.
#[derive(uniffi::Object)]
pub struct Sysops {
    inner: sysops_storage::Sysops,
    /// Set for simulations: the clock the host advances.
    clock: Option<Arc<core::ManualClock>>,
    closed: AtomicBool,
}

pub(crate) fn reason(text: String) -> Result<core::Reason, SysopsError> {
    Ok(core::Reason::new(text)?)
}

pub(crate) fn page(after: Option<Uuid>, limit: i64) -> Result<Page, SysopsError> {
    let limit: u32 = count("limit", limit)?;
    Ok(Page { after, limit: limit.min(Page::MAX_LIMIT) })
}

pub(crate) fn consumer(name: String) -> Result<ConsumerName, SysopsError> {
    Ok(ConsumerName::new(name)?)
}

pub(crate) fn all<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
    items.into_iter().map(U::from).collect()
}

impl Sysops {
    /// A handle on a facade a Rust host opened itself (say, with `Options` for a PostgreSQL
    /// schema or its own clock); not exported to other languages.
    pub fn with_facade(inner: sysops_storage::Sysops) -> Arc<Self> {
        Arc::new(Sysops { inner, clock: None, closed: AtomicBool::new(false) })
    }

    /// The facade, unless the handle was closed.
    pub(crate) fn api(&self) -> Result<&sysops_storage::Sysops, SysopsError> {
        if self.closed.load(Ordering::Acquire) { Err(SysopsError::Closed) } else { Ok(&self.inner) }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// Opens the database at `url`: `sqlite://path/to/file.db`, `sqlite::memory:` or `postgres://...`.
    /// The schema is created or migrated; a newer or corrupt database is refused untouched.
    #[uniffi::constructor]
    pub async fn open(url: String) -> Result<Arc<Self>, SysopsError> {
        guard(async move {
            let inner = sysops_storage::Sysops::open(&url).await?;
            Ok(Arc::new(Sysops { inner, clock: None, closed: AtomicBool::new(false) }))
        })
        .await
    }

    /// Opens `url` with the billing quantum's settings: `billing_url`, a database of its own
    /// for subscriptions, invoices and the card vault (by default the same database), and the
    /// `card_keys` the vault seals card numbers with (the first seals new cards; without keys
    /// every card operation is refused); and `analytics_url`, a database of its own for the
    /// reports' read models (by default the same database). With `simulated_start`, time
    /// starts there and moves only by [`advance_clock`](Self::advance_clock), and ids are
    /// deterministic for `id_seed`. `max_wait_ms` (1–600,000; by default 5,000) is the longest
    /// a call waits for a connection, or on SQLite for its turn at the writer, before it fails
    /// with [`SysopsError::Busy`] having written nothing.
    #[uniffi::constructor(default(analytics_url = None, max_wait_ms = None))]
    pub async fn open_with(
        url: String,
        billing_url: Option<String>,
        card_keys: Vec<Arc<crate::billing::CardKey>>,
        simulated_start: Option<Timestamp>,
        id_seed: u64,
        analytics_url: Option<String>,
        max_wait_ms: Option<u64>,
    ) -> Result<Arc<Self>, SysopsError> {
        guard(async move {
            let card_keys = crate::billing::key_provider(&card_keys);
            let mut options = Options { billing_url, analytics_url, card_keys, ..Options::default() };
            if let Some(ms) = max_wait_ms {
                options.max_wait = std::time::Duration::from_millis(ms);
            }
            let clock = match simulated_start {
                Some(start) => {
                    let clock = Arc::new(core::ManualClock::new(start)?);
                    options.clock = clock.clone();
                    options.ids = Arc::new(core::SequentialIds::new(id_seed));
                    Some(clock)
                }
                None => None,
            };
            let inner = sysops_storage::Sysops::open_with(&url, options).await?;
            Ok(Arc::new(Sysops { inner, clock, closed: AtomicBool::new(false) }))
        })
        .await
    }

    /// Opens `url` for a simulation or a test: time starts at `start` and moves only by
    /// [`advance_clock`](Self::advance_clock); ids are deterministic for `id_seed`, so the same
    /// calls give the same records in every language.
    #[uniffi::constructor]
    pub async fn open_simulated(url: String, start: Timestamp, id_seed: u64) -> Result<Arc<Self>, SysopsError> {
        guard(async move {
            let clock = Arc::new(core::ManualClock::new(start)?);
            let options = Options {
                clock: clock.clone(),
                ids: Arc::new(core::SequentialIds::new(id_seed)),
                ..Options::default()
            };
            let inner = sysops_storage::Sysops::open_with(&url, options).await?;
            Ok(Arc::new(Sysops { inner, clock: Some(clock), closed: AtomicBool::new(false) }))
        })
        .await
    }

    /// Moves a simulated clock forward; refused on a handle opened with the real clock.
    pub fn advance_clock(&self, by: TimeDelta) -> Result<Timestamp, SysopsError> {
        guard_sync(|| {
            self.api()?;
            let clock = self.clock.as_ref().ok_or_else(|| SysopsError::RuleViolated {
                rule: Rule::RealClock,
                detail: "only a handle opened with open_simulated has a clock to advance".to_owned(),
            })?;
            if by < TimeDelta::zero() {
                return Err(SysopsError::InvalidInput {
                    field: "by".to_owned(),
                    reason: "time only moves forward".to_owned(),
                });
            }
            Ok(clock.advance(by)?)
        })
    }

    /// The time this handle works at, without moving it: a simulated handle's clock, or now.
    pub fn now(&self) -> Result<Timestamp, SysopsError> {
        guard_sync(|| {
            self.api()?;
            Ok(self.clock.as_ref().map_or_else(chrono::Utc::now, |clock| core::Clock::now(clock.as_ref())))
        })
    }

    /// `"sqlite"`, `"postgres"`, or `"citus"` (PostgreSQL with the tables distributed by Citus).
    pub fn backend(&self) -> String {
        self.inner.backend_name().to_owned()
    }

    /// Closes the database connections; every later call fails with [`SysopsError::Closed`].
    /// (Named so because Kotlin's `close()` is `AutoCloseable`'s, which frees the handle.)
    pub async fn shutdown(&self) -> Result<(), SysopsError> {
        guard(async move {
            if !self.closed.swap(true, Ordering::AcqRel) {
                self.inner.close().await;
            }
            Ok(())
        })
        .await
    }
}
