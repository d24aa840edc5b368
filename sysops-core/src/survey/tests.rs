//! The survey's rules, without storage: a token opens only its survey, once, until it
//! expires; a reissued token replaces the last; the history replays.

#![allow(clippy::unwrap_used)]
use super::*;
use crate::actor::Actor;
use crate::idgen::{IdGen, SequentialIds};
use crate::rule::Refused;
use chrono::TimeZone;

fn at(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 4, 12, 0, 0).unwrap() + Duration::hours(hours)
}

fn completion() -> Completion {
    let ids = SequentialIds::new(3);
    Completion { ticket: ids.next(), sequence: Sequence(6), customer: ids.next(), expert: ids.next(), at: at(0) }
}

fn issued(ids: &SequentialIds) -> (Survey, SurveyToken) {
    let c = completion();
    let token = SurveyToken::new(SurveyId::of(c.ticket, c.sequence.0), ids.next_secret());
    let events = Survey::issue(c, &token, &Ctx::new(Actor::system(), at(0), ids)).unwrap();
    (crate::aggregate::replay(&events).unwrap(), token)
}

fn answer() -> SurveyAnswer {
    SurveyAnswer { satisfaction: Satisfaction::new(4).unwrap(), recommend: None, comment: None }
}

fn as_customer<'a>(survey: &Survey, when: DateTime<Utc>, ids: &'a SequentialIds) -> Ctx<'a> {
    Ctx::new(Actor::customer(survey.customer), when, ids)
}

#[test]
fn the_token_opens_its_survey_once_until_it_expires() {
    let ids = SequentialIds::new(1);
    let (survey, token) = issued(&ids);
    assert_eq!(survey.expires_at, at(0) + SURVEY_VALID_FOR);
    let command = SurveyCommand::Answer { token: token.clone(), answer: answer() };
    let events = survey.decide(&command, &as_customer(&survey, at(1), &ids)).unwrap();
    let answered = crate::aggregate::applied(&survey, &events).unwrap();
    assert_eq!(answered.answered, Some((answer(), at(1))));
    let again = answered.decide(&command, &as_customer(&answered, at(2), &ids));
    assert_eq!(again, Err(Refused::Rule(SurveyError::AlreadyAnswered { at: at(1) })));
    let late = survey.decide(&command, &as_customer(&survey, survey.expires_at, &ids));
    assert_eq!(late, Err(Refused::Rule(SurveyError::Expired { at: survey.expires_at })));
}

#[test]
fn a_wrong_token_learns_nothing_even_about_an_answered_or_expired_survey() {
    let ids = SequentialIds::new(2);
    let (survey, token) = issued(&ids);
    let forged = SurveyToken::new(token.survey(), [0; 32]);
    let elsewhere = SurveyToken::new(SurveyId::of(survey.ticket, 7), ids.next_secret());
    for bad in [forged, elsewhere] {
        assert_eq!(survey.admit(&bad, at(1)), Err(SurveyError::InvalidToken));
        assert_eq!(survey.admit(&bad, survey.expires_at), Err(SurveyError::InvalidToken));
    }
}

#[test]
fn only_the_customer_answers_and_only_the_consumer_issues() {
    let ids = SequentialIds::new(3);
    let (survey, token) = issued(&ids);
    let command = SurveyCommand::Answer { token: token.clone(), answer: answer() };
    for actor in [Actor::system(), Actor::customer(ids.next()), Actor::expert(survey.expert)] {
        let refused = survey.decide(&command, &Ctx::new(actor, at(1), &ids));
        assert!(matches!(refused, Err(Refused::Forbidden(_))), "{actor}: {refused:?}");
    }
    let ctx = as_customer(&survey, at(0), &ids);
    assert!(matches!(Survey::issue(completion(), &token, &ctx), Err(Refused::Forbidden(_))));
    let wrong = SurveyToken::new(SurveyId::of(survey.ticket, 1), ids.next_secret());
    let ctx = Ctx::new(Actor::system(), at(0), &ids);
    assert_eq!(Survey::issue(completion(), &wrong, &ctx), Err(Refused::Rule(SurveyError::InvalidToken)));
}

#[test]
fn a_reissued_token_replaces_the_last_and_restarts_the_clock() {
    let ids = SequentialIds::new(4);
    let (survey, old) = issued(&ids);
    let new = SurveyToken::new(survey.id, ids.next_secret());
    let system = Ctx::new(Actor::system(), at(30), &ids);
    let events = survey.decide(&SurveyCommand::Reissue { token: new.hash() }, &system).unwrap();
    let reissued = crate::aggregate::applied(&survey, &events).unwrap();
    assert_eq!((reissued.issued_at, reissued.expires_at), (at(30), at(30) + SURVEY_VALID_FOR));
    assert_eq!(reissued.admit(&old, at(31)), Err(SurveyError::InvalidToken));
    assert_eq!(reissued.admit(&new, at(31)), Ok(()));
    assert!(crate::aggregate::replay::<Survey>(&events).is_err(), "a reissue cannot start a history");

    let command = SurveyCommand::Answer { token: new, answer: answer() };
    let events = reissued.decide(&command, &as_customer(&reissued, at(32), &ids)).unwrap();
    let answered = crate::aggregate::applied(&reissued, &events).unwrap();
    let late = answered.decide(&SurveyCommand::Reissue { token: old.hash() }, &system);
    assert_eq!(late, Err(Refused::Rule(SurveyError::AlreadyAnswered { at: at(32) })));
}
