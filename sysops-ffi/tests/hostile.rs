//! The generated hostile-input suite: every exported operation of the facade, driven with
//! property-generated arguments (see `sysops_ffi::hostile`), on SQLite and PostgreSQL. After
//! every call: no panic, a success or a typed error that is not `Internal`, and every stored
//! record still decodes and replays exactly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use std::collections::BTreeSet;
use sysops_ffi::Sysops;
use sysops_ffi::hostile::{Draw, Fixture, OPERATIONS};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// A fresh office on a private in-memory SQLite database with a simulated clock.
async fn sqlite_office(seed: u64) -> Fixture {
    let start = Utc.with_ymd_and_hms(2026, 7, 1, 15, 0, 0).unwrap();
    let keys = sysops_ffi::hostile::test_card_keys();
    let sysops =
        Sysops::open_with("sqlite::memory:".to_owned(), None, keys, Some(start), seed, None, None).await.unwrap();
    Fixture::new(sysops, "sqlite").await.unwrap()
}

/// Runs `calls` (operation index, argument bytes) on `office`, checking after each one.
async fn drive(office: &Fixture, calls: &[(usize, Vec<u8>)]) -> Result<(), String> {
    for (op, bytes) in calls {
        let name = OPERATIONS[op % OPERATIONS.len()];
        let outcome = office.call(name, &mut Draw::new(bytes)).await;
        office.check(name, outcome).await?;
    }
    Ok(())
}

/// The names the facade exports, read from its sources: the functions of every
/// `#[uniffi::export]` impl block and the exported free functions.
fn exported_operations() -> BTreeSet<String> {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut names = BTreeSet::new();
    // Every source file, those of a domain's folder (`billing/`) included.
    let mut files = Vec::new();
    let mut dirs = vec![src];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { dirs.push(path) } else { files.push(path) }
        }
    }
    for file in files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for (at, _) in text.match_indices("#[uniffi::export") {
            let rest = &text[at..];
            let after_attribute = &rest[rest.find('\n').unwrap() + 1..];
            let item = after_attribute.trim_start();
            if item.starts_with("impl") {
                // Up to the block's closing brace at the start of a line.
                let block = &item[..item.find("\n}").unwrap_or(item.len())];
                for line in block.lines() {
                    let line = line.trim_start();
                    if let Some(sig) = line.strip_prefix("pub async fn ").or_else(|| line.strip_prefix("pub fn ")) {
                        names.insert(sig[..sig.find(['(', '<']).unwrap()].to_owned());
                    }
                }
            } else if let Some(sig) = item.strip_prefix("pub fn ") {
                names.insert(sig[..sig.find(['(', '<']).unwrap()].to_owned());
            }
        }
    }
    names
}

/// The names UniFFI actually exports, from the C header generated from the library
/// (`bindings/swift`, which CI regenerates and refuses when stale).
fn operations_in_the_header() -> BTreeSet<String> {
    let header = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../bindings/swift/Sources/SysopsFFI/include/SysopsFFI.h");
    let text = std::fs::read_to_string(header).unwrap();
    let mut names = BTreeSet::new();
    for prefix in [
        "uniffi_sysops_ffi_fn_func_",
        "uniffi_sysops_ffi_fn_constructor_sysops_",
        "uniffi_sysops_ffi_fn_method_sysops_",
    ] {
        for (at, _) in text.match_indices(prefix) {
            let rest = &text[at + prefix.len()..];
            names.insert(rest[..rest.find('(').unwrap()].to_owned());
        }
    }
    names
}

#[test]
fn every_exported_operation_is_driven() {
    let mut exported = exported_operations();
    exported.extend(operations_in_the_header());
    let driven: BTreeSet<String> = OPERATIONS.iter().map(|s| (*s).to_owned()).collect();
    assert!(exported.len() > 40, "the source scan found too few operations: {exported:?}");
    let missing: Vec<_> = exported.difference(&driven).collect();
    assert!(missing.is_empty(), "exported but not driven by sysops_ffi::hostile: {missing:?}");
    let stale: Vec<_> = driven.difference(&exported).collect();
    assert!(stale.is_empty(), "driven but no longer exported: {stale:?}");
}

/// The most arguments (record fields included) any operation draws.
const MAX_ARGUMENTS: usize = 16;

/// Every operation on one backend: each of its arguments poisoned alone with `values`
/// different hostile values (the others valid), then `mixed` draws with hostile arguments
/// in combination.
async fn each_operation_with_every_argument_poisoned(office: impl AsyncFn(&str) -> Fixture, values: u8, mixed: u8) {
    // Bytes that walk every pool: the seed shifts each draw to another value.
    let bytes =
        |seed: u8| -> Vec<u8> { (0..64u8).map(|i| i.wrapping_mul(37).wrapping_add(seed.wrapping_mul(11))).collect() };
    for name in OPERATIONS {
        let office = office(name).await;
        for field in 0..MAX_ARGUMENTS {
            for seed in 0..values {
                let outcome = office.call(name, &mut Draw::poisoning(&bytes(seed), field)).await;
                if let Err(problem) = office.check(name, outcome).await {
                    panic!("argument {field} poisoned with draw {seed}: {problem}");
                }
            }
        }
        for seed in 0..mixed {
            let outcome = office.call(name, &mut Draw::new(&bytes(seed))).await;
            if let Err(problem) = office.check(name, outcome).await {
                panic!("mixed draw {seed}: {problem}");
            }
        }
    }
}

#[test]
fn sqlite_every_operation_survives_hostile_arguments() {
    runtime().block_on(each_operation_with_every_argument_poisoned(async |_| sqlite_office(1).await, 6, 24));
}

#[test]
fn postgres_every_operation_survives_hostile_arguments() {
    let Some(url) = pg_url() else { return };
    runtime().block_on(each_operation_with_every_argument_poisoned(
        async |_| {
            // A schema of its own per operation, so each integrity walk reads only its office.
            let keys =
                sysops_storage::StaticKeys::new(sysops_storage::CardKey::new("hostile-test", &[7; 32]).unwrap(), []);
            let options = sysops_storage::Options {
                pg_schema: Some(format!("h_{}", uuid::Uuid::now_v7().simple())),
                card_keys: Some(std::sync::Arc::new(keys)),
                ..Default::default()
            };
            let facade = sysops_storage::Sysops::open_with(&url, options).await.unwrap();
            Fixture::new(Sysops::with_facade(facade), "pg").await.unwrap()
        },
        3,
        8,
    ));
}

/// The PostgreSQL server to test against (`SYSOPS_PG_URL`); under `CI=true` it must be set.
fn pg_url() -> Option<String> {
    match std::env::var("SYSOPS_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("CI=true but SYSOPS_PG_URL is not set"),
        _ => {
            eprintln!("skipped: SYSOPS_PG_URL not set");
            None
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Random sequences of hostile calls on one office: later calls see what earlier ones did.
    #[test]
    fn sqlite_random_sequences_of_hostile_calls_keep_every_record_readable(
        calls in prop::collection::vec((0..OPERATIONS.len(), prop::collection::vec(any::<u8>(), 0..48)), 1..8),
        seed in any::<u16>(),
    ) {
        let result = runtime().block_on(async {
            let office = sqlite_office(u64::from(seed)).await;
            drive(&office, &calls).await
        });
        prop_assert!(result.is_ok(), "{}", result.unwrap_err());
    }
}
