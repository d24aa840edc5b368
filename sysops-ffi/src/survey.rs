//! Surveys: the page a customer opens from the link in their invitation, and their answer.
//! No actor: the link's token is the credential, and sysops answers as the ticket's customer.

use crate::client::Sysops;
use crate::error::SysopsError;
use crate::guard::guard;
use crate::types::Timestamp;
use sysops_core::survey as core;
use uuid::Uuid;

/// What a survey's page shows before the customer answers.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct SurveyView {
    /// The survey's id.
    pub survey: Uuid,
    /// The ticket's number, as the customer knows it (`HX4TZ-9K2M7`).
    pub ticket_number: String,
    /// The expert whose work is rated (`None` if their record is gone).
    pub expert_name: Option<String>,
    /// When the work was completed.
    pub completed_at: Timestamp,
    /// When the link stops working.
    pub expires_at: Timestamp,
}

impl From<sysops_core::SurveyView> for SurveyView {
    fn from(v: sysops_core::SurveyView) -> Self {
        SurveyView {
            survey: v.survey.as_uuid(),
            ticket_number: v.ticket_number.to_string(),
            expert_name: v.expert_name.map(String::from),
            completed_at: v.completed_at,
            expires_at: v.expires_at,
        }
    }
}

/// A customer's answer to a survey (Python passes its fields to `answer_survey` as arguments).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SurveyAnswer {
    /// 1 (very unhappy) to 5 (delighted): rates the expert.
    pub satisfaction: i64,
    /// How likely they are to recommend the Sysops Squad, 0–10, if they said.
    #[uniffi(default = None)]
    pub recommend: Option<i64>,
    /// Their words, 1–2,000 characters, if any.
    #[uniffi(default = None)]
    pub comment: Option<String>,
}

impl TryFrom<SurveyAnswer> for core::SurveyAnswer {
    type Error = SysopsError;
    fn try_from(a: SurveyAnswer) -> Result<Self, SysopsError> {
        Ok(core::SurveyAnswer {
            satisfaction: sysops_core::Satisfaction::new(a.satisfaction)?,
            recommend: a.recommend.map(core::Recommend::new).transpose()?,
            comment: a.comment.map(core::SurveyComment::new).transpose()?,
        })
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// The survey a link's token opens (the 64 characters after the link's last `/`), for
    /// its page. Errors: `RuleViolated` with rule `SURVEY_LINK_INVALID` for a token that is
    /// truncated, altered, forged or replaced by a newer link; `SURVEY_EXPIRED` after 14 days;
    /// `SURVEY_ANSWERED` once answered.
    pub async fn open_survey(&self, token: String) -> Result<SurveyView, SysopsError> {
        guard(async move { Ok(self.api()?.open_survey(&token).await?.into()) }).await
    }

    /// Answers the survey a link's token opens, once: the satisfaction score rates the expert.
    /// Errors as `open_survey`, and `InvalidInput` (`satisfaction`, `recommend`, `comment`)
    /// for an answer out of range; nothing is stored then.
    pub async fn answer_survey(&self, token: String, answer: SurveyAnswer) -> Result<(), SysopsError> {
        guard(async move {
            let answer = core::SurveyAnswer::try_from(answer)?;
            self.api()?.answer_survey(&token, answer).await.map(drop)?;
            Ok(())
        })
        .await
    }
}
