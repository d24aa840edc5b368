//! The `notify` scenario: ticket lifecycles' events consumed by the notification consumer
//! (derive each message, write it from its template, queue it, hand it to a notifier that
//! accepts everything, record the outcome; a completed ticket's survey issued for its
//! invitation) against a hand-written baseline that only reads the same outbox rows and writes
//! one delivery row for each that calls for a message.

use super::baseline::BaselineDb;
use super::{Args, BoxError, Target, report, targets};
use sqlx::AssertSqlSafe;
use std::sync::Arc;
use std::time::Instant;
use sysops_core::notify::{Message, Notifier, SendError};
use sysops_core::store::{Change, ConsumerName, EventStore};
use sysops_core::{
    Actor, Clock, Ctx, Customer, Decide, Description, Expert, ManualClock, NewTicket, NotifyOptions, ProductCategory,
    Sequence, SequentialIds, SkillLevel, SupportPlan, Ticket, TicketCommand, WorkNotes, replay,
};
use sysops_examples::cities::Cities;
use sysops_examples::rng::Rng;
use sysops_examples::scenario::{bootstrap, customer_details, expert_profile, hire_expert, plan_catalog};
use sysops_storage::{Options, Sysops};

/// Lifecycles committed per write, and outbox entries the baseline reads per page.
const PAGE: usize = 500;
const CUSTOMERS: usize = 2_000;
const EXPERTS: usize = 100;
/// The events that call for a message in these lifecycles: the offer, the acceptance, the
/// start, and the completion (its survey's invitation).
const MESSAGE_EVENTS: [&str; 4] = ["TicketAssigned", "AssignmentAccepted", "WorkStarted", "WorkCompleted"];

/// A notifier that accepts every message and sends nothing.
struct Accepting;

impl Notifier for Accepting {
    async fn send(&self, _: &Message) -> Result<(), SendError> {
        Ok(())
    }
}

pub(super) async fn notify(args: &Args) -> Result<(), BoxError> {
    let lifecycles = args.customers.unwrap_or(100_000);
    if !args.json {
        println!(
            "notify: {lifecycles} ticket lifecycles' events through the notification consumer vs. reading the outbox and writing a delivery row per message"
        );
    }
    for target in targets(args, "notify")? {
        let clock = Arc::new(ManualClock::new("2026-03-02T15:00:00Z".parse()?)?);
        let options = Options { pg_max_connections: 8, ..target.options(clock.clone()) };
        let sysops = Sysops::open_with(&target.url, options).await?;
        let backend = sysops.backend_name();
        let started = Instant::now();
        let expected = lifecycles_in_bulk(&sysops, lifecycles, clock.now()).await?;
        if !args.json {
            println!("{backend:>9}: {lifecycles} lifecycles written in {:.1}s", started.elapsed().as_secs_f64());
        }
        let options = NotifyOptions { batch: 2_000, ..NotifyOptions::default() };
        let started = Instant::now();
        let mut sent = 0;
        loop {
            let round = sysops.notify_round(Actor::system(), &Accepting, &options).await?;
            sent += round.sent;
            if round.idle() {
                break;
            }
        }
        let lib_s = started.elapsed().as_secs_f64();
        if sent != expected {
            return Err(format!("{backend}: {sent} messages sent, {expected} expected").into());
        }
        let baseline_s = baseline(&target, &sysops, expected).await?;
        sysops.close().await;
        let messages = usize::try_from(expected)?;
        report(args, "notify", backend, 1, messages, expected as f64 / lib_s, expected as f64 / baseline_s);
    }
    Ok(())
}

/// Customers and experts through the facade, then `count` tickets each submitted, offered,
/// accepted, started and completed, a page of lifecycles per commit (the events and states the
/// facade's commands decide). Answers how many messages the events call for.
async fn lifecycles_in_bulk(
    sysops: &Sysops,
    count: usize,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u64, BoxError> {
    let (admin, helpdesk) = bootstrap(sysops).await?;
    let plan: SupportPlan = sysops.define_plan(admin, plan_catalog().swap_remove(2)).await?;
    let cities = Cities::load();
    let mut rng = Rng::new(5);
    let mut customers: Vec<Customer> = Vec::with_capacity(CUSTOMERS);
    for n in 0..CUSTOMERS {
        let (contact, address) = customer_details(n, cities.sample(&mut rng), &mut rng);
        customers.push(sysops.register_customer(helpdesk, contact, address, plan.id).await?);
    }
    let mut experts: Vec<Expert> = Vec::with_capacity(EXPERTS);
    for n in 0..EXPERTS {
        let name = sysops_core::PersonName::new(format!("Expert {n}"))?;
        let email = sysops_core::Email::new(format!("expert{n}@sysops.example"))?;
        let mut profile = expert_profile(n, cities.sample(&mut rng), &mut rng);
        profile.skills.insert(ProductCategory::Television, SkillLevel::new(5)?);
        experts.push(hire_expert(sysops, admin, name, email, profile).await?);
    }
    let ids = SequentialIds::new(9);
    let request = NewTicket {
        category: ProductCategory::Television,
        description: Description::new("The picture flickers")?,
        required_level: SkillLevel::BASIC,
    };
    for start in (0..count).step_by(PAGE) {
        let mut changes = Vec::with_capacity(PAGE);
        for n in start..count.min(start + PAGE) {
            let customer = &customers[n % CUSTOMERS];
            let expert = &experts[n % EXPERTS];
            let by_customer = Ctx::new(Actor::customer(customer.id), now, &ids);
            let mut events = Ticket::submit(request.clone(), customer, &plan, &by_customer)?;
            let mut ticket: Ticket = replay(&events)?;
            let by_expert = Actor::expert(expert.id);
            let notes = WorkNotes::new("Replaced the backlight")?;
            for (actor, command) in [
                (admin, TicketCommand::Assign { expert: expert.id, rationale: None }),
                (by_expert, TicketCommand::Accept),
                (by_expert, TicketCommand::Start),
                (by_expert, TicketCommand::Complete { notes }),
            ] {
                let decided = ticket.decide(&command, &Ctx::new(actor, now, &ids))?;
                ticket = sysops_core::applied(&ticket, &decided)?;
                events.extend(decided);
            }
            changes.push(Change::of(Sequence::NONE, &ticket, &events)?);
        }
        sysops.store().commit(changes).await?;
    }
    Ok(count as u64 * MESSAGE_EVENTS.len() as u64)
}

/// Seconds to read the whole outbox a page at a time (the same reads sysops makes) and write
/// one delivery row per entry that calls for a message, a page per statement, on the same
/// engine and durability settings.
async fn baseline(target: &Target, sysops: &Sysops, expected: u64) -> Result<f64, BoxError> {
    let db = BaselineDb::open(target, 1).await?;
    let table = "CREATE TABLE deliveries (key TEXT NOT NULL, customer UUID NOT NULL, status TEXT NOT NULL,
        PRIMARY KEY (customer, key))";
    db.create(&table.replace("UUID", "BLOB"), table, "SELECT create_distributed_table('deliveries', 'customer')")
        .await?;
    let dollar = matches!(db, BaselineDb::Postgres { .. });
    let consumer = ConsumerName::new("bench-baseline")?;
    let started = Instant::now();
    let mut written = 0;
    loop {
        let page = sysops.poll_outbox(&consumer, PAGE as u32).await?;
        let Some(last) = page.last().map(|e| e.position) else { break };
        let rows: Vec<(String, uuid::Uuid)> = page
            .iter()
            .filter(|e| MESSAGE_EVENTS.contains(&e.event.name.as_str()))
            .map(|e| (format!("{}.{}", e.event.stream.id, e.event.sequence.0), e.event.stream.id))
            .collect();
        if !rows.is_empty() {
            // SQLite's plain `?` (numbered `?NNN` cost sqlx a search of every name per parameter).
            let values: Vec<String> = (0..rows.len())
                .map(|n| {
                    let (a, b) = (2 * n + 1, 2 * n + 2);
                    if dollar { format!("(${a}, ${b}, 'sent')") } else { "(?, ?, 'sent')".to_owned() }
                })
                .collect();
            let sql = format!("INSERT INTO deliveries VALUES {}", values.join(", "));
            macro_rules! insert {
                ($pool:expr) => {{
                    let mut query = sqlx::query(AssertSqlSafe(sql));
                    for (key, customer) in &rows {
                        query = query.bind(key).bind(customer);
                    }
                    query.execute($pool).await?;
                }};
            }
            match &db {
                BaselineDb::Sqlite(pool) => insert!(pool),
                BaselineDb::Postgres { pool, .. } => insert!(pool),
            }
            written += rows.len() as u64;
        }
        sysops.ack_outbox(&consumer, last).await?;
    }
    if written != expected {
        return Err(format!("the baseline wrote {written} delivery rows, {expected} expected").into());
    }
    Ok(started.elapsed().as_secs_f64())
}
