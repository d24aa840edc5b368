//! Surveys, as methods of the Python handle: the page a link opens, and the answer. No
//! actor: the link's token is the credential.

use super::{Sysops, blocking};
use crate::errors::Failure;
use pyo3::prelude::*;
use sysops_ffi as ffi;
use sysops_ffi::python as loose;

#[pymethods]
impl Sysops {
    /// The survey a link's token opens (the 64 characters after the link's last `/`).
    /// `RuleViolatedError` with rule `SURVEY_LINK_INVALID` (truncated, altered, forged or
    /// replaced), `SURVEY_EXPIRED` (14 days after it was sent) or `SURVEY_ANSWERED`.
    fn open_survey(&self, py: Python<'_>, token: String) -> Result<ffi::SurveyView, Failure> {
        blocking(py, self.inner.open_survey(token))
    }

    /// Answers the survey a link's token opens, once: `satisfaction` 1–5 stars (rates the
    /// expert), `recommend` 0–10 or None, `comment` 1–2,000 characters or None. Errors as
    /// `open_survey`, and `InvalidInputError` for an answer out of range (nothing stored).
    #[pyo3(signature = (token, satisfaction, recommend = None, comment = None))]
    fn answer_survey(
        &self,
        py: Python<'_>,
        token: String,
        satisfaction: &Bound<'_, PyAny>,
        recommend: Option<&Bound<'_, PyAny>>,
        comment: Option<String>,
    ) -> PyResult<()> {
        let answer = ffi::SurveyAnswer {
            satisfaction: loose::int("satisfaction", satisfaction)?,
            recommend: recommend.map(|r| loose::int("recommend", r)).transpose()?,
            comment,
        };
        Ok(blocking(py, self.inner.answer_survey(token, answer))?)
    }
}
