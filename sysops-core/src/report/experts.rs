//! The expert performance report: per expert, the offers they were made, the visits they
//! completed and the surveys their customers answered in a period.

use super::facts::{ExpertFacts, OfferFacts, OfferOutcome, SurveyFacts};
use super::ticketing::nearest_rank;
use super::{ReportLag, ReportRange};
use crate::id::ExpertId;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Seconds in a week: the unit of an expert's working hours.
const WEEK_S: i64 = 7 * 24 * 3_600;

/// One expert's row of the expert performance report. Offers are those made in the
/// report's period (their outcome as of `as_of`), visits those completed in it, surveys
/// those answered in it.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct ExpertRow {
    pub expert: ExpertId,
    pub name: String,
    /// Offers made.
    pub offers: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Not answered in time.
    pub expired: u64,
    /// The ticket was cancelled before they answered.
    pub withdrawn: u64,
    /// Not answered yet.
    pub pending: u64,
    /// The median seconds from offer to acceptance of the offers accepted (nearest rank).
    pub accept_p50_s: Option<i64>,
    /// Visits completed.
    pub completed: u64,
    /// The median seconds from acceptance to completion of those visits (nearest rank).
    pub complete_p50_s: Option<i64>,
    /// Seconds worked on site in those visits (start to completion).
    pub worked_s: i64,
    /// Metres from their base to those visits, as the assignment job measured them.
    pub travel_m: i64,
    /// Visits whose distance was measured (an administrator's assignment has none).
    pub travel_measured: u64,
    /// Surveys answered about them.
    pub surveys: u64,
    /// Their stars, summed.
    pub satisfaction_sum: u64,
    /// Surveys that gave a recommend score.
    pub recommends: u64,
    pub recommend_sum: u64,
    /// Their working hours a week, in seconds.
    pub weekly_s: i64,
    pub registered_at: DateTime<Utc>,
    /// Seconds of working hours in the period (up to `as_of`, from their registration).
    pub scheduled_s: i64,
    /// `worked_s / scheduled_s`; `None` when nothing was scheduled.
    pub utilisation: Option<f64>,
    /// Mean stars (1–5); `None` without surveys.
    pub mean_satisfaction: Option<f64>,
    /// Mean recommend score (0–10); `None` without one.
    pub mean_recommend: Option<f64>,
}

impl ExpertRow {
    /// A row of `expert`'s with nothing counted yet (each backend's query fills it in).
    pub fn of(expert: &ExpertFacts) -> Self {
        Self {
            expert: expert.expert,
            name: expert.name.clone(),
            offers: 0,
            accepted: 0,
            rejected: 0,
            expired: 0,
            withdrawn: 0,
            pending: 0,
            accept_p50_s: None,
            completed: 0,
            complete_p50_s: None,
            worked_s: 0,
            travel_m: 0,
            travel_measured: 0,
            surveys: 0,
            satisfaction_sum: 0,
            recommends: 0,
            recommend_sum: 0,
            weekly_s: expert.weekly_s,
            registered_at: expert.registered_at,
            scheduled_s: 0,
            utilisation: None,
            mean_satisfaction: None,
            mean_recommend: None,
        }
    }

    /// Fills in the figures derived from the counts, the same for every backend: the
    /// working hours scheduled in `range` up to `as_of`, and the ratios.
    pub(crate) fn finish(mut self, range: ReportRange, as_of: DateTime<Utc>) -> Self {
        let from = range.from().max(self.registered_at).timestamp();
        let to = range.to().min(as_of).timestamp();
        let span = i128::from((to - from).max(0));
        self.scheduled_s = i64::try_from(span * i128::from(self.weekly_s) / i128::from(WEEK_S)).unwrap_or(i64::MAX);
        self.utilisation = (self.scheduled_s > 0).then(|| self.worked_s as f64 / self.scheduled_s as f64);
        self.mean_satisfaction = (self.surveys > 0).then(|| self.satisfaction_sum as f64 / self.surveys as f64);
        self.mean_recommend = (self.recommends > 0).then(|| self.recommend_sum as f64 / self.recommends as f64);
        self
    }
}

/// The expert performance report: a row per expert registered before the period ends,
/// ordered by name, then id.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct ExpertReport {
    pub range: ReportRange,
    /// When it was computed: outcomes are as of then.
    pub as_of: DateTime<Utc>,
    /// How far behind the events its read model was.
    pub lag: ReportLag,
    pub rows: Vec<ExpertRow>,
}

/// The report's rows from the facts themselves (the in-memory store's query), derived
/// figures not filled in.
pub(crate) fn rows_of<'a>(
    experts: impl IntoIterator<Item = &'a ExpertFacts>,
    offers: impl IntoIterator<Item = &'a OfferFacts>,
    surveys: impl IntoIterator<Item = &'a SurveyFacts>,
    range: ReportRange,
) -> Vec<ExpertRow> {
    let mut rows: BTreeMap<ExpertId, (ExpertRow, Vec<i64>, Vec<i64>)> = experts
        .into_iter()
        .filter(|e| e.registered_at < range.to())
        .map(|e| (e.expert, (ExpertRow::of(e), Vec::new(), Vec::new())))
        .collect();
    for offer in offers {
        let Some((row, accepts, completes)) = rows.get_mut(&offer.expert) else { continue };
        if range.contains(offer.offered_at) {
            row.offers += 1;
            *match offer.outcome {
                OfferOutcome::Pending => &mut row.pending,
                OfferOutcome::Accepted => &mut row.accepted,
                OfferOutcome::Rejected => &mut row.rejected,
                OfferOutcome::Expired => &mut row.expired,
                OfferOutcome::Withdrawn => &mut row.withdrawn,
            } += 1;
            if let (OfferOutcome::Accepted, Some(at)) = (offer.outcome, offer.answered_at) {
                accepts.push(at.timestamp() - offer.offered_at.timestamp());
            }
        }
        if let Some(done) = offer.completed_at.filter(|at| range.contains(*at)) {
            row.completed += 1;
            if let Some(accepted) = offer.answered_at {
                completes.push(done.timestamp() - accepted.timestamp());
            }
            if let Some(started) = offer.started_at {
                row.worked_s += done.timestamp() - started.timestamp();
            }
            if let Some(metres) = offer.travel_m {
                row.travel_m += metres;
                row.travel_measured += 1;
            }
        }
    }
    for survey in surveys {
        let Some((row, ..)) = rows.get_mut(&survey.expert) else { continue };
        let (Some(stars), Some(at)) = (survey.satisfaction, survey.answered_at) else { continue };
        if range.contains(at) {
            row.surveys += 1;
            row.satisfaction_sum += u64::from(stars);
            if let Some(score) = survey.recommend {
                row.recommends += 1;
                row.recommend_sum += u64::from(score);
            }
        }
    }
    rows.into_values()
        .map(|(mut row, mut accepts, mut completes)| {
            accepts.sort_unstable();
            completes.sort_unstable();
            row.accept_p50_s = nearest_rank(&accepts, 1, 2);
            row.complete_p50_s = nearest_rank(&completes, 1, 2);
            row
        })
        .collect()
}
