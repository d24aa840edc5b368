//! Helpers shared by the storage tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::future::Future;
use std::sync::Arc;
use sysops_storage::{CardKey, KeyProvider, PgStore, SqliteStore, StaticKeys};

/// Runs `future` on a fresh multi-threaded tokio runtime.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap().block_on(future)
}

/// The PostgreSQL server to test against (`SYSOPS_PG_URL`). Under `CI=true` its absence is a failure.
pub(crate) fn pg_url() -> Option<String> {
    match std::env::var("SYSOPS_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "CI=true but SYSOPS_PG_URL is not set: PostgreSQL tests must run in CI (scripts/test.sh starts a server)"
            )
        }
        _ => None,
    }
}

/// A fresh, empty PostgreSQL store in a schema of its own.
pub(crate) async fn fresh_pg() -> PgStore {
    let url = pg_url().expect("SYSOPS_PG_URL");
    let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
    PgStore::open(&url, Some(&schema), 8).await.expect("open PostgreSQL").with_card_keys(card_keys())
}

/// The card keys test stores seal cards with: a fixed test key (never a real one).
pub(crate) fn card_keys() -> Arc<dyn KeyProvider> {
    Arc::new(StaticKeys::new(CardKey::new("test-2026", &[0x5a; 32]).unwrap(), []))
}

/// A fresh SQLite database file in a temporary directory that lives as long as the test process.
pub(crate) async fn fresh_sqlite() -> SqliteStore {
    let dir = tempfile::tempdir().expect("tempdir").keep();
    SqliteStore::open(&dir.join("sysops.db")).await.expect("open SQLite").with_card_keys(card_keys())
}
