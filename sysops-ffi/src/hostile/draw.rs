//! Argument values drawn from bytes, valid or hostile.

use crate::*;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
use rust_decimal::Decimal;

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

/// Card numbers: valid ones of three brands, then a wrong check digit, 25 digits, letters,
/// an unknown network, spaces only, and Arabic-Indic digits.
pub(super) const CARD_NUMBERS: [&str; 9] = [
    "4242 4242 4242 4242",
    "5555-5555-5555-4444",
    "378282246310005",
    "4242424242424241",
    "4111111111111111111111111",
    "4242-4242-4242-424x",
    "9111111111111111",
    "                ",
    "٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢",
];

pub(super) const URLS: [&str; 8] = [
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
    pub(super) fn hostile(&mut self) -> bool {
        match &mut self.poison {
            Some((field, drawn)) => {
                *drawn += 1;
                *drawn - 1 == *field
            }
            None => self.below(3) == 0,
        }
    }

    /// `valid`, or a value drawn by `hostile` when this argument is the hostile one.
    pub(super) fn or<T>(&mut self, valid: T, hostile: impl FnOnce(&mut Self) -> T) -> T {
        if self.hostile() { hostile(self) } else { valid }
    }

    pub(super) fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at = self.at.saturating_add(1);
        b
    }

    /// A number below `n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        let wide = usize::from(self.byte()) << 8 | usize::from(self.byte());
        wide % n.max(1)
    }

    pub(super) fn pick<T: Clone>(&mut self, pool: &[T]) -> T {
        pool[self.below(pool.len())].clone()
    }

    pub(super) fn flag(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    pub(super) fn real(&mut self) -> f64 {
        self.pick(&REALS)
    }

    pub(super) fn int(&mut self) -> i64 {
        self.pick(&INTEGERS)
    }

    pub(super) fn unsigned(&mut self) -> u64 {
        self.pick(&UNSIGNED)
    }

    pub(super) fn text(&mut self) -> String {
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

    pub(super) fn opt<T>(&mut self, value: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.flag() { Some(value(self)) } else { None }
    }

    pub(super) fn time(&mut self) -> DateTime<Utc> {
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

    pub(super) fn duration(&mut self) -> TimeDelta {
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

    pub(super) fn time_of_day(&mut self) -> NaiveTime {
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

    pub(super) fn decimal(&mut self) -> Decimal {
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

    pub(super) fn point(&mut self) -> GeoPoint {
        GeoPoint { lat: self.real_or(41.88), lon: self.real_or(-87.63) }
    }

    pub(super) fn category(&mut self) -> ProductCategory {
        self.pick(&[
            ProductCategory::Television,
            ProductCategory::Computer,
            ProductCategory::Mobile,
            ProductCategory::Audio,
            ProductCategory::Printer,
            ProductCategory::GameConsole,
        ])
    }

    pub(super) fn level(&mut self) -> i64 {
        self.int_or(2)
    }

    pub(super) fn text_or(&mut self, valid: &str) -> String {
        self.or(valid.to_owned(), Self::text)
    }

    pub(super) fn int_or(&mut self, valid: i64) -> i64 {
        self.or(valid, Self::int)
    }

    pub(super) fn real_or(&mut self, valid: f64) -> f64 {
        self.or(valid, Self::real)
    }

    pub(super) fn time_or(&mut self, valid: DateTime<Utc>) -> DateTime<Utc> {
        self.or(valid, Self::time)
    }

    pub(super) fn duration_or(&mut self, valid: TimeDelta) -> TimeDelta {
        self.or(valid, Self::duration)
    }

    pub(super) fn unsigned_or(&mut self, valid: u64) -> u64 {
        self.or(valid, Self::unsigned)
    }

    pub(super) fn contact(&mut self) -> Contact {
        Contact {
            name: self.text_or("Carla Caller"),
            email: self.text_or("carla@example.com"),
            phone: self.text_or("+13125550100"),
            prefers: self.pick(&[MessageChannel::Email, MessageChannel::Sms]),
        }
    }

    pub(super) fn address(&mut self) -> Address {
        Address {
            street: self.text_or("1 Main St"),
            city: self.text_or("Chicago"),
            region: self.text_or("IL"),
            postal_code: self.text_or("60601"),
            location: self.point(),
            time_zone: self.text_or("America/Chicago"),
        }
    }

    pub(super) fn skills(&mut self) -> Vec<Skill> {
        let valid = vec![Skill { category: ProductCategory::Television, level: 4 }];
        self.or(valid, |d| {
            let n = d.below(4);
            (0..n).map(|_| Skill { category: d.category(), level: d.int() }).collect()
        })
    }

    pub(super) fn hours(&mut self) -> WeeklyHours {
        let zone = self.text_or("America/Chicago");
        if !self.hostile() {
            return always();
        }
        WeeklyHours { zone, windows: self.windows() }
    }

    fn windows(&mut self) -> Vec<WorkWindow> {
        let n = self.below(4);
        (0..n)
            .map(|_| WorkWindow {
                day: self.pick(&[Weekday::Monday, Weekday::Friday, Weekday::Sunday]),
                start: self.time_of_day(),
                end: self.time_of_day(),
            })
            .collect()
    }

    /// Around the clock, or business hours of hostile windows and holidays at the ends of time.
    pub(super) fn service_hours(&mut self) -> ServiceHours {
        if !self.hostile() {
            return ServiceHours::AroundTheClock {};
        }
        let dates = [NaiveDate::MIN, NaiveDate::MAX, NaiveDate::from_ymd_opt(2026, 12, 25).unwrap_or_default()];
        let holidays = (0..self.below(3)).map(|_| self.pick(&dates)).collect();
        ServiceHours::Business { windows: self.windows(), holidays }
    }

    pub(super) fn profile(&mut self) -> ExpertProfile {
        ExpertProfile {
            name: self.text_or("Nia Expert"),
            skills: self.skills(),
            base: self.point(),
            radius_km: self.int_or(80),
            hours: self.hours(),
            capacity: self.int_or(5),
            phone: self.or(None, |d| Some(d.text())),
        }
    }

    pub(super) fn targets(&mut self) -> ServiceTargets {
        ServiceTargets {
            answer_within: self.duration_or(TimeDelta::minutes(30)),
            respond_within: self.duration_or(TimeDelta::hours(4)),
            resolve_within: self.duration_or(TimeDelta::hours(48)),
            reopen_within: self.duration_or(TimeDelta::days(7)),
        }
    }

    pub(super) fn terms(&mut self) -> PlanTerms {
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
            hours: self.service_hours(),
            escalation: self.or(None, |d| Some(d.text())),
        }
    }

    pub(super) fn article(&mut self) -> ArticleContent {
        let categories = self.or(vec![ProductCategory::Printer], |d| (0..d.below(4)).map(|_| d.category()).collect());
        let tags = self.or(vec!["paper".to_owned()], |d| (0..d.below(30)).map(|_| d.text()).collect());
        ArticleContent { title: self.text_or("Paper jam"), body: self.text_or("Open tray 2."), categories, tags }
    }

    pub(super) fn weights(&mut self) -> Option<CostWeights> {
        self.opt(|d| CostWeights {
            distance_per_km: d.real_or(1.0),
            load: d.real_or(30.0),
            overqualification_per_level: d.real_or(8.0),
            rating_per_missing_star: d.real_or(10.0),
            fairness: d.real_or(15.0),
        })
    }

    /// A card: valid fields, or hostile ones (numbers, expiry, holder, CVV), checked by `Card::new`.
    pub(super) fn card(&mut self) -> Result<std::sync::Arc<crate::Card>, crate::SysopsError> {
        let number = self.or(CARD_NUMBERS[0], |d| d.pick(&CARD_NUMBERS));
        let (year, month) = (self.int_or(2031), self.int_or(7));
        let holder = self.text_or("Carla Customer");
        let cvv = self.or(Some("123".to_owned()), |d| d.opt(|d| d.text()));
        crate::Card::new(number.to_owned(), year, month, holder, cvv)
    }

    pub(super) fn status(&mut self) -> TicketStatus {
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

pub(super) fn always() -> WeeklyHours {
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
