//! Billing periods and proration: what a month of a subscription costs, line by line.
//!
//! **The proration rule.** A period is a calendar month in UTC. Each day of it is billed
//! at the plan in force at the end of that day (UTC): the day a subscription starts or
//! changes plan is billed at the new plan, the day it is cancelled is not billed. Each
//! run of consecutive days on one plan is one invoice line costing
//! `monthly fee × days ÷ days in the month`, rounded half away from zero to the cent
//! (the rule of [`Money::new`]). The invoice's total is the sum of its rounded lines, so
//! the lines always add up to the total; a whole month on one plan costs exactly its fee.

use crate::error::ValidationError;
use crate::id::PlanId;
use crate::money::Money;
use crate::text::PlanName;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar month in UTC, the span one invoice covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BillingPeriod {
    year: i32,
    month: u32,
}

impl BillingPeriod {
    /// Month `1..=12` of a year `1970..=9998` (the next period must still start in range).
    pub fn new(year: i32, month: u32) -> Result<Self, ValidationError> {
        if !(1970..=9998).contains(&year) {
            return Err(ValidationError::OutOfRange {
                field: "period year",
                value: i64::from(year),
                min: 1970,
                max: 9998,
            });
        }
        if !(1..=12).contains(&month) {
            return Err(ValidationError::OutOfRange {
                field: "period month",
                value: i64::from(month),
                min: 1,
                max: 12,
            });
        }
        Ok(Self { year, month })
    }

    /// Parses `YYYY-MM`, as [`Display`](fmt::Display) writes it.
    ///
    /// ```
    /// use sysops_core::billing::BillingPeriod;
    /// let november = BillingPeriod::parse("2026-11").unwrap();
    /// assert_eq!(november.days(), 30);
    /// assert_eq!(november.next().to_string(), "2026-12");
    /// assert!(BillingPeriod::parse("2026-13").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        let unknown =
            || ValidationError::Unknown { field: "billing period (YYYY-MM)", value: crate::error::clip(text) };
        let (year, month) = text.trim().split_once('-').ok_or_else(unknown)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(unknown());
        }
        Self::new(year.parse().map_err(|_| unknown())?, month.parse().map_err(|_| unknown())?)
    }

    /// The period `at` falls in.
    pub fn containing(at: DateTime<Utc>) -> Result<Self, ValidationError> {
        Self::new(at.year(), at.month())
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month, `1..=12`.
    pub fn month(&self) -> u32 {
        self.month
    }

    /// The following month (the last accepted period is 9998-12, whose next is 9999-01).
    pub fn next(&self) -> Self {
        if self.month == 12 {
            Self { year: self.year + 1, month: 1 }
        } else {
            Self { year: self.year, month: self.month + 1 }
        }
    }

    /// The period's first instant.
    pub fn start(&self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(self.year, self.month, 1, 0, 0, 0).single().unwrap_or(crate::time::EARLIEST)
    }

    /// The first instant after the period.
    pub fn end(&self) -> DateTime<Utc> {
        self.next().start()
    }

    /// How many days the month has.
    pub fn days(&self) -> u32 {
        let first = NaiveDate::from_ymd_opt(self.year, self.month, 1);
        let next = self.next();
        let next = NaiveDate::from_ymd_opt(next.year, next.month, 1);
        match (first, next) {
            (Some(a), Some(b)) => u32::try_from((b - a).num_days()).unwrap_or(31),
            _ => 31,
        }
    }

    /// A stable number for storage and ids: months since year 0 (`year × 12 + month − 1`).
    pub fn ordinal(&self) -> u32 {
        u32::try_from(self.year).unwrap_or(0) * 12 + self.month - 1
    }
}

impl TryFrom<String> for BillingPeriod {
    type Error = ValidationError;
    fn try_from(text: String) -> Result<Self, ValidationError> {
        Self::parse(&text)
    }
}

impl From<BillingPeriod> for String {
    fn from(period: BillingPeriod) -> String {
        period.to_string()
    }
}

impl fmt::Display for BillingPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A plan as billed: which, its name for the invoice line, and its monthly fee as it was when
/// the subscription moved to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct BilledPlan {
    pub plan: PlanId,
    pub name: PlanName,
    pub monthly_fee: Money,
}

/// What a subscription is from an instant on: a plan, or (`None`) cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSpan {
    /// When it took effect.
    pub from: DateTime<Utc>,
    /// The plan billed from then on; `None` once cancelled.
    pub plan: Option<BilledPlan>,
}

/// One line of an invoice: consecutive days on one plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// The plan.
    pub plan: PlanId,
    /// Its name.
    pub description: PlanName,
    /// First day billed (UTC).
    pub first_day: NaiveDate,
    /// How many days.
    pub days: u32,
    /// `monthly fee × days ÷ days in the month`, rounded to the cent.
    pub amount: Money,
}

/// The lines a subscription owes for `period`, given its `spans` in effective order. Days
/// before the first span or on no plan owe nothing; the result is empty when no day is billed.
pub fn prorate(period: BillingPeriod, spans: &[PlanSpan]) -> Result<Vec<InvoiceLine>, ValidationError> {
    let days_in_month = Decimal::from(period.days());
    // Runs of consecutive billed days on one plan at one fee: (span, first day, days).
    let mut runs: Vec<(&BilledPlan, NaiveDate, u32)> = Vec::new();
    let mut day = period.start();
    while day < period.end() {
        let day_end = day + chrono::Duration::days(1);
        // The plan in force at the end of the day: that of the last span begun before it ended.
        if let Some(span) = spans.iter().rev().find(|s| s.from < day_end).and_then(|s| s.plan.as_ref()) {
            let today = day.date_naive();
            match runs.last_mut() {
                Some((run, first, days))
                    if run.plan == span.plan
                        && run.monthly_fee == span.monthly_fee
                        && *first + chrono::Days::new(u64::from(*days)) == today =>
                {
                    *days += 1;
                }
                _ => runs.push((span, today, 1)),
            }
        }
        day = day_end;
    }
    runs.into_iter()
        .map(|(span, first_day, days)| {
            let fee = span.monthly_fee;
            let amount = fee
                .amount()
                .checked_mul(Decimal::from(days))
                .and_then(|a| a.checked_div(days_in_month))
                .ok_or(ValidationError::Overflow { field: "invoice line" })?;
            Ok(InvoiceLine {
                plan: span.plan,
                description: span.name.clone(),
                first_day,
                days,
                amount: Money::new(amount, fee.currency()),
            })
        })
        .collect()
}
