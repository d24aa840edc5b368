//! sysops benchmarks: each scenario runs sysops and a hand-written baseline in the same process and prints the ratio.
//!
//! ```text
//! cargo run --release --bin sysops-bench -- submit [--ops N] [--pg URL] [--json]
//! ```
//!
//! PostgreSQL is taken from `--pg URL` or `SYSOPS_PG_URL`; without either only SQLite runs (and says so).
#![allow(clippy::expect_used, clippy::indexing_slicing)] // generated, static data; see lib.rs

use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, Executor};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use sysops_core::{Actor, Customer, SequentialIds, SupportPlan, SystemClock};
use sysops_examples::cities::Cities;
use sysops_examples::rng::Rng;
use sysops_examples::scenario::{bootstrap, customer_details, plan_catalog, ticket_request};
use sysops_storage::{Options, Sysops};

const USAGE: &str = "usage: sysops-bench SCENARIO [--ops N] [--pg URL] [--json]

scenarios:
  submit   tickets/s through the sysops facade vs. a minimal hand-written sqlx transaction

  --ops N   operations per backend (default 3000)
  --pg URL  PostgreSQL server (default: $SYSOPS_PG_URL; without it only SQLite runs)
  --json    one JSON object per line instead of a table";

struct Args {
    scenario: String,
    ops: usize,
    pg: Option<String>,
    json: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let scenario = it.next().ok_or("which scenario?")?;
    let mut args =
        Args { scenario, ops: 3000, pg: std::env::var("SYSOPS_PG_URL").ok().filter(|u| !u.is_empty()), json: false };
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--ops" => {
                let v = it.next().ok_or("--ops needs a value")?;
                args.ops = v.parse().map_err(|_| format!("--ops: {v:?} is not a number"))?;
            }
            "--pg" => args.pg = Some(it.next().ok_or("--pg needs a URL")?),
            "--json" => args.json = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = match args.scenario.as_str() {
        "submit" => submit(&args).await,
        other => Err(format!("unknown scenario {other:?}\n\n{USAGE}").into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type BoxError = Box<dyn std::error::Error>;

/// A backend to run on: its name, the URL sysops opens, and a fresh PostgreSQL schema when relevant.
struct Target {
    backend: &'static str,
    url: String,
    schema: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

fn targets(args: &Args, tag: &str) -> Result<Vec<Target>, BoxError> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let mut targets = vec![Target { backend: "sqlite", url, schema: None, _dir: Some(dir) }];
    match &args.pg {
        Some(pg) => targets.push(Target {
            backend: "postgres",
            url: pg.clone(),
            schema: Some(format!("bench_{tag}_{}", Utc::now().format("%Y%m%d%H%M%S%f"))),
            _dir: None,
        }),
        None if !args.json => println!("PostgreSQL: not given (--pg URL or SYSOPS_PG_URL), running SQLite alone"),
        None => eprintln!("PostgreSQL: not given (--pg URL or SYSOPS_PG_URL), running SQLite alone"),
    }
    Ok(targets)
}

/// Submitting tickets: sysops's facade vs. one hand-written transaction per ticket.
async fn submit(args: &Args) -> Result<(), BoxError> {
    if !args.json {
        println!(
            "submit: {} tickets per backend, durable commits, sysops vs. hand-written sqlx in the same run",
            args.ops
        );
    }
    for target in targets(args, "submit")? {
        let options = Options {
            clock: Arc::new(SystemClock),
            ids: Arc::new(SequentialIds::new(1)),
            pg_schema: target.schema.clone(),
            pg_max_connections: 4,
        };
        let sysops = Sysops::open_with(&target.url, options).await?;
        let (admin, helpdesk) = bootstrap(&sysops).await?;
        let plan = sysops.define_plan(admin, plan_catalog().swap_remove(2)).await?;
        let cities = Cities::load();
        let mut rng = Rng::new(11);
        let mut customers = Vec::new();
        for n in 0..200 {
            let (contact, address) = customer_details(n, cities.sample(&mut rng), &mut rng);
            customers.push(sysops.register_customer(helpdesk, contact, address, plan.id).await?);
        }
        let baseline = Baseline::open(&target).await?;

        // Alternate the two in rounds so that machine noise hits both alike.
        let rounds = 6;
        let per_round = (args.ops / rounds).max(1);
        let (mut lib, mut base) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..rounds {
            lib += submit_through_sysops(&sysops, &customers, &plan, per_round, &mut rng).await?;
            base += baseline.submit(&customers, per_round, &mut rng).await?;
        }
        let ops = per_round * rounds;
        let lib_per_s = ops as f64 / lib.as_secs_f64();
        let baseline_per_s = ops as f64 / base.as_secs_f64();
        report(args, "submit", target.backend, ops, lib_per_s, baseline_per_s);
        sysops.close().await;
    }
    Ok(())
}

async fn submit_through_sysops(
    sysops: &Sysops,
    customers: &[Customer],
    plan: &SupportPlan,
    n: usize,
    rng: &mut Rng,
) -> Result<Duration, BoxError> {
    let requests: Vec<_> = (0..n)
        .map(|_| (customers[rng.range(0, customers.len() as u64 - 1) as usize].id, ticket_request(plan, rng)))
        .collect();
    let started = Instant::now();
    for (customer, request) in requests {
        sysops.submit_ticket(Actor::customer(customer), customer, request).await?;
    }
    Ok(started.elapsed())
}

fn report(args: &Args, scenario: &str, backend: &str, ops: usize, lib_per_s: f64, baseline_per_s: f64) {
    let ratio = lib_per_s / baseline_per_s;
    let rss = sysops_examples::peak_rss_mb();
    if args.json {
        let line = serde_json::json!({
            "scenario": scenario, "backend": backend, "ops": ops,
            "lib_per_s": round2(lib_per_s), "baseline_per_s": round2(baseline_per_s),
            "ratio": (ratio * 1000.0).round() / 1000.0, "peak_rss_mb": round2(rss),
        });
        println!("{line}");
    } else {
        println!(
            "{backend:>9}: sysops {lib_per_s:>8.0}/s   baseline {baseline_per_s:>8.0}/s   ratio {ratio:.2}   ({ops} ops, peak RSS {rss:.0} MiB)"
        );
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The minimal durable work of accepting a ticket, written by hand: one transaction
/// inserting the ticket row and its event row, on the same engine and settings.
enum Baseline {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Baseline {
    async fn open(target: &Target) -> Result<Self, BoxError> {
        if target.backend == "sqlite" {
            let path = target.url.trim_start_matches("sqlite://").replace("bench.db", "baseline.db");
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&path)
                .create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Full);
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .connect_with(options)
                .await?;
            pool.execute(
                "CREATE TABLE tickets (id BLOB PRIMARY KEY, customer BLOB NOT NULL, status TEXT NOT NULL,
                    description TEXT NOT NULL, submitted_at TEXT NOT NULL) WITHOUT ROWID;
                 CREATE TABLE ticket_events (id BLOB NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL,
                    json TEXT NOT NULL, PRIMARY KEY (id, seq)) WITHOUT ROWID;",
            )
            .await?;
            Ok(Baseline::Sqlite(pool))
        } else {
            let schema = format!("{}_baseline", target.schema.as_deref().unwrap_or("bench"));
            let pool = sqlx::postgres::PgPoolOptions::new().max_connections(4).connect(&target.url).await?;
            pool.execute(AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).await?;
            let options =
                target.url.parse::<sqlx::postgres::PgConnectOptions>()?.options([("search_path", schema.as_str())]);
            pool.close().await;
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(4)
                .test_before_acquire(false)
                .connect_with(options)
                .await?;
            pool.execute(
                "CREATE TABLE tickets (id UUID PRIMARY KEY, customer UUID NOT NULL, status TEXT NOT NULL,
                    description TEXT NOT NULL, submitted_at TIMESTAMPTZ NOT NULL);
                 CREATE TABLE ticket_events (id UUID NOT NULL, seq BIGINT NOT NULL, at TIMESTAMPTZ NOT NULL,
                    json TEXT NOT NULL, PRIMARY KEY (id, seq));",
            )
            .await?;
            Ok(Baseline::Postgres(pool))
        }
    }

    async fn submit(&self, customers: &[Customer], n: usize, rng: &mut Rng) -> Result<Duration, BoxError> {
        let rows: Vec<(uuid::Uuid, uuid::Uuid, String, DateTime<Utc>)> = (0..n)
            .map(|_| {
                let customer = customers[rng.range(0, customers.len() as u64 - 1) as usize].id.as_uuid();
                (uuid::Uuid::now_v7(), customer, format!("problem {}", rng.next_u64()), Utc::now())
            })
            .collect();
        let started = Instant::now();
        for (id, customer, description, at) in rows {
            let event = serde_json::json!({"type": "TicketSubmitted", "ticket": id, "customer": customer,
                                           "description": description})
            .to_string();
            match self {
                Baseline::Sqlite(pool) => {
                    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                    sqlx::query("INSERT INTO tickets VALUES (?1, ?2, 'open', ?3, ?4)")
                        .bind(id)
                        .bind(customer)
                        .bind(&description)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("INSERT INTO ticket_events VALUES (?1, 1, ?2, ?3)")
                        .bind(id)
                        .bind(at)
                        .bind(&event)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                }
                Baseline::Postgres(pool) => {
                    let mut tx = pool.begin().await?;
                    sqlx::query("INSERT INTO tickets VALUES ($1, $2, 'open', $3, $4)")
                        .bind(id)
                        .bind(customer)
                        .bind(&description)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("INSERT INTO ticket_events VALUES ($1, 1, $2, $3)")
                        .bind(id)
                        .bind(at)
                        .bind(&event)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                }
            }
        }
        Ok(started.elapsed())
    }
}
