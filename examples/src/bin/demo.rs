//! The Sysops Squad demo: a day of trouble tickets from real US cities, on durable storage.
//!
//! ```text
//! cargo run --release --bin sysops-demo                      # SQLite file sysops-demo.db
//! cargo run --release --bin sysops-demo -- --db postgres://user@localhost/sysops
//! cargo run --release --bin sysops-demo -- --billing-db sqlite://sysops-billing.db  # billing apart
//! cargo run --release --bin sysops-demo -- --spike      # the morning's tickets all at once
//! ```
#![allow(clippy::expect_used, clippy::indexing_slicing)] // generated, static data; see lib.rs

use chrono::{Duration, TimeZone, Utc};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;
use sysops_core::store::{ConsumerName, Page, TicketFilter};
use sysops_core::{Actor, Channel, ManualClock, UuidV7Ids};
use sysops_examples::cities::Cities;
use sysops_examples::progress_bar as bar;
use sysops_examples::rng::Rng;
use sysops_examples::scenario::{
    bootstrap, customer_details, expert_profile, hire_expert, plan_catalog, ticket_request,
};
use sysops_storage::{Options, Sysops, redact};

struct Args {
    db: String,
    billing_db: Option<String>,
    customers: usize,
    experts: usize,
    tickets: usize,
    articles: usize,
    seed: u64,
    spike: bool,
}

/// The morning (06:00 to 12:00) in five-minute ticks: what `--spike` submits at once.
const MORNING_TICKS: usize = 6 * 12;
/// Callers at once in the spike.
const SPIKE_CALLERS: usize = 128;

const USAGE: &str = "usage: sysops-demo [--db URL] [--customers N] [--experts N] [--tickets N] [--seed N] [--spike]

  --db URL         sqlite://FILE (default sqlite://sysops-demo.db, recreated each run) or postgres://...
                   (a fresh schema is used on PostgreSQL)
  --billing-db URL keep billing (subscriptions, invoices, the card vault) in this database
                   instead (ADR-4); same forms, recreated each run
  --customers N    customers to register (default 2000)
  --experts N      experts to place (default 1000)
  --tickets N      tickets submitted over the simulated day (default 3000)
  --articles N     knowledge-base articles imported from the corpus (default all 4947)
  --seed N         random seed (default 7)
  --spike          replay the morning as a spike: its tickets (a quarter of the day's) arrive
                   within a minute at 06:00 from 128 callers at once, then the day goes on;
                   prints the callers' latency percentiles";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        db: "sqlite://sysops-demo.db".into(),
        billing_db: None,
        customers: 2000,
        experts: 1000,
        tickets: 3000,
        articles: usize::MAX,
        seed: 7,
        spike: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| v.parse::<u64>().map_err(|_| format!("{flag}: {v:?} is not a number"));
        match flag.as_str() {
            "--db" => args.db = value()?,
            "--billing-db" => args.billing_db = Some(value()?),
            "--customers" => args.customers = number(value()?)?.max(1) as usize,
            "--experts" => args.experts = number(value()?)? as usize,
            "--tickets" => args.tickets = number(value()?)? as usize,
            "--articles" => args.articles = number(value()?)? as usize,
            "--seed" => args.seed = number(value()?)?,
            "--spike" => args.spike = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(args)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}\n");
            }
            eprintln!("{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let day = Utc.with_ymd_and_hms(2026, 3, 2, 11, 0, 0).single().ok_or("bad start")?; // Monday 06:00 EST
    let clock = Arc::new(ManualClock::new(day)?);
    let mut options = Options {
        clock: clock.clone(),
        ids: Arc::new(UuidV7Ids),
        billing_url: args.billing_db.clone(),
        card_keys: Some(sysops_examples::billing::demo_card_keys()),
        ..Options::default()
    };
    for url in std::iter::once(&args.db).chain(&args.billing_db) {
        if let Some(path) = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")) {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        } else if url.starts_with("postgres") {
            options.pg_schema = Some(format!("demo_{}", chrono::Utc::now().format("%Y%m%d%H%M%S")));
        }
    }
    let sysops = Sysops::open_with(&args.db, options.clone()).await?;
    println!("sysops demo on {} ({})", redact(&args.db), sysops.backend_name());
    if let Some(billing) = &args.billing_db {
        println!("billing kept apart in {}", redact(billing));
    }
    if let Some(schema) = &options.pg_schema {
        println!("PostgreSQL schema: {schema}");
    }

    let cities = Cities::load();
    let mut rng = Rng::new(args.seed);
    let (admin, helpdesk) = bootstrap(&sysops).await?;
    let mut plans = Vec::new();
    for terms in plan_catalog() {
        plans.push(sysops.define_plan(admin, terms).await?);
    }

    let progress = bar(args.experts, "experts");
    let mut expert_states: BTreeMap<&str, usize> = BTreeMap::new();
    for n in 0..args.experts {
        let city = cities.sample(&mut rng);
        let profile = expert_profile(n, city, &mut rng);
        hire_expert(&sysops, admin, profile.name.clone(), email_for(n), profile).await?;
        *expert_states.entry(city.state.as_str()).or_default() += 1;
        progress.inc(1);
    }
    progress.finish();

    let progress = bar(args.customers, "customers");
    let mut customers = Vec::with_capacity(args.customers);
    let mut customer_cities: BTreeMap<String, usize> = BTreeMap::new();
    for n in 0..args.customers {
        let city = cities.sample(&mut rng);
        let (contact, address) = customer_details(n, city, &mut rng);
        let plan = &plans[[0, 0, 0, 0, 0, 1, 1, 1, 2, 2][rng.range(0, 9) as usize]];
        let customer = sysops.register_customer(helpdesk, contact, address, plan.id).await?;
        *customer_cities.entry(format!("{}, {}", city.name, city.state)).or_default() += 1;
        customers.push((customer, plan.clone()));
        progress.inc(1);
    }
    progress.finish();

    let spiked = if args.spike {
        let morning = args.tickets * MORNING_TICKS / (24 * 12);
        let spike =
            sysops_examples::spike::morning_spike(&sysops, &customers, helpdesk, morning, SPIKE_CALLERS, &mut rng)
                .await?;
        print_spike(&spike, sysops.backend_name());
        spike.tickets
    } else {
        Vec::new()
    };
    let day = simulate_day(&sysops, &clock, &customers, helpdesk, args.tickets, &spiked, &mut rng).await?;
    let registered: Vec<_> = customers.iter().map(|(c, _)| c.clone()).collect();
    let month = sysops_examples::billing::bill_the_month(&sysops, &clock, admin, &registered, &mut rng).await?;
    let messages = messages_path(&args.db);
    let notifier = sysops_examples::notify::FileNotifier::create(&messages)?;
    let sent = sysops_examples::notify::send_the_days_messages(&sysops, &notifier).await?;
    summarize(&sysops, &args, &expert_states, &customer_cities, &day, started).await?;
    print_month(&month);
    println!("\n=== Notifications (written to {}) ===", messages.display());
    println!("messages sent         {sent:>8}  by the customer's chosen channel, offers by SMS");
    println!("by kind:      {}", list(notifier.by_kind().into_iter()));
    println!("deadline warnings     {:>8}  emailed to the plan's escalation contact (80 % of a target)", day.nearing);
    println!("deadlines missed      {:>8}  recorded on their tickets", day.breached);
    let surveys = sysops_examples::survey::collect(&sysops, admin, &notifier.survey_links(), &mut rng).await?;
    println!("\n=== Surveys: customers answer the links they were emailed ===");
    println!("survey links emailed  {:>8}  one per completed ticket", surveys.sent);
    println!("answered              {:>8}  by stars 1-5: {:?}", surveys.answered, surveys.stars);
    println!("experts rated         {:>8}  the assignment job now weighs their ratings", surveys.rated);
    for (label, found) in [("lowest rated", &surveys.lowest), ("highest rated", &surveys.highest)] {
        if let Some((name, stars, count)) = found {
            println!("{label:<21} {stars:>8.2}  {name} ({count} surveys)");
        }
    }
    let expert = sysops.find_experts(admin, Default::default(), Page::first(1)).await?;
    let expert = expert.items.first().map_or(admin, |e| Actor::expert(e.id));
    sysops_examples::kb::stock_and_search(&sysops, admin, expert, args.articles).await?;
    sysops_examples::helpdesk::callers_on_the_line(&sysops, helpdesk, &registered, &mut rng).await?;
    let dir = messages.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let covered = customers.iter().find(|(_, plan)| !plan.terms.categories.is_empty()).ok_or("a customer")?;
    let city = cities.sample(&mut rng).clone();
    let phone = sysops_examples::phone::offline_and_back(&sysops, &clock, admin, covered, &city, dir).await?;
    print_phone(&phone);
    for path in sysops_examples::report::end_of_day(&sysops, admin, dir).await? {
        println!("report written to {}", path.display());
    }
    sysops.close().await;
    Ok(())
}

fn print_phone(phone: &sysops_examples::phone::PhoneDay) {
    println!("\n=== One expert's phone: offline for 45 minutes, then back ===");
    let first = &phone.first;
    println!(
        "first sync            {:>8}  tickets, {} customer(s), {} article(s) of Pat's skill in {:.0} ms",
        first.tickets,
        first.customers,
        first.articles,
        phone.first_elapsed.as_secs_f64() * 1e3
    );
    println!("offline               {:>8}  commands decided on the phone and queued on disk", phone.queued_offline);
    println!("meanwhile                       the server expired the second offer (Pat's answer never came)");
    println!(
        "back online           {:>8}  applied once; refused: {:?}; {} ticket(s) left on the phone",
        phone.applied, phone.refused, phone.tickets_after
    );
}

/// What happened during the simulated day, for the summary.
#[derive(Default)]
struct Day {
    submit_elapsed: std::time::Duration,
    job_runs: usize,
    offers: usize,
    accepted: usize,
    rejected: usize,
    expired: usize,
    completed: usize,
    /// Minutes from submission to the accepted offer, per ticket.
    minutes_to_assignment: Vec<i64>,
    /// Travel km of accepted offers.
    travel_km: Vec<f64>,
    /// Why tickets were waiting after the last run of the day.
    waiting: BTreeMap<String, usize>,
    /// Tickets the deadline job found nearing a deadline (each told its plan's escalation
    /// contact), and deadlines missed.
    nearing: u64,
    breached: u64,
}

/// A day in five-minute ticks: tickets arrive, the assignment job runs every tick, experts
/// accept (75%), reject (10%) or ignore (15%) offers, then start and finish the work.
async fn simulate_day(
    sysops: &Sysops,
    clock: &ManualClock,
    customers: &[(sysops_core::Customer, sysops_core::SupportPlan)],
    helpdesk: Actor,
    tickets: usize,
    spiked: &[(sysops_core::TicketId, chrono::DateTime<Utc>)],
    rng: &mut Rng,
) -> Result<Day, Box<dyn std::error::Error>> {
    use sysops_core::TicketCommand;
    let weights = sysops_core::assignment::CostWeights::default();
    let ticks = 24 * 12;
    let progress = bar(ticks, "day (5 min)");
    let mut day = Day::default();
    // Follow-ups the experts will do: (due tick, ticket, expert, command).
    let mut agenda: Vec<(usize, sysops_core::TicketId, sysops_core::ExpertId, TicketCommand)> = Vec::new();
    let mut submitted_at: BTreeMap<sysops_core::TicketId, chrono::DateTime<Utc>> = spiked.iter().copied().collect();
    let notes = || sysops_core::WorkNotes::new("Diagnosed and fixed on site").expect("non-empty");
    let reason = || sysops_core::Reason::new("Cannot make it today").expect("non-empty");
    let start = sysops_core::Clock::now(clock);
    for tick in 0..ticks {
        let tick_start = start + Duration::minutes(5 * tick as i64);
        clock.set(tick_start)?;

        let due: Vec<_> = agenda.iter().filter(|a| a.0 <= tick).cloned().collect();
        agenda.retain(|a| a.0 > tick);
        for (_, ticket, expert, command) in due {
            let next = match &command {
                TicketCommand::Accept => Some((tick + rng.range(3, 12) as usize, TicketCommand::Start)),
                TicketCommand::Start => {
                    Some((tick + rng.range(6, 24) as usize, TicketCommand::Complete { notes: notes() }))
                }
                _ => None,
            };
            // An error means the customer cancelled or the offer expired first: nothing to do.
            if let Ok(t) = sysops.handle_ticket(Actor::expert(expert), ticket, command.clone()).await {
                match command {
                    TicketCommand::Accept => {
                        day.accepted += 1;
                        let offer = t.assignments.last().expect("an accepted offer exists");
                        let since = submitted_at.get(&ticket).copied().unwrap_or(t.submitted_at);
                        day.minutes_to_assignment.push((offer.offered_at - since).num_minutes());
                        if let Some(r) = &offer.rationale {
                            day.travel_km.push(r.terms().first().map_or(0.0, |t| t.value()));
                        }
                    }
                    TicketCommand::Reject { .. } => day.rejected += 1,
                    TicketCommand::Complete { .. } => day.completed += 1,
                    _ => {}
                }
                if let Some((at, next)) = next {
                    agenda.push((at, ticket, expert, next));
                }
            }
        }

        // The deadline job every quarter of an hour: warnings at 80 % of a target.
        if tick % 3 == 0 {
            let deadlines = sysops.check_deadlines(Actor::system(), sysops_core::WarnAt::default()).await?;
            day.nearing += deadlines.nearing;
            day.breached += deadlines.breached;
        }
        let report = sysops.run_assignment(Actor::system(), &weights).await?;
        day.job_runs += 1;
        day.offers += report.offers.len();
        day.expired += report.expired.len();
        for offer in &report.offers {
            let roll = rng.unit();
            let command = if roll < 0.75 {
                TicketCommand::Accept
            } else if roll < 0.85 {
                TicketCommand::Reject { reason: reason() }
            } else {
                continue; // never answers: the job expires the offer after 30 minutes
            };
            agenda.push((tick + rng.range(1, 4) as usize, offer.ticket, offer.expert, command));
        }
        day.waiting.clear();
        for (_, why) in &report.waiting {
            *day.waiting.entry(why.describe().to_owned()).or_default() += 1;
        }

        // New tickets arrive spread over the next five minutes; the next run picks them up. After
        // a spike, the morning's arrived already.
        let arriving = if !spiked.is_empty() && tick < MORNING_TICKS {
            0
        } else {
            tickets * (tick + 1) / ticks - tickets * tick / ticks
        };
        let started = Instant::now();
        for i in 0..arriving {
            clock.set(tick_start + Duration::seconds(300 * (i as i64 + 1) / (arriving as i64 + 1)))?;
            let (customer, plan) = &customers[rng.range(0, customers.len() as u64 - 1) as usize];
            let by = if rng.chance(0.7) { Actor::customer(customer.id) } else { helpdesk };
            let ticket = sysops.submit_ticket(by, customer.id, ticket_request(plan, rng)).await?;
            submitted_at.insert(ticket.id, ticket.submitted_at);
        }
        day.submit_elapsed += started.elapsed();
        progress.inc(1);
    }
    progress.finish();
    Ok(day)
}

fn print_spike(spike: &sysops_examples::spike::Spike, backend: &str) {
    let n = spike.tickets.len();
    println!("\n=== Monday-morning spike: the morning's tickets at once ({backend}) ===");
    println!(
        "tickets submitted     {n:>8}  by {} callers at once, in {:.2} s",
        spike.callers,
        spike.elapsed.as_secs_f64()
    );
    println!(
        "throughput            {:>8.0}  tickets/s, every one durable before its caller heard back",
        n as f64 / spike.elapsed.as_secs_f64().max(1e-9)
    );
    println!(
        "caller's wait         p50 {:.1} ms   p99 {:.1} ms   max {:.1} ms",
        spike.percentile(0.5),
        spike.percentile(0.99),
        spike.percentile(1.0)
    );
    println!(
        "busy, retried         {:>8}  (answered \"busy\" within the wait limit, tried again 10 ms later)",
        spike.busy_retries
    );
}

/// Where the day's messages are written: beside a SQLite database, else in the current directory.
fn messages_path(db: &str) -> std::path::PathBuf {
    let file = "sysops-demo-messages.txt";
    match db.strip_prefix("sqlite://").map(std::path::Path::new).and_then(|p| p.parent()) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(file),
        _ => std::path::PathBuf::from(file),
    }
}

fn email_for(n: usize) -> sysops_core::Email {
    sysops_core::Email::new(format!("expert{n}@sysops.example")).expect("valid email")
}

async fn summarize(
    sysops: &Sysops,
    args: &Args,
    expert_states: &BTreeMap<&str, usize>,
    customer_cities: &BTreeMap<String, usize>,
    day: &Day,
    started: Instant,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut tickets = Vec::new();
    let mut page = Page::first(Page::MAX_LIMIT);
    loop {
        let batch = sysops.tickets(Actor::system(), TicketFilter::default(), page).await?;
        let Some(last) = batch.last() else { break };
        page = Page::after(last.id, Page::MAX_LIMIT);
        tickets.extend(batch);
    }
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_category: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_priority: BTreeMap<String, usize> = BTreeMap::new();
    let (mut web, mut phone) = (0, 0);
    for t in &tickets {
        *by_status.entry(format!("{:?}", t.status())).or_default() += 1;
        *by_category.entry(t.category.as_str()).or_default() += 1;
        *by_priority.entry(format!("{:?}", t.priority)).or_default() += 1;
        match t.channel {
            Channel::Web => web += 1,
            Channel::Phone => phone += 1,
        }
    }
    let ever_assigned = tickets
        .iter()
        .filter(|t| t.assignments.iter().any(|a| matches!(a.outcome, sysops_core::Outcome::Accepted { .. })))
        .count();
    let mut minutes = day.minutes_to_assignment.clone();
    minutes.sort_unstable();
    let median = minutes.get(minutes.len() / 2).copied().unwrap_or(0);
    let mean_km =
        if day.travel_km.is_empty() { 0.0 } else { day.travel_km.iter().sum::<f64>() / day.travel_km.len() as f64 };
    let late = sysops.tickets_waiting_too_long(Actor::system()).await?;
    let outbox = sysops.poll_outbox(&ConsumerName::new("demo-summary")?, u32::MAX).await?.len();

    println!();
    println!("=== Sysops Squad: one simulated day ===");
    println!("experts placed        {:>8}  in {} states", args.experts, expert_states.len());
    println!("customers registered  {:>8}  in {} cities", args.customers, customer_cities.len());
    println!(
        "tickets submitted     {:>8}  ({web} on the web, {phone} by phone), all stored: {}",
        args.tickets,
        if tickets.len() == args.tickets { "yes" } else { "NO" }
    );
    println!(
        "submit latency        {:>8.2}  ms per ticket (durable)",
        day.submit_elapsed.as_secs_f64() * 1000.0 / args.tickets.max(1) as f64
    );
    println!("\nassignment job runs   {:>8}  (every 5 simulated minutes)", day.job_runs);
    println!(
        "offers made           {:>8}  accepted {}, rejected {}, expired unanswered {}",
        day.offers, day.accepted, day.rejected, day.expired
    );
    println!(
        "share assigned        {:>7.1}%  of tickets had an expert accept",
        100.0 * ever_assigned as f64 / tickets.len().max(1) as f64
    );
    println!("median time to expert {:>8}  minutes from submission to the accepted offer", median);
    println!("mean travel distance  {:>8.1}  km from the expert's base", mean_km);
    println!("work completed        {:>8}  tickets", day.completed);
    println!("waiting too long      {:>8}  tickets past their plan's response target", late.len());
    println!(
        "waiting at day's end: {}",
        if day.waiting.is_empty() {
            "none".to_owned()
        } else {
            list(day.waiting.iter().map(|(k, v)| (k.as_str(), *v)))
        }
    );
    println!("outbox events         {:>8}  waiting for consumers", outbox);
    println!("\nby status:    {}", list(by_status.iter().map(|(k, v)| (k.as_str(), *v))));
    println!("by priority:  {}", list(by_priority.iter().map(|(k, v)| (k.as_str(), *v))));
    println!("by category:  {}", list(by_category.iter().map(|(k, v)| (*k, *v))));
    let mut top: Vec<_> = customer_cities.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    println!("top cities:   {}", list(top.iter().take(5).map(|(k, v)| (k.as_str(), **v))));
    println!(
        "\ndone in {:.1}s; peak memory {:.0} MiB",
        started.elapsed().as_secs_f64(),
        sysops_examples::peak_rss_mb()
    );
    Ok(())
}

fn print_month(month: &sysops_examples::billing::Month) {
    let money = |m: Option<sysops_core::Money>| m.map_or_else(|| "0".to_owned(), |m| m.to_string());
    println!("\n=== The month's billing (simulated gateway) ===");
    println!("invoices issued       {:>8}  one per subscription", month.issued);
    println!(
        "paid at the first try {:>8}  declined {}, no answer {} (asked again with the same key)",
        month.paid_first_time, month.declined, month.unanswered
    );
    for (days, paid, declined) in &month.retries {
        println!("retry after +{days} day(s)  {paid:>6} paid, {declined} declined again");
    }
    println!("accounts suspended    {:>8}  after the last retry failed", month.suspended);
    println!("billed                {:>14}", money(month.billed));
    println!("collected             {:>14}", money(month.collected));
    println!("invoices by status:   {}", list(month.by_status.iter().map(|(k, v)| (k.as_str(), *v))));
}

fn list<'a>(items: impl Iterator<Item = (&'a str, usize)>) -> String {
    items.map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
}
