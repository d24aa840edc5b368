//! The hostile driver's survey operations: links of drawn text, and answers out of range.

use super::{Draw, Fixture};
use crate::*;

/// A token: well formed (64 URL-safe characters, of no survey) or any drawn text.
fn token(d: &mut Draw<'_>) -> String {
    const SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let shaped: String = (0..64).map(|_| SAFE.get(d.below(64)).map_or('A', |&c| char::from(c))).collect();
    d.or(shaped, |d| d.text())
}

impl Fixture {
    /// Calls survey operation `name` with arguments drawn from `d`.
    pub(super) async fn survey_call(&self, name: &str, d: &mut Draw<'_>) -> Result<(), SysopsError> {
        let s = &self.sysops;
        match name {
            "open_survey" => s.open_survey(token(d)).await.map(drop),
            "answer_survey" => {
                let token = token(d);
                let answer = SurveyAnswer {
                    satisfaction: d.int_or(4),
                    recommend: d.or(None, |d| Some(d.int())),
                    comment: d.or(None, |d| Some(d.text())),
                };
                s.answer_survey(token, answer).await
            }
            other => Err(SysopsError::Internal { detail: format!("the hostile driver does not cover {other}") }),
        }
    }
}
