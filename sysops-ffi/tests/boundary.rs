//! Bad input at the FFI boundary, from Rust: each case is the typed `SysopsError` the
//! Kotlin, Swift and Python hosts receive, never a panic.
#![allow(clippy::unwrap_used, clippy::panic)] // test fixtures: a failed setup is a failed test

use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
use rust_decimal::Decimal;
use std::sync::Arc;
use sysops_ffi::{
    Actor, Address, Contact, Currency, DenyReason, Expert, ExpertProfile, GeoPoint, MessageChannel, Money, NewTicket,
    PlanTerms, Priority, ProductCategory, Role, Rule, ServiceHours, ServiceTargets, Skill, StaffRole, Sysops,
    SysopsError, TicketFilter, Weekday, WeeklyHours, WorkWindow,
};
use uuid::Uuid;

struct Office {
    sysops: Arc<Sysops>,
    admin: Actor,
    customer: Uuid,
    expert: Expert,
}

fn hours(zone: &str, start: u32, end: u32) -> WeeklyHours {
    let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
    WeeklyHours {
        zone: zone.to_owned(),
        windows: vec![WorkWindow { day: Weekday::Monday, start: at(start), end: at(end) }],
    }
}

async fn office() -> Office {
    let sysops = Sysops::open("sqlite::memory:".to_owned()).await.unwrap();
    let ada = sysops
        .create_staff_account(
            sysops_ffi::system_actor(),
            "Ada".into(),
            "ada@sysops.example".into(),
            StaffRole::Administrator,
        )
        .await
        .unwrap();
    let admin = Actor { role: Role::Administrator, id: ada.id };
    let targets = ServiceTargets {
        answer_within: TimeDelta::minutes(30),
        respond_within: TimeDelta::hours(4),
        resolve_within: TimeDelta::hours(48),
        reopen_within: TimeDelta::days(7),
    };
    let terms = PlanTerms {
        name: "Basic".into(),
        monthly_fee: Money { amount: Decimal::new(999, 2), currency: Currency::Usd },
        categories: vec![ProductCategory::Television],
        priority: Priority::Standard,
        targets,
        hours: ServiceHours::AroundTheClock {},
        escalation: None,
    };
    let plan = sysops.define_plan(admin, terms).await.unwrap();
    let contact = Contact {
        name: "Carla".into(),
        email: "carla@example.com".into(),
        phone: "+13125550100".into(),
        prefers: MessageChannel::Email,
    };
    let customer = sysops.register_customer(admin, contact, address(), plan.id).await.unwrap().id;
    let account =
        sysops.create_staff_account(admin, "Eve".into(), "eve@sysops.example".into(), StaffRole::Expert).await.unwrap();
    let profile = ExpertProfile {
        name: "Eve".into(),
        skills: vec![Skill { category: ProductCategory::Television, level: 3 }],
        base: GeoPoint { lat: 41.88, lon: -87.63 },
        radius_km: 50,
        hours: hours("America/Chicago", 8, 18),
        capacity: 5,
        phone: None,
    };
    let expert = sysops.register_expert(admin, account.id, profile).await.unwrap();
    Office { sysops, admin, customer, expert }
}

fn address() -> Address {
    Address {
        street: "1 Main St".into(),
        city: "Chicago".into(),
        region: "IL".into(),
        postal_code: "60601".into(),
        location: GeoPoint { lat: 41.88, lon: -87.63 },
        time_zone: "America/Chicago".into(),
    }
}

#[track_caller]
fn invalid<T: std::fmt::Debug>(field: &str, result: Result<T, SysopsError>) {
    match result {
        Err(SysopsError::InvalidInput { field: f, .. }) if f == field => {}
        other => panic!("expected InvalidInput({field}), got {other:?}"),
    }
}

#[tokio::test]
async fn empty_huge_and_malformed_strings_are_invalid_input_naming_the_field() {
    let o = office().await;
    let s = &o.sysops;
    invalid("name", s.create_staff_account(o.admin, "  ".into(), "x@sysops.example".into(), StaffRole::Helpdesk).await);
    invalid("email", s.create_staff_account(o.admin, "Bo".into(), "bo-at-example".into(), StaffRole::Helpdesk).await);
    let huge =
        NewTicket { category: ProductCategory::Television, description: "x".repeat(1_000_000), required_level: 1 };
    let error = s.submit_ticket(o.admin, o.customer, huge).await.unwrap_err();
    assert!(error.to_string().len() < 500, "the error does not carry the megabyte: {} bytes", error.to_string().len());
    invalid("description", Err::<(), _>(error));
}

#[tokio::test]
async fn out_of_range_numbers_are_invalid_input() {
    let o = office().await;
    let (s, e) = (&o.sysops, o.expert.id);
    let level9 = NewTicket { category: ProductCategory::Television, description: "x".into(), required_level: 9 };
    invalid("skill_level", s.submit_ticket(o.admin, o.customer, level9).await);
    invalid("capacity", s.set_expert_capacity(o.admin, e, 0).await);
    invalid("capacity", s.set_expert_capacity(o.admin, e, i64::MAX).await);
    invalid("service_radius_km", s.set_expert_service_area(o.admin, e, GeoPoint { lat: 41.0, lon: -87.0 }, -5).await);
    invalid("location", s.set_expert_service_area(o.admin, e, GeoPoint { lat: 200.0, lon: 0.0 }, 50).await);
    invalid("location", s.set_expert_service_area(o.admin, e, GeoPoint { lat: 0.0, lon: f64::NAN }, 50).await);
    invalid("limit", s.tickets(o.admin, TicketFilter::default(), None, -1).await);
    invalid("limit", s.poll_outbox("reports".into(), i64::from(u32::MAX) + 1).await);
}

#[tokio::test]
async fn unknown_names_are_invalid_input() {
    let o = office().await;
    invalid("product_category", sysops_ffi::product_category_named("hovercraft".into()));
    invalid("time_zone", o.sysops.set_expert_hours(o.admin, o.expert.id, hours("Mars/Olympus", 8, 18)).await);
    invalid("working_hours", o.sysops.set_expert_hours(o.admin, o.expert.id, hours("America/Chicago", 18, 8)).await);
    invalid("url", Sysops::open("mysql://localhost/sysops".into()).await.map(|_| ()));
    assert_eq!(sysops_ffi::product_category_named("game_console".into()), Ok(ProductCategory::GameConsole));
    assert_eq!(sysops_ffi::product_category_name(ProductCategory::SmartHome), "smart_home");
}

#[tokio::test]
async fn business_hours_cross_as_they_were_given_and_a_ticket_shows_its_deadlines() {
    let o = office().await;
    let s = &o.sysops;
    let plan = s.plan(o.admin, s.customer(o.admin, o.customer).await.unwrap().plan).await.unwrap();
    let window = |start: u32, end: (u32, u32)| WorkWindow {
        day: Weekday::Monday,
        start: NaiveTime::from_hms_opt(start, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(end.0, end.1, 0).unwrap(),
    };
    let christmas = chrono::NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
    let business =
        ServiceHours::Business { windows: vec![window(9, (17, 0)), window(22, (23, 59))], holidays: vec![christmas] };
    let terms = PlanTerms { name: "Office".into(), hours: business.clone(), ..plan.terms.clone() };
    assert_eq!(s.define_plan(o.admin, terms).await.unwrap().terms.hours, business);
    let too_little = ServiceHours::Business { windows: vec![window(9, (9, 30))], holidays: vec![] };
    let refused = s.define_plan(o.admin, PlanTerms { hours: too_little, ..plan.terms.clone() }).await;
    invalid("business_hours", refused);
    let mars = Address { time_zone: "Mars/Olympus".into(), ..address() };
    let contact = Contact {
        name: "Marvin".into(),
        email: "marvin@example.com".into(),
        phone: "+13125550101".into(),
        prefers: MessageChannel::Email,
    };
    invalid("time_zone", s.register_customer(o.admin, contact, mars, plan.id).await);

    let printer =
        NewTicket { category: ProductCategory::Television, description: "No picture".into(), required_level: 1 };
    let carla = Actor { role: Role::Customer, id: o.customer };
    let ticket = s.submit_ticket(carla, o.customer, printer).await.unwrap();
    assert_eq!(ticket.time_zone, "America/Chicago");
    assert_eq!(ticket.respond_by, Some(ticket.open_since + TimeDelta::hours(4)), "around the clock");
    assert_eq!(ticket.resolve_by, Some(ticket.open_since + TimeDelta::hours(48)));
}

#[tokio::test]
async fn unknown_ids_are_not_found_and_others_records_forbidden() {
    let o = office().await;
    let missing = o.sysops.ticket(o.admin, Uuid::nil()).await;
    assert!(matches!(missing, Err(SysopsError::NotFound { ref kind, .. }) if kind == "ticket"), "{missing:?}");
    let stranger = Actor { role: Role::Customer, id: Uuid::nil() };
    let denied = o.sysops.customer(stranger, o.customer).await;
    assert!(
        matches!(denied, Err(SysopsError::Forbidden { ref reason, .. }) if *reason == DenyReason::UnknownAccount),
        "{denied:?}"
    );
}

#[tokio::test]
async fn the_real_clock_cannot_be_advanced_and_a_simulated_one_only_forward() {
    let o = office().await;
    let refused = o.sysops.advance_clock(TimeDelta::minutes(1));
    assert!(
        matches!(refused, Err(SysopsError::RuleViolated { ref rule, .. }) if *rule == Rule::RealClock),
        "{refused:?}"
    );
    let start: DateTime<Utc> = DateTime::from_timestamp(1_772_463_600, 0).unwrap_or_default();
    let simulated = Sysops::open_simulated("sqlite::memory:".into(), start, 1).await.unwrap();
    assert_eq!(simulated.advance_clock(TimeDelta::hours(1)), Ok(start + TimeDelta::hours(1)));
    invalid("by", simulated.advance_clock(TimeDelta::hours(-1)));
}

#[tokio::test]
async fn a_closed_handle_refuses_every_call() {
    let o = office().await;
    o.sysops.shutdown().await.unwrap();
    o.sysops.shutdown().await.unwrap(); // twice is harmless
    assert_eq!(o.sysops.customer(o.admin, o.customer).await, Err(SysopsError::Closed));
    assert_eq!(o.sysops.advance_clock(TimeDelta::minutes(1)), Err(SysopsError::Closed));
}
