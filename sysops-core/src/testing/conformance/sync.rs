//! The expert's phone and the server: a day worked offline, settled on reconnect. The server
//! half (`sync_conformance_tests!`) runs on every backend with the phone in memory; the phone
//! half (`replica_store_conformance_tests!`) runs on every store a phone can keep, with the
//! server in memory.

use crate::kb::sync::{SyncAnswer, SyncMessage, SyncRequest};
use crate::kb::{ArticleBody, ArticleContent, ArticleTitle};
use crate::sync::{
    Answer, PROTOCOL, PhoneCommand, Refusal, ReplicaStore, ReplicaWrite, SyncError, Verdict, decode_answer,
};
use crate::testing::fixtures::{World, t0, tv_ticket};
use crate::{
    Actor, ArticleId, Error, ManualClock, MemoryStore, ProductCategory, Reason, ReceiveReport, Replica, SequentialIds,
    Service, Store, Ticket, TicketCommand, TicketId, TicketStatus, WorkNotes,
};
use chrono::Duration;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The server half's cases: the server on the backend under test.
#[doc(hidden)]
#[macro_export]
macro_rules! sync_conformance_tests {
    ($block_on:path, $fresh:expr, skip_unless = $available:expr) => {
        $crate::conformance_cases!($block_on, $fresh, $available;
            an_expert_works_a_day_offline_and_the_server_settles_it,
            a_command_sent_twice_is_applied_once,
            a_phone_sees_only_its_experts_work,
            a_protocol_1_phone_still_syncs_its_articles,
        );
    };
}

/// The phone half's cases: the phone on the store under test.
#[macro_export]
macro_rules! replica_store_conformance_tests {
    ($block_on:path, $fresh:expr) => {
        $crate::conformance_cases!($block_on, $fresh, true;
            a_phone_works_a_day_offline_on_its_own_store,
            replica_writes_are_whole_and_keep_the_queue_in_order,
            answers_that_are_stale_tampered_or_newer_change_nothing,
        );
    };
}

/// A server world, a ticket of customer 0 offered to expert 0 and another of customer 1, and
/// one article for expert 0's skills.
pub(crate) struct Office<S> {
    pub(crate) world: World<S>,
    pub(crate) first: TicketId,
    pub(crate) second: TicketId,
    pub(crate) article: ArticleId,
}

pub(crate) async fn office<S: Store>(store: S) -> Office<S> {
    let world = World::new(store, 3, 2).await.expect("fixtures build");
    let service = &world.service;
    let mut tickets = Vec::new();
    for n in 0..2 {
        let ticket = service.submit_ticket(world.customer(n), world.customers[n].id, tv_ticket("no picture")).await;
        let ticket = ticket.expect("submit");
        service.assign_ticket(world.admin, ticket.id, world.experts[0].id, None).await.expect("offer");
        tickets.push(ticket.id);
    }
    let content = ArticleContent::new(
        ArticleTitle::new("No picture on HDMI").expect("title"),
        ArticleBody::new("Reseat the cable, then try another input.").expect("body"),
        BTreeSet::from([ProductCategory::Television]),
        BTreeSet::new(),
    )
    .expect("content");
    let article = service.write_article(world.admin, content).await.expect("article").id;
    Office { first: tickets[0], second: tickets[1], article, world }
}

/// A phone for `expert` on `store`, its clock at the server's.
pub(crate) async fn phone<P: Store + ReplicaStore>(store: P, expert: Actor) -> (Replica<P>, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(t0()).expect("clock"));
    let service = Service::new(store, clock.clone(), SequentialIds::new(9_000));
    (Replica::open(service, expert).await.expect("open the replica"), clock)
}

/// Exchanges until the server has nothing more, through bytes, `limit` records a page.
pub(crate) async fn sync<S: Store, P: Store + ReplicaStore>(
    server: &Service<S>,
    phone: &Replica<P>,
    limit: u32,
) -> Vec<ReceiveReport> {
    let mut reports = Vec::new();
    loop {
        let request = phone.request(limit).await.expect("request");
        let answer = server.serve_sync(phone.expert(), &request.to_bytes()).await.expect("serve");
        let report = phone.receive(&answer).await.expect("receive");
        let more = report.more;
        reports.push(report);
        if !more {
            return reports;
        }
    }
}

/// The expert's view on the server, as the phone must hold it once in step.
pub(crate) async fn server_view<S: Store>(server: &Service<S>, expert: Actor) -> Vec<Ticket> {
    let page = server.changes_for(expert, &crate::sync::Cursor::default(), crate::sync::MAX_PAGE).await;
    page.expect("view").tickets
}

fn notes() -> WorkNotes {
    WorkNotes::new("Reseated the HDMI cable; picture back.").expect("notes")
}

async fn the_day<S: Store, P: Store + ReplicaStore>(office: Office<S>, phone_store: P) {
    let Office { world, first, second, article } = office;
    let server = &world.service;
    let expert = world.expert(0);
    let (phone, phone_clock) = phone(phone_store, expert).await;

    // The first sync brings both offers, their customers and the article, one record a page.
    let reports = sync(server, &phone, 1).await;
    assert!(reports.len() >= 5, "two tickets, two customers, one article: {} pages", reports.len());
    let on_phone: Vec<TicketStatus> = phone.tickets().await.expect("tickets").iter().map(|t| t.status()).collect();
    assert_eq!(on_phone, [TicketStatus::Assigned, TicketStatus::Assigned]);
    let customer = phone.customer(world.customers[0].id).await.expect("the visit's customer");
    assert_eq!(customer.contact, world.customers[0].contact);
    assert_eq!(phone.service().article(expert, article).await.expect("read offline").id, article);

    // Offline: the expert accepts both, works the first and links the article.
    phone_clock.advance(Duration::minutes(5)).expect("clock");
    phone.decide(first, PhoneCommand::Accept).await.expect("accept offline");
    phone.decide(second, PhoneCommand::Accept).await.expect("accept offline");
    phone.decide(first, PhoneCommand::Start).await.expect("start offline");
    let done = phone.decide(first, PhoneCommand::Complete { notes: notes() }).await.expect("complete offline");
    assert_eq!(done.status(), TicketStatus::Completed);
    let link = PhoneCommand::LinkArticles { articles: BTreeSet::from([article]) };
    phone.decide(first, link).await.expect("link offline");
    // The phone refuses at once what the server would: the first ticket cannot start again.
    let again = phone.decide(first, PhoneCommand::Start).await;
    assert!(matches!(again, Err(Error::Ticket(crate::TicketError::InvalidTransition { .. }))), "{again:?}");
    assert_eq!(phone.queued().await.expect("queue").len(), 5);
    assert_eq!(phone.ticket(second).await.expect("second").status(), TicketStatus::Accepted);

    // Meanwhile the customer of the second ticket calls helpdesk back: it is cancelled.
    world.clock.advance(Duration::minutes(20)).expect("clock, within the offers' 30 minutes");
    let why = Reason::new("the customer fixed it").expect("reason");
    server.handle_ticket(world.helpdesk, second, TicketCommand::Cancel { reason: why }).await.expect("cancel");

    // Back online: the first ticket's work is applied, the second's acceptance refused and
    // rolled back; the ticket leaves the phone and the refusal says why.
    let reports = sync(server, &phone, 100).await;
    let refused: Vec<_> = reports.iter().flat_map(|r| r.refused.clone()).collect();
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].command.ticket, second);
    let not_theirs = Refusal::Forbidden { reason: crate::DenyReason::NotAssignedToYou };
    assert_eq!(refused[0].refusal, not_theirs, "a cancelled ticket is no expert's");
    let applied: usize = reports.iter().map(|r| r.applied.len()).sum();
    assert_eq!(applied, 4);
    assert!(phone.queued().await.expect("queue").is_empty());
    assert!(matches!(phone.ticket(second).await, Err(Error::NotFound { .. })));
    assert_eq!(phone.refused().await.expect("refusals"), refused);
    phone.dismiss(refused[0].command.id).await.expect("dismiss");
    assert!(phone.refused().await.expect("refusals").is_empty());

    let on_server = server.ticket(world.admin, first).await.expect("first");
    assert_eq!(on_server.status(), TicketStatus::Completed);
    assert_eq!(on_server.solved_by, BTreeSet::from([article]));
    assert_eq!(phone.tickets().await.expect("tickets"), server_view(server, expert).await);
    assert_eq!(phone.cursor().await.expect("cursor").customers.len(), 1, "the second customer left with its ticket");
    assert!(sync(server, &phone, 100).await.iter().all(|r| r.tickets + r.customers + r.articles == 0), "in step");
}

pub async fn an_expert_works_a_day_offline_and_the_server_settles_it<S: Store>(store: S) {
    the_day(office(store).await, MemoryStore::new()).await;
}

pub async fn a_phone_works_a_day_offline_on_its_own_store<P: Store + ReplicaStore>(store: P) {
    the_day(office(MemoryStore::new()).await, store).await;
}

pub async fn a_command_sent_twice_is_applied_once<S: Store>(store: S) {
    let Office { world, first, .. } = office(store).await;
    let server = &world.service;
    let expert = world.expert(0);
    let (phone, _) = phone(MemoryStore::new(), expert).await;
    sync(server, &phone, 100).await;
    phone.decide(first, PhoneCommand::Accept).await.expect("accept");
    let request = phone.request(100).await.expect("request").to_bytes();
    let once = server.serve_sync(expert, &request).await.expect("first delivery");
    let twice = server.serve_sync(expert, &request).await.expect("second delivery");
    let verdicts = |bytes: &[u8]| decode_answer(bytes, uuid::Uuid::nil()).expect("answer").verdicts;
    assert_eq!(verdicts(&once), verdicts(&twice), "answered the same from its receipt");
    assert!(matches!(verdicts(&once)[0].verdict, Verdict::Applied { .. }));
    let history = server.ticket_history(world.admin, first).await.expect("history");
    assert_eq!(history.iter().filter(|e| matches!(e.payload, crate::TicketEvent::Accepted { .. })).count(), 1);
    phone.receive(&twice).await.expect("the phone takes either");
    assert!(phone.receive(&once).await.is_err(), "and only one");
}

pub async fn a_phone_sees_only_its_experts_work<S: Store>(store: S) {
    let Office { world, first, .. } = office(store).await;
    let server = &world.service;
    let (mine, other) = (world.expert(0), world.expert(1));
    // Expert 0 declines the first offer; the ticket is offered to expert 1.
    let why = Reason::new("too far today").expect("reason");
    server.handle_ticket(mine, first, TicketCommand::Reject { reason: why }).await.expect("reject");
    server.assign_ticket(world.admin, first, world.experts[1].id, None).await.expect("offer to expert 1");

    let (phone, _) = phone(MemoryStore::new(), other).await;
    sync(server, &phone, 100).await;
    let tickets = phone.tickets().await.expect("tickets");
    assert_eq!(tickets.iter().map(|t| t.id).collect::<Vec<_>>(), [first], "only expert 1's offer");
    assert!(tickets[0].assignments.iter().all(|a| a.expert == world.experts[1].id), "not who declined before");
    assert!(phone.customer(world.customers[1].id).await.is_err(), "not another expert's customer");

    // A cursor naming another expert's ticket only gets it dropped; a request for another
    // expert, or by someone who is not an expert, is refused.
    let mut cursor = crate::sync::Cursor::default();
    cursor.tickets.insert(first, 1);
    let page = server.changes_for(mine, &cursor, 100).await.expect("page");
    assert_eq!(page.gone_tickets, [first]);
    assert!(page.tickets.iter().all(|t| t.current_expert() == Some(world.experts[0].id)));
    let request = phone.request(100).await.expect("request").to_bytes();
    assert!(matches!(server.serve_sync(mine, &request).await, Err(Error::Forbidden(_))));
    assert!(matches!(server.serve_sync(world.admin, &request).await, Err(Error::Forbidden(_))));
    assert!(matches!(server.changes_for(world.helpdesk, &cursor, 10).await, Err(Error::Forbidden(_))));
}

pub async fn a_protocol_1_phone_still_syncs_its_articles<S: Store>(store: S) {
    let Office { world, article, .. } = office(store).await;
    let expert = world.expert(0);
    let old_request =
        SyncRequest { format: 1, expert: crate::UserId::from_uuid(expert.id), have: std::collections::BTreeMap::new() };
    let answer = world.service.serve_sync(expert, &old_request.to_bytes()).await.expect("served");
    let answer = SyncAnswer::from_bytes(&answer).expect("a protocol 1 phone reads it");
    assert_eq!(answer.articles.iter().map(|a| ArticleId::from_uuid(a.id)).collect::<Vec<_>>(), [article]);
    // And a new phone reads an old server's answer: the account and the articles.
    let (phone, _) = phone(MemoryStore::new(), expert).await;
    phone.request(10).await.expect("request");
    let report = phone.receive(&answer.to_bytes()).await.expect("a protocol 1 answer is read");
    assert_eq!(report.articles, 1);
}

pub async fn replica_writes_are_whole_and_keep_the_queue_in_order<P: Store + ReplicaStore>(store: P) {
    let office = office(MemoryStore::new()).await;
    let ticket = office.world.service.ticket(office.world.admin, office.first).await.expect("ticket");
    let queued = |n: u128, command| crate::sync::QueuedCommand {
        id: crate::CommandId::from_uuid(uuid::Uuid::from_u128(n)),
        ticket: ticket.id,
        command,
        decided_at: t0(),
    };
    let (a, b, c) = (queued(3, PhoneCommand::Accept), queued(1, PhoneCommand::Start), queued(2, PhoneCommand::Accept));
    let expert = crate::UserId::from_uuid(office.world.expert(0).id);
    let write = ReplicaWrite {
        expert: Some(expert),
        latest_request: Some(Some(uuid::Uuid::from_u128(7))),
        tickets: vec![ticket.clone()],
        enqueue: vec![a.clone(), b.clone(), c.clone(), a.clone()],
        ..ReplicaWrite::default()
    };
    store.write_replica(write).await.expect("write");
    let data = store.replica_data().await.expect("read");
    assert_eq!(data.expert, Some(expert));
    assert_eq!(data.latest_request, Some(uuid::Uuid::from_u128(7)));
    assert_eq!(data.tickets.get(&ticket.id), Some(&ticket), "a ticket reads back as itself");
    let order: Vec<_> = data.queue.iter().map(|p| p.command.id).collect();
    assert_eq!(order, [a.id, b.id, c.id], "the order given, each once");

    let refusal = crate::sync::RefusedCommand { command: b.clone(), refusal: Refusal::OfferExpired };
    let write = ReplicaWrite {
        latest_request: Some(None),
        applied: vec![(a.id, 3)],
        unqueue: vec![b.id],
        refused: vec![refusal.clone(), refusal.clone()],
        drop_tickets: vec![ticket.id],
        ..ReplicaWrite::default()
    };
    store.write_replica(write.clone()).await.expect("write");
    let expected = data.with(write);
    let data = store.replica_data().await.expect("read");
    assert_eq!(data, expected, "every backend applies a write as ReplicaData::with does");
    assert_eq!(data.queue[0].applied_at, Some(3));
    assert_eq!(data.refused, [refusal]);
    assert!(data.tickets.is_empty() && data.latest_request.is_none());
}

pub async fn answers_that_are_stale_tampered_or_newer_change_nothing<P: Store + ReplicaStore>(store: P) {
    let Office { world, second, .. } = office(MemoryStore::new()).await;
    let server = &world.service;
    let expert = world.expert(0);
    let (phone, _) = phone(store, expert).await;
    let first_request = phone.request(100).await.expect("request");
    let stale = server.serve_sync(expert, &first_request.to_bytes()).await.expect("serve");
    let request = phone.request(100).await.expect("request");
    let fresh = server.serve_sync(expert, &request.to_bytes()).await.expect("serve");
    let before = phone.service().store().replica_data().await.expect("data");

    let refused = |result: Result<ReceiveReport, Error>| match result {
        Err(Error::Sync(error)) => error,
        other => panic!("expected a sync error, got {other:?}"),
    };
    assert!(matches!(refused(phone.receive(&stale).await), SyncError::Stale { .. }), "an older request's answer");
    assert!(matches!(refused(phone.receive(b"{\"protocol\": 2").await), SyncError::Malformed { .. }));
    let mut newer: serde_json::Value = serde_json::from_slice(&fresh).expect("json");
    newer["protocol"] = serde_json::json!(PROTOCOL + 1);
    let newer = serde_json::to_vec(&newer).expect("bytes");
    assert!(matches!(refused(phone.receive(&newer).await), SyncError::NewerProtocol { found: 3, supported: 2 }));
    // A ticket that is no longer the expert's slipped into the page.
    let mut tampered: Answer = decode_answer(&fresh, request.id).expect("answer");
    let why = Reason::new("too far today").expect("reason");
    let declined = server.handle_ticket(expert, second, TicketCommand::Reject { reason: why }).await.expect("reject");
    tampered.page.tickets.push(declined);
    assert!(matches!(refused(phone.receive(&tampered.to_bytes()).await), SyncError::OutsideView { .. }));
    let mut foreign: Answer = decode_answer(&fresh, request.id).expect("answer");
    foreign.expert = crate::UserId::from_uuid(world.expert(1).id);
    assert!(matches!(refused(phone.receive(&foreign.to_bytes()).await), SyncError::OutsideView { .. }));
    assert_eq!(phone.service().store().replica_data().await.expect("data"), before, "nothing changed");
    phone.receive(&fresh).await.expect("the latest answer applies");
    assert!(!phone.tickets().await.expect("tickets").is_empty());
}
