//! The expert's day (`tests/scenario/README.md`) through the same API the bindings use.
//!
//! `expert-day sqlite://FILE` runs it and prints the final state; Kotlin and Python print
//! the same lines for the same scenario.

use chrono::{DateTime, NaiveTime, TimeDelta};
use rust_decimal::Decimal;
use std::fmt::Write as _;
use sysops_ffi::{
    Actor, Address, Contact, Currency, ExpertProfile, GeoPoint, MessageChannel, Money, NewTicket, Outcome, PlanTerms,
    Priority, ProductCategory, Role, ServiceHours, ServiceTargets, Skill, StaffRole, Sysops, SysopsError, Ticket,
    TicketFilter, Weekday, WeeklyHours, WorkWindow,
};

type Failure = Box<dyn std::error::Error>;

fn check(ok: bool, what: &str) -> Result<(), Failure> {
    if ok { Ok(()) } else { Err(format!("scenario broken: {what}").into()) }
}

fn hours() -> Result<WeeklyHours, Failure> {
    let (start, end) = (NaiveTime::from_hms_opt(8, 0, 0), NaiveTime::from_hms_opt(18, 0, 0));
    let (Some(start), Some(end)) = (start, end) else { return Err("bad hours".into()) };
    let days = [Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday, Weekday::Thursday, Weekday::Friday];
    Ok(WeeklyHours {
        zone: "America/Chicago".to_owned(),
        windows: days.into_iter().map(|day| WorkWindow { day, start, end }).collect(),
    })
}

fn outcome_name(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Pending {} => "pending",
        Outcome::Accepted { .. } => "accepted",
        Outcome::Rejected { .. } => "rejected",
        Outcome::Expired { .. } => "expired",
        Outcome::Withdrawn { .. } => "withdrawn",
    }
}

/// `InProgress` as Kotlin and Python name it: `IN_PROGRESS`.
fn screaming_snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// One line per ticket: status, current expert, every offer's expert and outcome.
fn summary_line(ticket: &Ticket) -> String {
    let expert = ticket.expert.map_or("-".to_owned(), |e| e.to_string());
    let offers: Vec<String> =
        ticket.assignments.iter().map(|a| format!("{}:{}", a.expert, outcome_name(&a.outcome))).collect();
    let status = screaming_snake(&format!("{:?}", ticket.status));
    format!("ticket {} {status} expert={expert} offers={}", ticket.id, offers.join(","))
}

async fn run(url: String) -> Result<String, Failure> {
    let start = DateTime::parse_from_rfc3339("2026-03-02T15:00:00Z")?.to_utc();
    let s = Sysops::open_simulated(url, start, 7).await?;
    let system = sysops_ffi::system_actor();

    let admin = s
        .create_staff_account(system, "Ada Admin".into(), "ada@sysops.example".into(), StaffRole::Administrator)
        .await?;
    let admin = Actor { role: Role::Administrator, id: admin.id };
    let hal =
        s.create_staff_account(admin, "Hal Helpdesk".into(), "hal@sysops.example".into(), StaffRole::Helpdesk).await?;
    let helpdesk = Actor { role: Role::Helpdesk, id: hal.id };

    let terms = PlanTerms {
        name: "Gold".into(),
        monthly_fee: Money { amount: Decimal::new(2999, 2), currency: Currency::Usd },
        categories: vec![ProductCategory::Television, ProductCategory::Computer],
        priority: Priority::High,
        targets: ServiceTargets {
            answer_within: TimeDelta::minutes(30),
            respond_within: TimeDelta::hours(4),
            resolve_within: TimeDelta::hours(48),
            reopen_within: TimeDelta::days(7),
        },
        hours: ServiceHours::AroundTheClock {},
        escalation: None,
    };
    let plan = s.define_plan(admin, terms).await?;

    let mut experts = Vec::new();
    for (name, email, lat, lon) in
        [("Eve Expert", "eve@sysops.example", 41.8781, -87.6298), ("Sam Expert", "sam@sysops.example", 41.95, -87.75)]
    {
        let account = s.create_staff_account(admin, name.into(), email.into(), StaffRole::Expert).await?;
        let profile = ExpertProfile {
            name: name.into(),
            skills: vec![
                Skill { category: ProductCategory::Television, level: 3 },
                Skill { category: ProductCategory::Computer, level: 3 },
            ],
            base: GeoPoint { lat, lon },
            radius_km: 50,
            hours: hours()?,
            capacity: 5,
            phone: None,
        };
        let expert = s.register_expert(admin, account.id, profile).await?;
        experts.push(Actor { role: Role::Expert, id: expert.id });
    }
    let [eve, sam] = experts[..] else { return Err("two experts".into()) };

    let contact = Contact {
        name: "Carla Caller".into(),
        email: "carla@example.com".into(),
        phone: "+13125550100".into(),
        prefers: MessageChannel::Email,
    };
    let address = Address {
        street: "1 Main St".into(),
        city: "Chicago".into(),
        region: "IL".into(),
        postal_code: "60601".into(),
        location: GeoPoint { lat: 41.88, lon: -87.63 },
        time_zone: "America/Chicago".into(),
    };
    let carla = s.register_customer(helpdesk, contact.clone(), address.clone(), plan.id).await?;
    let mut tickets = Vec::new();
    for (category, description, level) in [
        (ProductCategory::Television, "No picture, sound is fine", 2),
        (ProductCategory::Computer, "Laptop does not boot", 2),
        (ProductCategory::Television, "Remote not pairing", 1),
    ] {
        let request = NewTicket { category, description: description.into(), required_level: level };
        tickets.push(s.submit_ticket(helpdesk, carla.id, request).await?.id);
    }
    let [first, second, third] = tickets[..] else { return Err("three tickets".into()) };

    let report = s.run_assignment(system, None).await?;
    check(report.offers.len() == 3 && report.offers.iter().all(|o| o.expert == eve.id), "Eve is offered all three")?;

    let mine = s.tickets(eve, TicketFilter { expert: Some(eve.id), ..TicketFilter::default() }, None, 50).await?;
    check(mine.tickets.len() == 3 && mine.quarantined.is_empty(), "Eve sees her three tickets")?;
    s.accept_ticket(eve, first).await?;
    s.start_work(eve, first).await?;
    s.complete_ticket(eve, first, "Replaced HDMI board".into()).await?;
    s.reject_ticket(eve, second, "No laptop parts in the van".into()).await?;

    let bad_phone = Contact { phone: "12345".into(), ..contact };
    let errors = [
        (s.accept_ticket(eve, second).await.err(), "Forbidden"),
        (s.accept_ticket(eve, uuid::Uuid::nil()).await.err(), "NotFound"),
        (s.register_customer(helpdesk, bad_phone, address, plan.id).await.err(), "InvalidInput"),
    ];
    for (error, expected) in errors {
        let ok = match &error {
            Some(SysopsError::Forbidden { .. }) => expected == "Forbidden",
            Some(SysopsError::NotFound { .. }) => expected == "NotFound",
            Some(SysopsError::InvalidInput { field, .. }) => expected == "InvalidInput" && field == "phone",
            _ => false,
        };
        check(ok, &format!("expected {expected}, got {error:?}"))?;
    }

    s.advance_clock(TimeDelta::minutes(45))?;
    let report = s.run_assignment(system, None).await?;
    check(report.expired == vec![third], "the unanswered offer expires")?;
    check(report.offers.len() == 2 && report.offers.iter().all(|o| o.expert == sam.id), "Sam gets both")?;
    s.accept_ticket(sam, second).await?;

    let mut out = String::new();
    for ticket in [first, second, third] {
        writeln!(out, "{}", summary_line(&s.ticket(admin, ticket).await?))?;
    }
    let history = s.ticket_history(eve, first).await?;
    let names: Vec<&str> = history.iter().map(|e| e.name.as_str()).collect();
    writeln!(out, "history {first} {}", names.join(","))?;
    s.shutdown().await?;
    Ok(out)
}

#[tokio::main]
async fn main() -> Result<(), Failure> {
    let url = std::env::args().nth(1).ok_or("usage: expert-day DATABASE_URL")?;
    print!("{}", run(url).await?);
    Ok(())
}
