//! Shared pieces of the sysops demo and benchmarks: real US cities, a seeded
//! random source, and a generator of plans, experts, customers and tickets.
#![forbid(unsafe_code)]
// Generators over static, valid data: a failed `expect` here is a bug in the generator, not bad input.
#![allow(clippy::expect_used, clippy::indexing_slicing)]

pub mod billing;
pub mod cities;
pub mod corpus;
pub mod instance;
pub mod kb;
pub mod rng;
pub mod scenario;

/// Peak resident memory of this process in MiB (`VmHWM`), or 0 where unknown.
pub fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
