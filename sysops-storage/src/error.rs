//! Errors of opening a store.

use sysops_core::StoreError;

/// Why a store could not be opened. Nothing was written when this is returned.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The URL is not one sysops understands.
    #[error("invalid database URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL, with any password replaced by `***`.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The database server could not be reached or refused the connection.
    #[error("cannot connect to {url}: {source}")]
    Unreachable {
        /// The URL, with any password replaced by `***`.
        url: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// The file exists but is not a (healthy) SQLite database; it was left untouched.
    #[error("{path} is not a healthy SQLite database: {source}")]
    Corrupt {
        /// The file.
        path: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// The database was written by a newer sysops; it was left untouched.
    #[error("the database schema is at version {found}, this sysops supports up to {supported}; upgrade sysops")]
    SchemaTooNew {
        /// The newest migration applied to the database.
        found: i64,
        /// The newest migration this code knows.
        supported: i64,
    },
    /// Applying the schema migrations failed.
    #[error("migrating the schema failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// An option is out of its range (named as in [`Options`](crate::Options)).
    #[error("invalid option {option}: {reason}")]
    InvalidOption {
        /// The option's name.
        option: &'static str,
        /// Its range.
        reason: &'static str,
    },
    /// Any other failure of the database.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The longest wait limit a store takes: longer would be a hang by another name.
pub const MAX_WAIT_LIMIT: std::time::Duration = std::time::Duration::from_secs(600);

/// `max_wait` when it is from 1 ms to [`MAX_WAIT_LIMIT`].
pub(crate) fn checked_wait(max_wait: std::time::Duration) -> Result<std::time::Duration, OpenError> {
    if (std::time::Duration::from_millis(1)..=MAX_WAIT_LIMIT).contains(&max_wait) {
        Ok(max_wait)
    } else {
        Err(OpenError::InvalidOption { option: "max_wait", reason: "from 1 ms to 600 s" })
    }
}

/// Wraps a driver error as a backend failure, or as [`StoreError::Busy`] when the store is at
/// capacity: the pool had no connection free within the wait limit, a lock (SQLite's, held by
/// another process, or a PostgreSQL row or table lock) stayed held past it, or PostgreSQL
/// refused a new connection for having too many.
pub(crate) fn backend(error: sqlx::Error) -> StoreError {
    if is_busy(&error) { StoreError::Busy } else { StoreError::Backend(Box::new(error)) }
}

fn is_busy(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => {
            let code = db.code();
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // SQLITE_BUSY, with its extended codes (recovery 261, snapshot 517).
                code.and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| c & 0xff == 5)
            } else {
                // PostgreSQL's too_many_connections, and lock_not_available (`lock_timeout`).
                matches!(code.as_deref(), Some("53300" | "55P03"))
            }
        }
        _ => false,
    }
}

/// True for a unique-constraint violation (a concurrent writer took the same key).
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}
