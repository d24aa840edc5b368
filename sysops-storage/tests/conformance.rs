//! Both SQL backends pass the core's conformance suite unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod sqlite_file {
    use super::common::{block_on, fresh_sqlite};
    sysops_core::store_conformance_tests!(block_on, fresh_sqlite());
    sysops_core::replica_store_conformance_tests!(block_on, fresh_sqlite());
}

mod sqlite_memory {
    use super::common::{block_on, card_keys};
    sysops_core::store_conformance_tests!(block_on, async {
        sysops_storage::SqliteStore::in_memory().await.expect("in-memory SQLite").with_card_keys(card_keys())
    });
    sysops_core::replica_store_conformance_tests!(block_on, async {
        sysops_storage::SqliteStore::in_memory().await.expect("in-memory SQLite")
    });
}

mod postgres {
    use super::common::{block_on, fresh_pg, pg_url};
    sysops_core::store_conformance_tests!(block_on, fresh_pg(), skip_unless = pg_url().is_some());
}
