//! The `submit` scenario: tickets/s through sysops's facade against a hand-written sqlx
//! baseline, on every backend, by any number of concurrent submitters.

use super::baseline::BaselineDb;
use super::{Args, BoxError, Target, report, targets};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::{Duration, Instant};
use sysops_core::{Actor, Customer, SupportPlan, SystemClock};
use sysops_examples::cities::Cities;
use sysops_examples::rng::Rng;
use sysops_examples::scenario::{bootstrap, customer_details, plan_catalog, ticket_request};
use sysops_storage::{Options, Sysops};

/// Submitting tickets: sysops's facade vs. one hand-written transaction per ticket, by
/// `clients` concurrent submitters each.
pub(super) async fn submit(args: &Args) -> Result<(), BoxError> {
    if !args.json {
        println!(
            "submit: {} tickets per backend and client count, durable commits, sysops vs. hand-written sqlx in the same run",
            args.ops
        );
    }
    let counts = args.clients.clone().unwrap_or_else(|| vec![1]);
    let most = counts.iter().copied().max().unwrap_or(1);
    for target in targets(args, "submit")? {
        let (sysops, plan, customers) = with_customers(&target, most.max(4) as u32, 200).await?;
        let backend = sysops.backend_name();
        let mut rng = Rng::new(11);
        let baseline = Baseline::open(&target, most).await?;

        for &clients in &counts {
            // Alternate the two in rounds so that machine noise hits both alike.
            let rounds = 6;
            let per_round = (args.ops / rounds).max(clients);
            let (mut lib, mut base) = (Duration::ZERO, Duration::ZERO);
            for _ in 0..rounds {
                let requests: Vec<_> = (0..per_round)
                    .map(|_| {
                        (
                            customers[rng.range(0, customers.len() as u64 - 1) as usize].id,
                            ticket_request(&plan, &mut rng),
                        )
                    })
                    .collect();
                lib += concurrently(requests, clients, |(customer, request)| {
                    let sysops = &sysops;
                    async move { sysops.submit_ticket(Actor::customer(customer), customer, request).await.map(drop) }
                })
                .await?;
                let rows = (0..per_round).map(|_| baseline_row(&customers, &mut rng)).collect();
                base += concurrently(rows, clients, |row| baseline.submit(row)).await?;
            }
            let ops = per_round * rounds;
            let lib_per_s = ops as f64 / lib.as_secs_f64();
            let baseline_per_s = ops as f64 / base.as_secs_f64();
            report(args, "submit", backend, clients, ops, lib_per_s, baseline_per_s);
        }
        sysops.close().await;
    }
    Ok(())
}

/// Sysops on `target` (a pool of `connections` on PostgreSQL) with a plan and `n` customers
/// at real US cities.
pub(super) async fn with_customers(
    target: &Target,
    connections: u32,
    n: usize,
) -> Result<(Sysops, SupportPlan, Vec<Customer>), BoxError> {
    let options = Options { pg_max_connections: connections, ..target.options(Arc::new(SystemClock)) };
    let sysops = Sysops::open_with(&target.url, options).await?;
    let (admin, helpdesk) = bootstrap(&sysops).await?;
    let plan = sysops.define_plan(admin, plan_catalog().swap_remove(2)).await?;
    let cities = Cities::load();
    let mut rng = Rng::new(11);
    let mut customers = Vec::with_capacity(n);
    for n in 0..n {
        let (contact, address) = customer_details(n, cities.sample(&mut rng), &mut rng);
        customers.push(sysops.register_customer(helpdesk, contact, address, plan.id).await?);
    }
    Ok((sysops, plan, customers))
}

/// Runs `work` on every item with `clients` callers at once, each taking the next item when it
/// finishes one; the time all of it took.
async fn concurrently<T, F, Fut, E>(items: Vec<T>, clients: usize, work: F) -> Result<Duration, BoxError>
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: Into<BoxError>,
{
    let queue = std::sync::Mutex::new(items.into_iter());
    let next = || queue.lock().unwrap_or_else(|p| p.into_inner()).next();
    let caller = || async {
        while let Some(item) = next() {
            work(item).await.map_err(Into::into)?;
        }
        Ok::<(), BoxError>(())
    };
    let started = Instant::now();
    let callers: Vec<_> = (0..clients).map(|_| caller()).collect();
    for result in sysops_examples::join_all(callers).await {
        result?;
    }
    Ok(started.elapsed())
}

/// The minimal durable work of accepting a ticket, written by hand: one transaction
/// inserting the ticket row and its event row, on the same engine and settings. On Citus both
/// tables are distributed by customer, as sysops's are, so each transaction is on one shard.
pub(super) struct Baseline(BaselineDb);

/// A ticket for the baseline: id, customer, description, time.
pub(super) type BaselineRow = (uuid::Uuid, uuid::Uuid, String, DateTime<Utc>);

pub(super) fn baseline_row(customers: &[Customer], rng: &mut Rng) -> BaselineRow {
    let customer = customers[rng.range(0, customers.len() as u64 - 1) as usize].id.as_uuid();
    (uuid::Uuid::now_v7(), customer, format!("problem {}", rng.next_u64()), Utc::now())
}

impl Baseline {
    pub(super) async fn open(target: &Target, connections: usize) -> Result<Self, BoxError> {
        let db = BaselineDb::open(target, connections.max(4) as u32).await?;
        db.create(
            "CREATE TABLE tickets (id BLOB PRIMARY KEY, customer BLOB NOT NULL, status TEXT NOT NULL,
                description TEXT NOT NULL, submitted_at TEXT NOT NULL) WITHOUT ROWID;
             CREATE TABLE ticket_events (id BLOB NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL,
                json TEXT NOT NULL, PRIMARY KEY (id, seq)) WITHOUT ROWID;",
            "CREATE TABLE tickets (customer UUID NOT NULL, id UUID NOT NULL, status TEXT NOT NULL,
                description TEXT NOT NULL, submitted_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (customer, id));
             CREATE TABLE ticket_events (customer UUID NOT NULL, id UUID NOT NULL, seq BIGINT NOT NULL,
                at TIMESTAMPTZ NOT NULL, json TEXT NOT NULL, PRIMARY KEY (customer, id, seq));",
            "SELECT create_distributed_table('tickets', 'customer');
             SELECT create_distributed_table('ticket_events', 'customer', colocate_with => 'tickets');",
        )
        .await?;
        Ok(Baseline(db))
    }

    pub(super) async fn submit(&self, (id, customer, description, at): BaselineRow) -> Result<(), BoxError> {
        let event = serde_json::json!({"type": "TicketSubmitted", "ticket": id, "customer": customer,
                                       "description": description})
        .to_string();
        match &self.0 {
            BaselineDb::Sqlite(pool) => {
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
            BaselineDb::Postgres { pool, .. } => {
                let mut tx = pool.begin().await?;
                sqlx::query("INSERT INTO tickets VALUES ($1, $2, 'open', $3, $4)")
                    .bind(customer)
                    .bind(id)
                    .bind(&description)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO ticket_events VALUES ($1, $2, 1, $3, $4)")
                    .bind(customer)
                    .bind(id)
                    .bind(at)
                    .bind(&event)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }
}
