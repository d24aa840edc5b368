//! Arbitrary command sequences against the core, checked by the reference model after every step:
//! replay rebuilds state, sequences are gap-free, no ticket is lost or hidden from the open query,
//! and exactly the legal transitions are accepted.
#![no_main]

use futures::executor::block_on;
use libfuzzer_sys::fuzz_target;
use sysops_core::MemoryStore;
use sysops_core::testing::model::{Op, Simulation};

fuzz_target!(|data: &[u8]| {
    let ops: Vec<Op> = data
        .chunks_exact(5)
        .take(400)
        .map(|c| Op { kind: c[0], ticket: c[1], who: c[2], arg: u16::from_le_bytes([c[3], c[4]]) })
        .collect();
    block_on(async {
        let mut sim = Simulation::new(MemoryStore::new()).await.expect("world builds");
        for (i, op) in ops.into_iter().enumerate() {
            if let Err(violation) = sim.step(op).await {
                panic!("step {i} {op:?}: {violation}");
            }
        }
    });
});
