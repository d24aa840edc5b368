//! The `helpdesk` scenario: customers (a million by default) and a ticket for one in ten,
//! registered in pages through the store; then 1,000 look-ups of each kind — a phone number
//! written as people write it, an email in another case, a name's first word and the start of
//! the second, a ticket number — through `find_customers` / `find_tickets` (a page of 20,
//! decoded). The baseline runs in the same process the look-up an application would write
//! against the plain `customers` and `tickets` tables: the exact E.164 number or email (which
//! the caller did not type), the ticket by id, each with its stored state. `ratio` is the
//! baseline's p99 over sysops's.

use super::{Args, BoxError, report_latency, targets};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::time::Instant;
use sysops_core::helpdesk::{TicketSearch, Window};
use sysops_core::store::{Change, EventStore};
use sysops_core::{Actor, Ctx, Customer, ManualClock, Sequence, SequentialIds, SupportPlan, Ticket, replay};
use sysops_examples::cities::Cities;
use sysops_examples::helpdesk::{partial_name, written};
use sysops_examples::rng::Rng;
use sysops_examples::scenario::{bootstrap, customer_details, plan_catalog, ticket_request};
use sysops_storage::Sysops;

/// Look-ups per kind.
const PER_KIND: usize = 1_000;
const KINDS: [&str; 4] = ["phone", "email", "name", "ticket"];
/// Customers (and their tickets) per commit while seeding.
const PAGE: usize = 500;

/// What the look-ups look for: each sampled customer's details and one ticket.
struct Known {
    phone: String,
    email: String,
    name: String,
    ticket: Option<Ticket>,
}

pub(super) async fn helpdesk(args: &Args) -> Result<(), BoxError> {
    let customers = args.customers.unwrap_or(1_000_000);
    if !args.json {
        println!(
            "helpdesk: {customers} customers per backend, {PER_KIND} look-ups of each kind, sysops vs. exact-key SQL"
        );
    }
    for target in targets(args, "helpdesk")? {
        let now: DateTime<Utc> = "2026-03-02T15:00:00Z".parse()?;
        let options = target.options(std::sync::Arc::new(ManualClock::new(now)?));
        let sysops = Sysops::open_with(&target.url, options).await?;
        let backend = sysops.backend_name();
        let (admin, helpdesk) = bootstrap(&sysops).await?;
        let plan = sysops.define_plan(admin, plan_catalog().swap_remove(1)).await?;
        let started = Instant::now();
        let known = seed(&sysops, helpdesk, &plan, customers, now).await?;
        if !args.json {
            println!("{backend:>9}: {customers} customers registered in {:.1}s", started.elapsed().as_secs_f64());
        }
        let raw = super::kb::Raw::open(&target.url, target.schema.as_deref()).await?;
        let mut lib: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        let mut base: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        let window = Window::new(0, 20)?;
        let mut rng = Rng::new(29);
        for n in 0..PER_KIND {
            let who = rng.pick(&known);
            let typed = [
                ("phone", written(&who.phone, n as u64)),
                ("email", who.email.to_uppercase()),
                ("name", who.name.clone()),
            ];
            for (kind, text) in typed {
                let started = Instant::now();
                let found = sysops.find_customers(helpdesk, &text, window).await?;
                lib.entry(kind).or_default().push(started.elapsed().as_secs_f64() * 1e3);
                if found.items.is_empty() {
                    return Err(format!("{backend}: {kind} {text:?} found nobody").into());
                }
                let started = Instant::now();
                match kind {
                    "phone" => raw.customer_by("c.phone = ", &who.phone).await?,
                    "email" => raw.customer_by("c.email = ", &who.email).await?,
                    _ => raw.customer_by("lower(c.name) LIKE ", &format!("{}%", who.name.to_lowercase())).await?,
                };
                base.entry(kind).or_default().push(started.elapsed().as_secs_f64() * 1e3);
            }
            let Some(ticket) = &who.ticket else { continue };
            let search = TicketSearch { text: Some(ticket.number().to_string()), ..TicketSearch::default() };
            let started = Instant::now();
            let found = sysops.find_tickets(helpdesk, &search, window).await?;
            lib.entry("ticket").or_default().push(started.elapsed().as_secs_f64() * 1e3);
            if found.items.first().map(|t| t.id) != Some(ticket.id) {
                return Err(format!("{backend}: ticket {} not found by its number", ticket.number()).into());
            }
            let started = Instant::now();
            raw.ticket_by_id(ticket.id.as_uuid()).await?;
            base.entry("ticket").or_default().push(started.elapsed().as_secs_f64() * 1e3);
        }
        for kind in KINDS {
            let (mut ours, mut theirs) = (lib.remove(kind).unwrap_or_default(), base.remove(kind).unwrap_or_default());
            report_latency(args, "helpdesk", backend, customers, kind, &mut ours, &mut theirs);
        }
        sysops.close().await;
    }
    Ok(())
}

/// Customers registered a page per commit, every tenth with a ticket: through the facade, one
/// command at a time, a million would take most of an hour to set up. The events and states
/// are the ones the facade's commands decide. Answers a sample of 2,000 customers to look up.
async fn seed(
    sysops: &Sysops,
    helpdesk: Actor,
    plan: &SupportPlan,
    customers: usize,
    now: DateTime<Utc>,
) -> Result<Vec<Known>, BoxError> {
    let ids = SequentialIds::new(2);
    let cities = Cities::load();
    let mut rng = Rng::new(17);
    let every = (customers / 2_000).max(1);
    let mut known = Vec::new();
    for start in (0..customers).step_by(PAGE) {
        let mut changes = Vec::with_capacity(PAGE + PAGE / 10);
        for n in start..customers.min(start + PAGE) {
            let (contact, address) = customer_details(n, cities.sample(&mut rng), &mut rng);
            let registered = Customer::register(contact, address, plan, &Ctx::new(helpdesk, now, &ids))?;
            let customer: Customer = replay(&registered)?;
            changes.push(Change::of(Sequence::NONE, &customer, &registered)?);
            let ticket = if n % 10 == 0 {
                let ctx = Ctx::new(helpdesk, now, &ids);
                let submitted = Ticket::submit(ticket_request(plan, &mut rng), &customer, plan, &ctx)?;
                let ticket: Ticket = replay(&submitted)?;
                changes.push(Change::of(Sequence::NONE, &ticket, &submitted)?);
                Some(ticket)
            } else {
                None
            };
            if n % every == 0 {
                let name = partial_name(customer.contact.name.as_str());
                let (phone, email) = (customer.contact.phone.to_string(), customer.contact.email.to_string());
                known.push(Known { phone, email, name, ticket });
            }
        }
        sysops.store().commit(changes).await?;
    }
    Ok(known)
}

impl super::kb::Raw {
    /// Up to 20 customers' states where `condition` (a fixed text ending in an operator) holds
    /// for `value`.
    async fn customer_by(&self, condition: &str, value: &str) -> Result<usize, BoxError> {
        let rows = match self {
            Self::Sqlite(pool) => sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT s.json FROM customers c JOIN states s ON s.kind = 'customer' AND s.id = c.id
                 WHERE {condition}?1 LIMIT 20"
            )))
            .bind(value)
            .fetch_all(pool)
            .await?
            .len(),
            Self::Postgres(pool) => sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT s.json FROM customers c JOIN states s ON s.shard = c.shard AND s.kind = 'customer' AND s.id = c.id
                 WHERE {condition}$1 LIMIT 20"
            )))
            .bind(value)
            .fetch_all(pool)
            .await?
            .len(),
        };
        Ok(rows)
    }

    /// A ticket's state by its id.
    async fn ticket_by_id(&self, id: uuid::Uuid) -> Result<usize, BoxError> {
        let rows = match self {
            Self::Sqlite(pool) => sqlx::query("SELECT json FROM states WHERE kind = 'ticket' AND id = ?1")
                .bind(id)
                .fetch_all(pool)
                .await?
                .len(),
            Self::Postgres(pool) => {
                sqlx::query("SELECT json FROM states WHERE kind = 'ticket' AND id = $1 AND shard = $2")
                    .bind(id)
                    .bind(i32::from(sysops_core::ShardKey::of(id).get()))
                    .fetch_all(pool)
                    .await?
                    .len()
            }
        };
        Ok(rows)
    }
}
