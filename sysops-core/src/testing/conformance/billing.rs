//! Billing: the card vault, the invoice listings, and a billing history whose books must
//! balance on every backend: never two invoices for one subscription and period, never a
//! charge without an invoice, never two charges of one invoice, money conserved to the cent.

use crate::billing::{
    AttemptOutcome, BillingError, BillingPeriod, CardExpiry, CardNumber, ChargeAnswer, ChargeRequest, GatewayFuture,
    Invoice, InvoiceStatus, NewCard, PaymentGateway, Simulated, SimulatedGateway, VaultError,
};
use crate::store::{Page, VaultEntry};
use crate::testing::fixtures::{World, plan_terms};
use crate::{Actor, CardToken, Clock, Currency, CustomerId, Error, InvoiceId, Money, PlanTerms, Reason, Store};
use chrono::Duration;
use rust_decimal::Decimal;
use std::collections::HashMap;

/// Generates one `#[test]` per billing case ([`BillingStore`](crate::store::BillingStore) and
/// [`CardVault`](crate::store::CardVault)) for a backend; see [`store_conformance_tests!`](crate::store_conformance_tests).
#[macro_export]
macro_rules! billing_store_conformance_tests {
    ($block_on:path, $fresh:expr) => {
        $crate::billing_store_conformance_tests!($block_on, $fresh, skip_unless = true);
    };
    ($block_on:path, $fresh:expr, skip_unless = $available:expr) => {
        $crate::conformance_cases!($block_on, $fresh, $available;
            a_card_is_revealed_only_by_its_token,
            a_page_of_cards_is_stored_and_revealed_at_once_each_by_its_own_token,
            a_month_of_declines_retries_and_lost_answers_balances_the_books,
            a_gateway_answer_sysops_cannot_keep_is_asked_again_with_the_same_key,
        );
    };
}

/// The test cards the histories use, one per customer.
pub const CARDS: [&str; 3] = ["4242424242424242", "5555555555554444", "378282246310005"];

fn usd(cents: i64) -> Money {
    Money::new(Decimal::new(cents, 2), Currency::Usd)
}

pub async fn a_card_is_revealed_only_by_its_token<S: Store>(store: S) {
    let card = CardNumber::parse(CARDS[0]).unwrap();
    let token = CardToken::from_uuid(uuid::Uuid::now_v7());
    let customer = CustomerId::from_uuid(uuid::Uuid::now_v7());
    store.store_card(token, customer, &card).await.expect("store");
    assert_eq!(store.reveal_card(token).await.expect("reveal"), card);
    let unknown = CardToken::from_uuid(uuid::Uuid::now_v7());
    assert!(matches!(store.reveal_card(unknown).await, Err(VaultError::UnknownToken { token }) if token == unknown));
    let report = store.rotate_card_keys().await.expect("rotate");
    assert_eq!((report.rotated, report.current), (0, 1), "nothing to rotate under an unchanged key");
}

/// Cards are imported a page at a time, and the billing run reveals a page's cards in one read: each answer is the card of its own
/// token, in the order asked, and an unknown token fails alone.
pub async fn a_page_of_cards_is_stored_and_revealed_at_once_each_by_its_own_token<S: Store>(store: S) {
    let cards: Vec<CardNumber> = CARDS.iter().cycle().take(1_500).map(|d| CardNumber::parse(d).unwrap()).collect();
    let entries: Vec<VaultEntry<'_>> = (0..cards.len())
        .map(|n| VaultEntry {
            token: CardToken::from_uuid(uuid::Uuid::from_u128(0x0195_0000_0000_7000_8000_0000_0000_0000 + n as u128)),
            customer: CustomerId::from_uuid(uuid::Uuid::now_v7()),
            card: &cards[n],
        })
        .collect();
    // The first cards one by one, the rest imported in one write.
    for entry in &entries[..100] {
        store.store_card(entry.token, entry.customer, entry.card).await.expect("store");
    }
    store.store_cards(&entries[100..]).await.expect("store a page");
    store.store_cards(&[]).await.expect("nothing to store");
    let mut tokens: Vec<CardToken> = entries.iter().map(|e| e.token).collect();
    tokens.reverse();
    let unknown = CardToken::from_uuid(uuid::Uuid::now_v7());
    tokens.insert(700, unknown);
    let revealed = store.reveal_cards(&tokens).await.expect("one read");
    assert_eq!(revealed.len(), tokens.len());
    for (n, (token, card)) in tokens.iter().zip(&revealed).enumerate() {
        match card {
            Ok(card) => {
                let stored = 1_499 - if n > 700 { n - 1 } else { n };
                assert_eq!(card.expose_digits(), CARDS[stored % CARDS.len()], "the card of {token}");
            }
            Err(VaultError::UnknownToken { token }) => assert_eq!((*token, n), (unknown, 700)),
            Err(other) => panic!("{other}"),
        }
    }
    assert!(store.reveal_cards(&[]).await.expect("nothing to read").is_empty());
}

pub async fn a_month_of_declines_retries_and_lost_answers_balances_the_books<S: Store>(store: S) {
    check_history(store, months_of_declines_retries_and_refunds()).await;
}

/// Three months of billing: declines, retries, answers lost, a plan switched, refunds, a
/// write-off and a cancellation.
pub fn months_of_declines_retries_and_refunds() -> Vec<Step> {
    use Step::*;
    let decline = || Simulated::Decline("insufficient funds".into());
    vec![
        Script(1, vec![decline(), decline(), Simulated::Approve]),
        Script(2, vec![Simulated::LostAnswer, Simulated::Approve]),
        Days(20),
        SwitchPlan(0),
        Days(15),
        Run,
        RunTwice,
        Days(1),
        Run,
        Days(2),
        Run,
        Refund(0, 1000),
        Refund(0, 999_999),
        Script(0, vec![Simulated::Timeout, Simulated::Unavailable, decline()]),
        Days(30),
        Run,
        Run,
        Days(8),
        Run,
        Days(8),
        Run,
        Retry(0),
        WriteOff(0),
        Cancel(2),
        Days(30),
        Run,
    ]
}

/// A gateway that charges like `inner` but, while `garbling`, answers each charge with the
/// next id sysops cannot keep in turn: a host's gateway answering what cannot be stored.
struct Garbling {
    inner: SimulatedGateway,
    garbling: std::sync::atomic::AtomicBool,
    calls: std::sync::atomic::AtomicUsize,
}

impl Garbling {
    fn unusable(n: usize) -> String {
        match n % 3 {
            0 => String::new(),
            1 => "x".repeat(crate::billing::MAX_GATEWAY_TEXT + 1),
            _ => "ch_1\n".to_owned(),
        }
    }
}

impl PaymentGateway for Garbling {
    fn charge(&self, request: ChargeRequest) -> GatewayFuture<'_, ChargeAnswer> {
        use std::sync::atomic::Ordering::SeqCst;
        Box::pin(async move {
            let answer = self.inner.charge(request).await?;
            let n = self.calls.fetch_add(1, SeqCst);
            Ok(if self.garbling.load(SeqCst) { ChargeAnswer::Charged(Self::unusable(n)) } else { answer })
        })
    }

    fn refund(&self, key: String, charge: String, amount: Money) -> GatewayFuture<'_, String> {
        self.inner.refund(key, charge, amount)
    }
}

pub async fn a_gateway_answer_sysops_cannot_keep_is_asked_again_with_the_same_key<S: Store>(store: S) {
    use std::sync::atomic::Ordering::SeqCst;
    let w = World::new(store, 1, 0).await.unwrap();
    let card = NewCard {
        number: CardNumber::parse(CARDS[0]).unwrap(),
        expiry: CardExpiry::new(2040, 1).unwrap(),
        holder: w.customers[0].contact.name.clone(),
        cvv: None,
    };
    w.service.start_subscription(w.customer(0), w.customers[0].id, card).await.unwrap();
    w.clock.advance(Duration::days(40)).unwrap();
    let month = BillingPeriod::containing(w.clock.now() - Duration::days(31)).unwrap();
    let gateway = Garbling { inner: SimulatedGateway::new(), garbling: true.into(), calls: 0.into() };
    let mut unanswered = vec![];
    while gateway.calls.load(SeqCst) < 3 {
        let report = w.service.run_billing(Actor::system(), month, &gateway).await.unwrap();
        assert_eq!(report.paid, 0, "an answer that cannot be kept does not pay the invoice");
        assert_eq!(report.unanswered.len(), 1, "it is reported as no answer");
        unanswered = report.unanswered;
    }
    gateway.garbling.store(false, SeqCst);
    let report = w.service.run_billing(Actor::system(), month, &gateway).await.unwrap();
    assert_eq!((report.paid, report.unanswered.len()), (1, 0), "asked again with the same key, the answer is kept");
    let invoice = w.service.invoice(w.admin, unanswered[0]).await.unwrap();
    assert_eq!((invoice.status, invoice.attempts.len()), (InvoiceStatus::Paid, 1), "one attempt, one key");
    assert_eq!(gateway.inner.charges().len(), 1, "charged once");
}

/// One step of a billing history: what time, customers, administrators and the gateway do.
#[derive(Debug, Clone)]
pub enum Step {
    /// Time passes.
    Days(i64),
    /// The billing run for the month that ended last (or a rerun of it).
    Run,
    /// Two runs at once.
    RunTwice,
    /// Customer `.0`'s card does this on its next new charges (the last step repeats).
    Script(usize, Vec<Simulated>),
    /// The customer moves to the other plan.
    SwitchPlan(usize),
    /// The customer cancels (refused when already cancelled).
    Cancel(usize),
    /// An administrator charges the customer's oldest unpaid invoice now.
    Retry(usize),
    /// An administrator refunds this many cents of the customer's oldest paid invoice.
    Refund(usize, i64),
    /// An administrator writes off the customer's oldest unpaid invoice.
    WriteOff(usize),
}

async fn oldest<S: Store>(w: &World<S>, c: usize, keep: impl Fn(&Invoice) -> bool) -> Option<Invoice> {
    let listing = w.service.invoices(w.admin, w.customers[c].id, Page::first(1000)).await.unwrap();
    listing.items.into_iter().filter(|i| keep(i)).min_by_key(|i| i.period)
}

/// Three customers with cards on a fresh `store` live through `steps`; the books are checked
/// after every step (see [`check_books`]). Answers the world they lived in.
pub async fn check_history<S: Store>(store: S, steps: Vec<Step>) -> World<S> {
    let w = World::new(store, 3, 0).await.unwrap();
    let premium = w.service.define_plan(w.admin, PlanTerms { monthly_fee: usd(6100), ..plan_terms() }).await.unwrap();
    let gateway = SimulatedGateway::new();
    let mut cards = Vec::new();
    for (n, digits) in CARDS.iter().enumerate() {
        let number = CardNumber::parse(digits).unwrap();
        let card = NewCard {
            number: number.clone(),
            expiry: CardExpiry::new(2040, 1).unwrap(),
            holder: w.customers[n].contact.name.clone(),
            cvv: None,
        };
        w.service.start_subscription(w.customer(n), w.customers[n].id, card).await.unwrap();
        cards.push(number);
    }
    let reason = Reason::new("the customer called").unwrap();
    for step in steps {
        let now = w.clock.now();
        let this_month = BillingPeriod::containing(now).unwrap();
        let last_month = BillingPeriod::containing(this_month.start() - Duration::days(1)).unwrap();
        match step {
            Step::Days(d) => {
                w.clock.advance(Duration::days(d)).unwrap();
            }
            Step::Run => {
                w.service.run_billing(Actor::system(), last_month, &gateway).await.unwrap();
            }
            Step::RunTwice => {
                let (a, b) = futures::future::join(
                    w.service.run_billing(Actor::system(), last_month, &gateway),
                    w.service.run_billing(w.admin, last_month, &gateway),
                )
                .await;
                a.unwrap();
                b.unwrap();
            }
            Step::Script(c, steps) => gateway.script(&cards[c], steps),
            Step::SwitchPlan(c) => {
                let customer = w.service.customer(w.admin, w.customers[c].id).await.unwrap();
                let to = if customer.plan == w.plan.id { premium.id } else { w.plan.id };
                w.service.change_customer_plan(w.customer(c), customer.id, to).await.unwrap();
            }
            Step::Cancel(c) => match w.service.cancel_subscription(w.customer(c), w.customers[c].id).await {
                Ok(_) | Err(Error::Billing(BillingError::NoActiveSubscription { .. })) => {}
                Err(e) => panic!("cancel: {e}"),
            },
            Step::Retry(c) => {
                let unpaid = oldest(&w, c, |i| i.status.is_unpaid() && i.pending_attempt().is_none()).await;
                if let Some(i) = unpaid {
                    w.service.retry_payment(w.admin, i.id, reason.clone(), &gateway).await.unwrap();
                }
            }
            Step::Refund(c, cents) => {
                let paid = oldest(&w, c, |i| i.status == InvoiceStatus::Paid && i.pending_refund().is_none()).await;
                if let Some(i) = paid {
                    let refundable = i.paid().checked_sub(i.refunded().unwrap()).unwrap();
                    let asked = usd(cents);
                    let result = w.service.refund_payment(w.admin, i.id, asked, reason.clone(), &gateway).await;
                    if asked.amount() <= refundable.amount() {
                        result.unwrap();
                    } else {
                        assert!(
                            matches!(result, Err(Error::Billing(BillingError::RefundTooLarge { .. }))),
                            "{result:?}"
                        );
                    }
                }
            }
            Step::WriteOff(c) => {
                let unpaid = oldest(&w, c, |i| i.status.is_unpaid() && i.pending_attempt().is_none()).await;
                if let Some(i) = unpaid {
                    w.service.write_off_invoice(w.admin, i.id, reason.clone()).await.unwrap();
                }
            }
        }
        check_books(&w, &gateway).await;
    }
    w
}

/// The accountant's invariants over every invoice of `w`'s customers and every call the
/// gateway answered, and a suspension exactly while an invoice is uncollectible.
pub async fn check_books<S: Store>(w: &World<S>, gateway: &SimulatedGateway) {
    let mut invoices = Vec::new();
    for customer in &w.customers {
        let listing = w.service.invoices(w.admin, customer.id, Page::first(1000)).await.unwrap();
        assert!(listing.quarantined.is_empty());
        let mut periods: Vec<_> = listing.items.iter().map(|i| i.period).collect();
        periods.sort();
        periods.dedup();
        assert_eq!(periods.len(), listing.items.len(), "two invoices for one period");
        let suspended = w.service.customer(w.admin, customer.id).await.unwrap().suspended_for;
        if let Some(held) = suspended {
            let unpaid = listing.items.iter().any(|i| i.id == held && i.status.is_unpaid());
            assert!(unpaid, "suspended for a settled invoice");
        } else {
            // Suspension follows within the run that made the invoice uncollectible.
            let uncollectible = listing.items.iter().any(|i| i.status == InvoiceStatus::Uncollectible);
            assert!(!uncollectible, "an uncollectible invoice without a suspension");
        }
        invoices.extend(listing.items);
    }
    let by_key: HashMap<&str, &Invoice> =
        invoices.iter().flat_map(|i| i.attempts.iter().map(move |a| (a.key.as_str(), i))).collect();
    let mut charged: HashMap<InvoiceId, Money> = HashMap::new();
    for charge in gateway.charges() {
        let invoice = by_key.get(charge.key.as_str()).expect("a charge without an invoice attempt");
        assert_eq!(charge.amount, invoice.total);
        let sum = charged.entry(invoice.id).or_insert(usd(0));
        *sum = sum.checked_add(charge.amount).unwrap();
        assert!(sum.amount() <= invoice.total.amount(), "invoice {} charged twice", invoice.id);
    }
    for invoice in &invoices {
        let lines = invoice.lines.iter().try_fold(usd(0), |sum, l| sum.checked_add(l.amount)).unwrap();
        assert_eq!(lines, invoice.total, "the lines add up to the total");
        let recorded =
            invoice.attempts.iter().filter(|a| matches!(a.outcome, Some(AttemptOutcome::Charged { .. }))).count();
        assert!(recorded <= 1, "two recorded charges");
        if recorded == 1 {
            assert_eq!(charged.get(&invoice.id), Some(&invoice.total), "a recorded charge the gateway never made");
        }
        if invoice.status == InvoiceStatus::Paid && !invoice.total.amount().is_zero() {
            assert_eq!(recorded, 1, "paid without a charge");
        }
        assert!(invoice.refunded().unwrap().amount() <= invoice.paid().amount(), "refunded more than paid");
    }
    let refunded: Decimal = gateway.refunds().iter().map(|(_, m)| m.amount()).sum();
    let recorded: Decimal =
        invoices.iter().flat_map(|i| &i.refunds).filter(|r| r.refund.is_some()).map(|r| r.amount.amount()).sum();
    assert_eq!(refunded, recorded, "refunds conserved to the cent");
}
