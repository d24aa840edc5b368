//! The `spike` scenario: many callers submitting tickets at once for a while, through sysops
//! (group commit on SQLite, the wait limit everywhere) against one hand-written transaction
//! per submission at the same concurrency: throughput, latency percentiles and errors by kind.

use super::submit::{Baseline, baseline_row, with_customers};
use super::{Args, BoxError, round2, targets};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use sysops_core::{Actor, Error, StoreError};
use sysops_examples::rng::Rng;
use sysops_examples::scenario::ticket_request;

/// Connections on PostgreSQL, for sysops and the baseline alike: a service's usual pool, which
/// a spike of hundreds of callers must queue for.
const POOL: u32 = 16;

/// What the callers of one side saw: each answered call's latency (ms) and each error's kind.
#[derive(Default)]
struct Run {
    latencies: Vec<f64>,
    errors: BTreeMap<String, usize>,
    elapsed: Duration,
}

impl Run {
    fn add(&mut self, other: Run) {
        self.latencies.extend(other.latencies);
        for (kind, n) in other.errors {
            *self.errors.entry(kind).or_default() += n;
        }
        self.elapsed += other.elapsed;
    }

    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The nearest-rank percentile `p` of the latencies (sorted first).
    fn percentile(&mut self, p: f64) -> f64 {
        self.latencies.sort_by(f64::total_cmp);
        let rank = (self.latencies.len() as f64 * p).ceil() as usize;
        self.latencies.get(rank.saturating_sub(1)).copied().unwrap_or(0.0)
    }
}

/// `clients` callers, each calling `op(caller, n)` for its n-th call until `run_for` is over.
async fn drive<F, Fut>(clients: usize, run_for: Duration, op: F) -> Run
where
    F: Fn(usize, u64) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let until = Instant::now() + run_for;
    let caller = |client: usize| {
        let op = &op;
        async move {
            let mut run = Run::default();
            for n in 0.. {
                if Instant::now() >= until {
                    break;
                }
                let started = Instant::now();
                match op(client, n).await {
                    Ok(()) => run.latencies.push(started.elapsed().as_secs_f64() * 1e3),
                    Err(kind) => *run.errors.entry(kind).or_default() += 1,
                }
            }
            run
        }
    };
    let started = Instant::now();
    let mut total = Run::default();
    for run in sysops_examples::join_all((0..clients).map(caller).collect()).await {
        total.add(run);
    }
    total.elapsed = started.elapsed();
    total
}

/// An error's kind, as the spike reports it.
fn kind(error: &Error) -> String {
    match error {
        Error::Store(StoreError::Busy) => "busy".into(),
        Error::Store(StoreError::Conflict { .. }) => "conflict".into(),
        Error::Store(_) => "storage".into(),
        other => format!("refused: {other}"),
    }
}

pub(super) async fn spike(args: &Args) -> Result<(), BoxError> {
    let counts = args.clients.clone().unwrap_or_else(|| vec![1, 8, 64, 256]);
    let seconds = args.seconds.unwrap_or(10);
    let most = counts.iter().copied().max().unwrap_or(1);
    if !args.json {
        println!(
            "spike: each client count submits tickets for {seconds} s through sysops and {seconds} s through one \
             hand-written transaction per submission, in turns; durable commits; a pool of {POOL} on PostgreSQL"
        );
    }
    for target in targets(args, "spike")? {
        let (sysops, plan, customers) = with_customers(&target, POOL, most).await?;
        let backend = sysops.backend_name();
        let baseline = Baseline::open(&target, POOL as usize).await?;
        let mut rng = Rng::new(17);
        for &clients in &counts {
            // Each side runs twice for half the time, in turns, so that machine noise hits both alike.
            let half = Duration::from_secs(seconds) / 2;
            let (mut lib, mut base) = (Run::default(), Run::default());
            for _ in 0..2 {
                let requests: Vec<_> = (0..clients).map(|_| ticket_request(&plan, &mut rng)).collect();
                lib.add(
                    drive(clients, half, |client, _| {
                        let (sysops, customer) = (&sysops, customers[client].id);
                        let request = requests[client].clone();
                        async move {
                            match sysops.submit_ticket(Actor::customer(customer), customer, request).await {
                                Ok(_) => Ok(()),
                                Err(e) => Err(kind(&e)),
                            }
                        }
                    })
                    .await,
                );
                let rows = std::sync::Mutex::new(Rng::new(rng.next_u64()));
                base.add(
                    drive(clients, half, |_, _| {
                        let row = baseline_row(&customers, &mut rows.lock().unwrap_or_else(|p| p.into_inner()));
                        let baseline = &baseline;
                        async move {
                            baseline.submit(row).await.map_err(|e| {
                                let busy = matches!(e.downcast_ref::<sqlx::Error>(), Some(sqlx::Error::PoolTimedOut));
                                if busy { "busy".to_owned() } else { "storage".to_owned() }
                            })
                        }
                    })
                    .await,
                );
            }
            print_run(args, backend, clients, &mut lib, &mut base);
        }
        sysops.close().await;
    }
    Ok(())
}

fn print_run(args: &Args, backend: &str, clients: usize, lib: &mut Run, base: &mut Run) {
    let (lib_per_s, baseline_per_s) = (lib.per_second(), base.per_second());
    let ratio = lib_per_s / baseline_per_s.max(1e-9);
    let (p50, p99, max) = (lib.percentile(0.50), lib.percentile(0.99), lib.percentile(1.0));
    let (base_p99, base_max) = (base.percentile(0.99), base.percentile(1.0));
    let errors: usize = lib.errors.values().sum();
    if args.json {
        let line = serde_json::json!({
            "scenario": "spike", "backend": backend, "clients": clients,
            "lib_per_s": round2(lib_per_s), "baseline_per_s": round2(baseline_per_s),
            "ratio": (ratio * 1000.0).round() / 1000.0,
            "p50_ms": round2(p50), "p99_ms": round2(p99), "max_ms": round2(max),
            "errors": errors, "errors_by_kind": lib.errors,
            "baseline_p99_ms": round2(base_p99), "baseline_max_ms": round2(base_max),
            "baseline_errors": base.errors,
        });
        println!("{line}");
    } else {
        let kinds = |errors: &BTreeMap<String, usize>| {
            if errors.is_empty() {
                "none".to_owned()
            } else {
                errors.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ")
            }
        };
        println!(
            "{backend:>9} × {clients:<3}: sysops {lib_per_s:>7.0}/s (p50 {p50:>6.2} p99 {p99:>7.2} max {max:>7.2} ms, \
             errors: {})   baseline {baseline_per_s:>7.0}/s (p99 {base_p99:>7.2} max {base_max:>7.2} ms, errors: {})   \
             ratio {ratio:.2}",
            kinds(&lib.errors),
            kinds(&base.errors),
        );
    }
}
