//! The demo's month of billing: every customer registers a card (generated, valid test
//! numbers, never printed), the month is billed with a simulated gateway that declines some
//! cards, loses some answers and times out on others, and the retries run after 1, 3 and 7
//! days until the last failures suspend their accounts.

use crate::rng::Rng;
use chrono::Duration;
use std::collections::BTreeMap;
use std::sync::Arc;
use sysops_core::billing::{
    BillingPeriod, CardExpiry, CardNumber, InvoiceStatus, NewCard, Simulated, SimulatedGateway,
};
use sysops_core::store::Page;
use sysops_core::{Actor, Clock, Customer, ManualClock, Money};
use sysops_storage::{CardKey, KeyProvider, StaticKeys, Sysops};

/// The demo's card key. A real host gets its keys from a key management service.
pub fn demo_card_keys() -> Arc<dyn KeyProvider> {
    Arc::new(StaticKeys::new(CardKey::new("demo-2026", &[0x42; 32]).expect("a valid demo key"), []))
}

/// A valid Visa test number (Luhn check digit fixed) drawn from `rng`.
fn card_number(rng: &mut Rng) -> CardNumber {
    let mut digits: Vec<u8> = std::iter::once(4).chain((0..14).map(|_| rng.range(0, 9) as u8)).collect();
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d }
        })
        .sum();
    digits.push(((10 - sum % 10) % 10) as u8);
    let text: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    CardNumber::parse(&text).expect("a generated number passes the Luhn check")
}

/// What the month of billing did, for the summary.
#[derive(Default)]
#[allow(missing_docs)]
pub struct Month {
    pub issued: u64,
    pub paid_first_time: u64,
    pub declined: usize,
    pub unanswered: usize,
    /// Per retry run: days after the previous run, invoices paid, declined again.
    pub retries: Vec<(i64, u64, usize)>,
    pub suspended: usize,
    pub billed: Option<Money>,
    pub collected: Option<Money>,
    pub by_status: BTreeMap<String, usize>,
}

fn add(sum: &mut Option<Money>, amount: Money) {
    *sum = Some(match sum.take() {
        Some(s) => s.checked_add(amount).unwrap_or(s),
        None => amount,
    });
}

/// Cards for every customer (5% always declined, 5% declined once, 2% answers lost, 2%
/// timeouts), then the month of `clock`'s date billed when it ends, and the retries.
pub async fn bill_the_month(
    sysops: &Sysops,
    clock: &ManualClock,
    admin: Actor,
    customers: &[Customer],
    rng: &mut Rng,
) -> Result<Month, Box<dyn std::error::Error>> {
    let gateway = SimulatedGateway::new();
    let decline = || Simulated::Decline("insufficient funds".into());
    for customer in customers {
        let number = card_number(rng);
        let roll = rng.unit();
        let script = match roll {
            r if r < 0.05 => Some(vec![decline()]),
            r if r < 0.10 => Some(vec![decline(), Simulated::Approve]),
            r if r < 0.12 => Some(vec![Simulated::LostAnswer, Simulated::Approve]),
            r if r < 0.14 => Some(vec![Simulated::Timeout, Simulated::Approve]),
            _ => None,
        };
        if let Some(steps) = script {
            gateway.script(&number, steps);
        }
        let card =
            NewCard { number, expiry: CardExpiry::new(2030, 12)?, holder: customer.contact.name.clone(), cvv: None };
        sysops.start_subscription(Actor::customer(customer.id), customer.id, card).await?;
    }
    let period = BillingPeriod::containing(clock.now())?;
    clock.advance(period.end() - clock.now() + Duration::hours(2))?;
    let mut month = Month::default();
    let first = sysops.run_billing(Actor::system(), period, &gateway).await?;
    (month.issued, month.paid_first_time) = (first.issued, first.paid);
    (month.declined, month.unanswered) = (first.declined.len(), first.unanswered.len());
    month.suspended += first.suspended.len();
    for days in [1, 2, 4] {
        clock.advance(Duration::days(days))?;
        let retry = sysops.run_billing(Actor::system(), period, &gateway).await?;
        month.retries.push((days, retry.paid, retry.declined.len()));
        month.suspended += retry.suspended.len();
    }
    for customer in customers {
        let listing = sysops.invoices(admin, customer.id, Page::first(10)).await?;
        for invoice in listing.items.iter().filter(|i| i.period == period) {
            add(&mut month.billed, invoice.total);
            if invoice.status == InvoiceStatus::Paid {
                add(&mut month.collected, invoice.total);
            }
            *month.by_status.entry(format!("{:?}", invoice.status)).or_default() += 1;
        }
    }
    Ok(month)
}
