//! A database written by the v1 schema (one shared write view, ticket states in `tickets`) opens
//! in place under today's migrations, and every record, index row and outbox entry reads back.
//! PostgreSQL's v1 schema (no shard keys, one globally numbered outbox) upgrades the same way.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{block_on, pg_url};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use sysops_core::store::{
    AssignmentStore, ConsumerName, EventStore, ExpertIndex, ExpertQuery, ExpertStore, HelpdeskStore, MemoryStore,
    Outbox, Page, StoredState, TicketFilter, TicketIndex, TicketStore,
};
use sysops_core::testing::fixtures::{World, tv_ticket};
use sysops_core::{
    Aggregate, AggregateKind, Customer, CustomerIndex, Expert, Service, StreamId, Ticket, TicketCommand, TicketStatus,
};
use sysops_storage::{PgStore, SqliteStore};
use uuid::Uuid;

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

/// Helpdesk search finds in the upgraded database what it finds in memory: the backfill gave
/// every v1 customer its folded name, words and email, and every v1 ticket its number.
async fn helpdesk_agrees<S: HelpdeskStore>(upgraded: &S, memory: &MemoryStore, world: &World<MemoryStore>) {
    use sysops_core::helpdesk::{CustomerLookup, LookupKey, TicketLookup, Window};
    let window = Window::new(0, 100).unwrap();
    let mut texts: Vec<String> = vec!["customer".into()];
    for customer in &world.customers {
        texts.extend([customer.contact.name.to_string(), customer.contact.email.to_string().to_uppercase()]);
        texts.push(customer.contact.phone.as_str().get(2..).unwrap().to_owned());
    }
    for ticket in all_states(memory, AggregateKind::Ticket).await {
        texts.push(sysops_core::TicketNumber::of(ticket.stream.id.into()).to_string());
    }
    for text in texts {
        let key = LookupKey::parse(&text).unwrap();
        let lookup = CustomerLookup { key: key.clone(), window };
        let found = upgraded.find_customers(&lookup).await.unwrap();
        assert!(!found.is_empty(), "{text}");
        assert_eq!(found, memory.find_customers(&lookup).await.unwrap(), "{text}");
        let lookup = TicketLookup { key: Some(key), status: None, from: None, to: None, window };
        assert_eq!(
            upgraded.find_tickets(&lookup).await.unwrap(),
            memory.find_tickets(&lookup).await.unwrap(),
            "{text}"
        );
    }
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
        helpdesk_agrees(&upgraded, memory, &world).await;

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

/// Writes `memory`'s records into a PostgreSQL schema migrated only to v1, as v1 stored them,
/// plus a ticket minted before v2 (its id does not carry its customer's shard key); half of the
/// outbox is numbered and `notifications` has acknowledged two entries. Returns that ticket.
async fn write_pg_v1(memory: &MemoryStore, url: &str, schema: &str) -> StreamId {
    let admin = sqlx::PgPool::connect(url).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).execute(&admin).await.unwrap();
    admin.close().await;
    let options = url.parse::<sqlx::postgres::PgConnectOptions>().unwrap().options([("search_path", schema)]);
    let pool = sqlx::PgPool::connect_with(options).await.unwrap();
    let v1 = tempfile::tempdir().unwrap();
    let init = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres/0001_init.sql");
    std::fs::copy(init, v1.path().join("0001_init.sql")).unwrap();
    sqlx::migrate::Migrator::new(v1.path()).await.unwrap().run(&pool).await.unwrap();

    let mut states = Vec::new();
    for kind in KINDS {
        states.extend(all_states(memory, kind).await);
    }
    // The pre-v2 ticket: a copy of the first one under an id with another shard key.
    let first = states.iter().find(|s| s.stream.kind == AggregateKind::Ticket).unwrap().clone();
    let mut bytes = *first.stream.id.as_bytes();
    bytes[14] ^= 0xff;
    let legacy = StreamId::new(AggregateKind::Ticket, Uuid::from_bytes(bytes));
    let rename = |json: &str| json.replace(&first.stream.id.to_string(), &legacy.id.to_string());
    let mut events = memory.poll(&ConsumerName::new("copy").unwrap(), u32::MAX).await.unwrap();
    let copies: Vec<_> = events.iter().filter(|e| e.event.stream == first.stream).cloned().collect();
    for mut copy in copies {
        copy.event.stream = legacy;
        copy.event.json = rename(&copy.event.json);
        events.push(copy);
    }
    states.push(sysops_core::store::StoredState { stream: legacy, version: first.version, json: rename(&first.json) });

    for state in &states {
        let (kind, id) = (state.stream.kind, state.stream.id);
        sqlx::query("INSERT INTO states (kind, id, version, json) VALUES ($1, $2, $3, $4)")
            .bind(kind.as_str())
            .bind(id)
            .bind(state.version.0 as i64)
            .bind(&state.json)
            .execute(&pool)
            .await
            .unwrap();
        if kind == AggregateKind::Ticket {
            let ticket: Ticket = serde_json::from_str(&state.json).unwrap();
            let index = ticket.index();
            let t = index.get::<TicketIndex>().unwrap();
            sqlx::query(
                "INSERT INTO tickets (id, customer, status, expert, priority, category, submitted_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(t.customer.as_uuid())
            .bind(t.status.as_str())
            .bind(t.expert.map(|e| e.as_uuid()))
            .bind(t.priority as i16)
            .bind(t.category.as_str())
            .bind(t.submitted_at)
            .execute(&pool)
            .await
            .unwrap();
        }
        if kind == AggregateKind::Customer {
            let customer: Customer = serde_json::from_str(&state.json).unwrap();
            let index = customer.index();
            let c = index.get::<CustomerIndex>().unwrap();
            sqlx::query("INSERT INTO customers (id, name, email, phone) VALUES ($1, $2, $3, $4)")
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
            sqlx::query("INSERT INTO experts (id, active, lat, lon, radius_km) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(e.active)
                .bind(e.base.lat())
                .bind(e.base.lon())
                .bind(i32::from(e.radius_km))
                .execute(&pool)
                .await
                .unwrap();
            for (category, level) in &e.skills {
                sqlx::query("INSERT INTO expert_skills (expert, category, level) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(category.as_str())
                    .bind(i16::from(level.get()))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
        }
    }
    // Events in commit order; v1's relay had numbered the first half of the outbox.
    let numbered = events.len() / 2;
    for (n, entry) in events.iter().enumerate() {
        let e = &entry.event;
        sqlx::query(
            "WITH e AS (INSERT INTO events (kind, id, seq, at, name, json) VALUES ($1, $2, $3, $4, $5, $6)
                        RETURNING kind, id, seq)
             INSERT INTO outbox (kind, agg_id, seq, position) SELECT kind, id, seq, $7 FROM e",
        )
        .bind(e.stream.kind.as_str())
        .bind(e.stream.id)
        .bind(e.sequence.0 as i64)
        .bind(e.at)
        .bind(&e.name)
        .bind(&e.json)
        .bind((n < numbered).then_some(n as i64 + 1))
        .execute(&pool)
        .await
        .unwrap();
    }
    sqlx::query("UPDATE outbox_relay SET last_position = $1").bind(numbered as i64).execute(&pool).await.unwrap();
    sqlx::query("INSERT INTO outbox_cursors (consumer, position) VALUES ('notifications', 2)")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    legacy
}

#[test]
fn a_v1_postgres_schema_upgrades_in_place_and_every_record_reads_back() {
    let Some(url) = pg_url() else {
        eprintln!("skipped: SYSOPS_PG_URL not set");
        return;
    };
    block_on(async {
        let world = world().await;
        let memory = world.service.store();
        let schema = format!("v1_{}", Uuid::now_v7().simple());
        let legacy = write_pg_v1(memory, &url, &schema).await;

        let upgraded = PgStore::open(&url, Some(&schema), 4).await.expect("a v1 schema opens and is migrated");
        for kind in KINDS {
            for state in all_states(memory, kind).await {
                assert_eq!(upgraded.load(state.stream).await.unwrap(), Some(state.clone()));
                assert_eq!(upgraded.events(state.stream).await.unwrap(), memory.events(state.stream).await.unwrap());
            }
        }
        assert!(upgraded.load(legacy).await.unwrap().is_some(), "a pre-v2 ticket loads by its id alone");
        let page = Page::first(Page::MAX_LIMIT);
        let active = ExpertQuery { active_only: true, ..ExpertQuery::default() };
        assert_eq!(upgraded.experts(active, page).await.unwrap(), memory.experts(active, page).await.unwrap());
        let mut legacy_listed = false;
        for customer in &world.customers {
            let filter = TicketFilter::of_customer(customer.id);
            let mut listed = upgraded.tickets(filter, page).await.unwrap();
            legacy_listed |= listed.iter().any(|t| t.stream == legacy);
            listed.retain(|t| t.stream != legacy);
            assert_eq!(listed, memory.tickets(filter, page).await.unwrap());
        }
        assert!(legacy_listed, "the pre-v2 ticket is among its customer's tickets");
        let window = sysops_core::helpdesk::Window::new(0, 10).unwrap();
        let number = sysops_core::TicketNumber::of(legacy.id.into()).to_string();
        let by_number = sysops_core::helpdesk::TicketSearch { text: Some(number), ..Default::default() };
        let lookup = by_number.check(window).unwrap();
        let found = upgraded.find_tickets(&lookup).await.unwrap();
        assert_eq!(found.iter().map(|t| t.stream).collect::<Vec<_>>(), [legacy], "the backfill numbered v1's tickets");
        for customer in &world.customers {
            let key = sysops_core::helpdesk::LookupKey::parse(&customer.contact.name.to_string()).unwrap();
            let lookup = sysops_core::helpdesk::CustomerLookup { key, window };
            assert_eq!(upgraded.find_customers(&lookup).await.unwrap(), memory.find_customers(&lookup).await.unwrap());
        }
        let everyone = TicketFilter::default();
        let listed = upgraded.tickets(everyone, page).await.unwrap();
        assert!(listed.iter().any(|t| t.stream == legacy), "the pre-v2 ticket is listed");

        // The outbox resumes where v1 left off: the numbered half keeps its positions, the rest
        // follows, and the cursor still stands after the second entry.
        let consumer = ConsumerName::new("notifications").unwrap();
        let delivered = upgraded.poll(&consumer, u32::MAX).await.unwrap();
        let written =
            memory.poll(&consumer, u32::MAX).await.unwrap().len() + upgraded.events(legacy).await.unwrap().len();
        assert_eq!(delivered.len(), written - 2);
        assert_eq!(delivered[0].position, 3);
        assert!(delivered.windows(2).all(|p| p[0].position < p[1].position));
        upgraded.ack(&consumer, delivered.last().unwrap().position).await.unwrap();

        let service = Service::new(upgraded, world.clock.clone(), sysops_core::SequentialIds::new(10_000));
        let ticket = service
            .submit_ticket(world.customer(0), world.customers[0].id, tv_ticket("Still no picture"))
            .await
            .unwrap();
        let mine = service.tickets(world.customer(0), TicketFilter::of_customer(world.customers[0].id), page).await;
        assert!(mine.unwrap().iter().any(|t| t.id == ticket.id));
        let report = service.run_assignment(world.admin, &Default::default()).await.unwrap();
        assert!(report.quarantined.is_empty());
        let fresh = service.store().poll(&consumer, u32::MAX).await.unwrap();
        assert!(fresh.iter().any(|e| e.event.stream.id == ticket.id.as_uuid()), "new events follow");
    });
}

/// What a helpdesk agent finds for a few queries, hit by hit.
async fn found<S: sysops_core::Store>(service: &Service<S>, helpdesk: sysops_core::Actor) -> Vec<Vec<Uuid>> {
    use sysops_core::kb::{ArticleSearch, SearchQuery};
    let mut pages = Vec::new();
    for text in ["printer", "\"paper jam\"", "toner -drum", "prin*"] {
        let search = ArticleSearch::new(SearchQuery::parse(text).unwrap());
        let results = service.search_articles(helpdesk, search).await.unwrap();
        assert!(!results.hits.is_empty(), "{text}");
        pages.push(results.hits.iter().map(|h| h.article.as_uuid()).collect());
    }
    pages
}

/// Articles written before the ranked lists existed: a world of them, searched.
async fn articles_before_ranking<S: sysops_core::Store>(store: S) -> (Vec<Vec<Uuid>>, sysops_core::Actor) {
    use sysops_core::kb::{ArticleBody, ArticleContent, ArticleTitle};
    let world = World::new(store, 0, 0).await.unwrap();
    let words = ["printer", "paper", "jam", "toner", "drum", "tray", "printing", "driver"];
    let contents = (0..60).map(|n: usize| {
        let body: Vec<&str> = (0..12).map(|i| words[(n * 7 + i * i) % words.len()]).collect();
        let title = format!("{} note {n}", words[n % words.len()]);
        let categories = [sysops_core::ProductCategory::Printer].into();
        let body = ArticleBody::new(body.join(" ")).unwrap();
        ArticleContent::new(ArticleTitle::new(title).unwrap(), body, categories, Default::default()).unwrap()
    });
    world.service.import_articles(world.admin, contents.collect(), |_| {}).await.unwrap();
    (found(&world.service, world.helpdesk).await, world.helpdesk)
}

/// The rows a database held before the ranking migration: none of the ranked lists.
const UNRANK: [&str; 4] =
    ["DELETE FROM kb_postings", "DELETE FROM kb_weights", "DELETE FROM kb_terms", "DELETE FROM kb_rank_backfill"];

/// What a PostgreSQL database held before the phrases' pairs (`0012_kb_phrases.sql`), which
/// the migration fills from the articles when it runs.
const UNPAIR: [&str; 3] =
    ["DROP TABLE kb_pairs", "DROP FUNCTION kb_adjacent_pairs", "DELETE FROM _sqlx_migrations WHERE version = 12"];

fn reopened<S: sysops_core::Store>(store: S) -> Service<S> {
    let clock = std::sync::Arc::new(sysops_core::ManualClock::new(sysops_core::testing::fixtures::t0()).unwrap());
    Service::new(store, clock, sysops_core::SequentialIds::new(4_242))
}

#[test]
fn articles_written_before_the_ranked_lists_are_ranked_when_sqlite_next_opens() {
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kb.db");
        let (before, helpdesk) = articles_before_ranking(SqliteStore::open(&path).await.unwrap()).await;
        let options = SqliteConnectOptions::new().filename(&path);
        let pool = SqlitePool::connect_with(options).await.unwrap();
        for sql in UNRANK {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool.close().await;
        let service = reopened(SqliteStore::open(&path).await.unwrap());
        assert_eq!(found(&service, helpdesk).await, before);
    });
}

#[test]
fn articles_written_before_the_ranked_lists_and_phrase_pairs_are_found_when_postgres_next_opens() {
    let Some(url) = pg_url() else {
        eprintln!("skipped: SYSOPS_PG_URL not set");
        return;
    };
    block_on(async {
        let schema = format!("kb_{}", Uuid::now_v7().simple());
        let store = PgStore::open(&url, Some(&schema), 4).await.unwrap();
        let (before, helpdesk) = articles_before_ranking(store).await;
        let options =
            url.parse::<sqlx::postgres::PgConnectOptions>().unwrap().options([("search_path", schema.as_str())]);
        let pool = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect_with(options).await.unwrap();
        for sql in UNRANK.into_iter().chain(UNPAIR) {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        pool.close().await;
        let service = reopened(PgStore::open(&url, Some(&schema), 4).await.unwrap());
        assert_eq!(found(&service, helpdesk).await, before);
    });
}
