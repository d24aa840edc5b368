//! Kill the notification consumer at random moments (SIGKILL, 20 rounds per backend) over
//! 1,000 ticket lifecycles, start it again each time, then let it finish: every message the
//! events call for is delivered, none twice for one key (the provider honours keys), checked
//! against a list this test computes from the events by itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{pg_url, runtime, tempdir};
use std::collections::{BTreeSet, HashMap};
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use sysops_core::notify::{DeliveryFilter, DeliveryStatus};
use sysops_core::store::{ConsumerName, EventStore};
use sysops_core::testing::fixtures::{address, chicago, contact, plan_terms, profile, t0, tv_ticket};
use sysops_core::{
    Actor, CustomerId, Email, ExpertId, ManualClock, PersonName, Reason, Role, StaffRole, StreamId, TicketCommand,
};
use sysops_storage::{Options, Sysops};

const ROUNDS: u64 = 20;
const LIFECYCLES: usize = 1_000;
const CUSTOMERS: usize = 100;
const EXPERTS: usize = 10;

/// 1,000 tickets, each taken a different way: completed, accepted, cancelled with an offer
/// pending, or left to expire. Returns the administrator and the customers.
async fn prepare(url: &str, schema: Option<&str>) -> (Actor, Vec<CustomerId>) {
    let clock = Arc::new(ManualClock::new(t0()).unwrap());
    let options = Options { pg_schema: schema.map(str::to_owned), clock: clock.clone(), ..Options::default() };
    let s = Sysops::open_with(url, options).await.expect("open");
    let email = Email::new("ada@sysops.example").unwrap();
    let admin =
        s.create_staff_account(Actor::system(), PersonName::new("Ada").unwrap(), email, StaffRole::Administrator);
    let admin = Actor::staff(Role::Administrator, admin.await.unwrap().id);
    let plan = s.define_plan(admin, plan_terms()).await.unwrap();
    let mut customers = Vec::new();
    for n in 0..CUSTOMERS {
        customers.push(s.register_customer(admin, contact(n), address(chicago()), plan.id).await.unwrap().id);
    }
    let mut experts: Vec<ExpertId> = Vec::new();
    for n in 0..EXPERTS {
        let name = PersonName::new(format!("Expert {n}")).unwrap();
        let email = Email::new(format!("expert{n}@sysops.example")).unwrap();
        let account = s.create_staff_account(admin, name, email, StaffRole::Expert).await.unwrap();
        let mut p = profile(n, 3);
        if n % 2 == 1 {
            p.phone = None; // offers go to the staff account's email
        }
        experts.push(s.register_expert(admin, account.id, p).await.unwrap().id);
    }
    let mut expiring = Vec::new();
    for i in 0..LIFECYCLES {
        let customer = customers[i % CUSTOMERS];
        let ticket = s.submit_ticket(Actor::customer(customer), customer, tv_ticket("No picture")).await.unwrap().id;
        let expert = experts[i % EXPERTS];
        s.assign_ticket(admin, ticket, expert, None).await.unwrap();
        let by = Actor::expert(expert);
        match i % 4 {
            0 => {
                s.handle_ticket(by, ticket, TicketCommand::Accept).await.unwrap();
                s.handle_ticket(by, ticket, TicketCommand::Start).await.unwrap();
                let notes = sysops_core::WorkNotes::new("Replaced the board").unwrap();
                s.handle_ticket(by, ticket, TicketCommand::Complete { notes }).await.unwrap();
            }
            1 => drop(s.handle_ticket(by, ticket, TicketCommand::Accept).await.unwrap()),
            2 => {
                let reason = Reason::new("fixed it myself").unwrap();
                s.handle_ticket(admin, ticket, TicketCommand::Cancel { reason }).await.unwrap();
            }
            _ => expiring.push(ticket),
        }
    }
    clock.advance(chrono::Duration::hours(1)).unwrap();
    let expired = s.expire_overdue_offers(Actor::system()).await.unwrap();
    assert_eq!(expired.len(), expiring.len());
    s.close().await;
    (admin, customers)
}

/// The messages the events call for, worked out here from the events alone (keys): `must`
/// be delivered and recorded, and `may` also have been delivered. An offer (`TicketAssigned`)
/// tells its expert; the expert's acceptance and the start of work tell the customer; an
/// expired offer, or a ticket cancelled while its last offer was unanswered, tells the expert
/// it was withdrawn. A completion is invited to its survey: the consumer issues the survey
/// (`SurveyIssued`) and, if a kill left it unsure whether the invitation went out, reissues it
/// under a fresh token (`SurveyReissued`, a new key): the last token's invitation must be
/// delivered, an earlier one may have been.
struct Expected {
    must: BTreeSet<String>,
    may: BTreeSet<String>,
}

async fn expected(url: &str, schema: Option<&str>) -> Expected {
    let options = Options { pg_schema: schema.map(str::to_owned), ..Options::default() };
    let s = Sysops::open_with(url, options).await.expect("open");
    let audit = ConsumerName::new("crash-audit").unwrap();
    let mut must = BTreeSet::new();
    let mut may = BTreeSet::new();
    let mut pending: HashMap<uuid::Uuid, bool> = HashMap::new();
    let mut last_token: HashMap<uuid::Uuid, String> = HashMap::new();
    let mut completions = 0;
    loop {
        let page = s.poll_outbox(&audit, 1_000).await.unwrap();
        let Some(last) = page.last().map(|e| e.position) else { break };
        for entry in &page {
            let e = &entry.event;
            let key = |kind: &str| format!("{}.{}.{kind}", e.stream.id, e.sequence.0);
            match e.name.as_str() {
                "TicketAssigned" => {
                    pending.insert(e.stream.id, true);
                    must.insert(key("offer_made"));
                }
                "AssignmentAccepted" => {
                    pending.insert(e.stream.id, false);
                    must.insert(key("expert_assigned"));
                }
                "WorkStarted" => drop(must.insert(key("work_started"))),
                "WorkCompleted" => completions += 1,
                "AssignmentExpired" => {
                    pending.insert(e.stream.id, false);
                    must.insert(key("offer_withdrawn"));
                }
                "TicketCancelled" if pending.get(&e.stream.id) == Some(&true) => {
                    must.insert(key("offer_withdrawn"));
                }
                "SurveyIssued" | "SurveyReissued" => {
                    may.insert(key("survey_invitation"));
                    last_token.insert(e.stream.id, key("survey_invitation"));
                }
                _ => {}
            }
        }
        s.ack_outbox(&audit, last).await.unwrap();
    }
    assert_eq!(last_token.len(), completions, "one survey per completion");
    must.extend(last_token.into_values());
    // The other keys name tickets: the store holds every one.
    for key in must.iter().filter(|k| !k.ends_with("survey_invitation")).take(3) {
        let id = key.split('.').next().unwrap().parse::<uuid::Uuid>().unwrap();
        assert!(s.store().load(StreamId::new(sysops_core::AggregateKind::Ticket, id)).await.unwrap().is_some());
    }
    s.close().await;
    Expected { must, may }
}

fn child(url: &str, sent: &Path, schema: Option<&str>) -> std::process::Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_notify-run"));
    command.arg(url).arg(sent);
    if let Some(schema) = schema {
        command.arg(schema);
    }
    command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("spawn the consumer")
}

/// Starts the consumer, waits until it has begun, and kills it after a pseudo-random delay.
fn run_and_kill(url: &str, sent: &Path, schema: Option<&str>, round: u64) {
    let mut run = child(url, sent, schema);
    let mut lines = std::io::BufReader::new(run.stdout.take().unwrap()).lines();
    let started = Instant::now();
    assert_eq!(lines.next().unwrap().unwrap(), "started", "round {round}");
    let jitter = (round.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) % 300;
    std::thread::sleep(Duration::from_millis(jitter).saturating_sub(started.elapsed()));
    run.kill().expect("SIGKILL");
    run.wait().unwrap();
}

/// The keys the provider sent, checking none was sent twice.
fn sent(file: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let mut keys = BTreeSet::new();
    for line in text.lines() {
        let (key, _to) = line.split_once(' ').expect("KEY TO");
        assert!(keys.insert(key.to_owned()), "message {key} sent twice");
    }
    keys
}

async fn recorded(url: &str, schema: Option<&str>, admin: Actor, customers: &[CustomerId]) -> BTreeSet<String> {
    let options = Options { pg_schema: schema.map(str::to_owned), ..Options::default() };
    let s = Sysops::open_with(url, options).await.expect("open");
    let mut keys = BTreeSet::new();
    for customer in customers {
        for d in s.deliveries(admin, DeliveryFilter::Customer(*customer), 1_000).await.unwrap() {
            assert_eq!(d.status, DeliveryStatus::Sent, "{d:?}");
            assert!(keys.insert(d.message.key.as_str().to_owned()), "{:?} stored twice", d.message.key);
        }
    }
    s.close().await;
    keys
}

fn crash_rounds(url: &str, schema: Option<&str>, dir: &Path) {
    let rt = runtime();
    let (admin, customers) = rt.block_on(prepare(url, schema));
    let file = dir.join("sent.txt");
    let mut progress = Vec::new();
    for round in 0..ROUNDS {
        run_and_kill(url, &file, schema, round);
        progress.push(sent(&file).len());
    }
    let status = child(url, &file, schema).wait().unwrap();
    assert!(status.success(), "the last run finishes");
    let Expected { must, may } = rt.block_on(expected(url, schema));
    let delivered = sent(&file);
    let missing: Vec<_> = must.difference(&delivered).take(5).collect();
    assert!(
        missing.is_empty(),
        "{} of {} messages never delivered, e.g. {missing:?}",
        must.difference(&delivered).count(),
        must.len()
    );
    let uncalled: Vec<_> = delivered.difference(&must).filter(|k| !may.contains(*k)).take(5).collect();
    assert!(uncalled.is_empty(), "messages no event called for: {uncalled:?}");
    assert_eq!(rt.block_on(recorded(url, schema, admin, &customers)), must, "every message recorded once, as sent");
    let handed = std::fs::read_to_string(file.with_extension("handed")).unwrap_or_default().lines().count();
    eprintln!(
        "{ROUNDS} kills (messages sent by then: {progress:?}), then one full run: {} messages for {LIFECYCLES} \
         lifecycles, each sent once, and {} invitations of reissued surveys; {handed} hand-overs in all",
        must.len(),
        delivered.len() - must.len(),
    );
}

#[test]
fn sqlite_delivers_every_notification_once_across_sigkill() {
    let dir = tempdir("notify-crash");
    crash_rounds(&format!("sqlite://{}", dir.join("notify.db").display()), None, &dir);
}

#[test]
fn postgres_delivers_every_notification_once_across_sigkill() {
    let Some(url) = pg_url() else { return };
    let schema = format!("notify_crash_{}", uuid::Uuid::now_v7().simple());
    crash_rounds(&url, Some(&schema), &tempdir("notify-crash"));
}
