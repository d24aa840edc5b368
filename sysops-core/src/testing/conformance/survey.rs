//! Surveys: a completed ticket's customer is emailed a link that opens its survey once, until
//! it expires; the history never shows the link's token; an invitation lost in a crash or
//! retried goes out under a fresh token; the score rates the expert and the assignment job
//! weighs it.

use super::notify::RecordingNotifier;
use super::world;
use crate::assignment::CostWeights;
use crate::notify::{DeliveryFilter, DeliveryStatus, Message, MessageKind, Retry, TOKEN_WITHHELD};
use crate::store::{Change, Page};
use crate::survey::{Completion, Recommend, SURVEY_VALID_FOR, Survey, SurveyAnswer, SurveyComment, SurveyError};
use crate::survey::{SurveyToken, TOKEN_CHARS};
use crate::testing::fixtures::{World, tv_ticket};
use crate::text::{MessageChannel, WorkNotes};
use crate::{Actor, Clock, CostFactor, Error, NotifyOptions, Satisfaction, Store, Ticket, TicketCommand};
use crate::{Aggregate, AggregateKind, Sequence, SurveyId};
use chrono::Duration;

/// Generates one `#[test]` per survey case for a backend; see
/// [`store_conformance_tests!`](crate::store_conformance_tests) for the arguments.
#[macro_export]
macro_rules! survey_conformance_tests {
    ($block_on:path, $fresh:expr) => {
        $crate::survey_conformance_tests!($block_on, $fresh, skip_unless = true);
    };
    ($block_on:path, $fresh:expr, skip_unless = $available:expr) => {
        $crate::conformance_cases!($block_on, $fresh, $available;
            a_completed_ticket_invites_its_customer_to_a_survey_answered_once_from_the_link,
            survey_links_that_are_forged_truncated_or_expired_open_nothing,
            an_invitation_lost_in_a_crash_or_retried_goes_out_under_a_fresh_token,
            survey_scores_rate_the_expert_and_the_assignment_job_weighs_them,
        );
    };
}

/// Customer `n`'s ticket, worked and completed by expert 0.
async fn completed<S: Store>(w: &World<S>, n: usize) -> Ticket {
    let ticket =
        w.service.submit_ticket(w.customer(n), w.customers[n].id, tv_ticket("No sound")).await.expect("submit");
    w.service.assign_ticket(Actor::system(), ticket.id, w.experts[0].id, None).await.expect("assign");
    let expert = w.expert(0);
    for command in [TicketCommand::Accept, TicketCommand::Start] {
        w.service.handle_ticket(expert, ticket.id, command).await.expect("work");
    }
    let notes = WorkNotes::new("Replaced the speaker cable").expect("notes");
    w.service.handle_ticket(expert, ticket.id, TicketCommand::Complete { notes }).await.expect("complete")
}

async fn round<S: Store>(w: &World<S>, notifier: &RecordingNotifier) {
    w.service.notify_round(Actor::system(), notifier, &NotifyOptions::default()).await.expect("notify round");
}

/// The invitations handed over for `ticket`, in order.
fn invitations(notifier: &RecordingNotifier, ticket: &Ticket) -> Vec<Message> {
    let of_ticket = |m: &Message| m.ticket == Some(ticket.id) && m.kind == MessageKind::SurveyInvitation;
    notifier.messages().into_iter().filter(of_ticket).collect()
}

/// The token in an invitation's link, as a customer's browser would take it.
fn token_in(message: &Message) -> String {
    let link = message.body.split("/survey/").nth(1).expect("a link in the body");
    link.chars().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect()
}

/// Customer `n`'s ticket completed and its invitation sent: the ticket and the link's token.
async fn invited<S: Store>(w: &World<S>, notifier: &RecordingNotifier, n: usize) -> (Ticket, String) {
    let ticket = completed(w, n).await;
    round(w, notifier).await;
    let token = token_in(&invitations(notifier, &ticket)[0]);
    (ticket, token)
}

fn answer(stars: i64) -> SurveyAnswer {
    SurveyAnswer {
        satisfaction: Satisfaction::new(stars).expect("stars"),
        recommend: Some(Recommend::new(9).expect("recommend")),
        comment: Some(SurveyComment::new("Quick and tidy").expect("comment")),
    }
}

fn survey_error(result: Result<impl std::fmt::Debug, Error>) -> SurveyError {
    match result {
        Err(Error::Survey(e)) => e,
        other => panic!("expected a survey error, got {other:?}"),
    }
}

pub async fn a_completed_ticket_invites_its_customer_to_a_survey_answered_once_from_the_link<S: Store>(store: S) {
    let w = world(store).await;
    let notifier = RecordingNotifier::default();
    // Customer 1 prefers SMS; the invitation is an email all the same (a link to open).
    let ticket = completed(&w, 1).await;
    round(&w, &notifier).await;
    let sent = invitations(&notifier, &ticket);
    assert_eq!(sent.len(), 1, "one invitation per completion");
    let invitation = &sent[0];
    assert_eq!(
        (invitation.channel, invitation.to.as_str()),
        (MessageChannel::Email, w.customers[1].contact.email.as_str())
    );
    let token = token_in(invitation);
    assert_eq!(token.len(), TOKEN_CHARS);
    assert!(invitation.body.contains(w.experts[0].profile.name.as_str()));

    // Delivery history keeps the message without the token.
    let history = w.service.deliveries(w.admin, DeliveryFilter::Ticket(ticket.id), 20).await.expect("history");
    let kept = history.iter().find(|d| d.message.kind == MessageKind::SurveyInvitation).expect("recorded");
    assert_eq!(kept.status, DeliveryStatus::Sent);
    assert!(!kept.message.body.contains(&token) && kept.message.body.contains(TOKEN_WITHHELD));

    // The store keeps the secret's digest, never the token: not in the survey, not in its events.
    let survey_id = SurveyToken::parse(&token).expect("token").survey();
    let stream = crate::StreamId::new(AggregateKind::Survey, survey_id);
    let stored = w.service.store().load(stream).await.expect("load").expect("the survey is stored");
    let secret_part = &token[22..];
    assert!(!stored.json.contains(secret_part));
    let events = w.service.store().events(stream).await.expect("events");
    assert!(!events.is_empty() && events.iter().all(|e| !e.json.contains(secret_part)));

    // The link opens the survey without a login; the answer rates the expert.
    let view = w.service.open_survey(&token).await.expect("open");
    assert_eq!(view.ticket_number, crate::ticket::TicketNumber::of(ticket.id));
    assert_eq!(view.expert_name.as_ref(), Some(&w.experts[0].profile.name));
    assert_eq!(view.expires_at, view.completed_at + SURVEY_VALID_FOR);
    let survey = w.service.answer_survey(&format!(" {token}\n"), answer(2)).await.expect("answer");
    assert_eq!(survey.answered.as_ref().map(|(a, _)| a.satisfaction.get()), Some(2));
    let expert = w.service.expert(w.admin, w.experts[0].id).await.expect("expert");
    assert_eq!((expert.ratings.count, expert.ratings.mean()), (1, Some(2.0)));

    // Once: a second answer and a second visit are refused, and the rating is unchanged.
    assert!(matches!(
        survey_error(w.service.answer_survey(&token, answer(5)).await),
        SurveyError::AlreadyAnswered { .. }
    ));
    assert!(matches!(survey_error(w.service.open_survey(&token).await), SurveyError::AlreadyAnswered { .. }));
    let expert = w.service.expert(w.admin, w.experts[0].id).await.expect("expert");
    assert_eq!(expert.ratings.count, 1);

    // Later rounds send nothing more.
    w.clock.advance(Duration::hours(2)).expect("clock");
    round(&w, &notifier).await;
    assert_eq!(invitations(&notifier, &ticket).len(), 1);
    for kind in [AggregateKind::Survey, AggregateKind::Expert] {
        let audit = w.service.quarantined_records(w.admin, kind, Page::first(100)).await.expect("audit");
        assert!(audit.quarantined.is_empty() && !audit.is_empty(), "{kind:?} records replay to their states");
    }
}

pub async fn survey_links_that_are_forged_truncated_or_expired_open_nothing<S: Store>(store: S) {
    let w = world(store).await;
    let notifier = RecordingNotifier::default();
    let (ticket, token) = invited(&w, &notifier, 0).await;
    let last = token.chars().last().expect("a character");
    let altered = format!("{}{}", &token[..TOKEN_CHARS - 1], if last == 'A' { 'B' } else { 'A' });
    let unknown = SurveyToken::new(SurveyId::of(ticket.id, 99), [7; 32]).reveal();
    let forged = SurveyToken::new(SurveyToken::parse(&token).expect("token").survey(), [7; 32]).reveal();
    for bad in [
        String::new(),
        token[..TOKEN_CHARS - 1].to_owned(),
        format!("{token}x"),
        altered,
        unknown,
        forged,
        "é".repeat(64),
        "A".repeat(1 << 20),
    ] {
        assert_eq!(survey_error(w.service.open_survey(&bad).await), SurveyError::InvalidToken, "{:.80}", bad);
        assert_eq!(survey_error(w.service.answer_survey(&bad, answer(1)).await), SurveyError::InvalidToken);
    }
    let expert = w.service.expert(w.admin, w.experts[0].id).await.expect("expert");
    assert_eq!(expert.ratings.count, 0, "nothing answered");

    // Fourteen days on, the link has expired.
    w.clock.advance(SURVEY_VALID_FOR).expect("clock");
    assert!(matches!(survey_error(w.service.answer_survey(&token, answer(4)).await), SurveyError::Expired { .. }));
    assert!(matches!(survey_error(w.service.open_survey(&token).await), SurveyError::Expired { .. }));
}

pub async fn an_invitation_lost_in_a_crash_or_retried_goes_out_under_a_fresh_token<S: Store>(store: S) {
    let w = world(store).await;
    let notifier = RecordingNotifier::default();
    // A consumer issued the survey and died before its invitation was recorded: the token it
    // wrote may never have reached the customer.
    let ticket = completed(&w, 0).await;
    let expert = w.experts[0].id;
    let completion = Completion {
        ticket: ticket.id,
        sequence: ticket.version(),
        customer: ticket.customer,
        expert,
        at: w.clock.now(),
    };
    let lost = SurveyToken::new(SurveyId::of(ticket.id, ticket.version().0), [3; 32]);
    let ids = crate::SequentialIds::new(77);
    let ctx = crate::Ctx::new(Actor::system(), w.clock.now(), &ids);
    let events = Survey::issue(completion, &lost, &ctx).expect("issue");
    let issued: Survey = crate::replay(&events).expect("replay");
    w.service
        .store()
        .commit(vec![Change::of(Sequence::NONE, &issued, &events).expect("change")])
        .await
        .expect("commit");

    round(&w, &notifier).await;
    let sent = invitations(&notifier, &ticket);
    assert_eq!(sent.len(), 1);
    let fresh = token_in(&sent[0]);
    assert_eq!(
        survey_error(w.service.open_survey(&lost.reveal()).await),
        SurveyError::InvalidToken,
        "the lost token no longer works"
    );
    w.service.open_survey(&fresh).await.expect("the fresh one does");

    // A transient failure: the retry carries another fresh token, and only it works.
    let customer = w.customers[2].contact.email.as_str().to_owned();
    notifier.fail(&customer, false);
    let retried = completed(&w, 2).await;
    let options = NotifyOptions::new(
        100,
        Duration::minutes(5),
        Retry::new(Duration::minutes(1), Duration::minutes(4), 4).expect("retry"),
    )
    .expect("options");
    w.service.notify_round(Actor::system(), &notifier, &options).await.expect("round");
    notifier.heal(&customer);
    w.clock.advance(Duration::minutes(2)).expect("clock");
    let report = w.service.notify_round(Actor::system(), &notifier, &options).await.expect("retry round");
    // The assignment and work-started emails failed with it, and go with it.
    assert_eq!((report.sent, report.retrying), (3, 0), "{report:?}");
    let tries = invitations(&notifier, &retried);
    assert_eq!(tries.len(), 2);
    assert_eq!(tries[0].key, tries[1].key, "a retry keeps its key");
    let (first, second) = (token_in(&tries[0]), token_in(&tries[1]));
    assert_ne!(first, second);
    assert_eq!(survey_error(w.service.open_survey(&first).await), SurveyError::InvalidToken);
    w.service.answer_survey(&second, answer(5)).await.expect("answer from the retried link");
    let history = w.service.deliveries(w.admin, DeliveryFilter::Ticket(retried.id), 20).await.expect("history");
    assert!(history.iter().all(|d| !d.message.body.contains(&second)), "history never holds a token");
}

pub async fn survey_scores_rate_the_expert_and_the_assignment_job_weighs_them<S: Store>(store: S) {
    let w = world(store).await;
    let notifier = RecordingNotifier::default();
    let (ticket, token) = invited(&w, &notifier, 0).await;
    w.service.answer_survey(&token, answer(5)).await.expect("answer");
    // Closed, the ticket no longer counts as the expert's recent work: only the rating tells
    // the two experts apart.
    w.service.handle_ticket(w.customer(0), ticket.id, TicketCommand::Close).await.expect("close");
    let next =
        w.service.submit_ticket(w.customer(1), w.customers[1].id, tv_ticket("No picture")).await.expect("submit");
    w.service.run_assignment(Actor::system(), &CostWeights::default()).await.expect("assignment");
    let offered = w.service.ticket(w.admin, next.id).await.expect("ticket");
    let offer = offered.assignments.last().expect("an offer");
    assert_eq!(offer.expert, w.experts[0].id, "the five-star expert is preferred");
    let rating = offer
        .rationale
        .as_ref()
        .and_then(|r| r.terms().iter().find(|t| t.factor() == CostFactor::Rating).map(|t| t.value()));
    // (3 neutral 4-star scores + one 5) / 4 = 4.25 stars: 0.75 of a star missing.
    assert_eq!(rating, Some(0.75));
}
