//! A server and three experts' phones in one process, over a seeded network that loses,
//! duplicates, delays and reorders messages, while phones are killed mid-sync and restarted
//! from their SQLite files, and the office cancels, re-offers and expires tickets under them.
//! After any run and one final sync over a reliable network, each phone holds exactly the
//! server's view for its expert; no command was applied twice; every command a phone queued
//! got one verdict, and every command the server applied is in its ticket's history.
//!
//! Property-tested over many seeds (`PROPTEST_CASES`, default 24); `SYSOPS_SYNC_SEED=N` replays
//! one seed exactly: every choice comes from the seed, time is a manual clock, ids are sequential.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use chrono::Duration;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use sysops_core::kb::{ArticleBody, ArticleContent, ArticleTitle};
use sysops_core::store::{EventStore, Page as StorePage};
use sysops_core::sync::{CommandReceipt, Cursor, MAX_PAGE, PhoneCommand, SyncError, Verdict};
use sysops_core::testing::fixtures::{World, tv_ticket};
use sysops_core::{
    Actor, AggregateKind, CommandId, Error, ManualClock, MemoryStore, ProductCategory, Reason, Replica, SequentialIds,
    Service, Ticket, TicketCommand, TicketId, TicketStatus, WorkNotes,
};
use sysops_storage::{Options, SqliteStore, open_phone};

const PHONES: usize = 3;
const TICKS: usize = 60;

/// SplitMix64: every choice of a run, from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

#[derive(Clone, Copy)]
enum To {
    Server,
    Phone,
}

struct Message {
    deliver_at: usize,
    phone: usize,
    to: To,
    bytes: Vec<u8>,
}

/// A network that loses 20%, duplicates 10% and delays each copy 0 to 4 ticks (so reorders).
struct Network {
    in_flight: Vec<Message>,
}

impl Network {
    fn send(&mut self, rng: &mut Rng, now: usize, phone: usize, to: To, bytes: Vec<u8>) {
        if rng.chance(20) {
            return;
        }
        let copies = if rng.chance(10) { 2 } else { 1 };
        for _ in 0..copies {
            self.in_flight.push(Message { deliver_at: now + rng.below(5), phone, to, bytes: bytes.clone() });
        }
    }

    /// The messages due at `now`, in a seeded order.
    fn due(&mut self, rng: &mut Rng, now: usize) -> Vec<Message> {
        let (mut due, later): (Vec<Message>, Vec<Message>) =
            self.in_flight.drain(..).partition(|m| m.deliver_at <= now);
        self.in_flight = later;
        for i in (1..due.len()).rev() {
            due.swap(i, rng.below(i + 1));
        }
        due
    }
}

struct Phone {
    expert: Actor,
    file: PathBuf,
    replica: Replica<SqliteStore>,
    /// Every command this phone queued, to check each got one verdict.
    queued: BTreeSet<CommandId>,
    restarts: u16,
}

async fn open(
    file: &Path,
    expert: Actor,
    index: usize,
    restarts: u16,
    clock: Arc<ManualClock>,
) -> Replica<SqliteStore> {
    // A restarted phone takes fresh ids, as a real one's random ids would be.
    let seed = 1_000 + index as u64 * 200 + u64::from(restarts);
    let options = Options { clock, ids: Arc::new(SequentialIds::new(seed)), ..Options::default() };
    let service = open_phone(&format!("sqlite://{}", file.display()), options).await.expect("open the phone's file");
    Replica::open(service, expert).await.expect("the replica")
}

/// The office's moves while the phones work: new tickets, offers, cancellations, expiries.
async fn office_moves(world: &World<MemoryStore>, rng: &mut Rng, tickets: &mut Vec<TicketId>) {
    let server = &world.service;
    match rng.below(6) {
        0 => {
            let n = rng.below(world.customers.len());
            let ticket = server.submit_ticket(world.customer(n), world.customers[n].id, tv_ticket("no sound")).await;
            tickets.push(ticket.expect("submit").id);
        }
        1 | 2 => {
            let ticket = tickets[rng.below(tickets.len())];
            let expert = world.experts[rng.below(world.experts.len())].id;
            let _ = server.assign_ticket(world.admin, ticket, expert, None).await;
        }
        3 => {
            let ticket = tickets[rng.below(tickets.len())];
            let reason = Reason::new("the customer called back").unwrap();
            let _ = server.handle_ticket(world.helpdesk, ticket, TicketCommand::Cancel { reason }).await;
        }
        _ => {
            world.clock.advance(Duration::minutes(10)).unwrap();
            for &ticket in tickets.iter() {
                let _ = server.handle_ticket(Actor::system(), ticket, TicketCommand::Expire).await;
            }
        }
    }
}

/// An expert's move on the phone: a command on one of their tickets, decided offline.
async fn expert_moves(phone: &mut Phone, rng: &mut Rng, article: sysops_core::ArticleId) {
    let tickets = phone.replica.tickets().await.expect("tickets on the phone");
    if tickets.is_empty() {
        return;
    }
    let ticket: &Ticket = &tickets[rng.below(tickets.len())];
    let command = match ticket.status() {
        TicketStatus::Assigned if rng.chance(25) => PhoneCommand::Reject { reason: Reason::new("too far").unwrap() },
        TicketStatus::Assigned => PhoneCommand::Accept,
        TicketStatus::Accepted => PhoneCommand::Start,
        TicketStatus::InProgress => PhoneCommand::Complete { notes: WorkNotes::new("fixed").unwrap() },
        _ => PhoneCommand::LinkArticles { articles: BTreeSet::from([article]) },
    };
    match phone.replica.decide(ticket.id, command).await {
        Ok(_) => {
            let last = phone.replica.queued().await.expect("queue").pop().expect("just queued");
            phone.queued.insert(last.id);
        }
        // Refused on the phone at once, as the server would (a link that changes nothing).
        Err(Error::Ticket(_) | Error::Forbidden(_) | Error::Rule(_)) => {}
        Err(other) => panic!("a decision failed: {other:?}"),
    }
}

/// Exchanges over a reliable network until the phone holds everything and its queue is empty.
async fn final_sync(server: &Service<MemoryStore>, phone: &Phone) {
    for _ in 0..50 {
        let request = phone.replica.request(MAX_PAGE).await.expect("request");
        let answer = server.serve_sync(phone.expert, &request.to_bytes()).await.expect("served");
        let report = phone.replica.receive(&answer).await.expect("received");
        if !report.more && phone.replica.queued().await.expect("queue").is_empty() {
            return;
        }
    }
    panic!("the final sync did not settle");
}

async fn run(seed: u64, dir: &Path) {
    let mut rng = Rng(seed);
    let world = World::new(MemoryStore::new(), 6, PHONES).await.expect("the office");
    let clock = world.clock.clone();
    let content = ArticleContent::new(
        ArticleTitle::new("No sound from the TV").unwrap(),
        ArticleBody::new("Check the mute, then the audio output setting.").unwrap(),
        BTreeSet::from([ProductCategory::Television]),
        BTreeSet::new(),
    )
    .unwrap();
    let article = world.service.write_article(world.admin, content).await.expect("article").id;
    let mut tickets = Vec::new();
    for n in 0..8 {
        let customer = n % world.customers.len();
        let ticket = world.service.submit_ticket(
            world.customer(customer),
            world.customers[customer].id,
            tv_ticket("no picture"),
        );
        let ticket = ticket.await.expect("submit").id;
        let expert = world.experts[n % PHONES].id;
        world.service.assign_ticket(world.admin, ticket, expert, None).await.expect("offer");
        tickets.push(ticket);
    }
    let mut phones = Vec::new();
    for index in 0..PHONES {
        let expert = world.expert(index);
        let file = dir.join(format!("phone{index}.db"));
        let replica = open(&file, expert, index, 0, clock.clone()).await;
        phones.push(Phone { expert, file, replica, queued: BTreeSet::new(), restarts: 0 });
    }
    let mut network = Network { in_flight: Vec::new() };

    for now in 0..TICKS {
        clock.advance(Duration::minutes(1)).unwrap();
        if rng.chance(30) {
            office_moves(&world, &mut rng, &mut tickets).await;
        }
        for (index, phone) in phones.iter_mut().enumerate() {
            match rng.below(10) {
                0..=3 => expert_moves(phone, &mut rng, article).await,
                4..=6 => {
                    let request = phone.replica.request(1 + rng.below(4) as u32).await.expect("request");
                    network.send(&mut rng, now, index, To::Server, request.to_bytes());
                }
                7 => {
                    // Killed, wherever its sync stood, and started again from its file.
                    phone.restarts += 1;
                    phone.replica = open(&phone.file, phone.expert, index, phone.restarts, clock.clone()).await;
                }
                _ => {}
            }
        }
        for message in network.due(&mut rng, now) {
            let phone = &phones[message.phone];
            match message.to {
                To::Server => {
                    let answer =
                        world.service.serve_sync(phone.expert, &message.bytes).await.expect("the server serves");
                    network.send(&mut rng, now, message.phone, To::Phone, answer);
                }
                To::Phone => match phone.replica.receive(&message.bytes).await {
                    Ok(_) | Err(Error::Sync(SyncError::Stale { .. })) => {}
                    Err(other) => panic!("seed {seed}: phone {} refused an answer: {other:?}", message.phone),
                },
            }
        }
    }

    for phone in &phones {
        final_sync(&world.service, phone).await;
    }
    check(&world, &phones).await;
}

async fn check(world: &World<MemoryStore>, phones: &[Phone]) {
    let server = &world.service;
    let receipts: Vec<CommandReceipt> = server
        .store()
        .states(AggregateKind::CommandReceipt, StorePage::first(100_000))
        .await
        .unwrap()
        .iter()
        .map(|row| serde_json::from_str(&row.json).unwrap())
        .collect();
    let rows = server.store().states(AggregateKind::Ticket, StorePage::first(100_000)).await.unwrap();
    let mut histories = BTreeMap::new();
    for row in rows {
        let id = TicketId::from_uuid(row.stream.id);
        histories.insert(id, server.ticket_history(world.admin, id).await.unwrap());
    }
    for phone in phones {
        // The phone holds the server's view of its expert, and nothing more.
        let view = server.changes_for(phone.expert, &Cursor::default(), MAX_PAGE).await.unwrap();
        assert_eq!(phone.replica.tickets().await.unwrap(), view.tickets, "tickets");
        let cursor = phone.replica.cursor().await.unwrap();
        let customers: BTreeMap<_, _> = view.customers.iter().map(|c| (c.id, c.version)).collect();
        assert_eq!(cursor.customers, customers, "customers");
        let articles: BTreeMap<_, _> =
            view.articles.iter().map(|a| (sysops_core::ArticleId::from_uuid(a.id), a.events.len() as u64)).collect();
        assert_eq!(cursor.articles, articles, "articles");

        // Every command it queued got exactly one verdict, and nothing is left queued.
        let expert = sysops_core::UserId::from_uuid(phone.expert.id);
        let mine: Vec<&CommandReceipt> = receipts.iter().filter(|r| r.expert == expert).collect();
        let answered: BTreeSet<CommandId> = mine.iter().map(|r| r.command).collect();
        assert_eq!(answered, phone.queued, "one verdict per queued command");
        assert!(phone.replica.queued().await.unwrap().is_empty());

        // Every applied command is its ticket's event at the version it named, by this
        // expert; the expert has no other events, so none was applied twice.
        let mut applied = 0;
        for receipt in &mine {
            if let Verdict::Applied { version } = receipt.verdict {
                let event = &histories[&receipt.ticket][version as usize - 1];
                assert_eq!(event.by, phone.expert, "the applied command's event");
                applied += 1;
            }
        }
        let by_expert = histories.values().flatten().filter(|e| e.by == phone.expert).count();
        assert_eq!(by_expert, applied, "each applied command is one event, and only those");
    }
}

fn seed_cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(24)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: seed_cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn phones_and_a_server_agree_after_any_network(seed in any::<u64>()) {
        run_seed(seed);
    }
}

fn run_seed(seed: u64) {
    let dir = common::tempdir(&format!("sync-sim-{seed}"));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(run(seed, &dir));
    std::fs::remove_dir_all(&dir).ok();
}

/// `SYSOPS_SYNC_SEED=N cargo test --test sync_simulation replay` replays one seed.
#[test]
fn replay() {
    if let Some(seed) = std::env::var("SYSOPS_SYNC_SEED").ok().and_then(|s| s.parse().ok()) {
        run_seed(seed);
    }
}
