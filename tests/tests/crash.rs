//! Kill a process that is submitting tickets at random moments: every acknowledged ticket survives.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{pg_url, runtime, tempdir};
use std::collections::HashSet;
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use sysops_core::store::{ConsumerName, Page, TicketFilter};
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

/// Runs the child (with `callers` submitters at once) until it has acknowledged some tickets,
/// kills it with SIGKILL after a pseudo-random extra delay, and returns the ids it acknowledged.
fn run_and_kill(url: &str, customer: CustomerId, schema: Option<&str>, callers: usize, round: u64) -> Vec<TicketId> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_submit-loop"));
    command.arg(url).arg(customer.to_string());
    if let Some(schema) = schema {
        command.arg(schema);
    }
    command.arg("--callers").arg(callers.to_string());
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

/// After each kill: every acknowledged ticket is stored with its event and outbox row, and every
/// ticket stored at all (answered or not) is whole: its index row, its one event, its outbox row.
async fn check(url: &str, schema: Option<&str>, customer: CustomerId, acked: &[TicketId], round: u64) {
    let sysops = open(url, schema).await;
    if let sysops_storage::AnyStore::Sqlite(sqlite) = sysops.store() {
        sqlite.integrity_check().await.expect("PRAGMA integrity_check");
    }
    for id in acked {
        sysops.ticket(Actor::system(), *id).await.unwrap_or_else(|e| panic!("round {round}: lost {id}: {e}"));
    }
    // On PostgreSQL the server may still finish a killed child's last commit while this looks, so
    // the index and the outbox are read again until they agree (at most 10 s).
    let consumer = ConsumerName::new(format!("crash-check-{round}")).unwrap();
    let mut delivered = HashSet::new();
    let patience = Instant::now() + Duration::from_secs(10);
    let listed = loop {
        let listed = whole_tickets(&sysops, customer, round).await;
        loop {
            let batch = sysops.poll_outbox(&consumer, 5_000).await.unwrap();
            let Some(last) = batch.last() else { break };
            sysops.ack_outbox(&consumer, last.position).await.unwrap();
            delivered.extend(batch.iter().filter(|e| e.event.name == "TicketSubmitted").map(|e| e.event.stream.id));
        }
        if listed == delivered || Instant::now() > patience {
            break listed;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    for id in acked {
        assert!(listed.contains(&id.as_uuid()), "round {round}: {id} is not listed for its customer");
    }
    assert_eq!(listed, delivered, "round {round}: the listed tickets and the outbox's submissions differ");
    sysops.close().await;
}

/// The customer's tickets, each checked whole: it reads back, with its one event.
async fn whole_tickets(sysops: &Sysops, customer: CustomerId, round: u64) -> HashSet<uuid::Uuid> {
    let mut listed = HashSet::new();
    let mut page = Page::first(Page::MAX_LIMIT);
    loop {
        let found = sysops.tickets(Actor::system(), TicketFilter::of_customer(customer), page).await.unwrap();
        assert!(found.quarantined.is_empty(), "round {round}: a stored ticket does not read back");
        for ticket in &found.items {
            let history = sysops.ticket_history(Actor::system(), ticket.id).await.unwrap();
            assert_eq!(history.len(), 1, "round {round}: {} is half-stored", ticket.id);
            assert_eq!(history[0].payload.name(), "TicketSubmitted");
            listed.insert(ticket.id.as_uuid());
        }
        let Some(next) = found.next else { return listed };
        page = Page::after(next, Page::MAX_LIMIT);
    }
}

fn crash_rounds(url: &str, schema: Option<&str>, callers: usize) {
    let rt = runtime();
    let customer = rt.block_on(prepare(url, schema));
    let mut total = 0;
    for round in 0..ROUNDS {
        let acked = run_and_kill(url, customer, schema, callers, round);
        total += acked.len();
        rt.block_on(check(url, schema, customer, &acked, round));
    }
    eprintln!("{ROUNDS} kills of {callers} callers, {total} acknowledged tickets, none lost, none half-stored");
}

#[test]
fn sqlite_keeps_every_acknowledged_ticket_across_sigkill() {
    let dir = tempdir("crash");
    let url = format!("sqlite://{}", dir.join("crash.db").display());
    crash_rounds(&url, None, 1);
}

/// 32 submitters at once, so that the kill lands in the middle of a group commit.
#[test]
fn sqlite_keeps_every_answered_ticket_when_killed_mid_group_commit() {
    let dir = tempdir("group-crash");
    let url = format!("sqlite://{}", dir.join("crash.db").display());
    crash_rounds(&url, None, 32);
}

#[test]
fn postgres_keeps_every_acknowledged_ticket_across_sigkill() {
    let Some(url) = pg_url() else { return };
    let schema = format!("crash_{}", uuid::Uuid::now_v7().simple());
    crash_rounds(&url, Some(&schema), 1);
}

#[test]
fn postgres_keeps_every_answered_ticket_when_killed_amid_concurrent_callers() {
    let Some(url) = pg_url() else { return };
    let schema = format!("crash_{}", uuid::Uuid::now_v7().simple());
    crash_rounds(&url, Some(&schema), 32);
}
