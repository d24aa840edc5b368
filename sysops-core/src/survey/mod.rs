//! Satisfaction surveys: one per completion of a ticket, opened from a link without a login,
//! answered once, before it expires. The answer's satisfaction score rates the expert who did
//! the work ([`crate::expert::Ratings`]), which the assignment job weighs.
//!
//! The notification consumer issues a survey when it reads a ticket's completion and writes
//! its token into the invitation it sends; the survey keeps only the token's digest
//! ([`TokenHash`]). A consumer that crashed after issuing a survey cannot know whether its
//! invitation went out; it reissues the survey under a fresh token (the old one stops
//! working) and sends the invitation again under a new key, unless it finds the first one
//! recorded.

mod error;
mod token;

pub use error::SurveyError;
pub use token::{SurveyToken, TOKEN_CHARS, TokenHash};

use crate::actor::{Action, Target, authorize};
use crate::aggregate::{Aggregate, Decide, Index};
use crate::ctx::Ctx;
use crate::error::{ReplayError, ValidationError};
use crate::event::{AggregateKind, Envelope, EventName, Sequence};
use crate::expert::{Satisfaction, bounded_number};
use crate::id::{CustomerId, ExpertId, SurveyId, TicketId};
use crate::rule::Refused;
use crate::text::text_type;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long a survey link works after it is sent: 14 days.
pub const SURVEY_VALID_FOR: Duration = Duration::days(14);

bounded_number!(
    /// How likely the customer is to recommend the Sysops Squad: 0 (not at all) to 10.
    Recommend(u8),
    field = "recommend",
    0..=10
);

text_type!(
    /// What the customer adds in their own words (1–2,000 characters).
    SurveyComment,
    field = "comment",
    max = 2_000
);

/// A customer's answer to a survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyAnswer {
    /// 1–5 stars: rates the expert.
    pub satisfaction: Satisfaction,
    /// 0–10, if the customer gave one.
    pub recommend: Option<Recommend>,
    /// Their words, if any.
    pub comment: Option<SurveyComment>,
}

/// The survey of one completion of a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Survey {
    /// Derived from the ticket and the completion ([`SurveyId::of`]).
    pub id: SurveyId,
    pub ticket: TicketId,
    /// Who is asked: the ticket's customer.
    pub customer: CustomerId,
    /// Whose work it rates.
    pub expert: ExpertId,
    /// When the work was completed.
    pub completed_at: DateTime<Utc>,
    /// The digest of the only token that opens it now.
    token: TokenHash,
    /// When that token was issued.
    pub issued_at: DateTime<Utc>,
    /// When that token stops working.
    pub expires_at: DateTime<Utc>,
    /// The answer and when it was given, once answered.
    pub answered: Option<(SurveyAnswer, DateTime<Utc>)>,
    version: Sequence,
}

/// What happened to a survey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum SurveyEvent {
    /// The survey was issued with a token (its digest), valid until `expires_at`.
    Issued {
        survey: SurveyId,
        ticket: TicketId,
        customer: CustomerId,
        expert: ExpertId,
        completed_at: DateTime<Utc>,
        token: TokenHash,
        expires_at: DateTime<Utc>,
    },
    /// A fresh token replaced the last one, whose invitation may never have gone out.
    Reissued { token: TokenHash, expires_at: DateTime<Utc> },
    /// The customer answered.
    Answered { answer: SurveyAnswer },
}

impl EventName for SurveyEvent {
    fn name(&self) -> &'static str {
        match self {
            SurveyEvent::Issued { .. } => "SurveyIssued",
            SurveyEvent::Reissued { .. } => "SurveyReissued",
            SurveyEvent::Answered { .. } => "SurveyAnswered",
        }
    }
}

/// What can be asked of an issued survey.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum SurveyCommand {
    /// Replace the token: the notification consumer, unsure the last invitation went out.
    Reissue { token: TokenHash },
    /// Answer it, with the link's token.
    Answer { token: SurveyToken, answer: SurveyAnswer },
}

/// The completion a survey asks about, as the notification consumer read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct Completion {
    pub ticket: TicketId,
    /// The completion's place in the ticket's history.
    pub sequence: Sequence,
    pub customer: CustomerId,
    pub expert: ExpertId,
    pub at: DateTime<Utc>,
}

impl Survey {
    /// Issues the survey of `completion` under `token` (the notification consumer), valid for
    /// [`SURVEY_VALID_FOR`] from now.
    pub fn issue(
        completion: Completion,
        token: &SurveyToken,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<Envelope<SurveyEvent>>, Refused<SurveyError>> {
        authorize(&ctx.actor, Action::SendNotifications, Target::default())?;
        let survey = SurveyId::of(completion.ticket, completion.sequence.0);
        if token.survey() != survey {
            return Err(SurveyError::InvalidToken.into());
        }
        let issued = SurveyEvent::Issued {
            survey,
            ticket: completion.ticket,
            customer: completion.customer,
            expert: completion.expert,
            completed_at: completion.at,
            token: token.hash(),
            expires_at: expiry(ctx)?,
        };
        Ok(ctx.stamp(survey, Sequence::NONE, vec![issued]))
    }

    /// Checks `token` opens this survey now: the right secret, not answered, not expired (in
    /// that order, so a wrong token learns nothing about the survey).
    pub fn admit(&self, token: &SurveyToken, now: DateTime<Utc>) -> Result<(), SurveyError> {
        if token.survey() != self.id || !self.token.matches(token) {
            return Err(SurveyError::InvalidToken);
        }
        if let Some((_, at)) = &self.answered {
            return Err(SurveyError::AlreadyAnswered { at: *at });
        }
        if now >= self.expires_at {
            return Err(SurveyError::Expired { at: self.expires_at });
        }
        Ok(())
    }
}

/// When a token issued now stops working.
fn expiry(ctx: &Ctx<'_>) -> Result<DateTime<Utc>, ValidationError> {
    crate::time::check("expires_at", ctx.now.checked_add_signed(SURVEY_VALID_FOR).unwrap_or(ctx.now))
}

impl Decide for Survey {
    type Command = SurveyCommand;
    type Error = Refused<SurveyError>;

    fn action(command: &SurveyCommand) -> Action {
        match command {
            SurveyCommand::Reissue { .. } => Action::SendNotifications,
            SurveyCommand::Answer { .. } => Action::AnswerSurvey,
        }
    }

    fn decide(&self, command: &SurveyCommand, ctx: &Ctx<'_>) -> Result<Vec<Envelope<SurveyEvent>>, Self::Error> {
        let event = match command {
            SurveyCommand::Reissue { token } => {
                authorize(&ctx.actor, Action::SendNotifications, Target::default())?;
                if let Some((_, at)) = &self.answered {
                    return Err(SurveyError::AlreadyAnswered { at: *at }.into());
                }
                SurveyEvent::Reissued { token: *token, expires_at: expiry(ctx)? }
            }
            SurveyCommand::Answer { token, answer } => {
                authorize(&ctx.actor, Action::AnswerSurvey, Target::owned_by(self.customer.as_uuid()))?;
                self.admit(token, ctx.now)?;
                SurveyEvent::Answered { answer: answer.clone() }
            }
        };
        Ok(ctx.stamp(self.id, self.version, vec![event]))
    }
}

impl Aggregate for Survey {
    const KIND: AggregateKind = AggregateKind::Survey;
    type Event = SurveyEvent;

    fn id(&self) -> Uuid {
        self.id.as_uuid()
    }

    fn version(&self) -> Sequence {
        self.version
    }

    fn create(first: &Envelope<SurveyEvent>) -> Result<Self, ReplayError> {
        match &first.payload {
            SurveyEvent::Issued { survey, ticket, customer, expert, completed_at, token, expires_at } => Ok(Survey {
                id: *survey,
                ticket: *ticket,
                customer: *customer,
                expert: *expert,
                completed_at: *completed_at,
                token: *token,
                issued_at: first.at,
                expires_at: *expires_at,
                answered: None,
                version: first.sequence,
            }),
            other => Err(ReplayError::DoesNotApply { event: other.name(), state: "nothing" }),
        }
    }

    fn evolve(&mut self, event: &Envelope<SurveyEvent>) -> Result<(), ReplayError> {
        match &event.payload {
            SurveyEvent::Reissued { token, expires_at } if self.answered.is_none() => {
                self.token = *token;
                self.issued_at = event.at;
                self.expires_at = *expires_at;
            }
            SurveyEvent::Answered { answer } if self.answered.is_none() => {
                self.answered = Some((answer.clone(), event.at));
            }
            other => return Err(ReplayError::DoesNotApply { event: other.name(), state: "Survey" }),
        }
        self.version = event.sequence;
        Ok(())
    }

    fn index(&self) -> Index {
        Index::none()
    }
}

#[cfg(test)]
mod tests;
