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
    /// Any other failure of the database.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Wraps a driver error as a backend failure, or a conflict when it is a unique-key violation.
pub(crate) fn backend(error: sqlx::Error) -> StoreError {
    StoreError::Backend(Box::new(error))
}

/// True for a unique-constraint violation (a concurrent writer took the same key).
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}
