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
///
/// Each argument (and each field of a record argument) has a valid value for the operation
/// at hand; the draw decides which ones are hostile. [`Draw::new`] makes each one hostile
/// with probability 1/3, so bad values meet in combinations; [`Draw::poisoning`] makes
/// exactly one hostile, so every bad value also arrives next to valid ones and reaches the
/// deep paths (indexes, the database) that a combination would stop short of.
pub struct Draw<'a> {
    bytes: &'a [u8],
    at: usize,
    /// With [`Draw::poisoning`]: the index of the one hostile argument, and how many were drawn.
    poison: Option<(usize, usize)>,
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
    /// Draws from `bytes`, each argument hostile with probability 1/3.
    pub fn new(bytes: &'a [u8]) -> Self {
        Draw { bytes, at: 0, poison: None }
    }

    /// Draws from `bytes` with only argument number `field` (counting from 0) hostile.
    pub fn poisoning(bytes: &'a [u8], field: usize) -> Self {
        Draw { bytes, at: 0, poison: Some((field, 0)) }
    }

    /// Whether the next argument is hostile.
    fn hostile(&mut self) -> bool {
        match &mut self.poison {
            Some((field, drawn)) => {
                *drawn += 1;
                *drawn - 1 == *field
            }
            None => self.below(3) == 0,
        }
    }

    /// `valid`, or a value drawn by `hostile` when this argument is the hostile one.
    fn or<T>(&mut self, valid: T, hostile: impl FnOnce(&mut Self) -> T) -> T {
        if self.hostile() { hostile(self) } else { valid }
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
        GeoPoint { lat: self.real_or(41.88), lon: self.real_or(-87.63) }
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
        self.int_or(2)
    }

    fn text_or(&mut self, valid: &str) -> String {
        self.or(valid.to_owned(), Self::text)
    }

    fn int_or(&mut self, valid: i64) -> i64 {
        self.or(valid, Self::int)
    }

    fn real_or(&mut self, valid: f64) -> f64 {
        self.or(valid, Self::real)
    }

    fn time_or(&mut self, valid: DateTime<Utc>) -> DateTime<Utc> {
        self.or(valid, Self::time)
    }

    fn duration_or(&mut self, valid: TimeDelta) -> TimeDelta {
        self.or(valid, Self::duration)
    }

    fn unsigned_or(&mut self, valid: u64) -> u64 {
        self.or(valid, Self::unsigned)
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
        let valid = vec![Skill { category: ProductCategory::Television, level: 4 }];
        self.or(valid, |d| {
            let n = d.below(4);
            (0..n).map(|_| Skill { category: d.category(), level: d.int() }).collect()
        })
    }

    fn hours(&mut self) -> WeeklyHours {
        let zone = self.text_or("America/Chicago");
        if !self.hostile() {
            return always();
        }
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
            name: self.text_or("Nia Expert"),
            skills: self.skills(),
            base: self.point(),
            radius_km: self.int_or(80),
            hours: self.hours(),
            capacity: self.int_or(5),
        }
    }

    fn targets(&mut self) -> ServiceTargets {
        ServiceTargets {
            answer_within: self.duration_or(TimeDelta::minutes(30)),
            respond_within: self.duration_or(TimeDelta::hours(4)),
            resolve_within: self.duration_or(TimeDelta::hours(48)),
            reopen_within: self.duration_or(TimeDelta::days(7)),
        }
    }

    fn terms(&mut self) -> PlanTerms {
        let categories = self.or(vec![ProductCategory::Television], |d| {
            let n = d.below(4);
            (0..n).map(|_| d.category()).collect()
        });
        PlanTerms {
            name: self.text_or("Silver"),
            monthly_fee: Money { amount: self.or(Decimal::new(999, 2), Self::decimal), currency: Currency::Usd },
            categories,
            priority: self.pick(&[Priority::Standard, Priority::High, Priority::Critical]),
            targets: self.targets(),
        }
    }

    fn weights(&mut self) -> Option<CostWeights> {
        self.opt(|d| CostWeights {
            distance_per_km: d.real_or(1.0),
            load: d.real_or(30.0),
            overqualification_per_level: d.real_or(8.0),
            rating_per_missing_star: d.real_or(10.0),
            fairness: d.real_or(15.0),
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
    /// An expert staff account without a profile yet, for `register_expert`.
    spare: Uuid,
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
        let spare = staff("sam", StaffRole::Expert).await?.id;
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
        Ok(Fixture { sysops, admin, helpdesk, manager, customer, expert, plan, tickets, spare })
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

    /// `right` (the record the operation is about), or any id when this argument is hostile.
    fn id_or(&self, d: &mut Draw<'_>, right: Uuid) -> Uuid {
        d.or(right, |d| self.id(d))
    }

    /// `right` (who may do the operation), or anyone, known or not, when this one is hostile.
    fn actor_or(&self, d: &mut Draw<'_>, right: Actor) -> Actor {
        d.or(right, |d| {
            let known = [self.admin, self.helpdesk, self.manager, self.customer, self.expert, system_actor()];
            if d.flag() {
                d.pick(&known)
            } else {
                let roles =
                    [Role::Administrator, Role::Customer, Role::Helpdesk, Role::Expert, Role::Manager, Role::System];
                Actor { role: d.pick(&roles), id: self.id(d) }
            }
        })
    }

    fn after(&self, d: &mut Draw<'_>) -> Option<Uuid> {
        d.or(None, |d| Some(self.id(d)))
    }

    /// Calls operation `name` with arguments drawn from `d`. `Err` holds the typed error a
    /// host would receive.
    pub async fn call(&self, name: &str, d: &mut Draw<'_>) -> Result<(), SysopsError> {
        let s = &self.sysops;
        let (admin, helpdesk, manager, customer, expert) =
            (self.admin, self.helpdesk, self.manager, self.customer, self.expert);
        let [open, offered, started] = [self.tickets[0], self.tickets[1], self.tickets[2]];
        let roles = [StaffRole::Administrator, StaffRole::Helpdesk, StaffRole::Manager, StaffRole::Expert];
        let kinds =
            [RecordKind::Plan, RecordKind::Customer, RecordKind::Expert, RecordKind::StaffAccount, RecordKind::Ticket];
        match name {
            "open" => Sysops::open(d.pick(&URLS).to_owned()).await.map(drop),
            "open_simulated" => {
                let url = d.or("sqlite::memory:", |d| d.pick(&URLS));
                let start = d.time_or(Utc.with_ymd_and_hms(2026, 7, 1, 15, 0, 0).single().unwrap_or_default());
                let opened = Sysops::open_simulated(url.to_owned(), start, d.unsigned_or(1)).await?;
                opened.advance_clock(d.duration_or(TimeDelta::hours(1))).map(drop)
            }
            "advance_clock" => s.advance_clock(d.duration_or(TimeDelta::hours(1))).map(drop),
            "backend" => {
                s.backend();
                Ok(())
            }
            "shutdown" => {
                // On a handle of its own: the fixture's must stay open for the next calls.
                let other = Sysops::open("sqlite::memory:".to_owned()).await?;
                other.shutdown().await?;
                other.shutdown().await?;
                match other.plan(admin, self.plan).await {
                    Err(SysopsError::Closed) => Ok(()),
                    _ => Err(SysopsError::Internal { detail: "a closed handle still answered".to_owned() }),
                }
            }
            "create_staff_account" => {
                let (actor, name, email) =
                    (self.actor_or(d, admin), d.text_or("Nia New"), d.text_or("nia@sysops.example"));
                s.create_staff_account(actor, name, email, d.pick(&roles)).await.map(drop)
            }
            "change_staff_role" => {
                let (actor, account) = (self.actor_or(d, admin), self.id_or(d, manager.id));
                s.change_staff_role(actor, account, d.pick(&roles)).await.map(drop)
            }
            "deactivate_staff_account" => {
                s.deactivate_staff_account(self.actor_or(d, admin), self.id_or(d, manager.id)).await.map(drop)
            }
            "reactivate_staff_account" => {
                s.reactivate_staff_account(self.actor_or(d, admin), self.id_or(d, manager.id)).await.map(drop)
            }
            "staff_account" => s.staff_account(self.actor_or(d, admin), self.id_or(d, helpdesk.id)).await.map(drop),
            "staff_account_history" => {
                s.staff_account_history(self.actor_or(d, admin), self.id_or(d, helpdesk.id)).await.map(drop)
            }
            "define_plan" => s.define_plan(self.actor_or(d, admin), d.terms()).await.map(drop),
            "retire_plan" => s.retire_plan(self.actor_or(d, admin), self.id_or(d, self.plan)).await.map(drop),
            "plan" => s.plan(self.actor_or(d, customer), self.id_or(d, self.plan)).await.map(drop),
            "register_customer" => {
                let (actor, contact, address) = (self.actor_or(d, helpdesk), d.contact(), d.address());
                s.register_customer(actor, contact, address, self.id_or(d, self.plan)).await.map(drop)
            }
            "update_customer_contact" => {
                let (actor, id) = (self.actor_or(d, helpdesk), self.id_or(d, customer.id));
                s.update_customer_contact(actor, id, d.contact()).await.map(drop)
            }
            "move_customer" => {
                let (actor, id) = (self.actor_or(d, helpdesk), self.id_or(d, customer.id));
                s.move_customer(actor, id, d.address()).await.map(drop)
            }
            "change_customer_plan" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, customer.id));
                s.change_customer_plan(actor, id, self.id_or(d, self.plan)).await.map(drop)
            }
            "customer" => s.customer(self.actor_or(d, helpdesk), self.id_or(d, customer.id)).await.map(drop),
            "register_expert" => {
                let (actor, account) = (self.actor_or(d, admin), self.id_or(d, self.spare));
                s.register_expert(actor, account, d.profile()).await.map(drop)
            }
            "set_expert_skills" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, expert.id));
                s.set_expert_skills(actor, id, d.skills()).await.map(drop)
            }
            "set_expert_service_area" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, expert.id));
                s.set_expert_service_area(actor, id, d.point(), d.int_or(120)).await.map(drop)
            }
            "set_expert_hours" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, expert.id));
                s.set_expert_hours(actor, id, d.hours()).await.map(drop)
            }
            "add_expert_time_off" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, expert.id));
                let start = d.time_or(Utc.with_ymd_and_hms(2026, 7, 3, 0, 0, 0).single().unwrap_or_default());
                let until = d.time_or(Utc.with_ymd_and_hms(2026, 7, 5, 0, 0, 0).single().unwrap_or_default());
                s.add_expert_time_off(actor, id, start, until).await.map(drop)
            }
            "set_expert_capacity" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, expert.id));
                s.set_expert_capacity(actor, id, d.int_or(7)).await.map(drop)
            }
            "set_expert_active" => {
                let (actor, id) = (self.actor_or(d, admin), self.id_or(d, expert.id));
                s.set_expert_active(actor, id, d.flag()).await.map(drop)
            }
            "expert" => s.expert(self.actor_or(d, helpdesk), self.id_or(d, expert.id)).await.map(drop),
            "find_experts" => {
                let query = ExpertQuery {
                    category: d.opt(|d| d.category()),
                    min_level: d.opt(|d| d.level()),
                    serving: d.opt(|d| d.point()),
                    active_only: d.flag(),
                };
                let (actor, after) = (self.actor_or(d, helpdesk), self.after(d));
                s.find_experts(actor, query, after, d.int_or(50)).await.map(drop)
            }
            "submit_ticket" => {
                let request = NewTicket {
                    category: d.or(ProductCategory::Television, Draw::category),
                    description: d.text_or("No picture since the storm"),
                    required_level: d.level(),
                };
                let (actor, id) = (self.actor_or(d, customer), self.id_or(d, customer.id));
                s.submit_ticket(actor, id, request).await.map(drop)
            }
            "assign_ticket" => {
                let (actor, ticket) = (self.actor_or(d, admin), self.id_or(d, open));
                s.assign_ticket(actor, ticket, self.id_or(d, expert.id)).await.map(drop)
            }
            "accept_ticket" => s.accept_ticket(self.actor_or(d, expert), self.id_or(d, offered)).await.map(drop),
            "reject_ticket" => {
                let (actor, ticket) = (self.actor_or(d, expert), self.id_or(d, offered));
                s.reject_ticket(actor, ticket, d.text_or("No parts in the van")).await.map(drop)
            }
            "start_work" => s.start_work(self.actor_or(d, expert), self.id_or(d, offered)).await.map(drop),
            "complete_ticket" => {
                let (actor, ticket) = (self.actor_or(d, expert), self.id_or(d, started));
                s.complete_ticket(actor, ticket, d.text_or("Replaced the board")).await.map(drop)
            }
            "cancel_ticket" => {
                let (actor, ticket) = (self.actor_or(d, helpdesk), self.id_or(d, open));
                s.cancel_ticket(actor, ticket, d.text_or("Fixed itself")).await.map(drop)
            }
            "close_ticket" => s.close_ticket(self.actor_or(d, admin), self.id_or(d, started)).await.map(drop),
            "reopen_ticket" => {
                let (actor, ticket) = (self.actor_or(d, helpdesk), self.id_or(d, started));
                s.reopen_ticket(actor, ticket, d.text_or("Broke again")).await.map(drop)
            }
            "ticket" => s.ticket(self.actor_or(d, customer), self.id_or(d, open)).await.map(drop),
            "ticket_history" => s.ticket_history(self.actor_or(d, admin), self.id_or(d, offered)).await.map(drop),
            "tickets" => {
                let filter = TicketFilter {
                    status: d.opt(|d| d.status()),
                    customer: d.opt(|d| self.id_or(d, customer.id)),
                    expert: d.opt(|d| self.id_or(d, expert.id)),
                };
                let (actor, after) = (self.actor_or(d, admin), self.after(d));
                s.tickets(actor, filter, after, d.int_or(50)).await.map(drop)
            }
            "run_assignment" => s.run_assignment(self.actor_or(d, system_actor()), d.weights()).await.map(drop),
            "expire_overdue_offers" => s.expire_overdue_offers(self.actor_or(d, system_actor())).await.map(drop),
            "tickets_waiting_too_long" => s.tickets_waiting_too_long(self.actor_or(d, manager)).await.map(drop),
            "quarantined_records" => {
                let (actor, kind, after) = (self.actor_or(d, admin), d.pick(&kinds), self.after(d));
                s.quarantined_records(actor, kind, after, d.int_or(100)).await.map(drop)
            }
            "poll_outbox" => s.poll_outbox(d.text_or("notifications"), d.int_or(10)).await.map(drop),
            "ack_outbox" => s.ack_outbox(d.text_or("notifications"), d.unsigned_or(1)).await,
            "system_actor" => {
                system_actor();
                Ok(())
            }
            "product_category_named" => product_category_named(d.text_or("television")).map(drop),
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
