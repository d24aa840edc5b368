//! The `reports` scenario: a history of tickets (default 1,000,000, for a tenth as many
//! customers and a five-hundredth as many experts) folded into the read models by the report
//! projector, then each report read through the facade against a baseline that loads the
//! read models' rows with sqlx and aggregates them in Rust. Both answers are compared.

mod baseline;
mod history;

use super::baseline::BaselineDb;
use super::billing::open_with_cards;
use super::{Args, BoxError, round2, targets};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;
use sysops_core::report::{ReportRange, minor_units};
use sysops_core::{Actor, ManualClock, Money};

/// A report as numbers by group, for comparing sysops's with the baseline's.
type Summary = BTreeMap<String, Vec<i64>>;

/// Each report is read this many times; the fastest counts.
const ROUNDS: usize = 3;

pub(super) async fn reports(args: &Args) -> Result<(), BoxError> {
    let tickets = args.tickets.unwrap_or(1_000_000);
    if !args.json {
        println!("reports: {tickets} tickets, each report through sysops vs. loading the read models' rows with sqlx");
    }
    for target in targets(args, "reports")? {
        let clock = Arc::new(ManualClock::new(history::SETUP.parse()?)?);
        let sysops = open_with_cards(&target, clock.clone()).await?;
        let backend = sysops.backend_name();
        let started = Instant::now();
        let history = history::write(&sysops, &clock, tickets).await?;
        let written_s = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let mut events = 0;
        loop {
            let round = sysops.project_reports(Actor::system(), 10_000).await?;
            if round.skipped > 0 {
                return Err(format!("{backend}: the projector skipped {} events", round.skipped).into());
            }
            events += round.events;
            if round.idle() {
                break;
            }
        }
        let projected_s = started.elapsed().as_secs_f64();
        if !args.json {
            println!(
                "{backend:>9}: {tickets} tickets, {} customers, {} experts written in {written_s:.1}s; {events} events projected in {projected_s:.1}s ({:.0}/s)",
                history.customers,
                history.experts,
                events as f64 / projected_s
            );
        }

        let db = BaselineDb::sysops(&target).await?;
        // A live PostgreSQL has statistics on tables this size (autovacuum analyzes them a
        // minute after they change); the history was written seconds ago.
        if let BaselineDb::Postgres { pool, .. } = &db {
            sqlx::query("ANALYZE").execute(pool).await?;
        }
        let (manager, all) = (history.manager, ReportRange::all_time());
        let as_of = clock_seconds(history::AS_OF)?;
        let (lib_s, ours) = best_of(|| async { Ok(ticketing(&sysops.ticketing_report(manager, all).await?)) }).await?;
        let (baseline_s, theirs) = best_of(|| baseline::ticketing(&db, as_of)).await?;
        print(args, backend, "ticketing", tickets, lib_s, baseline_s, same(&ours, &theirs, "ticketing")?);
        let (lib_s, ours) = best_of(|| async { Ok(experts(&sysops.expert_report(manager, all).await?)) }).await?;
        let (baseline_s, theirs) = best_of(|| baseline::experts(&db)).await?;
        print(args, backend, "experts", tickets, lib_s, baseline_s, same(&ours, &theirs, "experts")?);
        let (lib_s, ours) = best_of(|| async { financial(&sysops.financial_report(manager, all).await?) }).await?;
        let (baseline_s, theirs) = best_of(|| baseline::financial(&db)).await?;
        print(args, backend, "financial", tickets, lib_s, baseline_s, same(&ours, &theirs, "financial")?);
        sysops.close().await;
        // A million tickets' history takes gigabytes; the SQLite file goes with its directory.
        if let (BaselineDb::Postgres { pool, .. }, Some(schema)) = (&db, &target.schema) {
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE"))).execute(pool).await?;
        }
    }
    Ok(())
}

fn clock_seconds(at: &str) -> Result<i64, BoxError> {
    Ok(at.parse::<chrono::DateTime<chrono::Utc>>()?.timestamp())
}

/// The fastest of [`ROUNDS`] runs of `run`, and its last answer.
async fn best_of<F, Fut>(mut run: F) -> Result<(f64, Summary), BoxError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Summary, BoxError>>,
{
    let (mut best, mut answer) = (f64::INFINITY, Summary::new());
    for _ in 0..ROUNDS {
        let started = Instant::now();
        answer = run().await?;
        best = best.min(started.elapsed().as_secs_f64());
    }
    Ok((best, answer))
}

/// The groups counted by both; an error naming the first group they disagree on.
fn same(ours: &Summary, theirs: &Summary, report: &str) -> Result<usize, BoxError> {
    if ours == theirs {
        return Ok(ours.len());
    }
    let key = ours.keys().chain(theirs.keys()).find(|k| ours.get(*k) != theirs.get(*k));
    let key = key.map_or("", String::as_str);
    Err(format!(
        "the {report} report and the baseline disagree on {key:?}: {:?} vs {:?} ({} vs {} groups)",
        ours.get(key),
        theirs.get(key),
        ours.len(),
        theirs.len()
    )
    .into())
}

fn print(args: &Args, backend: &str, report: &str, tickets: usize, lib_s: f64, baseline_s: f64, groups: usize) {
    let ratio = baseline_s / lib_s;
    if args.json {
        let line = serde_json::json!({
            "scenario": "reports", "backend": backend, "report": report, "tickets": tickets, "groups": groups,
            "lib_s": (lib_s * 1000.0).round() / 1000.0, "baseline_s": (baseline_s * 1000.0).round() / 1000.0,
            "ratio": round2(ratio),
        });
        println!("{line}");
    } else {
        println!(
            "{backend:>9} {report:<9}: sysops {lib_s:>7.3} s   baseline {baseline_s:>7.3} s   ratio {ratio:>5.2}   ({groups} rows)"
        );
    }
}

fn ticketing(report: &sysops_core::report::TicketingReport) -> Summary {
    let age = |a: Option<i64>| a.unwrap_or(-1);
    report
        .rows
        .iter()
        .map(|r| {
            let key = format!(
                "{}|{}|{}|{}|{}",
                r.region,
                r.plan.as_uuid(),
                r.plan_name,
                r.category.as_str(),
                r.priority as i64
            );
            let counts = [
                r.submitted,
                r.open,
                r.assigned,
                r.accepted,
                r.in_progress,
                r.waiting_for_customer,
                r.completed,
                r.closed,
                r.cancelled,
                r.reopened,
                r.fixed,
                r.fixed_first_time,
                r.response_breaches,
                r.resolution_breaches,
                r.waiting_too_long,
            ];
            let mut values: Vec<i64> = counts.iter().map(|&n| n as i64).collect();
            values.extend([age(r.open_age_p50_s), age(r.open_age_p90_s), age(r.open_age_max_s)]);
            (key, values)
        })
        .collect()
}

fn experts(report: &sysops_core::report::ExpertReport) -> Summary {
    let median = |a: Option<i64>| a.unwrap_or(-1);
    report
        .rows
        .iter()
        .map(|r| {
            let n = |count: u64| count as i64;
            let values = vec![
                n(r.offers),
                n(r.accepted),
                n(r.rejected),
                n(r.expired),
                n(r.withdrawn),
                n(r.pending),
                median(r.accept_p50_s),
                n(r.completed),
                median(r.complete_p50_s),
                r.worked_s,
                r.travel_m,
                n(r.travel_measured),
                n(r.surveys),
                n(r.satisfaction_sum),
                n(r.recommends),
                n(r.recommend_sum),
                r.weekly_s,
                r.registered_at.timestamp(),
            ];
            (r.expert.as_uuid().to_string(), values)
        })
        .collect()
}

fn financial(report: &sysops_core::report::FinancialReport) -> Result<Summary, BoxError> {
    let minor = |m: Money| minor_units(m).ok_or("an amount beyond minor units");
    let mut summary = Summary::new();
    for r in &report.rows {
        let key = format!("{}|{}|{}|{}", r.period, r.plan.as_uuid(), r.plan_name, r.currency.code());
        let counts = [r.invoices, r.outstanding_invoices, r.failed_payments, r.failing_invoices].map(|n| n as i64);
        let mut values = counts.to_vec();
        for money in [r.invoiced, r.collected, r.refunded, r.outstanding, r.written_off, r.voided] {
            values.push(minor(money)?);
        }
        summary.insert(key, values);
    }
    Ok(summary)
}
