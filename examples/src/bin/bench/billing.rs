//! The `billing` scenario: invoices/s of the monthly run through sysops (issue, charge through
//! a gateway that approves everything, record: every step durable) against a hand-written sqlx
//! baseline that only inserts the same invoice rows, 500 per statement, and peak memory.

use super::baseline::BaselineDb;
use super::{Args, BoxError, Target, report, targets};
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use sysops_core::billing::{
    BillingPeriod, CardExpiry, CardNumber, CardOnFile, ChargeAnswer, ChargeRequest, GatewayFuture, Invoice, NewCard,
    PaymentGateway, Subscription,
};
use sysops_core::store::{CardVault, Change, EventStore, VaultEntry};
use sysops_core::{
    Actor, CardToken, Clock, Ctx, Customer, InvoiceId, ManualClock, Money, Sequence, SequentialIds, ShardKey,
    SubscriptionId, SupportPlan, replay,
};
use sysops_examples::cities::Cities;
use sysops_examples::rng::Rng;
use sysops_examples::scenario::{bootstrap, customer_details, plan_catalog};
use sysops_storage::{Options, Sysops};

/// Rows per statement of the baseline.
const BATCH: usize = 500;

/// The monthly run over `args.customers` subscriptions on every backend.
pub(super) async fn billing(args: &Args) -> Result<(), BoxError> {
    let customers = args.customers.unwrap_or(100_000);
    if !args.json {
        println!(
            "billing: the monthly run over {customers} subscriptions per backend vs. batched inserts of the same invoice rows"
        );
    }
    for target in targets(args, "billing")? {
        let clock = Arc::new(ManualClock::new("2026-03-01T00:00:00Z".parse()?)?);
        let sysops = open_with_cards(&target, clock.clone()).await?;
        let backend = sysops.backend_name();
        let (admin, helpdesk) = bootstrap(&sysops).await?;
        let plan = sysops.define_plan(admin, plan_catalog().swap_remove(1)).await?;
        let started = Instant::now();
        let mut first_customer = None;
        subscribe_in_bulk(&sysops, helpdesk, std::slice::from_ref(&plan), customers, clock.now(), |c| {
            first_customer.get_or_insert(c.id);
        })
        .await?;
        if !args.json {
            println!("{backend:>9}: {customers} customers subscribed in {:.1}s", started.elapsed().as_secs_f64());
        }
        clock.advance(chrono::Duration::days(31) + chrono::Duration::hours(1))?;

        let gateway = Approving::default();
        let period = BillingPeriod::parse("2026-03")?;
        let started = Instant::now();
        let run = sysops.run_billing(Actor::system(), period, &gateway).await?;
        let lib_s = started.elapsed().as_secs_f64();
        let charged = gateway.charged.load(Ordering::Relaxed);
        if run.issued != customers as u64 || charged != customers as u64 {
            return Err(format!(
                "{backend}: {} invoices and {charged} charges for {customers} subscriptions",
                run.issued
            )
            .into());
        }
        let first = InvoiceId::of(SubscriptionId::from(first_customer.ok_or("no customers")?), period.ordinal());
        let sample = sysops.invoice(admin, first).await?;
        sysops.close().await;

        let baseline_s = baseline(&target, &sample, customers).await?;
        report(args, "billing", backend, 1, customers, customers as f64 / lib_s, customers as f64 / baseline_s);
    }
    Ok(())
}

/// sysops on `target`, able to keep cards (the demo's keys), its time from `clock`.
pub(super) async fn open_with_cards(target: &Target, clock: Arc<ManualClock>) -> Result<Sysops, BoxError> {
    let options = Options {
        pg_max_connections: 8,
        card_keys: Some(sysops_examples::billing::demo_card_keys()),
        ..target.options(clock)
    };
    Ok(Sysops::open_with(&target.url, options).await?)
}

/// Customers registered and subscribed (to `plans` in turn) a page per commit, their cards a
/// page per write: through the facade, one command at a time, a million would take most of an
/// hour to set up. The events and states are the ones the facade's commands decide. Each
/// customer is handed to `made` once decided.
pub(super) async fn subscribe_in_bulk(
    sysops: &Sysops,
    helpdesk: Actor,
    plans: &[SupportPlan],
    customers: usize,
    now: DateTime<Utc>,
    mut made: impl FnMut(&Customer),
) -> Result<(), BoxError> {
    let ids = SequentialIds::new(2);
    let cities = Cities::load();
    let mut rng = Rng::new(11);
    let numbers = ["4242424242424242", "5555555555554444", "378282246310005"].map(CardNumber::parse);
    let numbers: Vec<CardNumber> = numbers.into_iter().collect::<Result<_, _>>()?;
    for start in (0..customers).step_by(BATCH) {
        let mut changes = Vec::with_capacity(2 * BATCH);
        let mut cards = Vec::with_capacity(BATCH);
        for n in start..customers.min(start + BATCH) {
            let plan = plans.get(n % plans.len().max(1)).ok_or("no plan to subscribe to")?;
            let (contact, address) = customer_details(n, cities.sample(&mut rng), &mut rng);
            let registered = Customer::register(contact, address, plan, &Ctx::new(helpdesk, now, &ids))?;
            let customer: Customer = replay(&registered)?;
            changes.push(Change::of(Sequence::NONE, &customer, &registered)?);
            let ctx = Ctx::new(Actor::customer(customer.id), now, &ids);
            let token = CardToken::from(ShardKey::of(customer.id.as_uuid()).stamp(ctx.new_id()));
            let card = NewCard {
                number: numbers[n % 3].clone(),
                expiry: CardExpiry::new(2031, 7)?,
                holder: customer.contact.name.clone(),
                cvv: None,
            };
            let started = Subscription::start(customer.id, plan, CardOnFile::of(&card, token), &ctx)?;
            changes.push(Change::of(Sequence::NONE, &replay::<Subscription>(&started)?, &started)?);
            cards.push(VaultEntry { token, customer: customer.id, card: &numbers[n % 3] });
            made(&customer);
        }
        sysops.store().store_cards(&cards).await?;
        sysops.store().commit(changes).await?;
    }
    Ok(())
}

/// A gateway that approves every charge (or all but one in `decline_one_in`, when not 0) and
/// remembers nothing: the simulated gateway keeps every charge to honour its keys, which would
/// weigh in the run's peak memory. A charge's id is made from its key, so asking again with the
/// same key answers the same charge.
#[derive(Default)]
pub(super) struct Approving {
    pub(super) charged: AtomicU64,
    pub(super) decline_one_in: u64,
}

impl PaymentGateway for Approving {
    fn charge(&self, request: ChargeRequest) -> GatewayFuture<'_, ChargeAnswer> {
        let n = self.charged.fetch_add(1, Ordering::Relaxed);
        let declined = self.decline_one_in > 0 && n % self.decline_one_in == 0;
        Box::pin(async move {
            Ok(if declined {
                ChargeAnswer::Declined("insufficient funds".to_owned())
            } else {
                ChargeAnswer::Charged(format!("ch_{}", request.key))
            })
        })
    }

    fn refund(&self, key: String, _charge: String, _amount: Money) -> GatewayFuture<'_, String> {
        Box::pin(async move { Ok(format!("re_{key}")) })
    }
}

/// The `n`th invoice row of the baseline, shaped and sized as `sample`: id, customer, period,
/// total, the invoice as JSON. Made on demand, so the baseline holds no more rows than a batch.
fn row(sample: &Invoice, n: usize) -> (uuid::Uuid, uuid::Uuid, String, String, String) {
    let id = uuid::Uuid::from_u128(0x0195_0000_0000_8000_8000_0000_0000_0000 | n as u128);
    let customer = uuid::Uuid::from_u128(0x0195_0000_0000_7000_8000_0000_0000_0000 | n as u128);
    let json = serde_json::json!({"id": id.to_string(), "period": sample.period.to_string(),
        "lines": sample.lines.len(), "total": sample.total.to_string()})
    .to_string();
    (id, customer, sample.period.to_string(), sample.total.to_string(), json)
}

/// Seconds to insert `count` invoice rows like `sample` by hand, `BATCH` rows per statement,
/// one transaction per batch, on the same engine and durability settings.
async fn baseline(target: &Target, sample: &Invoice, count: usize) -> Result<f64, BoxError> {
    let db = BaselineDb::open(target, 1).await?;
    let table = "CREATE TABLE invoices (id UUID NOT NULL, customer UUID NOT NULL, period TEXT NOT NULL,
        total TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (customer, id))";
    db.create(&table.replace("UUID", "BLOB"), table, "SELECT create_distributed_table('invoices', 'customer')").await?;
    let dollar = matches!(db, BaselineDb::Postgres { .. });
    let started = Instant::now();
    for start in (0..count).step_by(BATCH) {
        let batch: Vec<_> = (start..count.min(start + BATCH)).map(|n| row(sample, n)).collect();
        let values: Vec<String> = (0..batch.len() * 5)
            // SQLite's plain `?` (numbered `?NNN` cost sqlx a search of every name per parameter).
            .map(|n| if dollar { format!("${}", n + 1) } else { "?".to_owned() })
            .collect::<Vec<_>>()
            .chunks(5)
            .map(|row| format!("({})", row.join(", ")))
            .collect();
        let sql = format!("INSERT INTO invoices VALUES {}", values.join(", "));
        macro_rules! insert {
            ($pool:expr) => {{
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for (id, customer, period, total, json) in &batch {
                    query = query.bind(id).bind(customer).bind(period).bind(total).bind(json);
                }
                query.execute($pool).await?;
            }};
        }
        match &db {
            BaselineDb::Sqlite(pool) => insert!(pool),
            BaselineDb::Postgres { pool, .. } => insert!(pool),
        }
    }
    Ok(started.elapsed().as_secs_f64())
}
