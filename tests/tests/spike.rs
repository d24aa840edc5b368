//! A Monday-morning spike: 256 callers at once for 30 seconds (`SYSOPS_SPIKE_SECONDS` to change),
//! 80% ticket reads, 15% submissions and 5% workflow commands. The only error allowed is
//! `Busy`; afterwards every acknowledged command is stored exactly once, and no refused one is.
//! Also: a caller held past the wait limit is told `Busy` in time, and the store recovers at once;
//! and a SQLite store opens with a 1 ms limit on a loaded machine.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{pg_url, tempdir};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use sysops_core::store::{ConsumerName, Page, TicketFilter};
use sysops_core::testing::fixtures::{address, chicago, contact, plan_terms, tv_ticket};
use sysops_core::{
    Actor, CustomerId, Email, Error, PersonName, Reason, Role, StaffRole, StoreError, TicketCommand, TicketId,
    TicketStatus,
};
use sysops_storage::{Options, Sysops};

const CALLERS: usize = 256;

fn seconds() -> u64 {
    std::env::var("SYSOPS_SPIKE_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(30)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

/// An administrator's plan, a helpdesk agent, and `customers` customers.
async fn prepare(sysops: &Sysops, customers: usize) -> (Actor, Vec<CustomerId>) {
    let staff = |name: &str, role| {
        sysops.create_staff_account(
            Actor::system(),
            PersonName::new(name).unwrap(),
            Email::new(format!("{}@sysops.example", name.to_lowercase())).unwrap(),
            role,
        )
    };
    let admin = Actor::staff(Role::Administrator, staff("Ada", StaffRole::Administrator).await.unwrap().id);
    let helpdesk = Actor::staff(Role::Helpdesk, staff("Hal", StaffRole::Helpdesk).await.unwrap().id);
    let plan = sysops.define_plan(admin, plan_terms()).await.unwrap();
    let mut registered = Vec::with_capacity(customers);
    for n in 0..customers {
        registered.push(sysops.register_customer(helpdesk, contact(n), address(chicago()), plan.id).await.unwrap().id);
    }
    (helpdesk, registered)
}

/// What one caller saw acknowledged: each of its tickets with the status and the number of
/// events its acknowledged commands gave it, and how many calls were refused as busy.
#[derive(Default)]
struct Seen {
    tickets: BTreeMap<TicketId, (TicketStatus, usize)>,
    busy: usize,
    calls: usize,
}

/// The next workflow command for a ticket in `status`, and the status it leads to.
fn workflow(status: TicketStatus, roll: u64) -> Option<(TicketCommand, TicketStatus)> {
    let reason = |text: &str| Reason::new(text).unwrap();
    match status {
        TicketStatus::Open if roll % 4 == 0 => {
            Some((TicketCommand::Cancel { reason: reason("Fixed it myself") }, TicketStatus::Cancelled))
        }
        TicketStatus::Open => Some((
            TicketCommand::WaitForCustomer { reason: reason("The model number") },
            TicketStatus::WaitingForCustomer,
        )),
        TicketStatus::WaitingForCustomer => Some((TicketCommand::Reply, TicketStatus::Open)),
        _ => None,
    }
}

/// One caller for `until`: reads, submissions and workflow commands on its customer's tickets.
async fn caller(sysops: Arc<Sysops>, helpdesk: Actor, customer: CustomerId, seed: u64, until: Instant) -> Seen {
    let mut seen = Seen::default();
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut roll = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let busy = |e: &Error| matches!(e, Error::Store(StoreError::Busy));
    while Instant::now() < until {
        seen.calls += 1;
        let kind = roll() % 100;
        let own: Vec<TicketId> = seen.tickets.keys().copied().collect();
        let pick = own.get((roll() as usize) % own.len().max(1)).copied();
        match (kind, pick) {
            (0..80, Some(ticket)) => match sysops.ticket(helpdesk, ticket).await {
                Ok(found) => assert_eq!(found.status(), seen.tickets[&ticket].0, "{ticket} read back in another state"),
                Err(e) if busy(&e) => seen.busy += 1,
                Err(e) => panic!("reading {ticket}: {e}"),
            },
            (95.., Some(ticket)) => {
                let (status, events) = seen.tickets[&ticket];
                let Some((command, next)) = workflow(status, roll()) else { continue };
                match sysops.handle_ticket(helpdesk, ticket, command).await {
                    Ok(done) => {
                        assert_eq!(done.status(), next);
                        seen.tickets.insert(ticket, (next, events + 1));
                    }
                    Err(e) if busy(&e) => seen.busy += 1,
                    Err(e) => panic!("{ticket} in {status:?}: {e}"),
                }
            }
            _ => match sysops.submit_ticket(helpdesk, customer, tv_ticket("No picture since the storm")).await {
                Ok(ticket) => {
                    seen.tickets.insert(ticket.id, (TicketStatus::Open, 1));
                }
                Err(e) if busy(&e) => seen.busy += 1,
                Err(e) => panic!("submitting: {e}"),
            },
        }
    }
    seen
}

/// After the spike: each customer has exactly the tickets its caller saw acknowledged, each in
/// the status and with the events of its acknowledged commands, each submission in the outbox.
async fn check(sysops: &Sysops, helpdesk: Actor, customers: &[CustomerId], seen: &[Seen]) {
    for (customer, seen) in customers.iter().zip(seen) {
        let stored = sysops.tickets(helpdesk, TicketFilter::of_customer(*customer), Page::first(10_000)).await.unwrap();
        assert!(stored.quarantined.is_empty());
        let ids: HashSet<TicketId> = stored.items.iter().map(|t| t.id).collect();
        let acked: HashSet<TicketId> = seen.tickets.keys().copied().collect();
        assert_eq!(ids, acked, "customer {customer}: stored tickets differ from the acknowledged ones");
        for ticket in &stored.items {
            let (status, events) = seen.tickets[&ticket.id];
            assert_eq!(ticket.status(), status, "{} is not in its acknowledged status", ticket.id);
            let history = sysops.ticket_history(helpdesk, ticket.id).await.unwrap();
            assert_eq!(history.len(), events, "{}: an event lost or doubled", ticket.id);
        }
    }
    let consumer = ConsumerName::new("spike-check").unwrap();
    let mut submitted = HashSet::new();
    loop {
        let batch = sysops.poll_outbox(&consumer, 5_000).await.unwrap();
        let Some(last) = batch.last() else { break };
        sysops.ack_outbox(&consumer, last.position).await.unwrap();
        submitted.extend(batch.iter().filter(|e| e.event.name == "TicketSubmitted").map(|e| e.event.stream.id));
    }
    for ticket in seen.iter().flat_map(|s| s.tickets.keys()) {
        assert!(submitted.contains(&ticket.as_uuid()), "{ticket} has no outbox row");
    }
}

fn spike(url: &str, options: Options) {
    let rt = runtime();
    rt.block_on(async {
        let sysops = Arc::new(Sysops::open_with(url, options).await.unwrap());
        let (helpdesk, customers) = prepare(&sysops, CALLERS).await;
        let until = Instant::now() + Duration::from_secs(seconds());
        let callers: Vec<_> = customers
            .iter()
            .enumerate()
            .map(|(n, customer)| tokio::spawn(caller(sysops.clone(), helpdesk, *customer, n as u64, until)))
            .collect();
        let mut seen = Vec::with_capacity(CALLERS);
        for caller in callers {
            seen.push(caller.await.unwrap());
        }
        let calls: usize = seen.iter().map(|s| s.calls).sum();
        let busy: usize = seen.iter().map(|s| s.busy).sum();
        let tickets: usize = seen.iter().map(|s| s.tickets.len()).sum();
        eprintln!("{}: {CALLERS} callers, {calls} calls, {tickets} tickets, {busy} busy", sysops.backend_name());
        check(&sysops, helpdesk, &customers, &seen).await;
        sysops.close().await;
    });
}

#[test]
fn sqlite_holds_a_spike_of_256_callers_without_losing_or_doubling_work() {
    let dir = tempdir("spike");
    spike(&format!("sqlite://{}", dir.join("spike.db").display()), Options::default());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn postgres_holds_a_spike_of_256_callers_without_losing_or_doubling_work() {
    let Some(url) = pg_url() else { return };
    let schema = format!("spike_{}", uuid::Uuid::now_v7().simple());
    spike(&url, Options { pg_schema: Some(schema), pg_max_connections: 16, ..Options::default() });
}

/// Opening is not a call: a SQLite store opens every connection it will use before it is
/// returned, taking the time that needs, so the shortest wait limit (1 ms) does not fail its
/// opening even on a machine whose cores are all taken.
#[test]
fn sqlite_opens_with_a_1_ms_wait_limit_on_a_loaded_machine() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let dir = tempdir("open-1ms");
    let options = Options { max_wait: Duration::from_millis(1), ..Options::default() };
    let rt = runtime();
    let loaded = Arc::new(AtomicBool::new(true));
    let hogs: Vec<_> = (0..8)
        .map(|_| {
            let loaded = loaded.clone();
            std::thread::spawn(move || {
                while loaded.load(Ordering::Relaxed) {
                    std::hint::spin_loop();
                }
            })
        })
        .collect();
    let opened: Vec<Sysops> = rt.block_on(async {
        let mut opened = Vec::new();
        for n in 0..20 {
            let url = format!("sqlite://{}", dir.join(format!("{n}.db")).display());
            opened.push(Sysops::open_with(&url, options.clone()).await.unwrap());
        }
        opened
    });
    loaded.store(false, Ordering::Relaxed);
    hogs.into_iter().for_each(|hog| hog.join().unwrap());
    // One write and one read each: with every connection open and free, neither waits.
    rt.block_on(async {
        for sysops in opened {
            let (name, email) = (PersonName::new("Ada").unwrap(), Email::new("ada@sysops.example").unwrap());
            let ada =
                sysops.create_staff_account(Actor::system(), name, email, StaffRole::Administrator).await.unwrap();
            assert_eq!(sysops.staff_account(Actor::system(), ada.id).await.unwrap(), ada);
            sysops.close().await;
        }
    });
    let _ = std::fs::remove_dir_all(dir);
}

/// Submits with every caller of `callers` at once: each answer and how long it took.
async fn submit_all(sysops: &Sysops, helpdesk: Actor, customer: CustomerId, callers: usize) -> Vec<(bool, Duration)> {
    let calls = (0..callers).map(|_| async {
        let started = Instant::now();
        let outcome = sysops.submit_ticket(helpdesk, customer, tv_ticket("The remote does not pair")).await;
        match outcome {
            Ok(_) => (true, started.elapsed()),
            Err(Error::Store(StoreError::Busy)) => (false, started.elapsed()),
            Err(e) => panic!("only busy may refuse a submission here: {e}"),
        }
    });
    futures::future::join_all(calls).await
}

/// Another session holds the write lock (`lock`, on `outsider`) while 20 callers submit: each
/// is told busy within the wait limit; once the lock is let go, the next 20 go through.
async fn held_past_the_limit<C>(url: &str, options: Options, mut outsider: C, lock: &str)
where
    C: sqlx::Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
{
    let max_wait = options.max_wait;
    let sysops = Sysops::open_with(url, options).await.unwrap();
    let (helpdesk, customers) = prepare(&sysops, 1).await;
    let customer = customers[0];
    sqlx::raw_sql(sqlx::AssertSqlSafe(lock.to_owned())).execute(&mut outsider).await.unwrap();

    let answers = submit_all(&sysops, helpdesk, customer, 20).await;
    for (stored, took) in &answers {
        assert!(!stored, "a submission went through a held lock");
        assert!(*took < max_wait * 4 + Duration::from_secs(1), "busy came after {took:?}, past the limit");
    }
    sqlx::raw_sql("ROLLBACK").execute(&mut outsider).await.unwrap();
    // Nothing to restart: the next callers go through at once.
    let answers = submit_all(&sysops, helpdesk, customer, 20).await;
    assert!(answers.iter().all(|(stored, _)| *stored), "the store did not recover when the lock went");
    let stored = sysops.count_tickets(helpdesk, TicketFilter::of_customer(customer)).await.unwrap();
    assert_eq!(stored, 20, "a busy submission was stored");
    sysops.close().await;
}

#[test]
fn sqlite_answers_busy_within_the_wait_limit_and_recovers_at_once() {
    use sqlx::Connection;
    let dir = tempdir("busy");
    let path = dir.join("busy.db");
    let options = Options { max_wait: Duration::from_millis(200), ..Options::default() };
    runtime().block_on(async {
        // The database exists (with its schema) before the outsider opens it.
        Sysops::open(&format!("sqlite://{}", path.display())).await.unwrap().close().await;
        let outsider = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display())).await.unwrap();
        held_past_the_limit(&format!("sqlite://{}", path.display()), options, outsider, "BEGIN IMMEDIATE").await;
    });
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn postgres_answers_busy_within_the_wait_limit_and_recovers_at_once() {
    use sqlx::Connection;
    let Some(url) = pg_url() else { return };
    let schema = format!("busy_{}", uuid::Uuid::now_v7().simple());
    let options =
        Options { pg_schema: Some(schema.clone()), max_wait: Duration::from_millis(200), ..Options::default() };
    let lock = format!("BEGIN; LOCK TABLE {schema}.states IN EXCLUSIVE MODE");
    runtime().block_on(async {
        let outsider = sqlx::PgConnection::connect(&url).await.unwrap();
        held_past_the_limit(&url, options, outsider, &lock).await;
    });
}

/// Reads are not grouped: 512 at once on one connection with a 30 ms limit leave callers
/// waiting past it, and those are told busy.
#[test]
fn postgres_callers_beyond_the_pool_are_told_busy_not_left_hanging() {
    let Some(url) = pg_url() else { return };
    let schema = format!("pool_{}", uuid::Uuid::now_v7().simple());
    let options = Options {
        pg_schema: Some(schema),
        pg_max_connections: 1,
        max_wait: Duration::from_millis(30),
        ..Options::default()
    };
    runtime().block_on(async {
        let sysops = Sysops::open_with(&url, options).await.unwrap();
        let (admin, customers) = prepare(&sysops, 1).await;
        let filter = || TicketFilter::of_customer(customers[0]);
        let reads = (0..512).map(|_| async {
            match sysops.tickets(admin, filter(), Page::first(100)).await {
                Ok(_) => true,
                Err(Error::Store(StoreError::Busy)) => false,
                Err(e) => panic!("only busy may refuse a read here: {e}"),
            }
        });
        let answered = futures::future::join_all(reads).await.into_iter().filter(|served| *served).count();
        assert!(answered < 512, "512 readers on one connection with a 30 ms limit were all served");
        // The spike is over: the next call is served at once.
        sysops.tickets(admin, filter(), Page::first(100)).await.unwrap();
        sysops.close().await;
    });
}
