//! What only a distributed database can show: the PostgreSQL adapter on a Citus cluster (a
//! coordinator and two workers) keeps every promise it keeps on one server.
//!
//! Runs against the coordinator in `SYSOPS_CITUS_URL` (`scripts/test.sh` starts a cluster; see
//! `scripts/citus.sh`). The suites every backend passes also run on the cluster, with
//! `SYSOPS_PG_URL` set to the coordinator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::block_on;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use sysops_core::store::{Change, ConsumerName, EventStore, Outbox, OutboxEntry, Page, TicketFilter};
use sysops_core::testing::fixtures::{World, contact, tv_ticket};
use sysops_core::{
    Aggregate, Clock, Ctx, Customer, CustomerCommand, Decide, SequentialIds, Service, ShardKey, StreamId, Ticket,
    TicketCommand, applied,
};
use sysops_core::{Reason, StoreError, WorkNotes};
use sysops_storage::PgStore;
use uuid::Uuid;

/// The Citus coordinator to test against. Under `CI=true` its absence is a failure.
fn citus_url() -> Option<String> {
    match std::env::var("SYSOPS_CITUS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but SYSOPS_CITUS_URL is not set: scripts/test.sh starts a Citus cluster")
        }
        _ => {
            eprintln!(
                "skipped: set SYSOPS_CITUS_URL to a Citus 13 coordinator, or install Citus 13 for PostgreSQL 15 \
                 and run scripts/test.sh, which starts a cluster"
            );
            None
        }
    }
}

/// A fresh distributed store in a schema of its own, and the schema's name.
async fn fresh(url: &str) -> (PgStore, String) {
    let schema = format!("c_{}", Uuid::now_v7().simple());
    let store = PgStore::open(url, Some(&schema), 16).await.expect("open the coordinator");
    assert!(store.is_distributed(), "opened on Citus, the tables are distributed");
    (store, schema)
}

/// The same schema through connections on which every query Citus would run on several shards
/// is an error: what succeeds here touched one shard.
async fn single_shard_only(url: &str, schema: &str) -> PgStore {
    let separator = if url.contains('?') { '&' } else { '?' };
    let strict = format!("{url}{separator}options=-c%20citus.multi_task_query_log_level%3Derror");
    PgStore::open(&strict, Some(schema), 4).await.expect("open the strict store")
}

/// The port of the worker holding the shard of `key` (with every co-located shard).
async fn worker_of(store: &PgStore, key: ShardKey) -> (i64, i32) {
    sqlx::query_as(
        "SELECT p.shardid, n.nodeport FROM pg_dist_placement p JOIN pg_dist_node n ON n.groupid = p.groupid
         WHERE p.shardid = get_shard_id_for_distribution_column('events', $1::int)",
    )
    .bind(i32::from(key.get()))
    .fetch_one(store.pool())
    .await
    .unwrap()
}

/// Moves a shard (with every co-located shard) between workers, as an operator rebalancing the
/// cluster would. Tests in other schemas share the co-location group and may be creating tables
/// at that moment, which Citus refuses to move during: retry.
async fn move_shard(store: &PgStore, shard: i64, from: i32, to: i32) {
    for attempt in 1.. {
        let moved = sqlx::query(
            "SELECT citus_move_shard_placement($1, '127.0.0.1', $2, '127.0.0.1', $3,
                                               shard_transfer_mode => 'block_writes')",
        )
        .bind(shard)
        .bind(from)
        .bind(to)
        .execute(store.pool())
        .await;
        match moved {
            Ok(_) => return,
            Err(e) if attempt < 50 && e.to_string().contains("could not acquire the lock") => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("moving the shard: {e}"),
        }
    }
}

/// The worker other than `port`.
async fn other_worker(store: &PgStore, port: i32) -> i32 {
    sqlx::query_scalar(
        "SELECT nodeport FROM pg_dist_node WHERE noderole = 'primary' AND nodeport <> $1 AND groupid > 0",
    )
    .bind(port)
    .fetch_one(store.pool())
    .await
    .unwrap()
}

#[test]
fn every_single_customer_operation_is_routed_to_one_shard() {
    let Some(url) = citus_url() else { return };
    block_on(async {
        let (store, schema) = fresh(&url).await;
        let world = World::new(store, 2, 1).await.unwrap();
        let strict = Service::new(single_shard_only(&url, &schema).await, world.clock.clone(), SequentialIds::new(7));
        let customer = world.customers[0].id;

        // Submit: a customer on the web, and helpdesk on the phone.
        let web = strict.submit_ticket(world.customer(0), customer, tv_ticket("no picture")).await.unwrap();
        let phone = strict.submit_ticket(world.helpdesk, customer, tv_ticket("no sound")).await.unwrap();
        assert_eq!(ShardKey::of(web.id.as_uuid()), ShardKey::of(customer.as_uuid()), "on the customer's shard");

        // The offers come from an administrator (the job reads across shards); the expert answers.
        for ticket in [web.id, phone.id] {
            world.service.assign_ticket(world.admin, ticket, world.experts[0].id, None).await.unwrap();
        }
        let expert = world.expert(0);
        strict.handle_ticket(expert, web.id, TicketCommand::Accept).await.unwrap();
        let reason = Reason::new("out of my area this week").unwrap();
        strict.handle_ticket(expert, phone.id, TicketCommand::Reject { reason }).await.unwrap();
        strict.handle_ticket(expert, web.id, TicketCommand::Start).await.unwrap();
        let notes = WorkNotes::new("reseated the HDMI board").unwrap();
        let done = strict.handle_ticket(expert, web.id, TicketCommand::Complete { notes }).await.unwrap();

        // Reads: a ticket, its history, the customer's tickets.
        assert_eq!(strict.ticket(world.customer(0), web.id).await.unwrap(), done);
        assert_eq!(strict.ticket_history(world.customer(0), web.id).await.unwrap().len(), 5);
        let filter = TicketFilter { customer: Some(customer), ..TicketFilter::default() };
        let mine = strict.tickets(world.customer(0), filter, Page::first(50)).await.unwrap();
        assert_eq!(mine.items.len(), 2);
        assert_eq!(strict.count_tickets(world.customer(0), filter).await.unwrap(), 2);
        // Helpdesk reading a ticket id off the caller's screen: one shard too.
        let by_id = sysops_core::helpdesk::TicketSearch { text: Some(web.id.to_string()), ..Default::default() };
        let window = sysops_core::helpdesk::Window::new(0, 10).unwrap();
        let found = strict.find_tickets(world.helpdesk, &by_id, window).await.unwrap();
        assert_eq!(found.items, std::slice::from_ref(&done));

        // Ack (polling relays across shards; acknowledging touches the log's one shard).
        let consumer = ConsumerName::new("notifications").unwrap();
        let delivered = world.service.store().poll(&consumer, 1_000).await.unwrap();
        strict.store().ack(&consumer, delivered.last().unwrap().position).await.unwrap();
        assert!(world.service.store().poll(&consumer, 1_000).await.unwrap().is_empty());

        // And the check itself is real: a query over every shard is refused on these connections.
        let everyone = TicketFilter::default();
        assert!(strict.tickets(world.admin, everyone, Page::first(50)).await.is_err(), "multi-shard is refused");
    });
}

/// Every event of `streams` was delivered to `seen`, each aggregate's in sequence order.
async fn assert_all_delivered(store: &PgStore, streams: &[StreamId], seen: &[OutboxEntry]) {
    let mut delivered: BTreeMap<StreamId, Vec<u64>> = BTreeMap::new();
    for entry in seen {
        let sequences = delivered.entry(entry.event.stream).or_default();
        if !sequences.contains(&entry.event.sequence.0) {
            sequences.push(entry.event.sequence.0);
        }
    }
    for &stream in streams {
        let stored: Vec<u64> = store.events(stream).await.unwrap().iter().map(|e| e.sequence.0).collect();
        assert_eq!(delivered.get(&stream), Some(&stored), "{stream}: every event, in order, none skipped");
    }
}

#[test]
fn commits_spanning_both_workers_are_all_delivered_while_consumers_poll_and_ack() {
    let Some(url) = citus_url() else { return };
    const PAIRS: usize = 6;
    const ROUNDS: usize = 25;
    block_on(async {
        let (store, _) = fresh(&url).await;
        let world = World::new(store, 40, 0).await.unwrap();
        // Pairs of customers whose shards are on different workers.
        let mut by_worker: BTreeMap<i32, Vec<Customer>> = BTreeMap::new();
        for customer in &world.customers {
            let (_, port) = worker_of(world.service.store(), ShardKey::of(customer.id.as_uuid())).await;
            by_worker.entry(port).or_default().push(customer.clone());
        }
        let workers: Vec<Vec<Customer>> = by_worker.into_values().collect();
        assert_eq!(workers.len(), 2, "the customers' shards are on both workers");
        let pairs: Vec<(Customer, Customer)> =
            workers[0].iter().cloned().zip(workers[1].iter().cloned()).take(PAIRS).collect();
        assert_eq!(pairs.len(), PAIRS);
        let world = Arc::new(world);

        let writing = Arc::new(AtomicBool::new(true));
        let mut consumers = Vec::new();
        for name in ["notifications", "reports"] {
            let store = world.service.store().clone();
            let writing = writing.clone();
            consumers.push(tokio::spawn(async move {
                let consumer = ConsumerName::new(name).unwrap();
                let mut seen = Vec::new();
                loop {
                    let done = !writing.load(Ordering::SeqCst);
                    let batch = store.poll(&consumer, 37).await.unwrap();
                    if let Some(last) = batch.last() {
                        store.ack(&consumer, last.position).await.unwrap();
                    } else if done {
                        return seen;
                    }
                    seen.extend(batch);
                }
            }));
        }
        let mut writers = Vec::new();
        for (n, (a, b)) in pairs.iter().cloned().enumerate() {
            let world = world.clone();
            writers.push(tokio::spawn(async move {
                let (mut a, mut b) = (a, b);
                for round in 0..ROUNDS {
                    let ids = SequentialIds::new((n * 1000 + round) as u64);
                    let ctx = Ctx::new(world.admin, Clock::now(&world.clock), &ids);
                    let mut changes = Vec::new();
                    for customer in [&mut a, &mut b] {
                        let command = CustomerCommand::UpdateContact(contact(100 + round));
                        let events = customer.decide(&command, &ctx).unwrap();
                        let next = applied(customer, &events).unwrap();
                        changes.push(Change::of(customer.version(), &next, &events).unwrap());
                        *customer = next;
                    }
                    // One transaction, two workers: Citus commits it with two-phase commit.
                    world.service.store().commit(changes).await.unwrap();
                }
            }));
        }
        for writer in writers {
            writer.await.unwrap();
        }
        writing.store(false, Ordering::SeqCst);
        let streams: Vec<StreamId> =
            pairs.iter().flat_map(|(a, b)| [a, b]).map(|c| StreamId::new(Customer::KIND, c.id)).collect();
        for consumer in consumers {
            let seen = consumer.await.unwrap();
            assert!(seen.windows(2).all(|p| p[0].position < p[1].position), "positions increase");
            assert_all_delivered(world.service.store(), &streams, &seen).await;
        }
    });
}

#[test]
fn a_shard_moved_to_the_other_worker_while_tickets_are_submitted_and_consumed_loses_nothing() {
    let Some(url) = citus_url() else { return };
    block_on(async {
        let (store, _) = fresh(&url).await;
        let world = Arc::new(World::new(store, 1, 0).await.unwrap());
        let key = ShardKey::of(world.customers[0].id.as_uuid());
        let (shard, from) = worker_of(world.service.store(), key).await;
        let to = other_worker(world.service.store(), from).await;

        let moving = Arc::new(AtomicBool::new(true));
        let mut submitters = Vec::new();
        for _ in 0..4 {
            let (world, moving) = (world.clone(), moving.clone());
            submitters.push(tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                while moving.load(Ordering::SeqCst) {
                    let customer = world.customers[0].id;
                    match world.service.submit_ticket(world.customer(0), customer, tv_ticket("moving")).await {
                        Ok(ticket) => acknowledged.push(ticket.id),
                        Err(e) => assert!(
                            e.is_conflict() || matches!(e, sysops_core::Error::Store(StoreError::Busy)),
                            "only a typed, retryable error may surface: {e:?}"
                        ),
                    }
                }
                acknowledged
            }));
        }
        let consumer = {
            let (store, moving) = (world.service.store().clone(), moving.clone());
            tokio::spawn(async move {
                let consumer = ConsumerName::new("notifications").unwrap();
                let mut seen = Vec::new();
                loop {
                    let done = !moving.load(Ordering::SeqCst);
                    match store.poll(&consumer, 100).await {
                        Ok(batch) if batch.is_empty() && done => return seen,
                        Ok(batch) => {
                            if let Some(last) = batch.last() {
                                // Busy while the move holds its locks: the batch comes again.
                                match store.ack(&consumer, last.position).await {
                                    Ok(()) | Err(StoreError::Busy) => {}
                                    Err(e) => panic!("ack failed: {e:?}"),
                                }
                            }
                            seen.extend(batch);
                        }
                        // The move holds locks the relay waits for: past the wait limit, poll again.
                        Err(StoreError::Busy) => {}
                        Err(e) => panic!("poll failed: {e:?}"),
                    }
                }
            })
        };

        tokio::time::sleep(Duration::from_millis(700)).await;
        move_shard(world.service.store(), shard, from, to).await;
        assert_eq!(worker_of(world.service.store(), key).await.1, to, "the shard moved");
        tokio::time::sleep(Duration::from_millis(700)).await;
        moving.store(false, Ordering::SeqCst);

        let mut acknowledged = Vec::new();
        for submitter in submitters {
            acknowledged.extend(submitter.await.unwrap());
        }
        assert!(acknowledged.len() > 10, "tickets were submitted before and after the move");
        let seen = consumer.await.unwrap();
        let delivered: BTreeSet<Uuid> = seen.iter().map(|e| e.event.stream.id).collect();
        for ticket in &acknowledged {
            world.service.ticket(world.admin, *ticket).await.expect("every acknowledged ticket is stored");
            assert!(delivered.contains(&ticket.as_uuid()), "and delivered by the outbox");
        }
        let streams: Vec<StreamId> = acknowledged.iter().map(|t| StreamId::new(Ticket::KIND, *t)).collect();
        assert_all_delivered(world.service.store(), &streams, &seen).await;
    });
}

#[test]
fn assignment_jobs_taking_turns_while_customers_cancel_offer_no_ticket_twice() {
    use sysops_core::assignment::CostWeights;
    use sysops_core::store::AssignmentStore;
    let Some(url) = citus_url() else { return };
    block_on(async {
        let (store, _) = fresh(&url).await;
        let world = Arc::new(World::new(store, 10, 8).await.unwrap());
        let mut open = Vec::new();
        for n in 0..200 {
            let customer = n % 10;
            let ticket =
                world.service.submit_ticket(world.customer(customer), world.customers[customer].id, tv_ticket("x"));
            open.push((customer, ticket.await.unwrap().id));
        }
        // Customers cancel every third ticket while two jobs plan and offer.
        let cancellers: Vec<_> = open
            .chunks(50)
            .map(|chunk| {
                let (world, chunk) = (world.clone(), chunk.to_vec());
                tokio::spawn(async move {
                    for (customer, ticket) in chunk.into_iter().step_by(3) {
                        let reason = Reason::new("fixed it myself").unwrap();
                        // An offer accepted meanwhile can no longer be cancelled: that is a rule, not a race.
                        let _ = world
                            .service
                            .handle_ticket(world.customer(customer), ticket, TicketCommand::Cancel { reason })
                            .await;
                    }
                })
            })
            .collect();
        let jobs: Vec<_> = (0..2)
            .map(|_| {
                let world = world.clone();
                tokio::spawn(async move {
                    for _ in 0..6 {
                        match world.service.run_assignment(world.admin, &CostWeights::default()).await {
                            Ok(_) => {}
                            Err(e) => assert!(e.is_conflict(), "a job fails only with a retryable conflict: {e}"),
                        }
                    }
                })
            })
            .collect();
        for task in cancellers.into_iter().chain(jobs) {
            task.await.unwrap();
        }
        for (_, ticket) in &open {
            let history = world.service.ticket_history(world.admin, *ticket).await.unwrap();
            let offers =
                history.iter().filter(|e| matches!(e.payload, sysops_core::TicketEvent::Assigned { .. })).count();
            assert!(offers <= 1, "{ticket} was offered {offers} times");
        }
        for load in world.service.store().expert_loads().await.unwrap() {
            assert!(load.active <= 5, "{:?} holds {} tickets, over its capacity of 5", load.expert, load.active);
        }
    });
}

#[test]
fn a_new_deployment_migrates_while_an_operator_moves_shards_of_another() {
    let Some(url) = citus_url() else { return };
    block_on(async {
        let (store, _) = fresh(&url).await;
        let (shard, home) = worker_of(&store, ShardKey::of(Uuid::nil())).await;
        let away = other_worker(&store, home).await;
        // An operator rebalancing: the shard to the other worker. (Moving it straight back
        // would meet the copy the first move left behind, which Citus removes later.)
        let mover = tokio::spawn(async move { move_shard(&store, shard, home, away).await });
        // Citus refuses to distribute a table while a shard of its co-location group moves; the
        // store waits the move out instead of failing to open.
        let mut opened = 0;
        while opened < 3 || !mover.is_finished() {
            fresh(&url).await;
            opened += 1;
        }
        mover.await.unwrap();
    });
}
