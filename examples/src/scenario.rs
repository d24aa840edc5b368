//! Plans, staff, experts, customers and tickets that look like the real business.

use crate::cities::{City, scatter};
use crate::rng::Rng;
use chrono::{Duration, NaiveTime, Weekday};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use sysops_core::{
    Actor, Address, AddressLine, BusinessCalendar, Capacity, Contact, Currency, Description, Email, Error, Expert,
    ExpertProfile, MessageChannel, Money, NewTicket, PersonName, Phone, PlanName, PlanTerms, Priority, ProductCategory,
    RadiusKm, Role, Service, ServiceHours, ServiceTargets, SkillLevel, StaffRole, Store, SupportPlan, WeeklyHours,
    WorkWindow,
};

/// The plans the demo sells: (name, monthly fee in cents, categories, priority, respond within hours).
pub fn plan_catalog() -> Vec<PlanTerms> {
    use ProductCategory as P;
    let plan = |name: &str, cents: i64, categories: &[P], priority, respond_hours, hours| PlanTerms {
        name: PlanName::new(name).expect("static name"),
        monthly_fee: Money::new(Decimal::new(cents, 2), Currency::Usd),
        categories: categories.iter().copied().collect(),
        priority,
        targets: ServiceTargets {
            answer_within: Duration::minutes(30),
            respond_within: Duration::hours(respond_hours),
            resolve_within: Duration::days(3),
            reopen_within: Duration::days(14),
        },
        hours,
        escalation: Some(email("escalations@sysops.example")),
    };
    // Home plans count their targets from eight to eight, Monday to Saturday, in the
    // customer's zone; businesses are served around the clock.
    let shop_hours = || {
        let (open, close) = (NaiveTime::from_hms_opt(8, 0, 0), NaiveTime::from_hms_opt(20, 0, 0));
        let days = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat];
        let windows = days.iter().filter_map(|d| WorkWindow::new(*d, open?, close?).ok()).collect();
        ServiceHours::Business(BusinessCalendar::new(windows, Default::default()).expect("twelve hours a day"))
    };
    vec![
        plan("Home Basic", 1499, &[P::Television, P::Audio], Priority::Standard, 8, shop_hours()),
        plan(
            "Home Premium",
            2999,
            &[P::Television, P::Audio, P::Computer, P::Mobile, P::Networking],
            Priority::High,
            4,
            shop_hours(),
        ),
        plan("Small Business", 7999, &P::ALL, Priority::Critical, 2, ServiceHours::AroundTheClock),
    ]
}

/// The administrator and helpdesk accounts every run starts with.
pub async fn bootstrap<S: Store>(service: &Service<S>) -> Result<(Actor, Actor), Error> {
    let admin = service
        .create_staff_account(
            Actor::system(),
            name("Ada Lovelace"),
            email("ada@sysops.example"),
            StaffRole::Administrator,
        )
        .await?;
    let admin = Actor::staff(Role::Administrator, admin.id);
    let helpdesk =
        service.create_staff_account(admin, name("Hal Desk"), email("hal@sysops.example"), StaffRole::Helpdesk).await?;
    Ok((admin, Actor::staff(Role::Helpdesk, helpdesk.id)))
}

fn name(s: &str) -> PersonName {
    PersonName::new(s).expect("generated names are valid")
}

fn email(s: &str) -> Email {
    Email::new(s).expect("generated emails are valid")
}

const FIRST: [&str; 16] = [
    "Maria", "James", "Aisha", "Wei", "Carlos", "Olivia", "Noah", "Priya", "Liam", "Sofia", "Ethan", "Mei", "Lucas",
    "Amara", "Diego", "Hannah",
];
const LAST: [&str; 16] = [
    "Garcia", "Smith", "Johnson", "Nguyen", "Brown", "Patel", "Kim", "Lopez", "Williams", "Chen", "Davis", "Okafor",
    "Miller", "Silva", "Wilson", "Khan",
];

fn person(n: usize, rng: &mut Rng) -> String {
    format!("{} {} {n}", rng.pick(&FIRST), rng.pick(&LAST))
}

/// Hires an expert as `admin`: their staff account, named `name`, then their expert profile.
pub async fn hire_expert<S: Store>(
    service: &Service<S>,
    admin: Actor,
    name: PersonName,
    email: Email,
    profile: ExpertProfile,
) -> Result<Expert, Error> {
    let account = service.create_staff_account(admin, name, email, StaffRole::Expert).await?;
    service.register_expert(admin, account.id, profile).await
}

/// A realistic expert: 2–4 skills, a service radius, weekday or shifted hours in the city's zone.
pub fn expert_profile(n: usize, city: &City, rng: &mut Rng) -> ExpertProfile {
    let mut skills = BTreeMap::new();
    let wanted = rng.range(2, 4) as usize;
    while skills.len() < wanted {
        let level = [1, 2, 2, 3, 3, 3, 4, 4, 5][rng.range(0, 8) as usize];
        skills.insert(*rng.pick(&ProductCategory::ALL), SkillLevel::new(level).expect("1..=5"));
    }
    let hour = |h: u32| NaiveTime::from_hms_opt(h, 0, 0).expect("valid hour");
    let (start, end, days): (u32, u32, &[Weekday]) = match rng.range(0, 3) {
        0 => (7, 15, &[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]),
        1 => (12, 20, &[Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat]),
        _ => (8, 17, &[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]),
    };
    let windows = days.iter().map(|d| WorkWindow::new(*d, hour(start), hour(end)).expect("start < end")).collect();
    ExpertProfile {
        name: name(&person(n, rng)),
        skills,
        base: scatter(&city.point, 15.0, rng),
        radius_km: RadiusKm::new(rng.range(40, 120) as i64).expect("in range"),
        hours: WeeklyHours::new(&city.zone, windows)
            .unwrap_or_else(|_| WeeklyHours::new("America/New_York", vec![]).expect("known zone")),
        capacity: Capacity::new(rng.range(3, 8) as i64).expect("in range"),
        phone: Some(Phone::new(format!("+1555{:07}", n % 10_000_000)).expect("E.164")),
    }
}

/// A customer living a few kilometres around `city`.
pub fn customer_details(n: usize, city: &City, rng: &mut Rng) -> (Contact, Address) {
    let full = person(n, rng);
    let contact = Contact {
        name: name(&full),
        email: email(&format!("{}@example.com", full.to_lowercase().replace(' ', "."))),
        phone: Phone::new(format!("+1{}{:07}", rng.range(201, 989), rng.range(0, 9_999_999))).expect("E.164"),
        // A third of the customers would rather have a text message than an email.
        prefers: if n % 3 == 0 { MessageChannel::Sms } else { MessageChannel::Email },
    };
    let line = |s: String| AddressLine::new(s).expect("non-empty");
    let address = Address {
        street: line(format!("{} {} St", rng.range(1, 9999), rng.pick(&LAST))),
        city: line(city.name.clone()),
        region: line(city.state.clone()),
        postal_code: line(format!("{:05}", rng.range(1001, 99950))),
        location: scatter(&city.point, 10.0, rng),
        time_zone: sysops_core::time::zone(&city.zone).expect("the cities' zones are IANA names"),
    };
    (contact, address)
}

const PROBLEMS: [&str; 12] = [
    "No picture but the sound works",
    "Device will not power on after a storm",
    "Wi-Fi drops every few minutes",
    "Loud buzzing from the left speaker",
    "Screen flickers when warm",
    "Keeps rebooting during updates",
    "Remote pairs but does nothing",
    "Cannot print from any computer",
    "Overheats and shuts down",
    "Bluetooth audio stutters",
    "Firmware update failed halfway",
    "Dead pixels in the middle of the screen",
];

/// A ticket for a device the plan covers, needing level 1–3.
pub fn ticket_request(plan: &SupportPlan, rng: &mut Rng) -> NewTicket {
    let covered: Vec<ProductCategory> = plan.terms.categories.iter().copied().collect();
    NewTicket {
        category: *rng.pick(&covered),
        description: Description::new(*rng.pick(&PROBLEMS)).expect("non-empty"),
        required_level: SkillLevel::new([1, 1, 2, 2, 3][rng.range(0, 4) as usize]).expect("1..=5"),
    }
}
