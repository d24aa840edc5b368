//! sysops benchmarks: each scenario runs sysops and a hand-written baseline in the same process and prints the ratio.
//!
//! ```text
//! cargo run --release --bin sysops-bench -- submit [--ops N] [--clients N,M] [--pg URL]... [--json]
//! cargo run --release --bin sysops-bench -- billing [--customers N] [--pg URL]... [--json]
//! cargo run --release --bin sysops-bench -- kb-search [--scale N] [--pg URL]... [--json]
//! cargo run --release --bin sysops-bench -- helpdesk [--customers N] [--pg URL]... [--json]
//! cargo run --release --bin sysops-bench -- notify [--customers N] [--pg URL]... [--json]
//! cargo run --release --bin sysops-bench -- reports [--tickets N] [--pg URL]... [--json]
//! cargo run --release --bin sysops-bench -- spike [--clients 1,8,64,256] [--seconds N] [--pg URL]... [--json]
//! cargo run --release --bin sysops-bench -- sync [--pg URL]... [--json]
//! cargo run --release --bin sysops-bench -- read --db URL --ticket ID --actor ROLE:ID [--ops N] [--json]
//! ```
//!
//! PostgreSQL is taken from `--pg URL` (repeatable), else `SYSOPS_PG_URL` and `SYSOPS_CITUS_URL`;
//! without any only SQLite runs (and says so). A server whose sysops tables Citus distributes is
//! reported as backend `citus`.
#![allow(clippy::expect_used, clippy::indexing_slicing)] // generated, static data; see lib.rs

mod baseline;
mod billing;
mod helpdesk;
mod kb;
mod notify;
mod reports;
mod spike;
mod submit;
mod sync;

use chrono::{DateTime, Utc};
use std::process::ExitCode;
use std::time::Instant;
use sysops_core::Actor;
use sysops_storage::Sysops;

const USAGE: &str = "usage: sysops-bench SCENARIO [--ops N] [--clients N,M] [--pg URL]... [--json]

scenarios:
  submit   tickets/s through the sysops facade vs. a minimal hand-written sqlx transaction
  assign   10,000 open tickets and 2,000 experts at real US cities: our optimal batch vs.
           greedy (each ticket takes its cheapest feasible expert) vs. first-match
  billing  invoices/s of the monthly run (issue, charge through a gateway that approves
           everything, record) vs. inserting invoice rows of the same size by hand, 500 per
           statement; peak memory

  kb-search
           the knowledge-base corpus imported (docs/s), then 1,000 queries (rare and common
           words, phrases, prefixes, misspellings) through search_articles vs. the raw
           FTS5 / tsquery ranked query on the same tables: p50/p95/p99 ms per kind

  helpdesk customers (default 1,000,000) and a ticket for one in ten, then 1,000 look-ups
           of each kind (a phone number as people write it, an email in another case, name
           words, a ticket number) through find_customers / find_tickets vs. the exact-key
           SQL look-up on the plain tables: p50/p95/p99 ms per kind

  notify   ticket lifecycles (default 100,000; --customers N) whose events the notification
           consumer turns into messages (offer, assignment, start), hands to a notifier that
           accepts everything and records, vs. reading the same outbox rows and writing one
           delivery row per message by hand: messages/s

  reports  tickets (default 1,000,000; --tickets N) for a tenth as many customers and a
           five-hundredth as many experts, in ten lifecycles over eight weeks, two months billed;
           the report projector folds their events, then each report (ticketing, experts,
           financial) through sysops vs. loading the read models' rows with sqlx and
           aggregating them in Rust: seconds (best of 3) and baseline_s / lib_s; both answers
           must agree

  spike    a load spike: N callers at once (--clients, default 1,8,64,256) submit tickets for
           --seconds (default 10) each, through sysops vs. one hand-written transaction per
           submission at the same concurrency (the same pool size on PostgreSQL): submissions/s,
           p50/p99/max ms and errors by kind; the two take turns, half the time each twice

  sync     an expert's phone: the first sync of 200 tickets and the 5,000 articles of the
           expert's skill into a SQLite replica, then 5 syncs of 100 changes (ticket commands
           and article revisions), each the whole exchange (request, the server's answer, the
           phone checking, applying and indexing it) vs. writing the same rows into SQLite with
           plain inserts (records' JSON, articles' events, an FTS5 row per revision): seconds
           and baseline_s / lib_s, per phase (first; incremental, the median round)

  read     microseconds per read of one ticket through the Rust facade, the Rust side of
           bindings/python/bench.py: --db URL --ticket ID --actor ROLE:ID (e.g. helpdesk:0195...)

  --ops N   operations per backend (default 3000)
  --customers N
            (billing) subscriptions to bill (default 100000); (helpdesk) customers
            (default 1000000)
  --tickets N
            (reports) tickets in the history (default 1000000)
  --scale N (kb-search) the corpus N times, each further copy a revised one (default 1)
  --clients N,M
            (submit, spike) concurrent submitters, each count run in turn (default 1; spike
            1,8,64,256); the baseline runs at the same concurrency
  --seconds N
            (spike) how long each client count is measured, per side (default 10)
  --pg URL  a PostgreSQL server, plain or a Citus coordinator; repeat for several
            (default: $SYSOPS_PG_URL and $SYSOPS_CITUS_URL; without any only SQLite runs)
  --json    one JSON object per line instead of a table
  --dump D  (assign) write the instance and each method's answer as CSV into directory D";

struct Args {
    scenario: String,
    ops: usize,
    /// As given: each scenario has its own default.
    clients: Option<Vec<usize>>,
    seconds: Option<u64>,
    pg: Vec<String>,
    json: bool,
    dump: Option<std::path::PathBuf>,
    db: Option<String>,
    ticket: Option<String>,
    actor: Option<String>,
    /// As given: each scenario has its own default.
    customers: Option<usize>,
    tickets: Option<usize>,
    scale: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let scenario = it.next().ok_or("which scenario?")?;
    let mut args = Args {
        scenario,
        ops: 3000,
        clients: None,
        seconds: None,
        pg: Vec::new(),
        json: false,
        dump: None,
        db: None,
        ticket: None,
        actor: None,
        customers: None,
        tickets: None,
        scale: 1,
    };
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--ops" => {
                let v = it.next().ok_or("--ops needs a value")?;
                args.ops = v.parse().map_err(|_| format!("--ops: {v:?} is not a number"))?;
            }
            "--clients" => {
                let v = it.next().ok_or("--clients needs a value")?;
                args.clients = v
                    .split(',')
                    .map(|n| n.trim().parse().ok().filter(|&n| (1..=256).contains(&n)))
                    .collect::<Option<_>>()
                    .map(Some)
                    .ok_or_else(|| format!("--clients: {v:?} is not a list of counts from 1 to 256"))?;
            }
            "--seconds" => {
                let v = it.next().ok_or("--seconds needs a value")?;
                args.seconds = Some(
                    v.parse()
                        .ok()
                        .filter(|n| (1..=3600).contains(n))
                        .ok_or_else(|| format!("--seconds: {v:?} is not 1 to 3600"))?,
                );
            }
            "--scale" => {
                let v = it.next().ok_or("--scale needs a value")?;
                args.scale = v
                    .parse()
                    .ok()
                    .filter(|&n| (1..=100).contains(&n))
                    .ok_or_else(|| format!("--scale: {v:?} is not 1 to 100"))?;
            }
            "--customers" => {
                let v = it.next().ok_or("--customers needs a value")?;
                args.customers = Some(
                    v.parse().ok().filter(|&n| n >= 1).ok_or_else(|| format!("--customers: {v:?} is not a count"))?,
                );
            }
            "--tickets" => {
                let v = it.next().ok_or("--tickets needs a value")?;
                args.tickets =
                    Some(v.parse().ok().filter(|&n| n >= 1).ok_or_else(|| format!("--tickets: {v:?} is not a count"))?);
            }
            "--pg" => args.pg.push(it.next().ok_or("--pg needs a URL")?),
            "--json" => args.json = true,
            "--dump" => args.dump = Some(it.next().ok_or("--dump needs a directory")?.into()),
            "--db" => args.db = Some(it.next().ok_or("--db needs a URL")?),
            "--ticket" => args.ticket = Some(it.next().ok_or("--ticket needs an id")?),
            "--actor" => args.actor = Some(it.next().ok_or("--actor needs ROLE:ID")?),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if args.pg.is_empty() {
        let env = ["SYSOPS_PG_URL", "SYSOPS_CITUS_URL"].map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()));
        args.pg = env.into_iter().flatten().collect();
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
        "submit" => submit::submit(&args).await,
        "billing" => billing::billing(&args).await,
        "kb-search" => kb::kb_search(&args).await,
        "helpdesk" => helpdesk::helpdesk(&args).await,
        "notify" => notify::notify(&args).await,
        "reports" => reports::reports(&args).await,
        "spike" => spike::spike(&args).await,
        "sync" => sync::sync(&args).await,
        "assign" => assign(&args),
        "read" => read(&args).await,
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

impl Target {
    /// Options for a run on this target: its own schema, ids in sequence, time from `clock`.
    fn options(&self, clock: std::sync::Arc<dyn sysops_core::Clock>) -> sysops_storage::Options {
        sysops_storage::Options {
            clock,
            ids: std::sync::Arc::new(sysops_core::SequentialIds::new(1)),
            pg_schema: self.schema.clone(),
            ..sysops_storage::Options::default()
        }
    }
}

fn targets(args: &Args, tag: &str) -> Result<Vec<Target>, BoxError> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let mut targets = vec![Target { backend: "sqlite", url, schema: None, _dir: Some(dir) }];
    for (n, pg) in args.pg.iter().enumerate() {
        targets.push(Target {
            backend: "postgres",
            url: pg.clone(),
            schema: Some(format!("bench_{tag}_{n}_{}", Utc::now().format("%Y%m%d%H%M%S%f"))),
            _dir: None,
        });
    }
    if args.pg.is_empty() {
        let note = "PostgreSQL: not given (--pg URL, SYSOPS_PG_URL or SYSOPS_CITUS_URL), running SQLite alone";
        if args.json { eprintln!("{note}") } else { println!("{note}") }
    }
    Ok(targets)
}
fn report(args: &Args, scenario: &str, backend: &str, clients: usize, ops: usize, lib_per_s: f64, baseline_per_s: f64) {
    let ratio = lib_per_s / baseline_per_s;
    let rss = sysops_examples::peak_rss_mb();
    if args.json {
        let line = serde_json::json!({
            "scenario": scenario, "backend": backend, "clients": clients, "ops": ops,
            "lib_per_s": round2(lib_per_s), "baseline_per_s": round2(baseline_per_s),
            "ratio": (ratio * 1000.0).round() / 1000.0, "peak_rss_mb": round2(rss),
        });
        println!("{line}");
    } else {
        println!(
            "{backend:>9} × {clients:<3}: sysops {lib_per_s:>8.0}/s   baseline {baseline_per_s:>8.0}/s   ratio {ratio:.2}   ({ops} ops, peak RSS {rss:.0} MiB)"
        );
    }
}

/// Latency percentiles of one kind of call, sysops's and the baseline's (sorted here); the
/// ratio is the baseline's p99 over sysops's.
fn report_latency(
    args: &Args,
    scenario: &str,
    backend: &str,
    scale: usize,
    kind: &str,
    ours: &mut [f64],
    theirs: &mut [f64],
) {
    let percentile = |xs: &mut [f64], p: f64| {
        xs.sort_by(f64::total_cmp);
        xs.get(((xs.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or(0.0)
    };
    let (p50, p95, p99) = (percentile(ours, 0.50), percentile(ours, 0.95), percentile(ours, 0.99));
    let baseline_p99 = percentile(theirs, 0.99);
    let ratio = if p99 > 0.0 { baseline_p99 / p99 } else { 0.0 };
    if args.json {
        let line = serde_json::json!({
            "scenario": scenario, "backend": backend, "scale": scale, "kind": kind, "queries": ours.len(),
            "p50_ms": round2(p50), "p95_ms": round2(p95), "p99_ms": round2(p99),
            "baseline_p99_ms": round2(baseline_p99), "ratio": (ratio * 1000.0).round() / 1000.0,
        });
        println!("{line}");
    } else {
        println!(
            "{backend:>9} {kind:<9}: p50 {p50:>7.2} ms  p95 {p95:>7.2} ms  p99 {p99:>7.2} ms   raw p99 {baseline_p99:>7.2} ms   ratio {ratio:.2}"
        );
    }
}

/// Reading one ticket, the call bindings/python/bench.py compares the Python package with.
async fn read(args: &Args) -> Result<(), BoxError> {
    let (Some(db), Some(ticket), Some(actor)) = (&args.db, &args.ticket, &args.actor) else {
        return Err("read needs --db URL --ticket ID --actor ROLE:ID".into());
    };
    let ticket = sysops_core::TicketId::from_uuid(ticket.parse()?);
    let (role, id) = actor.split_once(':').ok_or("--actor is ROLE:ID")?;
    let role = sysops_core::Role::ALL
        .into_iter()
        .find(|r| format!("{r:?}").eq_ignore_ascii_case(role))
        .ok_or_else(|| format!("unknown role {role:?}"))?;
    let actor = Actor { role, id: id.parse()? };
    let sysops = Sysops::open(db).await?;
    for _ in 0..args.ops.min(1000) {
        sysops.ticket(actor, ticket).await?;
    }
    let started = Instant::now();
    for _ in 0..args.ops {
        sysops.ticket(actor, ticket).await?;
    }
    let per_call_us = started.elapsed().as_secs_f64() * 1e6 / args.ops.max(1) as f64;
    if args.json {
        let line = serde_json::json!({
            "scenario": "read", "backend": sysops.backend_name(), "ops": args.ops, "per_call_us": round2(per_call_us),
        });
        println!("{line}");
    } else {
        println!("read: {per_call_us:.1} µs per call through the Rust facade ({} calls)", args.ops);
    }
    sysops.close().await;
    Ok(())
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
/// One assignment method's answer: (ticket index, expert index) pairs.
type Answer = Vec<(usize, usize)>;

/// The national instance solved three ways; prints assigned, travel and solve time for each.
fn assign(args: &Args) -> Result<(), BoxError> {
    use sysops_core::assignment::{self, CostWeights, feasibility};
    let (tickets_n, experts_n) = (10_000, 2_000);
    // A Monday at 17:00 UTC: noon on the East Coast, 09:00 on the West Coast.
    let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 2, 17, 0, 0).single().ok_or("time")?;
    let (tickets, candidates) = sysops_examples::instance::national(tickets_n, experts_n, now, 2026);
    let weights = CostWeights::default();
    let busiest = candidates.iter().map(|c| c.workload.recent).max().unwrap_or(0);
    let index_of: std::collections::HashMap<_, _> =
        candidates.iter().enumerate().map(|(i, c)| (c.expert.id, i)).collect();
    let ticket_index: std::collections::HashMap<_, _> = tickets.iter().enumerate().map(|(i, t)| (t.id, i)).collect();

    let started = Instant::now();
    let plan = assignment::plan(now, &tickets, &candidates, &weights);
    let ours_s = started.elapsed().as_secs_f64();
    let ours: Answer = plan.offers.iter().map(|o| (ticket_index[&o.ticket], index_of[&o.expert])).collect();

    // The baselines see the same tickets in the same order (urgent first, then oldest).
    let mut order: Vec<usize> = (0..tickets.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&tickets[a], &tickets[b]);
        y.priority.cmp(&x.priority).then(x.open_since.cmp(&y.open_since)).then(x.id.cmp(&y.id))
    });
    let mut by_lat: Vec<usize> = (0..candidates.len()).collect();
    by_lat
        .sort_by(|&a, &b| candidates[a].expert.profile.base.lat().total_cmp(&candidates[b].expert.profile.base.lat()));
    let on_duty: Vec<bool> = candidates.iter().map(|c| c.expert.is_available_at(now)).collect();
    let baseline = |pick_cheapest: bool| -> (Answer, f64) {
        let started = Instant::now();
        let mut left: Vec<u32> = candidates
            .iter()
            .map(|c| u32::from(c.expert.profile.capacity.get()).saturating_sub(c.workload.active))
            .collect();
        let mut answer = Vec::new();
        for &t in &order {
            let ticket = &tickets[t];
            // Only experts within the widest radius in latitude can reach the ticket.
            let lat = ticket.location.lat();
            let lo = by_lat.partition_point(|&e| candidates[e].expert.profile.base.lat() < lat - 9.1);
            let hi = by_lat.partition_point(|&e| candidates[e].expert.profile.base.lat() <= lat + 9.1);
            let mut band: Vec<usize> = by_lat[lo..hi].to_vec();
            band.sort_unstable();
            let feasible = band.into_iter().filter(|&e| {
                let c = &candidates[e];
                left[e] > 0 && feasibility::check_on_duty(ticket, &c.expert, &c.workload, on_duty[e]).is_ok()
            });
            let chosen = if pick_cheapest {
                feasible.min_by_key(|&e| (assignment::pair_cost(ticket, &candidates[e], busiest, &weights), e))
            } else {
                feasible.into_iter().next()
            };
            if let Some(e) = chosen {
                left[e] -= 1;
                answer.push((t, e));
            }
        }
        (answer, started.elapsed().as_secs_f64())
    };
    let (greedy, greedy_s) = baseline(true);
    let (first, first_s) = baseline(false);

    let km = |answer: &Answer| -> f64 {
        answer.iter().map(|&(t, e)| candidates[e].expert.profile.base.distance_km(&tickets[t].location)).sum()
    };
    let methods = [("ours", &ours, ours_s), ("greedy", &greedy, greedy_s), ("first_match", &first, first_s)];
    if !args.json {
        println!("assign: {tickets_n} open tickets, {experts_n} experts at US cities, at {now}");
    }
    for (name, answer, secs) in methods {
        let total = km(answer);
        let mean = if answer.is_empty() { 0.0 } else { total / answer.len() as f64 };
        if args.json {
            let line = serde_json::json!({
                "scenario": "assign", "method": name, "tickets": tickets_n, "experts": experts_n,
                "assigned": answer.len(), "total_km": round2(total), "mean_km": round2(mean),
                "solve_s": (secs * 1000.0).round() / 1000.0,
            });
            println!("{line}");
        } else {
            println!(
                "{name:>12}: assigned {:>6}   total {:>10.0} km   mean {:>6.1} km   solve {:>7.3} s",
                answer.len(),
                total,
                mean,
                secs
            );
        }
    }
    if !args.json {
        println!(
            "ours vs greedy: {:+} assigned, {:.1}% of its travel; ours vs first-match: {:+} assigned, {:.1}% of its travel",
            ours.len() as i64 - greedy.len() as i64,
            100.0 * km(&ours) / km(&greedy).max(1e-9),
            ours.len() as i64 - first.len() as i64,
            100.0 * km(&ours) / km(&first).max(1e-9),
        );
        println!("waiting (ours): {}", summarize_reasons(&plan.waiting));
    }
    if let Some(dir) = &args.dump {
        dump(
            dir,
            &tickets,
            &candidates,
            busiest,
            &weights,
            now,
            &[("ours", &ours), ("greedy", &greedy), ("first_match", &first)],
        )?;
        if !args.json {
            println!("instance and answers written to {}", dir.display());
        }
    }
    Ok(())
}

fn summarize_reasons(waiting: &[(sysops_core::TicketId, sysops_core::assignment::WaitReason)]) -> String {
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for (_, reason) in waiting {
        *counts.entry(format!("{reason:?}")).or_default() += 1;
    }
    counts.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
}

/// Writes the instance and every method's answer as CSV, with the objective in words.
fn dump(
    dir: &std::path::Path,
    tickets: &[sysops_core::Ticket],
    candidates: &[sysops_core::assignment::Candidate],
    busiest: u32,
    weights: &sysops_core::assignment::CostWeights,
    now: DateTime<Utc>,
    answers: &[(&str, &Answer)],
) -> Result<(), BoxError> {
    use std::io::Write as _;
    use sysops_core::assignment::{self, feasibility};
    std::fs::create_dir_all(dir)?;
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("tickets.csv"))?);
    writeln!(f, "ticket,priority,weight,lat,lon")?;
    for (i, t) in tickets.iter().enumerate() {
        writeln!(
            f,
            "{i},{:?},{},{},{}",
            t.priority,
            assignment::reward(t.priority, tickets.len()),
            t.location.lat(),
            t.location.lon()
        )?;
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("experts.csv"))?);
    writeln!(f, "expert,capacity_left,lat,lon,radius_km")?;
    for (i, c) in candidates.iter().enumerate() {
        let left = u32::from(c.expert.profile.capacity.get()).saturating_sub(c.workload.active);
        let p = &c.expert.profile;
        writeln!(f, "{i},{left},{},{},{}", p.base.lat(), p.base.lon(), p.radius_km.get())?;
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("pairs.csv"))?);
    writeln!(f, "ticket,expert,cost")?;
    for (t, ticket) in tickets.iter().enumerate() {
        let mut feasible: Vec<(i64, usize)> = candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| feasibility::check(ticket, &c.expert, &c.workload, now).is_ok())
            .map(|(e, c)| (assignment::pair_cost(ticket, c, busiest, weights), e))
            .collect();
        feasible.sort_unstable();
        feasible.truncate(assignment::MAX_CANDIDATES);
        for (cost, e) in feasible {
            writeln!(f, "{t},{e},{cost}")?;
        }
    }
    for (name, answer) in answers {
        let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join(format!("{name}_pairs.csv")))?);
        writeln!(f, "ticket,expert")?;
        for (t, e) in answer.iter() {
            writeln!(f, "{t},{e}")?;
        }
    }
    std::fs::write(
        dir.join("objective.txt"),
        format!(
            "Choose a set of (ticket, expert) rows from pairs.csv such that each ticket appears at most once and\n\
             each expert appears at most capacity_left times (experts.csv). Maximise the sum over chosen rows of\n\
             (weight of the ticket from tickets.csv) minus (cost of the pair). Weights are at least 10^12, far above\n\
             any sum of costs, so this first maximises the number of assigned tickets, then their priority, then\n\
             minimises the total cost (thousandths of a cost point; 1 point = 1 km of travel with default weights).\n\
             pairs.csv lists every feasible pair, keeping each ticket's {} cheapest, as the solver does.\n\
             ours_pairs.csv, greedy_pairs.csv and first_match_pairs.csv are the three methods' answers.\n",
            sysops_core::assignment::MAX_CANDIDATES
        ),
    )?;
    Ok(())
}
