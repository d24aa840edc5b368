//! Every exported operation of the FFI facade (what Kotlin, Swift and Python call) with
//! arguments drawn from the fuzzer's bytes, through the same driver as the hostile-input
//! suite: no panic, a success or a typed error other than `Internal`, and every stored
//! record still decodes and replays exactly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use sysops_ffi::Sysops;
use sysops_ffi::hostile::{Draw, Fixture, OPERATIONS};

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime"))
}

fuzz_target!(|data: &[u8]| {
    // The first two bytes choose the operation, the rest are its arguments, on a fresh office.
    let Some((op, arguments)) = data.split_first_chunk::<2>() else { return };
    let name = OPERATIONS[usize::from(u16::from_le_bytes(*op)) % OPERATIONS.len()];
    runtime().block_on(async {
        let start = chrono::DateTime::from_timestamp(1_782_918_000, 0).expect("2026-07-01");
        let keys = sysops_ffi::hostile::test_card_keys();
        let sysops = Sysops::open_with("sqlite::memory:".to_owned(), None, keys, Some(start), 1, None, None)
            .await
            .expect("open");
        let office = Fixture::new(sysops, "fuzz").await.expect("office");
        let outcome = office.call(name, &mut Draw::new(arguments)).await;
        if let Err(problem) = office.check(name, outcome).await {
            panic!("{problem}");
        }
    });
});
