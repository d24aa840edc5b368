//! A database written by the v1 schema (one shared write view, ticket states in `tickets`) opens
//! in place under today's migrations, and every record, index row and outbox entry reads back.
//! (PostgreSQL's schema has not changed since v1, so only SQLite has an upgrade to run.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::block_on;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use sysops_core::store::{
    AssignmentStore, ConsumerName, EventStore, ExpertIndex, ExpertQuery, ExpertStore, MemoryStore, Outbox, Page,
    StoredState, TicketFilter, TicketIndex, TicketStore,
};
use sysops_core::testing::fixtures::{World, tv_ticket};
use sysops_core::{
    Aggregate, AggregateKind, Customer, CustomerIndex, Expert, Service, StreamId, Ticket, TicketCommand, TicketStatus,
};
use sysops_storage::SqliteStore;

const KINDS: [AggregateKind; 5] = [
    AggregateKind::Plan,
    AggregateKind::Customer,
    AggregateKind::Expert,
    AggregateKind::StaffAccount,
    AggregateKind::Ticket,
];

/// A day of work in memory: tickets open, offered, accepted and completed.
async fn world() -> World<MemoryStore> {
    let mut world = World::new(MemoryStore::new(), 3, 0).await.unwrap();
    world.add_expert(0, 4).await.unwrap();
    world.add_expert(1, 3).await.unwrap();
    for n in 0..6 {
        world
            .service
            .submit_ticket(world.customer(n % 3), world.customers[n % 3].id, tv_ticket("No picture"))
            .await
            .unwrap();
    }
    let report = world.service.run_assignment(world.admin, &Default::default()).await.unwrap();
    let offer = &report.offers[0];
    let expert = world.experts.iter().position(|e| e.id == offer.expert).unwrap();
    world.service.handle_ticket(world.expert(expert), offer.ticket, TicketCommand::Accept).await.unwrap();
    world.service.handle_ticket(world.expert(expert), offer.ticket, TicketCommand::Start).await.unwrap();
    world
}

async fn all_states<S: EventStore>(store: &S, kind: AggregateKind) -> Vec<StoredState> {
    store.states(kind, Page::first(Page::MAX_LIMIT)).await.unwrap()
}

/// Writes `memory`'s records into a SQLite file migrated only to v1, as v1 stored them.
async fn write_v1(memory: &MemoryStore, path: &std::path::Path) {
    let v1 = tempfile::tempdir().unwrap();
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite/0001_init.sql"),
        v1.path().join("0001_init.sql"),
    )
    .unwrap();
    let pool =
        SqlitePool::connect_with(SqliteConnectOptions::new().filename(path).create_if_missing(true)).await.unwrap();
    sqlx::migrate::Migrator::new(v1.path()).await.unwrap().run(&pool).await.unwrap();
    for kind in KINDS {
        for state in all_states(memory, kind).await {
            let id = state.stream.id;
            let version = state.version.0 as i64;
            if kind == AggregateKind::Ticket {
                let ticket: Ticket = serde_json::from_str(&state.json).unwrap();
                let index = ticket.index();
                let t = index.get::<TicketIndex>().unwrap();
                sqlx::query(
                    "INSERT INTO tickets (id, version, json, customer, status, expert, priority, category, submitted_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .bind(id)
                .bind(version)
                .bind(&state.json)
                .bind(t.customer.as_uuid())
                .bind(t.status.as_str())
                .bind(t.expert.map(|e| e.as_uuid()))
                .bind(t.priority as i64)
                .bind(t.category.as_str())
                .bind(t.submitted_at)
                .execute(&pool)
                .await
                .unwrap();
            } else {
                sqlx::query("INSERT INTO states (kind, id, version, json) VALUES (?1, ?2, ?3, ?4)")
                    .bind(kind.as_str())
                    .bind(id)
                    .bind(version)
                    .bind(&state.json)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            if kind == AggregateKind::Customer {
                let customer: Customer = serde_json::from_str(&state.json).unwrap();
                let index = customer.index();
                let c = index.get::<CustomerIndex>().unwrap();
                sqlx::query("INSERT INTO customers (id, name, email, phone) VALUES (?1, ?2, ?3, ?4)")
                    .bind(id)
                    .bind(&c.name)
                    .bind(&c.email)
                    .bind(&c.phone)
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            if kind == AggregateKind::Expert {
                let expert: Expert = serde_json::from_str(&state.json).unwrap();
                let index = expert.index();
                let e = index.get::<ExpertIndex>().unwrap();
                sqlx::query("INSERT INTO experts (id, active, lat, lon, radius_km) VALUES (?1, ?2, ?3, ?4, ?5)")
                    .bind(id)
                    .bind(e.active)
                    .bind(e.base.lat())
                    .bind(e.base.lon())
                    .bind(i64::from(e.radius_km))
                    .execute(&pool)
                    .await
                    .unwrap();
                for (category, level) in &e.skills {
                    sqlx::query("INSERT INTO expert_skills (expert, category, level) VALUES (?1, ?2, ?3)")
                        .bind(id)
                        .bind(category.as_str())
                        .bind(i64::from(level.get()))
                        .execute(&pool)
                        .await
                        .unwrap();
                }
            }
        }
    }
    // Events in commit order, as the v1 outbox trigger numbered them.
    let consumer = ConsumerName::new("copy").unwrap();
    for entry in memory.poll(&consumer, u32::MAX).await.unwrap() {
        let e = entry.event;
        sqlx::query("INSERT INTO events (kind, id, seq, at, name, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .bind(e.stream.kind.as_str())
            .bind(e.stream.id)
            .bind(e.sequence.0 as i64)
            .bind(e.at)
            .bind(&e.name)
            .bind(&e.json)
            .execute(&pool)
            .await
            .unwrap();
    }
    pool.close().await;
}

#[test]
fn a_v1_sqlite_database_opens_in_place_and_every_record_reads_back() {
    block_on(async {
        let world = world().await;
        let memory = world.service.store();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.db");
        write_v1(memory, &path).await;

        let upgraded = SqliteStore::open(&path).await.expect("a v1 database opens and is migrated in place");
        for kind in KINDS {
            assert_eq!(all_states(&upgraded, kind).await, all_states(memory, kind).await, "{kind:?} states");
            for state in all_states(memory, kind).await {
                assert_eq!(upgraded.load(state.stream).await.unwrap(), Some(state.clone()));
                assert_eq!(upgraded.events(state.stream).await.unwrap(), memory.events(state.stream).await.unwrap());
            }
        }
        let page = Page::first(Page::MAX_LIMIT);
        for status in TicketStatus::ALL {
            let filter = TicketFilter { status: Some(status), ..TicketFilter::default() };
            assert_eq!(upgraded.tickets(filter, page).await.unwrap(), memory.tickets(filter, page).await.unwrap());
        }
        for customer in &world.customers {
            let filter = TicketFilter::of_customer(customer.id);
            assert_eq!(upgraded.tickets(filter, page).await.unwrap(), memory.tickets(filter, page).await.unwrap());
        }
        let active = ExpertQuery { active_only: true, ..ExpertQuery::default() };
        assert_eq!(upgraded.experts(active, page).await.unwrap(), memory.experts(active, page).await.unwrap());
        assert_eq!(upgraded.expert_loads().await.unwrap(), memory.expert_loads().await.unwrap());
        let consumer = ConsumerName::new("notifications").unwrap();
        let delivered: Vec<StreamId> =
            upgraded.poll(&consumer, u32::MAX).await.unwrap().into_iter().map(|e| e.event.stream).collect();
        let expected: Vec<StreamId> =
            memory.poll(&consumer, u32::MAX).await.unwrap().into_iter().map(|e| e.event.stream).collect();
        assert_eq!(delivered, expected, "the outbox delivers every v1 event in commit order");

        // The upgraded database keeps working: new tickets are submitted, listed and offered.
        let service = Service::new(upgraded, world.clock.clone(), sysops_core::SequentialIds::new(10_000));
        let ticket = service
            .submit_ticket(world.customer(0), world.customers[0].id, tv_ticket("Still no picture"))
            .await
            .unwrap();
        let open = service.tickets(world.admin, TicketFilter::open(), page).await.unwrap();
        assert!(open.iter().any(|t| t.id == ticket.id));
        let report = service.run_assignment(world.admin, &Default::default()).await.unwrap();
        assert!(report.quarantined.is_empty());
        for kind in KINDS {
            let audit = service.quarantined_records(world.admin, kind, page).await.unwrap();
            assert!(audit.quarantined.is_empty(), "{kind:?}: {:?}", audit.quarantined);
        }
    });
}
