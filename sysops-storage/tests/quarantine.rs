//! One bad record never stops everyone else: a state planted by hand (raw SQL, as a buggy
//! older version or a hand edit would leave it) is skipped and reported by listings and the
//! assignment job, named when read, and listed for administrators; every other ticket is
//! still listed and assigned.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{block_on, pg_url};
use std::future::Future;
use sysops_core::assignment::CostWeights;
use sysops_core::store::{Page, Store, TicketFilter};
use sysops_core::testing::fixtures::{World, tv_ticket};
use sysops_core::{Actor, AggregateKind, Error, StoreError, StreamId, TicketStatus};
use sysops_storage::{PgStore, SqliteStore};
use uuid::Uuid;

/// What an old bug left behind: a rationale whose NaN total was written as `null`.
const POISONED: &str = r#"{"id":"00000000-0000-0000-0000-000000000000","state":{"total":null}}"#;

/// Plants undecodable states for the given tickets and expert, then checks everything else goes on.
async fn one_bad_record_never_stops_everyone_else<S, P, Fut>(store: S, plant: P)
where
    S: Store,
    P: Fn(AggregateKind, Uuid) -> Fut,
    Fut: Future<Output = ()>,
{
    let w = World::new(store, 3, 2).await.expect("fixtures");
    let mut tickets = Vec::new();
    for n in 0..4 {
        let t = w.service.submit_ticket(w.customer(n % 3), w.customers[n % 3].id, tv_ticket("no picture")).await;
        tickets.push(t.expect("submit"));
    }
    let (bad, good) = (tickets[1].id, [tickets[0].id, tickets[2].id, tickets[3].id]);
    plant(AggregateKind::Ticket, bad.as_uuid()).await;
    plant(AggregateKind::Expert, w.experts[1].id.as_uuid()).await;
    let bad_stream = StreamId::new(AggregateKind::Ticket, bad);
    let bad_expert = StreamId::new(AggregateKind::Expert, w.experts[1].id);

    // Listings go on and say what they skipped.
    let open = w.service.tickets(w.manager, TicketFilter::open(), Page::first(100)).await.expect("listing");
    assert_eq!(open.iter().map(|t| t.id).collect::<Vec<_>>(), good);
    assert_eq!(open.quarantined.iter().map(|q| q.stream).collect::<Vec<_>>(), [bad_stream]);
    let experts = w.service.find_experts(w.admin, Default::default(), Page::first(100)).await.expect("experts");
    assert_eq!(experts.len(), 1);
    assert_eq!(experts.quarantined[0].stream, bad_expert);

    // Reading the bad ticket is a typed error that names it.
    match w.service.ticket(w.admin, bad).await {
        Err(Error::Store(StoreError::Corrupt { stream, .. })) => assert_eq!(stream, bad_stream),
        other => panic!("expected Corrupt naming {bad_stream}, got {other:?}"),
    }

    // The job assigns every other ticket to the healthy expert and reports the rest.
    let report = w.service.run_assignment(Actor::system(), &CostWeights::default()).await.expect("job");
    let mut offered: Vec<_> = report.offers.iter().map(|o| o.ticket).collect();
    offered.sort();
    assert_eq!(offered, good);
    assert!(report.offers.iter().all(|o| o.expert == w.experts[0].id));
    let mut skipped: Vec<_> = report.quarantined.iter().map(|q| q.stream).collect();
    skipped.sort();
    assert_eq!(skipped, [bad_expert, bad_stream]);
    for id in good {
        assert_eq!(w.service.ticket(w.admin, id).await.expect("readable").status(), TicketStatus::Assigned);
    }
    // ... and keeps working on the next run.
    w.service.run_assignment(Actor::system(), &CostWeights::default()).await.expect("next run");
    w.service.tickets_waiting_too_long(w.manager).await.expect("waiting too long");

    // Administrators list the quarantined records of each kind.
    let audit = w.service.quarantined_records(w.admin, AggregateKind::Ticket, Page::first(100)).await.expect("audit");
    assert_eq!(audit.quarantined.iter().map(|q| q.stream).collect::<Vec<_>>(), [bad_stream]);
    assert_eq!(audit.len(), 3);
    let audit = w.service.quarantined_records(w.admin, AggregateKind::Expert, Page::first(100)).await.expect("audit");
    assert_eq!(audit.quarantined.iter().map(|q| q.stream).collect::<Vec<_>>(), [bad_expert]);
}

#[test]
fn sqlite_one_bad_record_never_stops_everyone_else() {
    block_on(async {
        let dir = tempfile::tempdir().expect("tempdir").keep();
        let path = dir.join("sysops.db");
        let store = SqliteStore::open(&path).await.expect("open");
        let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.expect("raw connection");
        one_bad_record_never_stops_everyone_else(store, |kind, id| {
            let raw = raw.clone();
            async move {
                let done = sqlx::query("UPDATE states SET json = ?1 WHERE id = ?2 AND kind = ?3")
                    .bind(POISONED)
                    .bind(id)
                    .bind(kind.as_str())
                    .execute(&raw)
                    .await;
                assert_eq!(done.expect("plant").rows_affected(), 1, "{kind:?} {id}");
            }
        })
        .await;
    });
}

#[test]
fn postgres_one_bad_record_never_stops_everyone_else() {
    if pg_url().is_none() {
        eprintln!("skipped: SYSOPS_PG_URL not set");
        return;
    }
    block_on(async {
        let schema = format!("t_{}", Uuid::now_v7().simple());
        let store = PgStore::open(&pg_url().expect("url"), Some(&schema), 8).await.expect("open");
        let raw = store.pool().clone();
        one_bad_record_never_stops_everyone_else(store, |kind, id| {
            let raw = raw.clone();
            async move {
                let done = sqlx::query("UPDATE states SET json = $1 WHERE kind = $2 AND id = $3")
                    .bind(POISONED)
                    .bind(kind.as_str())
                    .bind(id)
                    .execute(&raw)
                    .await;
                assert_eq!(done.expect("plant").rows_affected(), 1, "{kind:?} {id}");
            }
        })
        .await;
    });
}
