//! Proration as customers and the accountant see it: every line adds up. (The monthly run's
//! invariants are checked by `tests/billing_properties.rs` and the conformance suite.)

use super::*;
use crate::id::PlanId;
use crate::money::{Currency, Money};
use crate::text::PlanName;
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;
use rust_decimal::Decimal;
use uuid::Uuid;

fn usd(cents: i64) -> Money {
    Money::new(Decimal::new(cents, 2), Currency::Usd)
}

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

fn plan(n: u128, fee_cents: i64) -> BilledPlan {
    BilledPlan {
        plan: PlanId::from_uuid(Uuid::from_u128(n)),
        name: PlanName::new(format!("Plan {n}")).unwrap(),
        monthly_fee: usd(fee_cents),
    }
}

fn total(lines: &[InvoiceLine]) -> Money {
    lines.iter().fold(usd(0), |sum, l| sum.checked_add(l.amount).unwrap())
}

#[test]
fn a_whole_month_on_one_plan_costs_exactly_its_fee() {
    let november = BillingPeriod::parse("2026-11").unwrap();
    let spans = [PlanSpan { from: at(2026, 3, 2, 15), plan: Some(plan(1, 2999)) }];
    let lines = prorate(november, &spans).unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0].days, lines[0].amount), (30, usd(2999)));
}

#[test]
fn a_plan_change_mid_month_bills_each_plan_for_its_days() {
    // Basic at 30.00 until the 10th at noon, then Premium at 61.00: 9 days and 21 days.
    let november = BillingPeriod::parse("2026-11").unwrap();
    let spans = [
        PlanSpan { from: at(2026, 1, 1, 0), plan: Some(plan(1, 3000)) },
        PlanSpan { from: at(2026, 11, 10, 12), plan: Some(plan(2, 6100)) },
    ];
    let lines = prorate(november, &spans).unwrap();
    assert_eq!(lines.iter().map(|l| (l.days, l.amount)).collect::<Vec<_>>(), vec![(9, usd(900)), (21, usd(4270))]);
}

#[test]
fn the_day_of_a_cancellation_is_not_billed_and_the_day_of_a_start_is() {
    let november = BillingPeriod::parse("2026-11").unwrap();
    let spans = [
        PlanSpan { from: at(2026, 11, 3, 18), plan: Some(plan(1, 3000)) },
        PlanSpan { from: at(2026, 11, 5, 9), plan: None },
    ];
    let lines = prorate(november, &spans).unwrap();
    assert_eq!(
        lines.iter().map(|l| (l.first_day.to_string(), l.days)).collect::<Vec<_>>(),
        vec![("2026-11-03".into(), 2)]
    );
    assert_eq!(total(&lines), usd(200));
    let before = BillingPeriod::parse("2026-10").unwrap();
    assert!(prorate(before, &spans).unwrap().is_empty(), "nothing is owed before the subscription starts");
}

fn spans_strategy() -> impl Strategy<Value = Vec<PlanSpan>> {
    // Up to 6 changes in or around a 31-day month, each to one of 3 plans or a cancellation.
    prop::collection::vec((0i64..40 * 24, prop::option::of((1u128..4, 0i64..100_000))), 1..7).prop_map(|changes| {
        let mut hours: Vec<_> = changes;
        hours.sort_by_key(|(h, _)| *h);
        hours
            .into_iter()
            .map(|(h, p)| PlanSpan {
                from: at(2026, 12, 1, 0) - Duration::days(4) + Duration::hours(h),
                plan: p.map(|(n, fee)| plan(n, fee)),
            })
            .collect()
    })
}

proptest! {
    /// The lines of an invoice add up to its total, cover each billed day once, and never
    /// bill more than the dearest plan's fee for the month.
    #[test]
    fn prorated_lines_add_up_and_never_exceed_a_month(spans in spans_strategy()) {
        let december = BillingPeriod::parse("2026-12").unwrap();
        let lines = prorate(december, &spans).unwrap();
        let days: u32 = lines.iter().map(|l| l.days).sum();
        prop_assert!(days <= december.days());
        let dearest = spans.iter().filter_map(|s| s.plan.as_ref()).map(|p| p.monthly_fee.amount()).max().unwrap_or_default();
        let sum = total(&lines).amount();
        // Each line rounds by at most half a cent.
        prop_assert!(sum <= dearest + Decimal::new(lines.len() as i64, 2));
        for pair in lines.windows(2) {
            prop_assert!(pair[0].first_day + chrono::Days::new(u64::from(pair[0].days)) <= pair[1].first_day);
        }
    }
}
