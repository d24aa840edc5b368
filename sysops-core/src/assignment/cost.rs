//! The cost model: what makes one qualified expert a better choice than another.

use crate::expert::Expert;
use crate::ticket::{CostFactor, CostTerm, Rationale, Ticket};
use serde::{Deserialize, Serialize};

/// Weights of the cost terms, in cost points per unit. The host may change them.
///
/// Every term is a *cost*: lower is better. With the defaults one kilometre of
/// travel costs one point, so the other weights read as "worth N km":
///
/// | term | unit | default | meaning |
/// |---|---|---|---|
/// | distance | km from the expert's base | 1.0 | shorter trips first |
/// | load | share of capacity in use (0–1) | 30.0 | a fully loaded expert is "30 km further" |
/// | skill level | levels above the ticket's need | 8.0 | keep masters free for hard tickets |
/// | rating | stars below 5 (0–4) | 10.0 | better-rated experts first |
/// | fairness | share of recent work vs. the busiest candidate (0–1) | 15.0 | spread the work |
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CostWeights {
    /// Points per km.
    pub distance_per_km: f64,
    /// Points at full load.
    pub load: f64,
    /// Points per level of over-qualification.
    pub overqualification_per_level: f64,
    /// Points per star below five.
    pub rating_per_missing_star: f64,
    /// Points for the busiest expert's share of recent work.
    pub fairness: f64,
}

impl Default for CostWeights {
    fn default() -> Self {
        Self {
            distance_per_km: 1.0,
            load: 30.0,
            overqualification_per_level: 8.0,
            rating_per_missing_star: 10.0,
            fairness: 15.0,
        }
    }
}

/// What the assignment job knows about an expert besides the profile.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Workload {
    /// Tickets the expert holds now (offered, accepted or in progress).
    pub active: u32,
    /// Recent work (tickets completed and not yet closed), for fairness.
    pub recent: u32,
    /// Mean satisfaction rating in stars (1–5), when surveys exist.
    pub rating: Option<f64>,
}

/// Neutral rating for experts without surveys yet.
const NEUTRAL_RATING: f64 = 4.0;

/// Solver costs are integers in thousandths of a point, so sums are exact.
pub(crate) const MILLI: f64 = 1000.0;

/// The cost of giving `ticket` to `expert`, with each term explained.
pub fn explain(
    ticket: &Ticket,
    expert: &Expert,
    workload: &Workload,
    busiest_recent: u32,
    weights: &CostWeights,
) -> Rationale {
    let terms = terms(ticket, expert, workload, busiest_recent, weights).to_vec();
    let total = terms.iter().map(|t| t.cost).sum();
    Rationale { total, terms }
}

/// The five weighted terms, without allocating (the solver evaluates every feasible pair).
pub(crate) fn terms(
    ticket: &Ticket,
    expert: &Expert,
    workload: &Workload,
    busiest_recent: u32,
    weights: &CostWeights,
) -> [CostTerm; 5] {
    let km = expert.profile.base.distance_km(&ticket.location);
    let capacity = f64::from(expert.profile.capacity.get());
    let load = (f64::from(workload.active) / capacity).min(1.0);
    let level = expert.profile.skills.get(&ticket.category).map_or(0, |l| l.get());
    let over = f64::from(level.saturating_sub(ticket.required_level.get()));
    let missing = (5.0 - workload.rating.unwrap_or(NEUTRAL_RATING)).clamp(0.0, 4.0);
    let share = if busiest_recent == 0 { 0.0 } else { f64::from(workload.recent) / f64::from(busiest_recent) };
    let term = |factor, value: f64, weight: f64| {
        let cost = (value * weight * MILLI).round() / MILLI;
        CostTerm { factor, value, cost }
    };
    [
        term(CostFactor::Distance, km, weights.distance_per_km),
        term(CostFactor::Load, load, weights.load),
        term(CostFactor::SkillLevel, over, weights.overqualification_per_level),
        term(CostFactor::Rating, missing, weights.rating_per_missing_star),
        term(CostFactor::Fairness, share, weights.fairness),
    ]
}

/// The integer solver cost of cost terms (thousandths of a point, never negative).
pub(crate) fn solver_cost(terms: &[CostTerm]) -> i64 {
    terms.iter().map(|t| (t.cost * MILLI).round().max(0.0) as i64).sum()
}
