//! Surveys: issued by the notification consumer with the invitation it sends, opened and
//! answered from their links by customers without a login.

use super::{Error, Service, change_of};
use crate::actor::{Action, Actor};
use crate::aggregate::{Aggregate, Decide};
use crate::ctx::Ctx;
use crate::error::StoreError;
use crate::expert::{Expert, ExpertEvent};
use crate::id::SurveyId;
use crate::notify::{Message, MessageKey, MessageKind, TOKEN_WITHHELD};
use crate::persist::Change;
use crate::store::Store;
use crate::stream::StreamId;
use crate::survey::{Completion, Survey, SurveyAnswer, SurveyCommand, SurveyError, SurveyToken};
use crate::text::PersonName;
use crate::ticket::TicketNumber;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// How often an answer is tried again when the expert's record changed meanwhile.
const ANSWER_TRIES: usize = 5;

/// What a survey page shows the customer who opened its link.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct SurveyView {
    pub survey: SurveyId,
    pub ticket_number: TicketNumber,
    /// Whose work is rated (empty when the expert's record is gone).
    pub expert_name: Option<PersonName>,
    pub completed_at: DateTime<Utc>,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

/// A survey invitation ready to write: its key (the survey's token event), the token for
/// the link and when it stops working.
pub(super) struct Invitation {
    pub key: MessageKey,
    pub token: SurveyToken,
    pub expires_at: DateTime<Utc>,
}

impl<S: Store> Service<S> {
    /// The survey a link's token opens, for its page: no login, the token is the key.
    /// [`SurveyError::InvalidToken`] for a token that is not whole or not issued (or was
    /// replaced), [`SurveyError::AlreadyAnswered`] and [`SurveyError::Expired`] for one that
    /// no longer works.
    pub async fn open_survey(&self, token: &str) -> Result<SurveyView, Error> {
        let (_, survey) = self.admitted(token).await?;
        let expert = self.find::<Expert>(survey.expert).await?;
        Ok(SurveyView {
            survey: survey.id,
            ticket_number: TicketNumber::of(survey.ticket),
            expert_name: expert.map(|e| e.profile.name),
            completed_at: survey.completed_at,
            expires_at: survey.expires_at,
        })
    }

    /// Answers the survey a link's token opens, once, as the ticket's customer: the answer
    /// and the expert's new rating ([`ExpertEvent::Rated`]) are committed together. Errors as
    /// [`open_survey`](Self::open_survey); a second answer is
    /// [`SurveyError::AlreadyAnswered`].
    pub async fn answer_survey(&self, token: &str, answer: SurveyAnswer) -> Result<Survey, Error> {
        let mut tries = 0;
        loop {
            tries += 1;
            match self.try_answer(token, &answer).await {
                Err(e) if e.is_conflict() && tries < ANSWER_TRIES => continue,
                result => return result,
            }
        }
    }

    async fn try_answer(&self, token: &str, answer: &SurveyAnswer) -> Result<Survey, Error> {
        let (token, survey) = self.admitted(token).await?;
        let ctx = self.ctx(Actor::customer(survey.customer), Action::AnswerSurvey).await?;
        let command = SurveyCommand::Answer { token, answer: answer.clone() };
        let (answered, change) = change_of(Some(&survey), &survey.decide(&command, &ctx)?)?;
        let mut changes = vec![change];
        if let Some(expert) = self.find::<Expert>(survey.expert).await? {
            let rated = ExpertEvent::Rated { survey: survey.id, satisfaction: answer.satisfaction };
            changes.push(change_of(Some(&expert), &ctx.stamp(expert.id, expert.version(), vec![rated]))?.1);
        }
        self.store.commit(changes).await?;
        Ok(answered)
    }

    /// The token read from its text and the survey it opens, checked to open it now.
    async fn admitted(&self, token: &str) -> Result<(SurveyToken, Survey), Error> {
        let token = SurveyToken::parse(token).ok_or(SurveyError::InvalidToken)?;
        let survey = self.find::<Survey>(token.survey()).await?.ok_or(SurveyError::InvalidToken)?;
        survey.admit(&token, self.now()?)?;
        Ok((token, survey))
    }

    /// Issues the surveys of a page's completions for their invitations (the notification
    /// consumer, as `actor`), all in one commit, keyed like `wanted` (by the intent's key).
    /// A survey a crash left issued (found in `issued`) is reissued under a fresh token unless
    /// an invitation of it is already recorded; an answered one, or one another consumer
    /// issued at the same moment, calls for no invitation.
    pub(super) async fn invitations(
        &self,
        actor: Actor,
        wanted: Vec<(MessageKey, Completion)>,
        issued: &HashMap<SurveyId, Survey>,
    ) -> Result<HashMap<MessageKey, Invitation>, Error> {
        let ctx = Ctx::new(actor, self.now()?, self.ids.as_ref());
        let mut decided = Vec::with_capacity(wanted.len());
        for (intent, completion) in wanted {
            let id = SurveyId::of(completion.ticket, completion.sequence.0);
            let token = SurveyToken::new(id, self.ids.next_secret());
            let (current, events) = match issued.get(&id) {
                None => (None, Survey::issue(completion, &token, &ctx)?),
                Some(survey) if survey.answered.is_some() || self.invited(survey).await? => continue,
                Some(survey) => (Some(survey), survey.decide(&SurveyCommand::Reissue { token: token.hash() }, &ctx)?),
            };
            let (next, change) = change_of(current, &events)?;
            decided.push((intent, next, token, change));
        }
        if decided.is_empty() {
            return Ok(HashMap::new());
        }
        let changes: Vec<Change> = decided.iter().map(|(.., change)| change.clone()).collect();
        let all_at_once = match self.store.commit(changes).await {
            Ok(()) => true,
            // Another consumer issued some of them: the rest are committed one by one.
            Err(StoreError::Conflict { .. }) => false,
            Err(e) => return Err(e.into()),
        };
        let mut invitations = HashMap::with_capacity(decided.len());
        for (intent, survey, token, change) in decided {
            if !all_at_once {
                match self.store.commit(vec![change]).await {
                    Ok(()) => {}
                    Err(StoreError::Conflict { .. }) => continue,
                    Err(e) => return Err(e.into()),
                }
            }
            let stream = StreamId::new(Survey::KIND, survey.id);
            let key = MessageKey::of(stream, survey.version(), MessageKind::SurveyInvitation);
            invitations.insert(intent, Invitation { key, token, expires_at: survey.expires_at });
        }
        Ok(invitations)
    }

    /// True when an invitation of `survey` is recorded (sent, failed, or waiting to be retried).
    async fn invited(&self, survey: &Survey) -> Result<bool, Error> {
        let history = self.store.deliveries(survey.customer, Some(survey.ticket), 1_000).await?;
        Ok(history.iter().any(|d| {
            d.message.kind == MessageKind::SurveyInvitation && d.message.key.stream_id() == Some(survey.id.as_uuid())
        }))
    }

    /// Writes a fresh token into an invitation about to be retried (its recorded text holds
    /// [`TOKEN_WITHHELD`]): the survey is reissued, so only this copy's link works. `false`
    /// when there is nothing to send any more: the survey was answered or is gone.
    pub(super) async fn refresh_invitation(&self, actor: Actor, message: &mut Message) -> Result<bool, Error> {
        let Some(id) = message.key.stream_id() else { return Ok(false) };
        let Some(survey) = self.find::<Survey>(id).await? else { return Ok(false) };
        if survey.answered.is_some() {
            return Ok(false);
        }
        let ctx = Ctx::new(actor, self.now()?, self.ids.as_ref());
        let token = SurveyToken::new(survey.id, self.ids.next_secret());
        let events = survey.decide(&SurveyCommand::Reissue { token: token.hash() }, &ctx)?;
        self.save(Some(&survey), events).await?;
        replace_in(message, TOKEN_WITHHELD, &token.reveal());
        Ok(true)
    }
}

/// The message as delivery history keeps it: `token` withheld.
pub(super) fn withheld(mut message: Message, token: &str) -> Message {
    replace_in(&mut message, token, TOKEN_WITHHELD);
    message
}

fn replace_in(message: &mut Message, from: &str, to: &str) {
    message.body = message.body.replace(from, to);
    message.subject = message.subject.take().map(|s| s.replace(from, to));
}
