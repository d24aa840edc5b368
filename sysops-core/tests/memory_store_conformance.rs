//! The in-memory store passes the backend conformance suite.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use futures::executor::block_on;
use sysops_core::MemoryStore;

sysops_core::store_conformance_tests!(block_on, async { MemoryStore::new() });
sysops_core::replica_store_conformance_tests!(block_on, async { MemoryStore::new() });

#[test]
fn run_all_covers_every_case_too() {
    block_on(sysops_core::testing::conformance::run_all(|| async { MemoryStore::new() }));
}
