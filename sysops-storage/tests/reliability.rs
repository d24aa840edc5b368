//! What must hold under concurrency and bad input: no lost events, no lost updates, clear errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{block_on, fresh_pg, fresh_sqlite, pg_url};
use std::sync::Arc;
use sysops_core::store::{AssignmentStore, Change, ConsumerName, EventStore, Outbox};
use sysops_core::testing::fixtures::{World, contact};
use sysops_core::{Aggregate, Customer, CustomerCommand, Decide, Error, Sequence, ShardKey, Ticket};
use sysops_storage::{OpenError, PgStore, SqliteStore, Sysops};

fn skip_without_pg() -> bool {
    if pg_url().is_none() {
        eprintln!("skipped: SYSOPS_PG_URL not set");
        return true;
    }
    false
}

#[test]
fn the_outbox_delivers_rows_whose_transactions_commit_out_of_order() {
    if skip_without_pg() {
        return;
    }
    block_on(async {
        let store = fresh_pg().await;
        let consumer = ConsumerName::new("notifications").unwrap();
        // Each transaction stores an event and its outbox row, as a commit does.
        let insert = "WITH e AS (INSERT INTO events (shard, kind, id, seq, at, name, json)
                                 VALUES ($2, 'ticket', $1, 1, now(), 'TicketSubmitted', '{}')
                                 RETURNING shard, kind, id, seq)
                      INSERT INTO outbox (shard, kind, agg_id, seq) SELECT shard, kind, id, seq FROM e RETURNING id";
        // Two tickets of one customer: one shard, so on Citus too the row ids come from one node.
        let early_id = uuid::Uuid::now_v7();
        let shard = ShardKey::of(early_id);
        let late_id = shard.stamp(uuid::Uuid::now_v7());
        let key = i32::from(shard.get());

        // Transaction A takes the lower insertion id but commits last.
        let mut a = store.pool().begin().await.unwrap();
        let a_row: i64 = sqlx::query_scalar(insert).bind(early_id).bind(key).fetch_one(&mut *a).await.unwrap();
        let mut b = store.pool().begin().await.unwrap();
        let b_row: i64 = sqlx::query_scalar(insert).bind(late_id).bind(key).fetch_one(&mut *b).await.unwrap();
        assert!(a_row < b_row, "A's row precedes B's: a cursor over insertion ids would skip A");
        b.commit().await.unwrap();

        let first = store.poll(&consumer, 100).await.unwrap();
        assert_eq!(first.iter().map(|e| e.event.stream.id).collect::<Vec<_>>(), [late_id]);
        store.ack(&consumer, first[0].position).await.unwrap();

        a.commit().await.unwrap();
        let second = store.poll(&consumer, 100).await.unwrap();
        assert_eq!(second.iter().map(|e| e.event.stream.id).collect::<Vec<_>>(), [early_id], "A is not lost");
        assert!(second[0].position > first[0].position);
    });
}

#[test]
fn concurrent_relays_and_writers_lose_nothing() {
    if skip_without_pg() {
        return;
    }
    block_on(async {
        let store = Arc::new(fresh_pg().await);
        let world = World::new(store.as_ref().clone(), 4, 1).await.unwrap();
        let world = Arc::new(world);
        let consumer = ConsumerName::new("reports").unwrap();
        let mut writers = Vec::new();
        for task in 0..8 {
            let world = world.clone();
            writers.push(tokio::spawn(async move {
                for n in 0..15 {
                    let customer = (task + n) % 4;
                    let text = format!("task {task} ticket {n}");
                    world
                        .service
                        .submit_ticket(
                            world.customer(customer),
                            world.customers[customer].id,
                            sysops_core::testing::fixtures::tv_ticket(&text),
                        )
                        .await
                        .unwrap();
                }
            }));
        }
        let mut seen = Vec::new();
        let reader = {
            let store = store.clone();
            let consumer = consumer.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                for _ in 0..200 {
                    let batch = store.poll(&consumer, 50).await.unwrap();
                    if let Some(last) = batch.last() {
                        store.ack(&consumer, last.position).await.unwrap();
                    }
                    seen.extend(batch);
                    tokio::task::yield_now().await;
                }
                seen
            })
        };
        for w in writers {
            w.await.unwrap();
        }
        seen.extend(reader.await.unwrap());
        loop {
            let batch = store.poll(&consumer, 1000).await.unwrap();
            let Some(last) = batch.last() else { break };
            store.ack(&consumer, last.position).await.unwrap();
            seen.extend(batch);
        }
        let submitted = seen.iter().filter(|e| e.event.name == "TicketSubmitted").count();
        assert_eq!(submitted, 8 * 15, "every ticket's event was delivered");
        assert!(seen.windows(2).all(|p| p[0].position < p[1].position), "in order, no repeats after acks");
    });
}

#[test]
fn many_writers_of_one_aggregate_exactly_one_wins_each_sequence_and_no_update_is_lost() {
    if skip_without_pg() {
        return;
    }
    block_on(async {
        let store = fresh_pg().await;
        let world = Arc::new(World::new(store, 1, 0).await.unwrap());
        // Raw writers: 16 tasks race to append the same next sequence, round after round.
        let mut current: Customer = world.customers[0].clone();
        for round in 0..6 {
            let ids = sysops_core::SequentialIds::new(round);
            let ctx = sysops_core::Ctx::new(world.admin, sysops_core::Clock::now(&world.clock), &ids);
            let events = current.decide(&CustomerCommand::UpdateContact(contact(50 + round as usize)), &ctx).unwrap();
            let next = sysops_core::applied(&current, &events).unwrap();
            let change = Change::of(current.version(), &next, &events).unwrap();
            let mut racers = Vec::new();
            for _ in 0..16 {
                let store = world.service.store().clone();
                let change = change.clone();
                racers.push(tokio::spawn(async move { store.commit(vec![change]).await }));
            }
            let mut wins = 0;
            for r in racers {
                match r.await.unwrap() {
                    Ok(()) => wins += 1,
                    Err(sysops_core::StoreError::Conflict { .. }) => {}
                    Err(other) => panic!("a loser must get a typed conflict, got {other}"),
                }
            }
            assert_eq!(wins, 1, "round {round}: exactly one writer wins sequence {}", next.version());
            current = next;
        }

        // Through the service: concurrent contact updates; every success is in the history.
        let customer = world.customers[0].id;
        let mut tasks = Vec::new();
        for n in 0..24 {
            let world = world.clone();
            tasks.push(tokio::spawn(async move {
                world
                    .service
                    .update_customer(world.customer(0), customer, CustomerCommand::UpdateContact(contact(100 + n)))
                    .await
            }));
        }
        let mut won = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                Ok(c) => won.push(c.contact.email.to_string()),
                Err(e) if e.is_conflict() => {}
                Err(other) => panic!("{other}"),
            }
        }
        assert!(!won.is_empty());
        let history =
            sysops_core::store::history::<sysops_core::Customer, _>(world.service.store(), customer).await.unwrap();
        assert_eq!(history.len(), won.len() + 7, "registration, six raced rounds, then one event per success");
        assert!(history.iter().enumerate().all(|(i, e)| e.sequence == Sequence(i as u64 + 1)));
        let emails: Vec<String> = history
            .iter()
            .skip(7)
            .filter_map(|e| match &e.payload {
                sysops_core::CustomerEvent::ContactChanged { contact } => Some(contact.email.to_string()),
                _ => None,
            })
            .collect();
        let mut a = emails.clone();
        let mut b = won.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b);
    });
}

#[test]
fn malformed_urls_are_typed_errors() {
    block_on(async {
        for url in
            ["", "mysql://x/y", "sqlite:", "sqlite://", "postgres://", "http://example.com", "sqlite://\u{7}bell"]
        {
            match Sysops::open(url).await {
                Err(OpenError::InvalidUrl { .. }) => {}
                Err(other) => panic!("{url:?}: expected InvalidUrl, got {other}"),
                Ok(_) => panic!("{url:?} opened"),
            }
        }
        let Err(err) = Sysops::open("postgres://user:hunter2@127.0.0.1:1/x?sslmode=nonsense").await else { panic!() };
        assert!(!err.to_string().contains("hunter2"), "passwords are redacted: {err}");
    });
}

#[test]
fn an_unreachable_server_is_a_typed_error_not_a_hang() {
    block_on(async {
        let started = std::time::Instant::now();
        match Sysops::open("postgres://sysops:secret@127.0.0.1:1/sysops").await {
            Err(OpenError::Unreachable { url, .. }) => assert_eq!(url, "postgres://sysops:***@127.0.0.1:1/sysops"),
            Err(other) => panic!("expected Unreachable, got {other}"),
            Ok(_) => panic!("nothing listens on port 1"),
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(30));
    });
}

fn digest(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[test]
fn a_corrupted_sqlite_file_is_reported_and_left_untouched() {
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken.db");
        let garbage: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        std::fs::write(&path, &garbage).unwrap();
        match SqliteStore::open(&path).await {
            Err(OpenError::Corrupt { .. }) => {}
            Err(other) => panic!("expected Corrupt, got {other}"),
            Ok(_) => panic!("garbage opened as a database"),
        }
        assert_eq!(digest(&path), garbage, "nothing was overwritten");
    });
}

#[test]
fn a_database_from_a_newer_sysops_is_refused_and_left_untouched() {
    block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("future.db");
        let store = SqliteStore::open(&path).await.unwrap();
        store.close().await;
        {
            let url = format!("sqlite://{}", path.display());
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            sqlx::query(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                 VALUES (99990101000000, 'from the future', TRUE, x'00', 0)",
            )
            .execute(&pool)
            .await
            .unwrap();
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&pool).await.unwrap();
            pool.close().await;
        }
        let before = digest(&path);
        match SqliteStore::open(&path).await {
            Err(OpenError::SchemaTooNew { found, supported }) => {
                assert_eq!(found, 99_990_101_000_000);
                assert!(supported < found);
            }
            Err(other) => panic!("expected SchemaTooNew, got {other}"),
            Ok(_) => panic!("a newer schema was opened"),
        }
        assert_eq!(digest(&path), before, "nothing was overwritten");
    });
}

#[test]
fn a_postgres_schema_from_a_newer_sysops_is_refused() {
    if skip_without_pg() {
        return;
    }
    block_on(async {
        let url = pg_url().unwrap();
        let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
        let store = PgStore::open(&url, Some(&schema), 2).await.unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (99990101000000, 'from the future', TRUE, '\\x00', 0)",
        )
        .execute(store.pool())
        .await
        .unwrap();
        store.close().await;
        assert!(matches!(PgStore::open(&url, Some(&schema), 2).await, Err(OpenError::SchemaTooNew { .. })));
    });
}

#[test]
fn a_sqlite_commit_reads_back_intact_and_a_closed_store_answers_with_an_error() {
    block_on(async {
        let store = fresh_sqlite().await;
        let world = World::new(store, 1, 1).await.unwrap();
        let t = world
            .service
            .submit_ticket(world.customer(0), world.customers[0].id, sysops_core::testing::fixtures::tv_ticket("x"))
            .await
            .unwrap();
        world.service.store().integrity_check().await.unwrap();
        let loaded: Option<Ticket> = sysops_core::store::load(world.service.store(), t.id).await.unwrap();
        assert_eq!(loaded, Some(t));
        let closed = world.service.store().clone();
        closed.close().await;
        assert!(
            matches!(world.service.ticket(world.admin, loaded.unwrap().id).await, Err(Error::Store(_))),
            "a closed store answers with a typed storage error"
        );
    });
}

#[test]
fn four_concurrent_assignment_jobs_offer_each_of_10000_tickets_exactly_once() {
    use sysops_core::assignment::CostWeights;
    use sysops_core::store::{Page, TicketFilter};
    use sysops_core::testing::fixtures::{profile, tv_ticket};
    use sysops_core::{Actor, Capacity, TicketStatus};
    if skip_without_pg() {
        return;
    }
    const TICKETS: usize = 10_000;
    const EXPERTS: usize = 250;
    const CAPACITY: u32 = 40; // 250 × 40 = 10,000 places: every ticket fits exactly
    block_on(async {
        let url = pg_url().unwrap();
        let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
        let store = PgStore::open(&url, Some(&schema), 16).await.unwrap();
        let mut world = World::new(store, 20, 0).await.unwrap();
        for n in 0..EXPERTS {
            let mut p = profile(n, 3);
            p.capacity = Capacity::new(i64::from(CAPACITY)).unwrap();
            let account = world.expert_account(n).await.unwrap();
            world.experts.push(world.service.register_expert(world.admin, account, p).await.unwrap());
        }
        let world = Arc::new(world);
        let mut submitters = Vec::new();
        for task in 0..8 {
            let world = world.clone();
            submitters.push(tokio::spawn(async move {
                for n in (task..TICKETS).step_by(8) {
                    let c = n % 20;
                    world
                        .service
                        .submit_ticket(world.customer(c), world.customers[c].id, tv_ticket("x"))
                        .await
                        .unwrap();
                }
            }));
        }
        for s in submitters {
            s.await.unwrap();
        }

        // Four job instances, each with its own connection pool, racing over the same tickets.
        let mut jobs = Vec::new();
        for _ in 0..4 {
            let url = url.clone();
            let schema = schema.clone();
            let actor = Actor::system();
            jobs.push(tokio::spawn(async move {
                let options =
                    sysops_storage::Options { pg_schema: Some(schema), pg_max_connections: 2, ..Default::default() };
                let job = Sysops::open_with(&url, options).await.unwrap();
                let mut offered = 0;
                for _ in 0..20 {
                    // Waiting past the wait limit for another job's turn is busy: run again.
                    let report = match job.run_assignment(actor, &CostWeights::default()).await {
                        Err(sysops_core::Error::Store(sysops_core::StoreError::Busy)) => continue,
                        run => run.unwrap(),
                    };
                    offered += report.offers.len();
                    if report.offers.is_empty() && !report.contended {
                        break;
                    }
                }
                offered
            }));
        }
        let mut offered = 0;
        for j in jobs {
            offered += j.await.unwrap();
        }
        assert_eq!(offered, TICKETS, "the jobs together made exactly one offer per ticket");

        let mut page = Page::first(Page::MAX_LIMIT);
        let mut seen = 0;
        loop {
            let tickets = world.service.tickets(Actor::system(), TicketFilter::default(), page).await.unwrap();
            let Some(last) = tickets.last() else { break };
            page = Page::after(last.id, Page::MAX_LIMIT);
            for t in &tickets {
                assert_eq!(t.status(), TicketStatus::Assigned, "{} was not assigned", t.id);
                assert_eq!(t.assignments.len(), 1, "{} was offered {} times", t.id, t.assignments.len());
            }
            seen += tickets.len();
        }
        assert_eq!(seen, TICKETS);
        let loads = world.service.store().expert_loads().await.unwrap();
        assert!(loads.iter().all(|l| l.active <= CAPACITY), "an expert over capacity");
        assert_eq!(loads.iter().map(|l| l.active as usize).sum::<usize>(), TICKETS);
    });
}
