//! The demo's expert in the field: a phone replica that goes offline and comes back. Pat takes
//! one offer online, loses signal for 45 minutes (accepting the second offer, working the
//! first and linking the article that solved it, all decided on the phone), and meanwhile the
//! server expires the second offer; back online, the work is applied once and the late
//! acceptance is refused and rolled back.

use crate::cities::City;
use crate::rng::Rng;
use crate::scenario::{expert_profile, hire_expert};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use sysops_core::kb::{ArticleBody, ArticleContent, ArticleTitle};
use sysops_core::sync::{MAX_PAGE, PhoneCommand, Refusal};
use sysops_core::{
    Actor, Customer, Email, ManualClock, NewTicket, PersonName, RadiusKm, ReceiveReport, Replica, SkillLevel,
    SupportPlan, TicketId, WorkNotes,
};
use sysops_storage::{Options, SqliteStore, Sysops, open_phone};

type BoxError = Box<dyn std::error::Error>;

/// What the phone went through.
pub struct PhoneDay {
    /// The first sync: the records received.
    pub first: ReceiveReport,
    /// How long the first sync took.
    pub first_elapsed: Duration,
    /// Commands decided offline and queued.
    pub queued_offline: usize,
    /// Back online: the commands applied.
    pub applied: usize,
    /// Back online: why each refused command was refused.
    pub refused: Vec<Refusal>,
    /// Tickets on the phone once back in step.
    pub tickets_after: usize,
}

/// Runs Pat's morning against `sysops` at `clock`, the phone's SQLite file in `dir`.
pub async fn offline_and_back(
    sysops: &Sysops,
    clock: &Arc<ManualClock>,
    admin: Actor,
    customer: &(Customer, SupportPlan),
    city: &City,
    dir: &Path,
) -> Result<PhoneDay, BoxError> {
    let (customer, plan) = customer;
    let category = *plan.terms.categories.iter().next().ok_or("a plan covers something")?;
    let mut profile = expert_profile(0, city, &mut Rng::new(5));
    profile.skills = BTreeMap::from([(category, SkillLevel::new(5)?)]);
    profile.base = customer.address.location;
    profile.radius_km = RadiusKm::new(50)?;
    let pat =
        hire_expert(sysops, admin, PersonName::new("Pat Field")?, Email::new("pat@sysops.example")?, profile).await?;
    let pat = Actor::expert(pat.id);
    let how = ArticleContent::new(
        ArticleTitle::new("No picture after a storm")?,
        ArticleBody::new("Check the surge protector, then reseat the power and HDMI cables.")?,
        [category].into(),
        Default::default(),
    )?;
    let article = sysops.write_article(admin, how).await?.id;
    let mut tickets = Vec::new();
    for problem in ["No picture after a storm", "Remote does nothing"] {
        let request = NewTicket {
            category,
            description: sysops_core::Description::new(problem)?,
            required_level: SkillLevel::BASIC,
        };
        let ticket = sysops.submit_ticket(Actor::customer(customer.id), customer.id, request).await?.id;
        sysops.assign_ticket(admin, ticket, pat.id.into(), None).await?;
        tickets.push(ticket);
    }
    let (first, second) = (tickets[0], tickets[1]);

    let file = dir.join("phone-pat.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    let options = Options { clock: clock.clone(), ..Options::default() };
    let phone = Replica::open(open_phone(&format!("sqlite://{}", file.display()), options).await?, pat).await?;
    let started = Instant::now();
    let first_sync = sync(sysops, &phone).await?;
    let first_elapsed = started.elapsed();
    phone.decide(first, PhoneCommand::Accept).await?;
    sync(sysops, &phone).await?;

    // No signal: every command is decided on the phone and queued.
    clock.advance(chrono::Duration::minutes(5))?;
    phone.decide(second, PhoneCommand::Accept).await?;
    phone.decide(first, PhoneCommand::Start).await?;
    clock.advance(chrono::Duration::minutes(25))?;
    let found = phone
        .service()
        .search_articles(pat, sysops_core::kb::ArticleSearch::new(sysops_core::kb::SearchQuery::parse("storm")?))
        .await?;
    phone.decide(first, PhoneCommand::Complete { notes: WorkNotes::new("Replaced the surge protector")? }).await?;
    let solved = found.hits.iter().map(|h| h.article).filter(|a| *a == article).collect();
    phone.decide(first, PhoneCommand::LinkArticles { articles: solved }).await?;
    let queued_offline = phone.queued().await?.len();
    clock.advance(chrono::Duration::minutes(15))?;
    sysops.expire_overdue_offers(Actor::system()).await?;

    // Signal again.
    let back = sync(sysops, &phone).await?;
    let tickets_after = phone.tickets().await?.len();
    let refused: Vec<Refusal> = back.refused.into_iter().map(|r| r.refusal).collect();
    expect_settled(&phone, second).await?;
    Ok(PhoneDay {
        first: first_sync,
        first_elapsed,
        queued_offline,
        applied: back.applied.len(),
        refused,
        tickets_after,
    })
}

/// Exchanges until the server has nothing more; the reports summed.
async fn sync(sysops: &Sysops, phone: &Replica<SqliteStore>) -> Result<ReceiveReport, BoxError> {
    let mut total = ReceiveReport::default();
    loop {
        let request = phone.request(MAX_PAGE).await?;
        let report = phone.receive(&sysops.serve_sync(phone.expert(), &request.to_bytes()).await?).await?;
        total.tickets += report.tickets;
        total.customers += report.customers;
        total.articles += report.articles;
        total.applied.extend(report.applied);
        total.refused.extend(report.refused);
        if !report.more {
            return Ok(total);
        }
    }
}

/// The refused ticket left the phone and nothing is left queued.
async fn expect_settled(phone: &Replica<SqliteStore>, refused: TicketId) -> Result<(), BoxError> {
    if phone.ticket(refused).await.is_ok() || !phone.queued().await?.is_empty() {
        return Err("the phone did not settle after the sync".into());
    }
    Ok(())
}
