//! The billing quantum on durable storage: card numbers readable nowhere but through the
//! vault, keys rotated while cards stay readable, and billing kept in a database of its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{block_on, pg_url};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use sysops_core::billing::CardVault;
use sysops_core::billing::{BillingPeriod, CardExpiry, CardNumber, Cvv, NewCard, SimulatedGateway, VaultError};
use sysops_core::testing::fixtures::{address, chicago, contact, plan_terms, t0};
use sysops_core::{Actor, CustomerId, Email, Error, ManualClock, PersonName, Role, StaffRole};
use sysops_storage::{CardKey, KeyProvider, Options, StaticKeys, Sysops};

/// The cards registered, and CVVs given: none may be readable in any stored byte.
const CARDS: [(&str, &str); 3] =
    [("4242424242424242", "123"), ("5555555555554444", "987"), ("378282246310005", "4321")];

fn key(id: &str, byte: u8) -> CardKey {
    CardKey::new(id, &[byte; 32]).unwrap()
}

fn keys(current: CardKey, older: Vec<CardKey>) -> Option<Arc<dyn KeyProvider>> {
    Some(Arc::new(StaticKeys::new(current, older)))
}

fn options(clock: &Arc<ManualClock>, card_keys: Option<Arc<dyn KeyProvider>>) -> Options {
    Options { clock: clock.clone(), card_keys, ..Options::default() }
}

/// An administrator, and one customer per card with a subscription.
async fn customers_with_cards(sysops: &Sysops) -> (Actor, Vec<CustomerId>) {
    let admin = sysops
        .create_staff_account(
            Actor::system(),
            PersonName::new("Ada").unwrap(),
            Email::new("ada@example.com").unwrap(),
            StaffRole::Administrator,
        )
        .await
        .unwrap();
    let admin = Actor::staff(Role::Administrator, admin.id);
    let plan = sysops.define_plan(admin, plan_terms()).await.unwrap();
    let mut customers = Vec::new();
    for (n, (number, cvv)) in CARDS.iter().enumerate() {
        let customer = sysops.register_customer(admin, contact(n), address(chicago()), plan.id).await.unwrap();
        let card = NewCard {
            number: CardNumber::parse(number).unwrap(),
            expiry: CardExpiry::new(2031, 7).unwrap(),
            holder: customer.contact.name.clone(),
            cvv: Some(Cvv::parse(cvv).unwrap()),
        };
        sysops.start_subscription(Actor::customer(customer.id), customer.id, card).await.unwrap();
        customers.push(customer.id);
    }
    (admin, customers)
}

/// Every way a card number or CVV could sit in `bytes`: plain, grouped by four with spaces
/// or dashes, and as UTF-16.
fn leaks(bytes: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for (number, cvv) in CARDS {
        let grouped: Vec<&str> = number.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap()).collect();
        let forms = [number.to_owned(), grouped.join(" "), grouped.join("-"), format!("cvv\":\"{cvv}")];
        for form in forms {
            let utf16: Vec<u8> = form.encode_utf16().flat_map(u16::to_le_bytes).collect();
            for needle in [form.as_bytes().to_vec(), utf16] {
                if bytes.windows(needle.len()).any(|w| w == needle.as_slice()) {
                    found.push(form.clone());
                }
            }
        }
    }
    found
}

#[test]
fn the_leak_search_finds_every_form_it_looks_for() {
    let utf16: Vec<u8> = "5555 5555 5555 4444".encode_utf16().flat_map(u16::to_le_bytes).collect();
    assert_eq!(leaks(b"..4242-4242-4242-4242.."), ["4242-4242-4242-4242"]);
    assert_eq!(leaks(&utf16), ["5555 5555 5555 4444"]);
    assert!(leaks(b"4242 4242 4242 424").is_empty());
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect()
}

#[test]
fn no_card_number_or_cvv_is_in_the_sqlite_files_or_the_wal() {
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("sysops.db").display());
        let clock = Arc::new(ManualClock::new(t0()).unwrap());
        let sysops = Sysops::open_with(&url, options(&clock, keys(key("k1", 1), vec![]))).await.unwrap();
        let (_, customers) = customers_with_cards(&sysops).await;
        clock.advance(chrono::Duration::days(31)).unwrap();
        let report = sysops
            .run_billing(Actor::system(), BillingPeriod::parse("2026-03").unwrap(), &SimulatedGateway::new())
            .await
            .unwrap();
        assert_eq!(report.paid, customers.len() as u64);
        // Read the files while the store is open (the WAL holds the latest pages), then closed.
        for open in [true, false] {
            if !open {
                sysops.close().await;
            }
            let files = files_under(dir.path());
            assert!(files.iter().any(|f| f.to_string_lossy().ends_with("-wal")) || !open, "{files:?}");
            for file in files {
                let bytes = std::fs::read(&file).unwrap();
                assert_eq!(leaks(&bytes), Vec::<String>::new(), "{}", file.display());
            }
        }
    });
}

#[test]
fn no_card_number_or_cvv_is_in_a_postgres_dump() {
    let Some(url) = pg_url() else { return };
    block_on(async {
        let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
        let clock = Arc::new(ManualClock::new(t0()).unwrap());
        let options = Options { pg_schema: Some(schema.clone()), ..options(&clock, keys(key("k1", 1), vec![])) };
        let sysops = Sysops::open_with(&url, options).await.unwrap();
        customers_with_cards(&sysops).await;
        let pg_dump = ["/usr/lib/postgresql/15/bin/pg_dump", "pg_dump"]
            .into_iter()
            .find(|p| std::process::Command::new(p).arg("--version").output().is_ok_and(|o| o.status.success()))
            .expect("pg_dump (PostgreSQL 15 client)");
        let dump = std::process::Command::new(pg_dump).args(["--schema", &schema, "--dbname", &url]).output().unwrap();
        assert!(dump.status.success(), "{}", String::from_utf8_lossy(&dump.stderr));
        assert!(String::from_utf8_lossy(&dump.stdout).contains("card_vault"), "the dump holds the vault");
        assert_eq!(leaks(&dump.stdout), Vec::<String>::new());
    });
}

/// Cards sealed under `k1` are re-sealed under `k2` while the store runs; then `k1` can go.
async fn keys_rotate_while_cards_stay_readable(url: &str, pg_schema: Option<String>) {
    let clock = Arc::new(ManualClock::new(t0()).unwrap());
    let open =
        |card_keys| Sysops::open_with(url, Options { pg_schema: pg_schema.clone(), ..options(&clock, card_keys) });
    let before = open(keys(key("k1", 1), vec![])).await.unwrap();
    let (admin, customers) = customers_with_cards(&before).await;
    let token = before.subscription(admin, customers[0]).await.unwrap().card.token;

    let during = open(keys(key("k2", 2), vec![key("k1", 1)])).await.unwrap();
    let report = during.rotate_card_keys(admin).await.unwrap();
    assert_eq!((report.rotated, report.current), (3, 0));
    assert_eq!(during.rotate_card_keys(admin).await.unwrap().rotated, 0, "a second rotation finds nothing to do");

    let after = open(keys(key("k2", 2), vec![])).await.unwrap();
    assert_eq!(after.billing_store().reveal_card(token).await.unwrap().expose_digits(), CARDS[0].0);
    clock.advance(chrono::Duration::days(31)).unwrap();
    let march = BillingPeriod::parse("2026-03").unwrap();
    assert_eq!(after.run_billing(Actor::system(), march, &SimulatedGateway::new()).await.unwrap().paid, 3);

    let lost = open(keys(key("k3", 3), vec![])).await.unwrap();
    assert!(
        matches!(lost.billing_store().reveal_card(token).await, Err(VaultError::UnknownKey { key_id, .. }) if key_id == "k2")
    );
    let without = open(None).await.unwrap();
    let refused = without.rotate_card_keys(admin).await;
    assert!(matches!(refused, Err(Error::Vault(VaultError::KeyProvider(_)))), "{refused:?}");
}

#[test]
fn sqlite_keys_rotate_while_cards_stay_readable() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("sysops.db").display());
    block_on(keys_rotate_while_cards_stay_readable(&url, None));
}

#[test]
fn postgres_keys_rotate_while_cards_stay_readable() {
    let Some(url) = pg_url() else { return };
    block_on(keys_rotate_while_cards_stay_readable(&url, Some(format!("t_{}", uuid::Uuid::now_v7().simple()))));
}

#[test]
fn billing_can_live_in_a_database_of_its_own() {
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let (main, billing) = (dir.path().join("sysops.db"), dir.path().join("billing.db"));
        let clock = Arc::new(ManualClock::new(t0()).unwrap());
        let options = Options {
            billing_url: Some(format!("sqlite://{}", billing.display())),
            ..options(&clock, keys(key("k1", 1), vec![]))
        };
        let sysops = Sysops::open_with(&format!("sqlite://{}", main.display()), options).await.unwrap();
        let (admin, customers) = customers_with_cards(&sysops).await;
        clock.advance(chrono::Duration::days(31)).unwrap();
        let march = BillingPeriod::parse("2026-03").unwrap();
        assert_eq!(sysops.run_billing(Actor::system(), march, &SimulatedGateway::new()).await.unwrap().issued, 3);
        assert_eq!(sysops.invoices(admin, customers[0], sysops_core::store::Page::first(10)).await.unwrap().len(), 1);
        sysops.close().await;
        let count = |path: &Path, table: &str| {
            let path = path.to_owned();
            let table = table.to_owned();
            async move {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                n
            }
        };
        for table in ["card_vault", "subscriptions", "invoices"] {
            assert_eq!(count(&main, table).await, 0, "{table} in the main database");
            assert_eq!(count(&billing, table).await, 3, "{table} in the billing database");
        }
        assert_eq!(count(&main, "customers").await, 3);
        assert_eq!(count(&billing, "customers").await, 0);
    });
}

/// ADR-7: the reports' read models kept in an analytics database of their own, fed from
/// both outboxes (the main store's and the billing store's), while neither holds a row.
#[test]
fn reports_can_live_in_an_analytics_database_of_their_own() {
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        let url = |name: &str| format!("sqlite://{}", path(name).display());
        let clock = Arc::new(ManualClock::new(t0()).unwrap());
        let options = Options {
            billing_url: Some(url("billing.db")),
            analytics_url: Some(url("analytics.db")),
            ..options(&clock, keys(key("k1", 1), vec![]))
        };
        let sysops = Sysops::open_with(&url("sysops.db"), options).await.unwrap();
        let (admin, _) = customers_with_cards(&sysops).await;
        clock.advance(chrono::Duration::days(31)).unwrap();
        let march = BillingPeriod::parse("2026-03").unwrap();
        sysops.run_billing(Actor::system(), march, &SimulatedGateway::new()).await.unwrap();
        let everything = sysops_core::report::ReportRange::all_time();
        let behind = sysops.financial_report(admin, everything).await.unwrap();
        assert!(behind.rows.is_empty() && behind.lag.behind_since.is_some(), "nothing folded in yet: {behind:?}");
        while !sysops.project_reports(Actor::system(), 100).await.unwrap().idle() {}
        let report = sysops.financial_report(admin, everything).await.unwrap();
        assert_eq!(report.lag.behind_since, None);
        assert_eq!(report.rows.iter().map(|r| r.invoices).sum::<u64>(), 3);
        assert_eq!(report.rows[0].collected, report.rows[0].invoiced, "every charge was approved");
        sysops.close().await;
        let count = |name: &str, table: &str| {
            let (db, table) = (url(name), table.to_owned());
            async move {
                let pool = sqlx::SqlitePool::connect(&db).await.unwrap();
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table}")))
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                n
            }
        };
        assert_eq!(count("analytics.db", "report_invoices").await, 3);
        assert_eq!(count("analytics.db", "report_customers").await, 3);
        for db in ["sysops.db", "billing.db"] {
            for table in ["report_invoices", "report_customers"] {
                assert_eq!(count(db, table).await, 0, "{table} in {db}");
            }
        }
    });
}
