//! Kill the monthly billing run at random moments (SIGKILL, 20 rounds per backend), run it
//! again each time, then to the end: exactly one invoice per subscription and period, and at
//! most one successful charge per invoice, counted on the gateway's side.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{pg_url, runtime, tempdir};
use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use sysops_core::billing::{AttemptOutcome, CardExpiry, CardNumber, InvoiceStatus, NewCard};
use sysops_core::store::Page;
use sysops_core::testing::fixtures::{address, chicago, contact, plan_terms, t0};
use sysops_core::{Actor, CustomerId, Email, ManualClock, PersonName, Role, StaffRole};
use sysops_storage::{CardKey, Options, StaticKeys, Sysops};

const ROUNDS: u64 = 20;
const CUSTOMERS: usize = 150;

async fn open(url: &str, schema: Option<&str>) -> Sysops {
    let options = Options {
        pg_schema: schema.map(str::to_owned),
        clock: Arc::new(ManualClock::new(t0()).unwrap()),
        card_keys: Some(Arc::new(StaticKeys::new(CardKey::new("crash-test", &[9; 32]).unwrap(), []))),
        ..Options::default()
    };
    Sysops::open_with(url, options).await.expect("open")
}

/// An administrator and customers subscribed since March 2; returns the administrator.
async fn prepare(url: &str, schema: Option<&str>) -> (Actor, Vec<CustomerId>) {
    let sysops = open(url, schema).await;
    let name = PersonName::new("Ada").unwrap();
    let admin = sysops
        .create_staff_account(
            Actor::system(),
            name,
            Email::new("ada@sysops.example").unwrap(),
            StaffRole::Administrator,
        )
        .await
        .unwrap();
    let admin = Actor::staff(Role::Administrator, admin.id);
    let plan = sysops.define_plan(admin, plan_terms()).await.unwrap();
    let mut customers = Vec::new();
    for n in 0..CUSTOMERS {
        let customer = sysops.register_customer(admin, contact(n), address(chicago()), plan.id).await.unwrap();
        let card = NewCard {
            number: CardNumber::parse(["4242424242424242", "5555555555554444", "378282246310005"][n % 3]).unwrap(),
            expiry: CardExpiry::new(2031, 7).unwrap(),
            holder: customer.contact.name.clone(),
            cvv: None,
        };
        sysops.start_subscription(admin, customer.id, card).await.unwrap();
        customers.push(customer.id);
    }
    sysops.close().await;
    (admin, customers)
}

fn child(url: &str, gateway: &Path, schema: Option<&str>) -> std::process::Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_billing-run"));
    command.arg(url).arg(gateway);
    if let Some(schema) = schema {
        command.arg(schema);
    }
    command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("spawn the billing run")
}

/// Starts a run, waits until it has begun, and kills it after a pseudo-random delay.
fn run_and_kill(url: &str, gateway: &Path, schema: Option<&str>, round: u64) {
    let mut run = child(url, gateway, schema);
    let mut lines = std::io::BufReader::new(run.stdout.take().unwrap()).lines();
    let started = Instant::now();
    assert_eq!(lines.next().unwrap().unwrap(), "started", "round {round}");
    let jitter = (round.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) % 400;
    std::thread::sleep(Duration::from_millis(jitter).saturating_sub(started.elapsed()));
    run.kill().expect("SIGKILL");
    run.wait().unwrap();
}

/// The gateway's charges: idempotency key to charge id.
fn charges(gateway: &Path) -> HashMap<String, String> {
    let text = std::fs::read_to_string(gateway).unwrap_or_default();
    let mut charges = HashMap::new();
    for line in text.lines() {
        let (key, charge) = line.split_once(' ').expect("KEY CHARGE");
        assert!(charges.insert(key.to_owned(), charge.to_owned()).is_none(), "key {key} charged twice");
    }
    charges
}

/// At most one invoice per customer, and no invoice charged under two keys.
async fn check(url: &str, schema: Option<&str>, admin: Actor, customers: &[CustomerId], gateway: &Path, done: bool) {
    let sysops = open(url, schema).await;
    let charges = charges(gateway);
    let mut invoices = 0;
    for customer in customers {
        let listing = sysops.invoices(admin, *customer, Page::first(10)).await.unwrap();
        assert!(listing.len() <= 1, "customer {customer} has {} invoices for March", listing.len());
        for invoice in listing.iter() {
            invoices += 1;
            let prefix = format!("invoice-{}-", invoice.id);
            let charged: Vec<_> = charges.keys().filter(|k| k.starts_with(&prefix)).collect();
            assert!(charged.len() <= 1, "invoice {} charged {} times", invoice.id, charged.len());
            for attempt in &invoice.attempts {
                if let Some(AttemptOutcome::Charged { charge }) = &attempt.outcome {
                    assert_eq!(charges.get(&attempt.key), Some(charge), "a recorded charge the gateway never made");
                }
            }
            if done {
                assert_eq!(invoice.status, InvoiceStatus::Paid, "{invoice:?}");
                assert_eq!(charged.len(), 1);
            }
        }
    }
    if done {
        assert_eq!(invoices, customers.len(), "one invoice per subscription");
        assert_eq!(charges.len(), customers.len(), "one charge per invoice");
    }
    sysops.close().await;
}

fn crash_rounds(url: &str, schema: Option<&str>, dir: &Path) {
    let rt = runtime();
    let (admin, customers) = rt.block_on(prepare(url, schema));
    let gateway = dir.join("gateway-charges.txt");
    for round in 0..ROUNDS {
        run_and_kill(url, &gateway, schema, round);
        rt.block_on(check(url, schema, admin, &customers, &gateway, false));
    }
    let status = child(url, &gateway, schema).wait().unwrap();
    assert!(status.success(), "the last run finishes");
    rt.block_on(check(url, schema, admin, &customers, &gateway, true));
    eprintln!("{ROUNDS} kills, then one full run: {} invoices, {} charges", customers.len(), charges(&gateway).len());
}

#[test]
fn sqlite_bills_once_and_charges_once_across_sigkill() {
    let dir = tempdir("billing-crash");
    crash_rounds(&format!("sqlite://{}", dir.join("billing.db").display()), None, &dir);
}

#[test]
fn postgres_bills_once_and_charges_once_across_sigkill() {
    let Some(url) = pg_url() else { return };
    let schema = format!("billing_crash_{}", uuid::Uuid::now_v7().simple());
    crash_rounds(&url, Some(&schema), &tempdir("billing-crash"));
}
