//! The `sync` scenario: an expert's phone syncing with the server. The first sync of an
//! expert with 200 tickets (for 50 customers) and the 5,000 knowledge-base articles of their
//! skill, then incremental syncs of 100 changes each (50 ticket commands, 50 article
//! revisions), each into a SQLite replica: the whole exchange (the phone's request, the
//! server's answer, the phone checking and applying it, articles indexed for offline search).
//! The baseline writes the same rows into a fresh SQLite file beside it with plain inserts in
//! one transaction: each ticket's and customer's JSON, each article's events and state, and
//! its title and body into an FTS5 table (the least a phone needs to search offline).
//! `ratio` = `baseline_s / lib_s`.

use super::{Args, BoxError, round2, targets};
use chrono::TimeZone;
use sqlx::SqlitePool;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use sysops_core::kb::{ArticleBody, ArticleContent};
use sysops_core::sync::{Answer, MAX_PAGE, decode_answer};
use sysops_core::{
    Actor, Email, ManualClock, PersonName, ProductCategory, RadiusKm, Reason, Replica, SequentialIds, SkillLevel,
    TicketCommand, TicketId,
};
use sysops_examples::cities::Cities;
use sysops_examples::corpus;
use sysops_examples::rng::Rng;
use sysops_examples::scenario::{
    bootstrap, customer_details, expert_profile, hire_expert, plan_catalog, ticket_request,
};
use sysops_storage::{Options, SqliteStore, Sysops, open_phone};

const TICKETS: usize = 200;
const CUSTOMERS: usize = 50;
const ARTICLES: usize = 5_000;
/// Changes between two incremental syncs: half ticket commands, half article revisions.
const CHANGES: usize = 100;
const ROUNDS: usize = 5;

pub(super) async fn sync(args: &Args) -> Result<(), BoxError> {
    let articles = corpus_articles(ARTICLES);
    if !args.json {
        println!(
            "sync: an expert's phone, {TICKETS} tickets and {ARTICLES} articles, then {ROUNDS} syncs of {CHANGES} \
             changes, into SQLite vs. plain inserts of the same rows"
        );
    }
    for target in targets(args, "sync")? {
        let start = chrono::Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).single().ok_or("a start time")?;
        let clock = Arc::new(ManualClock::new(start)?);
        let server = Sysops::open_with(&target.url, target.options(clock.clone())).await?;
        let backend = server.backend_name();
        let (admin, expert, tickets) = office(&server, articles.clone()).await?;

        let phone_dir = tempfile::tempdir()?;
        let phone_url = format!("sqlite://{}", phone_dir.path().join("phone.db").display());
        let options = Options { clock: clock.clone(), ids: Arc::new(SequentialIds::new(2)), ..Options::default() };
        let phone = Replica::open(open_phone(&phone_url, options).await?, expert).await?;
        let baseline = Baseline::open(&phone_dir.path().join("baseline.db")).await?;

        let (lib, answers) = timed_sync(&server, &phone).await?;
        let base = baseline.write(&answers).await?;
        let held = phone.cursor().await?;
        if held.tickets.len() != TICKETS || held.articles.len() != ARTICLES {
            return Err(
                format!("the phone holds {} tickets and {} articles", held.tickets.len(), held.articles.len()).into()
            );
        }
        print(args, backend, "first", lib, base);

        let (mut lib_rounds, mut base_rounds) = (Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            change(&server, admin, expert, &tickets, round).await?;
            let (lib, answers) = timed_sync(&server, &phone).await?;
            let changed: usize = answers.iter().map(|a| a.page.tickets.len() + a.page.articles.len()).sum();
            if changed != CHANGES {
                return Err(format!("an incremental sync brought {changed} records, not {CHANGES}").into());
            }
            base_rounds.push(baseline.write(&answers).await?);
            lib_rounds.push(lib);
        }
        print(args, backend, "incremental", median(&mut lib_rounds), median(&mut base_rounds));
        server.close().await;
    }
    Ok(())
}

/// `n` articles of the corpus about computers: the corpus, then revised copies of it
/// (`kb-search`'s scaling) until there are `n`.
fn corpus_articles(n: usize) -> Vec<ArticleContent> {
    let docs = corpus::documents();
    let mut articles = super::kb::scaled(&docs, n.div_ceil(docs.len().max(1)));
    articles.truncate(n);
    articles
}

/// The server's office: the expert (computers, level 5, all of Chicago), the articles, and
/// `TICKETS` tickets of `CUSTOMERS` customers offered to the expert.
async fn office(server: &Sysops, articles: Vec<ArticleContent>) -> Result<(Actor, Actor, Vec<TicketId>), BoxError> {
    let (admin, helpdesk) = bootstrap(server).await?;
    let terms = plan_catalog().into_iter().find(|p| p.categories.contains(&ProductCategory::Computer));
    let plan = server.define_plan(admin, terms.ok_or("a plan covering computers")?).await?;
    let (cities, mut rng) = (Cities::load(), Rng::new(17));
    let city = cities.sample(&mut rng).clone();
    let mut profile = expert_profile(0, &city, &mut rng);
    profile.skills = BTreeMap::from([(ProductCategory::Computer, SkillLevel::new(5)?)]);
    profile.radius_km = RadiusKm::new(300)?;
    let expert =
        hire_expert(server, admin, PersonName::new("Eve Expert")?, Email::new("eve@sysops.example")?, profile).await?;
    server.import_articles(admin, articles, |_| {}).await?;
    let mut customers = Vec::with_capacity(CUSTOMERS);
    for n in 0..CUSTOMERS {
        let (contact, mut address) = customer_details(n, &city, &mut rng);
        address.location = expert.profile.base;
        customers.push(server.register_customer(helpdesk, contact, address, plan.id).await?.id);
    }
    let mut tickets = Vec::with_capacity(TICKETS);
    for n in 0..TICKETS {
        let customer = customers[n % CUSTOMERS];
        let mut request = ticket_request(&plan, &mut rng);
        request.category = ProductCategory::Computer;
        let ticket = server.submit_ticket(helpdesk, customer, request).await?;
        server.assign_ticket(admin, ticket.id, expert.id, None).await?;
        tickets.push(ticket.id);
    }
    Ok((admin, Actor::expert(expert.id), tickets))
}

/// `CHANGES` changes on the server: half the tickets' next step by the expert (accept, then
/// start), half the articles revised.
async fn change(
    server: &Sysops,
    admin: Actor,
    expert: Actor,
    tickets: &[TicketId],
    round: usize,
) -> Result<(), BoxError> {
    let half = CHANGES / 2;
    for i in 0..half {
        let n = round * half + i;
        let command = if n < TICKETS { TicketCommand::Accept } else { TicketCommand::Start };
        server.handle_ticket(expert, tickets[n % TICKETS], command).await?;
    }
    let versions =
        sysops_core::store::KbStore::article_versions(server.store(), &[ProductCategory::Computer].into()).await?;
    for (article, _) in versions.iter().skip(round * half).take(half) {
        let current = server.article(admin, *article).await?;
        let mut content = current.content.clone();
        content.body = ArticleBody::new(format!("{}\nSee also revision {round}.", content.body.as_str()))?;
        server.revise_article(admin, *article, content, Reason::new("clarified")?).await?;
    }
    Ok(())
}

/// Syncs until the server has nothing more, timing the exchanges; the answers, for the
/// baseline to write the same rows.
async fn timed_sync(server: &Sysops, phone: &Replica<SqliteStore>) -> Result<(Duration, Vec<Answer>), BoxError> {
    let (mut spent, mut answers) = (Duration::ZERO, Vec::new());
    loop {
        let started = Instant::now();
        let request = phone.request(MAX_PAGE).await?;
        let bytes = server.serve_sync(phone.expert(), &request.to_bytes()).await?;
        let report = phone.receive(&bytes).await?;
        spent += started.elapsed();
        answers.push(decode_answer(&bytes, request.id)?);
        if !report.more {
            return Ok((spent, answers));
        }
    }
}

/// Plain tables and one transaction of plain inserts per sync.
struct Baseline {
    pool: SqlitePool,
}

impl Baseline {
    async fn open(path: &std::path::Path) -> Result<Self, BoxError> {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .synchronous(sqlx::sqlite::SqliteSynchronous::Full);
        let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
        for table in [
            "CREATE TABLE records (id BLOB PRIMARY KEY, body TEXT NOT NULL)",
            "CREATE TABLE events (stream BLOB NOT NULL, sequence INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (stream, sequence))",
            "CREATE VIRTUAL TABLE search USING fts5(title, body)",
        ] {
            sqlx::query(table).execute(&pool).await?;
        }
        Ok(Baseline { pool })
    }

    /// Writes what `answers` brought, the JSON made beforehand: the time the writing took.
    async fn write(&self, answers: &[Answer]) -> Result<Duration, BoxError> {
        let mut records = Vec::new();
        let mut events = Vec::new();
        let mut texts = Vec::new();
        for page in answers.iter().map(|a| &a.page) {
            records.extend(page.tickets.iter().map(|t| Ok((t.id.as_uuid(), serde_json::to_string(t)?))));
            records.extend(page.customers.iter().map(|c| Ok((c.id.as_uuid(), serde_json::to_string(c)?))));
            for stream in &page.articles {
                for event in &stream.events {
                    events.push((stream.id, event.sequence.0 as i64, serde_json::to_string(event)?));
                    if let sysops_core::kb::ArticleEvent::Written { content, .. }
                    | sysops_core::kb::ArticleEvent::Revised { content, .. } = &event.payload
                    {
                        texts.push((content.title.as_str().to_owned(), content.body.as_str().to_owned()));
                    }
                }
            }
        }
        let records: Vec<(uuid::Uuid, String)> = records.into_iter().collect::<Result<_, serde_json::Error>>()?;
        let started = Instant::now();
        let mut tx = self.pool.begin().await?;
        for (id, body) in &records {
            sqlx::query("INSERT OR REPLACE INTO records (id, body) VALUES (?1, ?2)")
                .bind(id)
                .bind(body)
                .execute(&mut *tx)
                .await?;
        }
        for (stream, sequence, body) in &events {
            sqlx::query("INSERT INTO events (stream, sequence, body) VALUES (?1, ?2, ?3)")
                .bind(stream)
                .bind(sequence)
                .bind(body)
                .execute(&mut *tx)
                .await?;
        }
        for (title, body) in &texts {
            sqlx::query("INSERT INTO search (title, body) VALUES (?1, ?2)")
                .bind(title)
                .bind(body)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(started.elapsed())
    }
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort_unstable();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn print(args: &Args, backend: &str, phase: &str, lib: Duration, baseline: Duration) {
    let (lib_s, baseline_s) = (lib.as_secs_f64(), baseline.as_secs_f64());
    let ratio = baseline_s / lib_s;
    if args.json {
        let line = serde_json::json!({
            "scenario": "sync", "backend": backend, "phase": phase,
            "lib_s": (lib_s * 1e4).round() / 1e4, "baseline_s": (baseline_s * 1e4).round() / 1e4, "ratio": round2(ratio),
        });
        println!("{line}");
    } else {
        println!(
            "{backend:>9} server, {phase:<11}: sysops {:>8.1} ms   baseline {:>8.1} ms   ratio {ratio:>5.2}",
            lib_s * 1e3,
            baseline_s * 1e3
        );
    }
}
