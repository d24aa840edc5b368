//! Shared pieces of the sysops demo and benchmarks: real US cities, a seeded
//! random source, and a generator of plans, experts, customers and tickets.
#![forbid(unsafe_code)]
// Generators over static, valid data: a failed `expect` here is a bug in the generator, not bad input.
#![allow(clippy::expect_used, clippy::indexing_slicing)]

pub mod billing;
pub mod cities;
pub mod corpus;
pub mod helpdesk;
pub mod instance;
pub mod kb;
pub mod notify;
pub mod phone;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod spike;
pub mod survey;

/// A progress bar for `len` items of `what`, as the demo draws them.
pub fn progress_bar(len: usize, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg:>12} [{bar:40.cyan/blue}] {pos:>6}/{len:6} {per_sec:>12} eta {eta}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    bar
}

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

/// Polls every future to completion on this task, concurrently (the callers wait on the
/// database, not on the CPU), and returns their outputs in order.
pub async fn join_all<F: std::future::Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending { std::task::Poll::Pending } else { std::task::Poll::Ready(()) }
    })
    .await;
    outputs.into_iter().flatten().collect()
}
