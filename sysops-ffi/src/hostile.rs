//! The hostile-input driver (feature `hostile`): every exported operation of this facade —
//! the code Kotlin, Swift and Python call — driven with arguments drawn from bytes: NaN and
//! ±infinity, zero, negative and extreme numbers, empty, huge and control-character
//! strings, malformed and foreign ids, the earliest and latest times, durations of every
//! size. The proptest suite (`tests/hostile.rs`) and the cargo-fuzz target `ffi_surface`
//! both feed it, so one list of operations serves both.
//!
//! After every call [`Fixture::check`] asserts what must hold whatever the arguments: the
//! call returned a success or a typed error other than `Internal` (a caught panic, or a
//! record that does not read back, is `Internal`), and every stored record still decodes and
//! replays exactly (an integrity walk over the whole store).
#![allow(clippy::indexing_slicing, missing_docs)] // pools are non-empty constants

use crate::*;
use chrono::{DateTime, NaiveTime, TimeDelta, TimeZone, Utc};
use rust_decimal::Decimal;
use std::sync::Arc;
use uuid::Uuid;

/// Every exported operation: the `Sysops` constructors and methods and the free functions.
/// The suite fails when the facade exports one that is not listed here.
pub const OPERATIONS: &[&str] = &[
    "open",
    "open_simulated",
    "advance_clock",
    "backend",
    "shutdown",
    "create_staff_account",
    "change_staff_role",
    "deactivate_staff_account",
    "reactivate_staff_account",
    "staff_account",
    "staff_account_history",
    "define_plan",
    "retire_plan",
    "plan",
    "register_customer",
    "update_customer_contact",
    "move_customer",
    "change_customer_plan",
    "customer",
    "register_expert",
    "set_expert_skills",
    "set_expert_service_area",
    "set_expert_hours",
    "add_expert_time_off",
    "set_expert_capacity",
    "set_expert_active",
    "expert",
    "find_experts",
    "submit_ticket",
    "assign_ticket",
    "accept_ticket",
    "reject_ticket",
    "start_work",
    "complete_ticket",
    "cancel_ticket",
    "close_ticket",
    "reopen_ticket",
    "ticket",
    "ticket_history",
    "tickets",
    "run_assignment",
    "expire_overdue_offers",
    "tickets_waiting_too_long",
    "quarantined_records",
    "poll_outbox",
    "ack_outbox",
    "system_actor",
    "product_category_named",
    "product_category_name",
];

/// Draws argument values from bytes; past the end every draw is the pool's first value.
pub struct Draw<'a> {
    bytes: &'a [u8],
    at: usize,
}

const REALS: [f64; 22] = [
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    0.0,
    -0.0,
    -1.0,
    1.0,
    41.88,
    -87.63,
    90.0,
    -90.0,
    180.0,
    180.0001,
    91.0,
    1e308,
    -1e308,
    f64::MIN_POSITIVE,
    5e-324,
    100.0,
    100.0001,
    30.0,
    f64::MAX,
];

const INTEGERS: [i64; 18] = [
    i64::MIN,
    i64::MIN + 1,
    -1,
    0,
    1,
    2,
    3,
    5,
    6,
    50,
    51,
    1000,
    1001,
    10_000,
    10_001,
    u32::MAX as i64,
    u32::MAX as i64 + 1,
    i64::MAX,
];

const UNSIGNED: [u64; 8] = [0, 1, 2, 7, 42, u32::MAX as u64, u64::MAX - 1, u64::MAX];

const TEXTS: [&str; 34] = [
    "",
    " ",
    "\t\n\r",
    "Ada Lovelace",
    "\0",
    "\u{7}bell\u{1b}[2J",
    "Robert'); DROP TABLE tickets;--",
    "%s%n%x",
    "\u{202e}txet lmth",
    "🙂👍🏽‍",
    "ada@sysops.example",
    "not-an-email",
    "a@b",
    "+13125550100",
    "+1",
    "0013125550100",
    "America/Chicago",
    "Mars/Olympus",
    "UTC",
    "television",
    "TELEVISION",
    "game_console",
    "notifications",
    "Consumer Name",
    "09:30",
    "25:00",
    "24:00",
    "sqlite::memory:",
    "mysql://root@localhost/x",
    "postgres://",
    "-1",
    "1e400",
    "NaN",
    "ffffffff-ffff-ffff-ffff-ffffffffffff",
];

const URLS: [&str; 8] = [
    "sqlite::memory:",
    "",
    "sqlite:",
    "mysql://root@localhost/x",
    "postgres://",
    "sqlite:///nonexistent-dir-of-sysops/x.db",
    "http://example.invalid/",
    "\0",
];

impl<'a> Draw<'a> {
    /// Draws from `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Draw { bytes, at: 0 }
    }

    fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at = self.at.saturating_add(1);
        b
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        let wide = usize::from(self.byte()) << 8 | usize::from(self.byte());
        wide % n.max(1)
    }

    fn pick<T: Clone>(&mut self, pool: &[T]) -> T {
        pool[self.below(pool.len())].clone()
    }

    fn flag(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    fn real(&mut self) -> f64 {
        self.pick(&REALS)
    }

    fn int(&mut self) -> i64 {
        self.pick(&INTEGERS)
    }

    fn unsigned(&mut self) -> u64 {
        self.pick(&UNSIGNED)
    }

    fn text(&mut self) -> String {
        match self.below(8) {
            // A huge value: a megabyte, or just past the longest field (10,000 characters).
            0 => "x".repeat(if self.flag() { 1 << 20 } else { 10_001 }),
            1 => "é".repeat(257),
            // Raw bytes as text, whatever they are.
            2 => {
                let len = self.below(64);
                let raw: Vec<u8> = (0..len).map(|_| self.byte()).collect();
                String::from_utf8_lossy(&raw).into_owned()
            }
            _ => self.pick(&TEXTS).to_owned(),
        }
    }

    fn opt<T>(&mut self, value: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.flag() { Some(value(self)) } else { None }
    }

    fn time(&mut self) -> DateTime<Utc> {
        let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).single().unwrap_or(DateTime::UNIX_EPOCH);
        let latest = sysops_core::time::latest();
        let pool = [
            DateTime::<Utc>::MIN_UTC,
            DateTime::UNIX_EPOCH - TimeDelta::nanoseconds(1),
            DateTime::UNIX_EPOCH,
            at(1950, 1, 1),
            at(1969, 7, 1),
            at(2026, 7, 1),
            at(2026, 7, 3),
            at(2027, 1, 1),
            latest - TimeDelta::days(1),
            latest,
            latest + TimeDelta::nanoseconds(1),
            DateTime::<Utc>::MAX_UTC,
        ];
        self.pick(&pool)
    }

    fn duration(&mut self) -> TimeDelta {
        let pool = [
            TimeDelta::MIN,
            TimeDelta::days(-1),
            TimeDelta::nanoseconds(-1),
            TimeDelta::zero(),
            TimeDelta::nanoseconds(1),
            TimeDelta::seconds(1),
            TimeDelta::minutes(30),
            TimeDelta::hours(1),
            TimeDelta::hours(4),
            TimeDelta::hours(48),
            TimeDelta::days(7),
            TimeDelta::days(366),
            TimeDelta::days(367),
            TimeDelta::days(365 * 100),
            TimeDelta::MAX,
        ];
        self.pick(&pool)
    }

    fn time_of_day(&mut self) -> NaiveTime {
        let pool = [
            NaiveTime::MIN,
            NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
            NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default(),
            NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).unwrap_or_default(),
            // A leap second.
            NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000).unwrap_or_default(),
        ];
        self.pick(&pool)
    }

    fn decimal(&mut self) -> Decimal {
        let pool = [
            Decimal::ZERO,
            Decimal::NEGATIVE_ONE,
            Decimal::new(999, 2),
            Decimal::new(1, 28),
            Decimal::new(-1, 28),
            Decimal::new(123_456_789, 3),
            Decimal::MAX,
            Decimal::MIN,
        ];
        self.pick(&pool)
    }

    fn point(&mut self) -> GeoPoint {
        if self.flag() { GeoPoint { lat: 41.88, lon: -87.63 } } else { GeoPoint { lat: self.real(), lon: self.real() } }
    }

    fn category(&mut self) -> ProductCategory {
        self.pick(&[
            ProductCategory::Television,
            ProductCategory::Computer,
            ProductCategory::Mobile,
            ProductCategory::Audio,
            ProductCategory::Printer,
            ProductCategory::GameConsole,
        ])
    }

    fn level(&mut self) -> i64 {
        if self.flag() { self.pick(&[1, 2, 3, 4, 5]) } else { self.int() }
    }

    /// Mostly `valid`, sometimes hostile: a record with one bad field among good ones gets
    /// past the other checks and reaches the deep paths (indexes, the database).
    fn text_or(&mut self, valid: &str) -> String {
        if self.below(3) == 0 { self.text() } else { valid.to_owned() }
    }

    fn contact(&mut self) -> Contact {
        Contact {
            name: self.text_or("Carla Caller"),
            email: self.text_or("carla@example.com"),
            phone: self.text_or("+13125550100"),
        }
    }

    fn address(&mut self) -> Address {
        Address {
            street: self.text_or("1 Main St"),
            city: self.text_or("Chicago"),
            region: self.text_or("IL"),
            postal_code: self.text_or("60601"),
            location: self.point(),
        }
    }

    fn skills(&mut self) -> Vec<Skill> {
        let n = self.below(4);
        (0..n).map(|_| Skill { category: self.category(), level: self.level() }).collect()
    }

    fn hours(&mut self) -> WeeklyHours {
        let zone = if self.flag() { "America/Chicago".to_owned() } else { self.text() };
        let n = self.below(4);
        let windows = (0..n)
            .map(|_| WorkWindow {
                day: self.pick(&[Weekday::Monday, Weekday::Friday, Weekday::Sunday]),
                start: self.time_of_day(),
                end: self.time_of_day(),
            })
            .collect();
        WeeklyHours { zone, windows }
    }

    fn profile(&mut self) -> ExpertProfile {
        ExpertProfile {
            name: self.text(),
            skills: self.skills(),
            base: self.point(),
            radius_km: self.int(),
            hours: self.hours(),
            capacity: self.int(),
        }
    }

    fn targets(&mut self) -> ServiceTargets {
        ServiceTargets {
            answer_within: self.duration(),
            respond_within: self.duration(),
            resolve_within: self.duration(),
            reopen_within: self.duration(),
        }
    }

    fn terms(&mut self) -> PlanTerms {
        let n = self.below(4);
        PlanTerms {
            name: self.text(),
            monthly_fee: Money { amount: self.decimal(), currency: self.pick(&[Currency::Usd, Currency::Eur]) },
            categories: (0..n).map(|_| self.category()).collect(),
            priority: self.pick(&[Priority::Standard, Priority::High, Priority::Critical]),
            targets: self.targets(),
        }
    }

    fn weights(&mut self) -> Option<CostWeights> {
        self.opt(|d| CostWeights {
            distance_per_km: d.real(),
            load: d.real(),
            overqualification_per_level: d.real(),
            rating_per_missing_star: d.real(),
            fairness: d.real(),
        })
    }

    fn status(&mut self) -> TicketStatus {
        self.pick(&[
            TicketStatus::Open,
            TicketStatus::Assigned,
            TicketStatus::Accepted,
            TicketStatus::InProgress,
            TicketStatus::Completed,
            TicketStatus::Closed,
            TicketStatus::Cancelled,
        ])
    }
}

/// A small office on a fresh handle: an administrator, a helpdesk agent, a manager, a plan, a
/// customer, an expert on duty and tickets in several states, so calls reach deep paths.
pub struct Fixture {
    pub sysops: Arc<Sysops>,
    admin: Actor,
    helpdesk: Actor,
    manager: Actor,
    customer: Actor,
    expert: Actor,
    plan: Uuid,
    tickets: Vec<Uuid>,
}

fn always() -> WeeklyHours {
    let end = NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).unwrap_or_default();
    let days = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
    WeeklyHours {
        zone: "America/Chicago".to_owned(),
        windows: days.into_iter().map(|day| WorkWindow { day, start: NaiveTime::MIN, end }).collect(),
    }
}

impl Fixture {
    /// Builds the office on `sysops`; `tag` keeps emails unique when several share a database.
    pub async fn new(sysops: Arc<Sysops>, tag: &str) -> Result<Self, SysopsError> {
        let staff = |name: &str, role| {
            let (sysops, email) = (sysops.clone(), format!("{name}.{tag}@sysops.example"));
            let name = name.to_owned();
            async move { sysops.create_staff_account(system_actor(), name, email, role).await }
        };
        let admin = Actor { role: Role::Administrator, id: staff("ada", StaffRole::Administrator).await?.id };
        let helpdesk = Actor { role: Role::Helpdesk, id: staff("hal", StaffRole::Helpdesk).await?.id };
        let manager = Actor { role: Role::Manager, id: staff("meg", StaffRole::Manager).await?.id };
        let expert_account = staff("eve", StaffRole::Expert).await?.id;
        let terms = PlanTerms {
            name: "Basic".into(),
            monthly_fee: Money { amount: Decimal::new(999, 2), currency: Currency::Usd },
            categories: vec![ProductCategory::Television, ProductCategory::Computer],
            priority: Priority::High,
            targets: ServiceTargets {
                answer_within: TimeDelta::minutes(30),
                respond_within: TimeDelta::hours(4),
                resolve_within: TimeDelta::hours(48),
                reopen_within: TimeDelta::days(7),
            },
        };
        let plan = sysops.define_plan(admin, terms).await?.id;
        let contact =
            Contact { name: "Carla".into(), email: format!("carla.{tag}@example.com"), phone: "+13125550100".into() };
        let address = Address {
            street: "1 Main St".into(),
            city: "Chicago".into(),
            region: "IL".into(),
            postal_code: "60601".into(),
            location: GeoPoint { lat: 41.88, lon: -87.63 },
        };
        let customer =
            Actor { role: Role::Customer, id: sysops.register_customer(helpdesk, contact, address, plan).await?.id };
        let profile = ExpertProfile {
            name: "Eve".into(),
            skills: vec![Skill { category: ProductCategory::Television, level: 4 }],
            base: GeoPoint { lat: 41.9, lon: -87.6 },
            radius_km: 80,
            hours: always(),
            capacity: 5,
        };
        let expert = Actor { role: Role::Expert, id: sysops.register_expert(admin, expert_account, profile).await?.id };
        let mut tickets = Vec::new();
        for text in ["no picture", "no sound", "flickers"] {
            let request =
                NewTicket { category: ProductCategory::Television, description: text.into(), required_level: 2 };
            tickets.push(sysops.submit_ticket(customer, customer.id, request).await?.id);
        }
        // One offered, one accepted and started: the workflow commands have something to act on.
        sysops.assign_ticket(admin, tickets[1], expert.id).await?;
        sysops.assign_ticket(admin, tickets[2], expert.id).await?;
        sysops.accept_ticket(expert, tickets[2]).await?;
        sysops.start_work(expert, tickets[2]).await?;
        Ok(Fixture { sysops, admin, helpdesk, manager, customer, expert, plan, tickets })
    }

    fn id(&self, d: &mut Draw<'_>) -> Uuid {
        let t = &self.tickets;
        let pool = [
            Uuid::nil(),
            Uuid::max(),
            Uuid::from_u128(0x0195_0000_0000_7000_8000_0000_0000_0001),
            self.admin.id,
            self.helpdesk.id,
            self.manager.id,
            self.customer.id,
            self.expert.id,
            self.plan,
            t[0],
            t[1],
            t[2],
        ];
        d.pick(&pool)
    }

    /// Mostly `right` (the record the operation is about), sometimes any id.
    fn id_or(&self, d: &mut Draw<'_>, right: Uuid) -> Uuid {
        if d.below(4) > 0 { right } else { self.id(d) }
    }

    fn actor(&self, d: &mut Draw<'_>) -> Actor {
        let known = [self.admin, self.helpdesk, self.manager, self.customer, self.expert, system_actor()];
        if d.below(4) > 0 {
            d.pick(&known)
        } else {
            let role = d.pick(&[
                Role::Administrator,
                Role::Customer,
                Role::Helpdesk,
                Role::Expert,
                Role::Manager,
                Role::System,
            ]);
            Actor { role, id: self.id(d) }
        }
    }

    fn ticket_id(&self, d: &mut Draw<'_>) -> Uuid {
        if d.below(4) > 0 { d.pick(&self.tickets) } else { self.id(d) }
    }

    fn after(&self, d: &mut Draw<'_>) -> Option<Uuid> {
        if d.flag() { Some(self.id(d)) } else { None }
    }

    /// Calls operation `name` with arguments drawn from `d`. `Err` holds the typed error a
    /// host would receive.
    pub async fn call(&self, name: &str, d: &mut Draw<'_>) -> Result<(), SysopsError> {
        let s = &self.sysops;
        match name {
            "open" => Sysops::open(d.pick(&URLS).to_owned()).await.map(drop),
            "open_simulated" => {
                let url = if d.below(4) > 0 { "sqlite::memory:" } else { d.pick(&URLS) };
                let opened = Sysops::open_simulated(url.to_owned(), d.time(), d.unsigned()).await?;
                opened.advance_clock(d.duration()).map(drop)
            }
            "advance_clock" => s.advance_clock(d.duration()).map(drop),
            "backend" => {
                s.backend();
                Ok(())
            }
            "shutdown" => {
                // On a handle of its own: the fixture's must stay open for the next calls.
                let other = Sysops::open("sqlite::memory:".to_owned()).await?;
                other.shutdown().await?;
                other.shutdown().await?;
                match other.plan(self.admin, self.plan).await {
                    Err(SysopsError::Closed) => Ok(()),
                    _ => Err(SysopsError::Internal { detail: "a closed handle still answered".to_owned() }),
                }
            }
            "create_staff_account" => {
                let role =
                    d.pick(&[StaffRole::Administrator, StaffRole::Helpdesk, StaffRole::Manager, StaffRole::Expert]);
                s.create_staff_account(self.actor(d), d.text(), d.text(), role).await.map(drop)
            }
            "change_staff_role" => {
                let role =
                    d.pick(&[StaffRole::Administrator, StaffRole::Helpdesk, StaffRole::Manager, StaffRole::Expert]);
                s.change_staff_role(self.actor(d), self.id(d), role).await.map(drop)
            }
            "deactivate_staff_account" => s.deactivate_staff_account(self.actor(d), self.id(d)).await.map(drop),
            "reactivate_staff_account" => s.reactivate_staff_account(self.actor(d), self.id(d)).await.map(drop),
            "staff_account" => s.staff_account(self.actor(d), self.id(d)).await.map(drop),
            "staff_account_history" => s.staff_account_history(self.actor(d), self.id(d)).await.map(drop),
            "define_plan" => s.define_plan(self.actor(d), d.terms()).await.map(drop),
            "retire_plan" => s.retire_plan(self.actor(d), self.id(d)).await.map(drop),
            "plan" => s.plan(self.actor(d), self.id(d)).await.map(drop),
            "register_customer" => {
                s.register_customer(self.actor(d), d.contact(), d.address(), self.id_or(d, self.plan)).await.map(drop)
            }
            "update_customer_contact" => {
                s.update_customer_contact(self.actor(d), self.id_or(d, self.customer.id), d.contact()).await.map(drop)
            }
            "move_customer" => {
                s.move_customer(self.actor(d), self.id_or(d, self.customer.id), d.address()).await.map(drop)
            }
            "change_customer_plan" => s.change_customer_plan(self.actor(d), self.id(d), self.id(d)).await.map(drop),
            "customer" => s.customer(self.actor(d), self.id(d)).await.map(drop),
            "register_expert" => s.register_expert(self.actor(d), self.id(d), d.profile()).await.map(drop),
            "set_expert_skills" => {
                s.set_expert_skills(self.actor(d), self.id_or(d, self.expert.id), d.skills()).await.map(drop)
            }
            "set_expert_service_area" => s
                .set_expert_service_area(self.actor(d), self.id_or(d, self.expert.id), d.point(), d.int())
                .await
                .map(drop),
            "set_expert_hours" => {
                s.set_expert_hours(self.actor(d), self.id_or(d, self.expert.id), d.hours()).await.map(drop)
            }
            "add_expert_time_off" => {
                s.add_expert_time_off(self.actor(d), self.id_or(d, self.expert.id), d.time(), d.time()).await.map(drop)
            }
            "set_expert_capacity" => {
                s.set_expert_capacity(self.actor(d), self.id_or(d, self.expert.id), d.int()).await.map(drop)
            }
            "set_expert_active" => s.set_expert_active(self.actor(d), self.id(d), d.flag()).await.map(drop),
            "expert" => s.expert(self.actor(d), self.id(d)).await.map(drop),
            "find_experts" => {
                let query = ExpertQuery {
                    category: d.opt(|d| d.category()),
                    min_level: d.opt(|d| d.int()),
                    serving: d.opt(|d| d.point()),
                    active_only: d.flag(),
                };
                s.find_experts(self.actor(d), query, self.after(d), d.int()).await.map(drop)
            }
            "submit_ticket" => {
                let request = NewTicket { category: d.category(), description: d.text(), required_level: d.level() };
                s.submit_ticket(self.actor(d), self.id(d), request).await.map(drop)
            }
            "assign_ticket" => s.assign_ticket(self.actor(d), self.ticket_id(d), self.id(d)).await.map(drop),
            "accept_ticket" => s.accept_ticket(self.actor(d), self.ticket_id(d)).await.map(drop),
            "reject_ticket" => s.reject_ticket(self.actor(d), self.ticket_id(d), d.text()).await.map(drop),
            "start_work" => s.start_work(self.actor(d), self.ticket_id(d)).await.map(drop),
            "complete_ticket" => s.complete_ticket(self.actor(d), self.ticket_id(d), d.text()).await.map(drop),
            "cancel_ticket" => s.cancel_ticket(self.actor(d), self.ticket_id(d), d.text()).await.map(drop),
            "close_ticket" => s.close_ticket(self.actor(d), self.ticket_id(d)).await.map(drop),
            "reopen_ticket" => s.reopen_ticket(self.actor(d), self.ticket_id(d), d.text()).await.map(drop),
            "ticket" => s.ticket(self.actor(d), self.ticket_id(d)).await.map(drop),
            "ticket_history" => s.ticket_history(self.actor(d), self.ticket_id(d)).await.map(drop),
            "tickets" => {
                let filter = TicketFilter {
                    status: d.opt(|d| d.status()),
                    customer: d.opt(|d| self.id(d)),
                    expert: d.opt(|d| self.id(d)),
                };
                s.tickets(self.actor(d), filter, self.after(d), d.int()).await.map(drop)
            }
            "run_assignment" => s.run_assignment(self.actor(d), d.weights()).await.map(drop),
            "expire_overdue_offers" => s.expire_overdue_offers(self.actor(d)).await.map(drop),
            "tickets_waiting_too_long" => s.tickets_waiting_too_long(self.actor(d)).await.map(drop),
            "quarantined_records" => {
                let kind = d.pick(&[
                    RecordKind::Plan,
                    RecordKind::Customer,
                    RecordKind::Expert,
                    RecordKind::StaffAccount,
                    RecordKind::Ticket,
                ]);
                s.quarantined_records(self.actor(d), kind, self.after(d), d.int()).await.map(drop)
            }
            "poll_outbox" => s.poll_outbox(d.text(), d.int()).await.map(drop),
            "ack_outbox" => s.ack_outbox(d.text(), d.unsigned()).await,
            "system_actor" => {
                system_actor();
                Ok(())
            }
            "product_category_named" => product_category_named(d.text()).map(drop),
            "product_category_name" => {
                product_category_name(d.category());
                Ok(())
            }
            other => Err(SysopsError::Internal { detail: format!("the hostile driver does not cover {other}") }),
        }
    }

    /// What must hold after any call: it was a success or a typed error other than
    /// `Internal`, and every stored record of every kind still decodes and replays exactly.
    pub async fn check(&self, name: &str, outcome: Result<(), SysopsError>) -> Result<(), String> {
        match outcome {
            Err(e @ SysopsError::Internal { .. }) => return Err(format!("{name} failed internally: {e}")),
            // A healthy database never fails for an argument's sake: bad input must be
            // refused before it reaches the database (only opening one may fail there).
            Err(e @ SysopsError::Storage { .. }) if !name.starts_with("open") => {
                return Err(format!("{name} reached the database with a bad value: {e}"));
            }
            _ => {}
        }
        for kind in
            [RecordKind::Plan, RecordKind::Customer, RecordKind::Expert, RecordKind::StaffAccount, RecordKind::Ticket]
        {
            let mut after = None;
            loop {
                let audit = self
                    .sysops
                    .quarantined_records(system_actor(), kind, after, 10_000)
                    .await
                    .map_err(|e| format!("after {name}: the integrity walk failed: {e}"))?;
                if let Some(bad) = audit.quarantined.first() {
                    return Err(format!("after {name}: {kind:?} {} does not read back: {}", bad.id, bad.problem));
                }
                match audit.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
        }
        Ok(())
    }
}
