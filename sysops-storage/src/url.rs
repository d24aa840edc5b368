//! Which backend a URL names.

use crate::error::OpenError;

/// A parsed store location.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// A SQLite database file, created if missing.
    SqliteFile(std::path::PathBuf),
    /// A private in-memory SQLite database, gone when the store is dropped.
    SqliteMemory,
    /// A PostgreSQL server (`postgres://` or `postgresql://`).
    Postgres(String),
}

impl StoreUrl {
    /// Parses `sqlite://path/to/file.db`, `sqlite:path`, `sqlite::memory:` or `postgres://...`.
    ///
    /// ```
    /// use sysops_storage::StoreUrl;
    /// assert!(matches!(StoreUrl::parse("sqlite::memory:"), Ok(StoreUrl::SqliteMemory)));
    /// assert!(matches!(StoreUrl::parse("sqlite://data/sysops.db"), Ok(StoreUrl::SqliteFile(_))));
    /// assert!(matches!(StoreUrl::parse("postgres://app:secret@db/sysops"), Ok(StoreUrl::Postgres(_))));
    /// assert!(StoreUrl::parse("mysql://nope").is_err());
    /// ```
    pub fn parse(url: &str) -> Result<Self, OpenError> {
        let invalid = |reason| OpenError::InvalidUrl { url: redact(url), reason };
        let url = url.trim();
        if url.is_empty() {
            return Err(invalid("it is empty"));
        }
        if url.chars().any(char::is_control) {
            return Err(invalid("it contains control characters"));
        }
        if url == "sqlite::memory:" || url == "sqlite://:memory:" {
            return Ok(StoreUrl::SqliteMemory);
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(invalid("a SQLite URL needs a file path, e.g. sqlite://sysops.db"));
            }
            return Ok(StoreUrl::SqliteFile(path.into()));
        }
        if let Some(rest) = url.strip_prefix("postgres://").or_else(|| url.strip_prefix("postgresql://")) {
            if rest.is_empty() || rest.starts_with('/') && rest.len() == 1 {
                return Err(invalid("a PostgreSQL URL needs a host or socket, e.g. postgres://user@localhost/sysops"));
            }
            return Ok(StoreUrl::Postgres(url.to_owned()));
        }
        Err(invalid("expected sqlite://FILE, sqlite::memory: or postgres://..."))
    }
}

impl std::fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreUrl::SqliteFile(path) => write!(f, "SqliteFile({})", path.display()),
            StoreUrl::SqliteMemory => f.write_str("SqliteMemory"),
            StoreUrl::Postgres(url) => write!(f, "Postgres({})", redact(url)),
        }
    }
}

/// The URL with the password (between `user:` and `@`) replaced by `***`.
///
/// ```
/// assert_eq!(sysops_storage::redact("postgres://app:s3cret@db:5432/x"), "postgres://app:***@db:5432/x");
/// ```
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (authority, tail) = rest.split_once('/').map_or((rest, None), |(a, t)| (a, Some(t)));
    let redacted = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    match tail {
        Some(tail) => format!("{scheme}://{redacted}/{tail}"),
        None => format!("{scheme}://{redacted}"),
    }
}
