//! The hostile driver's report operations: any actor, any period (reversed, empty, at the
//! ends of time), any batch.

use super::{Draw, Fixture};
use crate::*;

/// The report operations this file drives (the last of [`super::OPERATIONS`]).
pub(super) const CALLS: [&str; 5] =
    ["project_reports", "rebuild_reports", "ticketing_report", "expert_report", "financial_report"];

impl Fixture {
    /// Calls report operation `name` with arguments drawn from `d`.
    pub(super) async fn report_call(&self, name: &str, d: &mut Draw<'_>) -> Result<(), SysopsError> {
        let s = &self.sysops;
        let period = |d: &mut Draw<'_>| (d.or(None, |d| Some(d.time())), d.or(None, |d| Some(d.time())));
        match name {
            "project_reports" => {
                let batch = d.or(500, |d| d.unsigned() as u32);
                s.project_reports(self.actor_or(d, system_actor()), batch).await.map(drop)
            }
            "rebuild_reports" => s.rebuild_reports(self.actor_or(d, system_actor())).await.map(drop),
            "ticketing_report" => {
                let (actor, (start, end)) = (self.actor_or(d, self.manager), period(d));
                s.ticketing_report(actor, start, end).await.map(drop)
            }
            "expert_report" => {
                let (actor, (start, end)) = (self.actor_or(d, self.manager), period(d));
                s.expert_report(actor, start, end).await.map(drop)
            }
            "financial_report" => {
                let (actor, (start, end)) = (self.actor_or(d, self.manager), period(d));
                s.financial_report(actor, start, end).await.map(drop)
            }
            other => Err(SysopsError::Internal { detail: format!("the hostile driver does not cover {other}") }),
        }
    }
}
