//! # sysops-storage
//!
//! Durable storage for sysops: [`SqliteStore`] (the embedded default: one file,
//! WAL, durable commits) and [`PgStore`] (a PostgreSQL server, for scale-out),
//! both implementing every storage trait of `sysops-core` and passing its
//! conformance suite; and [`Sysops`], the one entry type services and the
//! bindings use, opened by URL.
#![forbid(unsafe_code)]

/// The README's Rust examples, compiled (and the in-memory one run) as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

mod any;
mod error;
mod facade;
mod group;
mod notify_loop;
mod postgres;
mod rows;
mod sql;
mod sqlite;
mod url;
mod vault;

pub use any::AnyStore;
pub use error::{MAX_WAIT_LIMIT, OpenError};

/// How long a call waits by default for a connection (or, on SQLite, its turn at the writer)
/// before it is [`StoreError::Busy`](sysops_core::StoreError::Busy): see [`Options::max_wait`].
pub const DEFAULT_MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(5);
pub use facade::{Options, Sysops, open_phone};
pub use notify_loop::{NotifyTotals, StopSignal};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use url::{StoreUrl, redact};
pub use vault::{CardKey, KeyProvider, StaticKeys};
