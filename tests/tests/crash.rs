//! Kill a process that is submitting tickets at random moments: every acknowledged ticket survives.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{pg_url, runtime, tempdir};
use std::collections::HashSet;
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use sysops_core::store::ConsumerName;
use sysops_core::testing::fixtures::{address, chicago, contact, plan_terms};
use sysops_core::{Actor, CustomerId, Email, EventName, PersonName, Role, StaffRole, TicketId};
use sysops_storage::{Options, Sysops};

const ROUNDS: u64 = 20;

async fn open(url: &str, schema: Option<&str>) -> Sysops {
    let options = Options { pg_schema: schema.map(str::to_owned), ..Options::default() };
    Sysops::open_with(url, options).await.expect("open")
}

/// Creates an administrator, a plan and one customer; returns the customer.
async fn prepare(url: &str, schema: Option<&str>) -> CustomerId {
    let sysops = open(url, schema).await;
    let admin = sysops
        .create_staff_account(
            Actor::system(),
            PersonName::new("Ada").unwrap(),
            Email::new("ada@sysops.example").unwrap(),
            StaffRole::Administrator,
        )
        .await
        .unwrap();
    let admin = Actor::staff(Role::Administrator, admin.id);
    let plan = sysops.define_plan(admin, plan_terms()).await.unwrap();
    let customer = sysops.register_customer(admin, contact(1), address(chicago()), plan.id).await.unwrap();
    sysops.close().await;
    customer.id
}

/// Runs the child until it has acknowledged some tickets, kills it with SIGKILL after a
/// pseudo-random extra delay, and returns the ids it acknowledged.
fn run_and_kill(url: &str, customer: CustomerId, schema: Option<&str>, round: u64) -> Vec<TicketId> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_submit-loop"));
    command.arg(url).arg(customer.to_string());
    if let Some(schema) = schema {
        command.arg(schema);
    }
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("spawn child");
    let stdout = child.stdout.take().unwrap();
    let acked = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let acked = acked.clone();
        std::thread::spawn(move || {
            let mut lines = std::io::BufReader::new(stdout);
            let mut line = String::new();
            // Only complete lines count: a torn last line was never fully acknowledged.
            while lines.read_line(&mut line).unwrap_or(0) > 0 && line.ends_with('\n') {
                acked.lock().unwrap().push(line.trim().parse::<TicketId>().expect("an id"));
                line.clear();
            }
        })
    };
    let started = Instant::now();
    while acked.lock().unwrap().is_empty() && started.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(2));
    }
    let jitter = (round.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) % 200;
    std::thread::sleep(Duration::from_millis(5 + jitter));
    child.kill().expect("SIGKILL");
    child.wait().unwrap();
    reader.join().unwrap();
    let acked = acked.lock().unwrap().clone();
    assert!(!acked.is_empty(), "round {round}: the child acknowledged nothing");
    acked
}

/// After each kill: every acknowledged ticket is stored with its event and outbox row.
async fn check(url: &str, schema: Option<&str>, acked: &[TicketId], round: u64) {
    let sysops = open(url, schema).await;
    if let sysops_storage::AnyStore::Sqlite(sqlite) = sysops.store() {
        sqlite.integrity_check().await.expect("PRAGMA integrity_check");
    }
    for id in acked {
        let ticket =
            sysops.ticket(Actor::system(), *id).await.unwrap_or_else(|e| panic!("round {round}: lost {id}: {e}"));
        let history = sysops.ticket_history(Actor::system(), ticket.id).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].payload.name(), "TicketSubmitted");
    }
    let consumer = ConsumerName::new(format!("crash-check-{round}")).unwrap();
    let mut delivered = HashSet::new();
    loop {
        let batch = sysops.poll_outbox(&consumer, 5_000).await.unwrap();
        let Some(last) = batch.last() else { break };
        sysops.ack_outbox(&consumer, last.position).await.unwrap();
        delivered.extend(batch.iter().filter(|e| e.event.name == "TicketSubmitted").map(|e| e.event.stream.id));
    }
    for id in acked {
        assert!(delivered.contains(&id.as_uuid()), "round {round}: {id} has no outbox row");
    }
    sysops.close().await;
}

fn crash_rounds(url: &str, schema: Option<&str>) {
    let rt = runtime();
    let customer = rt.block_on(prepare(url, schema));
    let mut total = 0;
    for round in 0..ROUNDS {
        let acked = run_and_kill(url, customer, schema, round);
        total += acked.len();
        rt.block_on(check(url, schema, &acked, round));
    }
    eprintln!("{ROUNDS} kills, {total} acknowledged tickets, none lost");
}

#[test]
fn sqlite_keeps_every_acknowledged_ticket_across_sigkill() {
    let dir = tempdir("crash");
    let url = format!("sqlite://{}", dir.join("crash.db").display());
    crash_rounds(&url, None);
}

#[test]
fn postgres_keeps_every_acknowledged_ticket_across_sigkill() {
    let Some(url) = pg_url() else { return };
    let schema = format!("crash_{}", uuid::Uuid::now_v7().simple());
    crash_rounds(&url, Some(&schema));
}
