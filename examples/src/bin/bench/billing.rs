//! The `billing` scenario: invoices/s of the monthly run through sysops (issue, charge through
//! the simulated gateway, record: every step durable) against a hand-written sqlx baseline
//! that only inserts the same invoice rows, 500 per statement, and peak memory.

use super::baseline::BaselineDb;
use super::{Args, BoxError, Target, report, targets};
use sqlx::AssertSqlSafe;
use std::sync::Arc;
use std::time::Instant;
use sysops_core::billing::{BillingPeriod, CardExpiry, CardNumber, NewCard, SimulatedGateway};
use sysops_core::{Actor, ManualClock, SequentialIds};
use sysops_examples::cities::Cities;
use sysops_examples::rng::Rng;
use sysops_examples::scenario::{bootstrap, customer_details, plan_catalog};
use sysops_storage::{Options, Sysops};

/// Rows per statement of the baseline.
const BATCH: usize = 500;

/// The monthly run over `args.customers` subscriptions on every backend.
pub(super) async fn billing(args: &Args) -> Result<(), BoxError> {
    let customers = args.customers;
    if !args.json {
        println!(
            "billing: the monthly run over {customers} subscriptions per backend vs. batched inserts of the same invoice rows"
        );
    }
    for target in targets(args, "billing")? {
        let clock = Arc::new(ManualClock::new("2026-03-01T00:00:00Z".parse()?)?);
        let options = Options {
            clock: clock.clone(),
            ids: Arc::new(SequentialIds::new(1)),
            pg_schema: target.schema.clone(),
            pg_max_connections: 8,
            card_keys: Some(sysops_examples::billing::demo_card_keys()),
            ..Options::default()
        };
        let sysops = Sysops::open_with(&target.url, options).await?;
        let backend = sysops.backend_name();
        let (admin, helpdesk) = bootstrap(&sysops).await?;
        let plan = sysops.define_plan(admin, plan_catalog().swap_remove(1)).await?;
        let cities = Cities::load();
        let mut rng = Rng::new(11);
        let started = Instant::now();
        for n in 0..customers {
            let (contact, address) = customer_details(n, cities.sample(&mut rng), &mut rng);
            let customer = sysops.register_customer(helpdesk, contact, address, plan.id).await?;
            let card = NewCard {
                number: CardNumber::parse(["4242424242424242", "5555555555554444", "378282246310005"][n % 3])?,
                expiry: CardExpiry::new(2031, 7)?,
                holder: customer.contact.name.clone(),
                cvv: None,
            };
            sysops.start_subscription(Actor::customer(customer.id), customer.id, card).await?;
        }
        if !args.json {
            println!("{backend:>9}: {customers} customers subscribed in {:.1}s", started.elapsed().as_secs_f64());
        }
        clock.advance(chrono::Duration::days(31) + chrono::Duration::hours(1))?;

        let gateway = SimulatedGateway::new();
        let started = Instant::now();
        let run = sysops.run_billing(Actor::system(), BillingPeriod::parse("2026-03")?, &gateway).await?;
        let lib_s = started.elapsed().as_secs_f64();
        if run.issued.len() != customers || gateway.charges().len() != customers {
            return Err(format!(
                "{backend}: {} invoices and {} charges for {customers} subscriptions",
                run.issued.len(),
                gateway.charges().len()
            )
            .into());
        }
        let invoices = rows(&sysops, admin, &run.issued).await?;
        sysops.close().await;

        let baseline_s = baseline(&target, &invoices).await?;
        report(args, "billing", backend, 1, customers, customers as f64 / lib_s, customers as f64 / baseline_s);
    }
    Ok(())
}

/// An invoice row of the baseline: id, customer, period, total, the invoice as JSON.
type Row = (uuid::Uuid, uuid::Uuid, String, String, String);

/// The invoices the run issued, as the baseline writes them.
async fn rows(sysops: &Sysops, admin: Actor, issued: &[sysops_core::InvoiceId]) -> Result<Vec<Row>, BoxError> {
    let mut rows = Vec::with_capacity(issued.len());
    for id in issued {
        let invoice = sysops.invoice(admin, *id).await?;
        let json = serde_json::json!({"id": invoice.id.to_string(), "period": invoice.period.to_string(),
            "lines": invoice.lines.len(), "total": invoice.total.to_string()})
        .to_string();
        rows.push((
            id.as_uuid(),
            invoice.customer.as_uuid(),
            invoice.period.to_string(),
            invoice.total.to_string(),
            json,
        ));
    }
    Ok(rows)
}

/// Seconds to insert `rows` by hand, `BATCH` rows per statement, one transaction per batch,
/// on the same engine and durability settings.
async fn baseline(target: &Target, rows: &[Row]) -> Result<f64, BoxError> {
    let db = BaselineDb::open(target, 1).await?;
    let table = "CREATE TABLE invoices (id UUID NOT NULL, customer UUID NOT NULL, period TEXT NOT NULL,
        total TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (customer, id))";
    db.create(&table.replace("UUID", "BLOB"), table, "SELECT create_distributed_table('invoices', 'customer')").await?;
    let dollar = matches!(db, BaselineDb::Postgres { .. });
    let started = Instant::now();
    for batch in rows.chunks(BATCH) {
        let values: Vec<String> = (0..batch.len() * 5)
            .map(|n| if dollar { format!("${}", n + 1) } else { format!("?{}", n + 1) })
            .collect::<Vec<_>>()
            .chunks(5)
            .map(|row| format!("({})", row.join(", ")))
            .collect();
        let sql = format!("INSERT INTO invoices VALUES {}", values.join(", "));
        macro_rules! insert {
            ($pool:expr) => {{
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for (id, customer, period, total, json) in batch {
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
