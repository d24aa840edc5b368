//! What the crash tests share: a runtime, a fresh directory, the PostgreSQL server to use.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)] // not every test uses each

/// A two-worker runtime, as the tests' children run.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// A fresh directory under the system's temporary one, named after `test`.
pub(crate) fn tempdir(test: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sysops-{test}-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `SYSOPS_PG_URL`, or `None` (the PostgreSQL case is skipped, saying so) — except under
/// `CI=true`, where a missing server is a failure.
pub(crate) fn pg_url() -> Option<String> {
    match std::env::var("SYSOPS_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("CI=true but SYSOPS_PG_URL is not set"),
        _ => {
            eprintln!("skipped: SYSOPS_PG_URL not set");
            None
        }
    }
}
