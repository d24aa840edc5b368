//! Test support for sysops and for storage backends (feature `testing`).
//!
//! - [`fixtures`]: valid plans, customers, experts and a ready [`World`](fixtures::World).
//! - [`model`]: an independent reference model of the ticket workflow and a
//!   simulation that checks the invariants after every command; proptest and
//!   cargo-fuzz both drive it.
//! - [`conformance`]: the behaviour every [`Store`](crate::Store) must show; run
//!   it with [`store_conformance_tests!`](crate::store_conformance_tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

pub mod conformance;
pub mod fixtures;
pub mod leaks;
pub mod model;
