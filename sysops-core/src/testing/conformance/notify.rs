//! Notifications: every step of a ticket tells the right person once, on their channel;
//! failures are retried or recorded; a message handed over but not recorded goes again
//! with the same key; templates are data checked when saved; the history is readable by
//! staff and by the customer it concerns only.

use super::world;
use crate::notify::{
    DeliveryFilter, DeliveryStatus, Message, MessageKind, Notifier, NotifyError, Retry, SendError, Template,
};
use crate::testing::fixtures::{World, tv_ticket};
use crate::text::{MessageChannel, Reason};
use crate::{
    Actor, Clock, Deadline, Error, NotifyOptions, NotifyReport, Store, Ticket, TicketCommand, TicketEvent, WarnAt,
};
use chrono::Duration;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Generates one `#[test]` per [`NotifyStore`](crate::store::NotifyStore) case for a backend; see
/// [`store_conformance_tests!`](crate::store_conformance_tests) for the arguments.
#[macro_export]
macro_rules! notify_store_conformance_tests {
    ($block_on:path, $fresh:expr) => {
        $crate::notify_store_conformance_tests!($block_on, $fresh, skip_unless = true);
    };
    ($block_on:path, $fresh:expr, skip_unless = $available:expr) => {
        $crate::conformance_cases!($block_on, $fresh, $available;
            every_step_of_a_ticket_tells_the_right_person_once_on_their_channel,
            failures_are_retried_with_backoff_or_recorded_for_good,
            a_message_handed_over_but_not_recorded_goes_again_with_the_same_key,
            templates_are_data_checked_when_saved_and_used_once_saved,
            the_delivery_history_is_read_by_staff_and_the_customer_it_concerns,
            a_ticket_nearing_a_deadline_tells_the_escalation_contact_once_and_breaches_are_recorded,
        );
    };
}

/// A notifier that keeps what it is handed, answering as told per recipient: a test double
/// for the host's.
#[derive(Default)]
pub struct RecordingNotifier {
    /// Every message handed over, in order (the same key twice if handed over twice).
    pub handed: Mutex<Vec<Message>>,
    /// Recipients whose messages fail: `true` for good, `false` for now.
    pub failing: Mutex<BTreeMap<String, bool>>,
}

impl RecordingNotifier {
    /// The messages handed over so far.
    pub fn messages(&self) -> Vec<Message> {
        self.handed.lock().map(|m| m.clone()).unwrap_or_default()
    }

    /// Makes messages to `to` fail: for good when `permanent`, for now otherwise.
    pub fn fail(&self, to: &str, permanent: bool) {
        if let Ok(mut failing) = self.failing.lock() {
            failing.insert(to.to_owned(), permanent);
        }
    }

    /// Lets messages to `to` through again.
    pub fn heal(&self, to: &str) {
        if let Ok(mut failing) = self.failing.lock() {
            failing.remove(to);
        }
    }
}

impl Notifier for RecordingNotifier {
    async fn send(&self, message: &Message) -> Result<(), SendError> {
        if let Ok(mut handed) = self.handed.lock() {
            handed.push(message.clone());
        }
        match self.failing.lock().ok().and_then(|f| f.get(&message.to).copied()) {
            Some(true) => Err(SendError::Permanent("invalid number".into())),
            Some(false) => Err(SendError::Transient("provider timed out".into())),
            None => Ok(()),
        }
    }
}

async fn round<S: Store>(w: &World<S>, notifier: &RecordingNotifier) -> NotifyReport {
    w.service.notify_round(Actor::system(), notifier, &NotifyOptions::default()).await.expect("notify round")
}

/// Customer `n` submits a ticket and it is offered to expert 0.
async fn offered<S: Store>(w: &World<S>, n: usize) -> Ticket {
    let ticket =
        w.service.submit_ticket(w.customer(n), w.customers[n].id, tv_ticket("No picture")).await.expect("submit");
    w.service.assign_ticket(Actor::system(), ticket.id, w.experts[0].id, None).await.expect("assign")
}

fn kinds(messages: &[Message]) -> Vec<(MessageKind, MessageChannel, String)> {
    messages.iter().map(|m| (m.kind, m.channel, m.to.clone())).collect()
}

pub async fn every_step_of_a_ticket_tells_the_right_person_once_on_their_channel<S: Store>(store: S) {
    let w = world(store).await;
    let notifier = RecordingNotifier::default();
    // Customer 1 prefers SMS, customer 0 email (the fixtures' contacts alternate).
    let texted = offered(&w, 1).await;
    let expert = w.expert(0);
    w.service.handle_ticket(expert, texted.id, TicketCommand::Accept).await.expect("accept");
    w.service.handle_ticket(expert, texted.id, TicketCommand::Start).await.expect("start");
    let mailed = offered(&w, 0).await;
    w.clock.advance(Duration::hours(3)).expect("clock");
    w.service.expire_overdue_offers(Actor::system()).await.expect("expire");
    let cancelled = offered(&w, 2).await;
    let why = Reason::new("fixed it myself").expect("reason");
    w.service.handle_ticket(w.customer(2), cancelled.id, TicketCommand::Cancel { reason: why }).await.expect("cancel");

    let report = round(&w, &notifier).await;
    let expert_phone = w.experts[0].profile.phone.as_ref().expect("phone").as_str().to_owned();
    let c = |n: usize| &w.customers[n].contact;
    let sent = notifier.messages();
    let of = |ticket: &Ticket| kinds(&sent.iter().filter(|m| m.ticket == Some(ticket.id)).cloned().collect::<Vec<_>>());
    let mut expected_texted = vec![
        (MessageKind::OfferMade, MessageChannel::Sms, expert_phone.clone()),
        (MessageKind::ExpertAssigned, MessageChannel::Sms, c(1).phone.as_str().to_owned()),
        (MessageKind::WorkStarted, MessageChannel::Sms, c(1).phone.as_str().to_owned()),
    ];
    let mut got = of(&texted);
    got.sort();
    expected_texted.sort();
    assert_eq!(got, expected_texted, "the SMS customer's ticket");
    let mut withdrawn = of(&mailed);
    withdrawn.sort();
    assert_eq!(
        withdrawn,
        [
            (MessageKind::OfferMade, MessageChannel::Sms, expert_phone.clone()),
            (MessageKind::OfferWithdrawn, MessageChannel::Sms, expert_phone.clone()),
        ],
        "an expired offer is withdrawn"
    );
    let mut cancel = of(&cancelled);
    cancel.sort();
    assert_eq!(
        cancel,
        [
            (MessageKind::OfferMade, MessageChannel::Sms, expert_phone.clone()),
            (MessageKind::OfferWithdrawn, MessageChannel::Sms, expert_phone),
        ],
        "a cancelled ticket's pending offer is withdrawn"
    );
    let body = |ticket: &Ticket, kind| {
        sent.iter().find(|m| m.ticket == Some(ticket.id) && m.kind == kind).map(|m| m.body.clone()).unwrap_or_default()
    };
    assert!(body(&cancelled, MessageKind::OfferWithdrawn).contains("cancelled"), "the reason is in the text");
    assert!(body(&mailed, MessageKind::OfferWithdrawn).contains("not answered in time"));
    let number = crate::ticket::TicketNumber::of(texted.id).to_string();
    assert!(body(&texted, MessageKind::OfferMade).contains(&number), "the ticket's number is in the offer");
    assert!(body(&texted, MessageKind::ExpertAssigned).contains(w.experts[0].profile.name.as_str()));
    assert_eq!(report.sent, 7);
    assert_eq!(report.recorded, 7);

    // Every message once: the next rounds find nothing new, even after the lease.
    w.clock.advance(Duration::hours(1)).expect("clock");
    assert!(round(&w, &notifier).await.idle());
    assert_eq!(notifier.messages().len(), 7);

    // An email customer hears by email, with a subject.
    let expert = w.expert(0);
    let ticket = offered(&w, 0).await;
    w.service.handle_ticket(expert, ticket.id, TicketCommand::Accept).await.expect("accept");
    round(&w, &notifier).await;
    let mail =
        notifier.messages().into_iter().find(|m| m.kind == MessageKind::ExpertAssigned && m.ticket == Some(ticket.id));
    let mail = mail.expect("an assignment email");
    assert_eq!((mail.channel, mail.to.as_str()), (MessageChannel::Email, c(0).email.as_str()));
    assert!(mail.subject.is_some_and(|s| s.contains(&crate::ticket::TicketNumber::of(ticket.id).to_string())));

    // Only the system and administrators run the consumer.
    let refused = w.service.notify_round(w.manager, &notifier, &NotifyOptions::default()).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
}

pub async fn failures_are_retried_with_backoff_or_recorded_for_good<S: Store>(store: S) {
    let w = world(store).await;
    let notifier = RecordingNotifier::default();
    let retry = Retry::new(Duration::minutes(1), Duration::minutes(4), 4).expect("retry");
    let options = NotifyOptions::new(100, Duration::minutes(5), retry).expect("options");
    let expert_phone = w.experts[0].profile.phone.as_ref().expect("phone").as_str().to_owned();
    let customer_phone = w.customers[1].contact.phone.as_str().to_owned();
    notifier.fail(&expert_phone, false);
    notifier.fail(&customer_phone, true);
    let ticket = offered(&w, 1).await;
    w.service.handle_ticket(w.expert(0), ticket.id, TicketCommand::Accept).await.expect("accept");
    let run = || async { w.service.notify_round(Actor::system(), &notifier, &options).await.expect("round") };

    let first = run().await;
    assert_eq!((first.sent, first.retrying, first.failed), (0, 1, 1), "{first:?}");
    let history =
        || async { w.service.deliveries(w.admin, DeliveryFilter::Ticket(ticket.id), 10).await.expect("history") };
    let by_kind =
        |all: Vec<crate::notify::Delivery>, kind| all.into_iter().find(|d| d.message.kind == kind).expect("kind");
    let offer = by_kind(history().await, MessageKind::OfferMade);
    assert_eq!((offer.status, offer.attempts), (DeliveryStatus::Pending, 1));
    assert!(offer.error.as_deref().is_some_and(|e| e.contains("timed out")));
    let invalid = by_kind(history().await, MessageKind::ExpertAssigned);
    assert_eq!((invalid.status, invalid.attempts), (DeliveryStatus::Failed, 1), "a permanent failure is not retried");
    assert!(invalid.error.as_deref().is_some_and(|e| e.contains("invalid number")));

    // Not before the backoff: then again, a minute later, two, four (the longest)...
    assert!(run().await.idle(), "nothing is due before its backoff");
    for wait in [1, 2, 4] {
        w.clock.advance(Duration::minutes(wait)).expect("clock");
        let tried = run().await;
        assert_eq!(tried.retrying + tried.failed, 1, "retried after {wait} minutes");
    }
    let offer = by_kind(history().await, MessageKind::OfferMade);
    assert_eq!((offer.status, offer.attempts), (DeliveryStatus::Failed, 4), "given up after four tries");
    assert!(offer.error.as_deref().is_some_and(|e| e.contains("gave up after 4 tries")));
    let handed = notifier.messages();
    assert_eq!(handed.iter().filter(|m| m.to == customer_phone).count(), 1, "the invalid number is tried once");
    assert_eq!(handed.iter().filter(|m| m.to == expert_phone).count(), 4);

    // A transient failure that heals is sent on the next try, with the same key.
    notifier.heal(&expert_phone);
    let next = offered(&w, 0).await;
    notifier.fail(&expert_phone, false);
    run().await;
    notifier.heal(&expert_phone);
    w.clock.advance(Duration::minutes(1)).expect("clock");
    assert_eq!(run().await.sent, 1);
    let tries: Vec<_> = notifier.messages().into_iter().filter(|m| m.ticket == Some(next.id)).map(|m| m.key).collect();
    assert_eq!(tries.len(), 2);
    assert_eq!(tries[0], tries[1], "a retry keeps its key");
}

/// A notifier that takes the first message it is handed and never answers: the consumer
/// dies holding it.
#[derive(Default)]
struct Stalling {
    handed: Mutex<Option<futures::channel::oneshot::Sender<Message>>>,
}

impl Notifier for Stalling {
    async fn send(&self, message: &Message) -> Result<(), SendError> {
        if let Some(handed) = self.handed.lock().ok().and_then(|mut h| h.take()) {
            let _ = handed.send(message.clone());
        }
        futures::future::pending().await
    }
}

pub async fn a_message_handed_over_but_not_recorded_goes_again_with_the_same_key<S: Store>(store: S) {
    let w = world(store).await;
    let ticket = offered(&w, 0).await;
    // The consumer dies after handing the message over, before recording it or acknowledging
    // its event: the round is dropped while the notifier holds the message.
    let (tx, rx) = futures::channel::oneshot::channel();
    let stalling = Stalling { handed: Mutex::new(Some(tx)) };
    let options = NotifyOptions::default();
    let dying = Box::pin(w.service.notify_round(Actor::system(), &stalling, &options));
    let first = match futures::future::select(dying, rx).await {
        futures::future::Either::Right((handed, _dropped)) => handed.expect("handed over"),
        futures::future::Either::Left((finished, _)) => panic!("the round ended without a message: {finished:?}"),
    };
    let notifier = RecordingNotifier::default();
    let report = round(&w, &notifier).await;
    assert_eq!((report.sent, report.recorded), (1, 1), "{report:?}");
    let again = notifier.messages();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].key, first.key, "handed over again with the same key");
    assert_eq!(again[0].ticket, Some(ticket.id));
    assert!(round(&w, &notifier).await.idle(), "then never again");
    assert_eq!(w.service.deliveries(w.admin, DeliveryFilter::Ticket(ticket.id), 10).await.expect("history").len(), 1);

    // Claims are exclusive: two consumers never both take a message due for a retry.
    let now = w.clock.now();
    let later = now + Duration::minutes(5);
    let store = w.service.store();
    let key = crate::notify::MessageKey::parse(&format!("{}.9.offer_made", ticket.id.as_uuid())).expect("key");
    let due = crate::notify::Delivery {
        message: Message { key, ..first },
        status: DeliveryStatus::Pending,
        attempts: 1,
        next_attempt: Some(now),
        finished_at: None,
        error: Some("provider timed out".into()),
    };
    assert_eq!(store.record_deliveries(std::slice::from_ref(&due)).await.expect("record"), 1);
    assert_eq!(store.record_deliveries(std::slice::from_ref(&due)).await.expect("again"), 0, "recorded once");
    let (a, b) = futures::future::join(store.claim_due(now, later, 10), store.claim_due(now, later, 10)).await;
    let (a, b) = (a.expect("claim"), b.expect("claim"));
    assert_eq!(a.len() + b.len(), 1);
    assert_eq!(
        a.iter().chain(&b).map(|d| d.next_attempt).collect::<Vec<_>>(),
        [Some(later)],
        "held until the lease ends"
    );
}

pub async fn templates_are_data_checked_when_saved_and_used_once_saved<S: Store>(store: S) {
    let w = world(store).await;
    let missing = Template::new(MessageKind::OfferMade, MessageChannel::Sms, None, "Pay {amount} now");
    assert_eq!(missing, Err(NotifyError::MissingFact { kind: MessageKind::OfferMade, fact: "amount".into() }));
    let custom = Template::new(MessageKind::OfferMade, MessageChannel::Sms, None, "Job {ticket_number} in {city}!")
        .expect("template");
    let refused = w.service.save_template(w.manager, &custom).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    w.service.save_template(w.admin, &custom).await.expect("save");
    let templates = w.service.templates(w.admin).await.expect("templates");
    assert_eq!(templates.len(), MessageKind::ALL.len() * 2, "one per kind and channel");
    assert!(templates.contains(&custom));
    let ticket = offered(&w, 0).await;
    let notifier = RecordingNotifier::default();
    round(&w, &notifier).await;
    let number = crate::ticket::TicketNumber::of(ticket.id);
    assert_eq!(notifier.messages()[0].body, format!("Job {number} in Chicago!"));
}

pub async fn the_delivery_history_is_read_by_staff_and_the_customer_it_concerns<S: Store>(store: S) {
    let w = world(store).await;
    let first = offered(&w, 0).await;
    w.service.handle_ticket(w.expert(0), first.id, TicketCommand::Accept).await.expect("accept");
    w.clock.advance(Duration::minutes(1)).expect("clock");
    let second = offered(&w, 0).await;
    offered(&w, 1).await;
    round(&w, &RecordingNotifier::default()).await;
    let mine = DeliveryFilter::Customer(w.customers[0].id);
    let all = w.service.deliveries(w.customer(0), mine, 100).await.expect("own history");
    assert_eq!(all.len(), 3, "two offers and an assignment, not the other customer's");
    assert!(all.windows(2).all(|p| p[0].message.created_at >= p[1].message.created_at), "newest first");
    assert_eq!(all[0].message.ticket, Some(second.id));
    assert!(all.iter().all(|d| d.status == DeliveryStatus::Sent && d.attempts == 1 && d.finished_at.is_some()));
    let by_ticket = w.service.deliveries(w.helpdesk, DeliveryFilter::Ticket(first.id), 100).await.expect("ticket");
    assert_eq!(by_ticket.len(), 2);
    assert_eq!(w.service.deliveries(w.manager, mine, 1).await.expect("page").len(), 1);
    for (actor, filter) in
        [(w.customer(1), mine), (w.expert(0), mine), (w.customer(1), DeliveryFilter::Ticket(first.id))]
    {
        let refused = w.service.deliveries(actor, filter, 10).await;
        assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    }
    for limit in [0, 1_001] {
        let refused = w.service.deliveries(w.admin, mine, limit).await;
        assert!(matches!(refused, Err(Error::Invalid(_))), "{refused:?}");
    }
    let ghost = DeliveryFilter::Ticket(crate::TicketId::from(uuid::Uuid::nil()));
    assert!(matches!(w.service.deliveries(w.admin, ghost, 10).await, Err(Error::NotFound { .. })));
}

pub async fn a_ticket_nearing_a_deadline_tells_the_escalation_contact_once_and_breaches_are_recorded<S: Store>(
    store: S,
) {
    let w = world(store).await;
    let notifier = RecordingNotifier::default();
    let warn_at = WarnAt::percent(80).expect("share");
    // The plan promises an accepted expert within 4 hours and the work within 2 days.
    let waiting =
        w.service.submit_ticket(w.customer(0), w.customers[0].id, tv_ticket("No sound")).await.expect("submit");
    let accepted = offered(&w, 1).await;
    w.service.handle_ticket(w.expert(0), accepted.id, TicketCommand::Accept).await.expect("accept");
    let check = || async { w.service.check_deadlines(Actor::system(), warn_at).await.expect("deadline job") };
    w.clock.advance(Duration::minutes(3 * 60 + 11)).expect("clock");
    assert_eq!((check().await.nearing, check().await.breached), (0, 0), "79.6 % of the response target");
    w.clock.advance(Duration::minutes(1)).expect("clock");
    let report = check().await;
    assert_eq!((report.checked, report.nearing, report.breached), (2, 1, 0), "80 %: only the unaccepted ticket");
    assert_eq!(check().await.nearing, 0, "recorded once");
    round(&w, &notifier).await;
    let escalations: Vec<_> =
        notifier.messages().into_iter().filter(|m| m.kind == MessageKind::DeadlineNearing).collect();
    assert_eq!(escalations.len(), 1);
    let mail = &escalations[0];
    let contact = w.plan.terms.escalation.as_ref().expect("the fixtures' plan has one");
    assert_eq!(
        (mail.channel, mail.to.as_str(), mail.ticket),
        (MessageChannel::Email, contact.as_str(), Some(waiting.id))
    );
    let due = w.service.ticket(w.admin, waiting.id).await.expect("ticket").respond_by().expect("due");
    let local = due.with_timezone(&chrono_tz::America::Chicago).format("%H:%M").to_string();
    assert!(mail.body.contains("response") && mail.body.contains(&local), "{}", mail.body);

    w.clock.advance(Duration::minutes(49)).expect("clock");
    let report = check().await;
    assert_eq!((report.nearing, report.breached), (0, 1), "past the response deadline");
    let history = w.service.ticket_history(w.admin, waiting.id).await.expect("history");
    let alerts: Vec<_> = history
        .iter()
        .filter_map(|e| match e.payload {
            TicketEvent::DeadlineNearing { deadline, due } => Some(("nearing", deadline, due)),
            TicketEvent::DeadlineBreached { deadline, due } => Some(("breached", deadline, due)),
            _ => None,
        })
        .collect();
    assert_eq!(alerts, [("nearing", Deadline::Response, due), ("breached", Deadline::Response, due)]);
    round(&w, &notifier).await;
    assert_eq!(notifier.messages().iter().filter(|m| m.kind == MessageKind::DeadlineNearing).count(), 1, "once");

    // Two days on, both tickets near and pass the resolution deadline; the job runs late, so
    // each records nearing and breach at once, nearing first.
    w.clock.advance(Duration::days(2)).expect("clock");
    let report = check().await;
    assert_eq!((report.nearing, report.breached), (2, 2));
    let refused = w.service.check_deadlines(w.manager, warn_at).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    assert!(WarnAt::percent(0).is_err() && WarnAt::percent(100).is_err());
}
