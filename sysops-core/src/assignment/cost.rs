//! The cost model: what makes one qualified expert a better choice than another.

use crate::error::{ValidationError, check_real};
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
///
/// Each weight is a finite number in `0.0..=`[`CostWeights::MAX`]; [`CostWeights::new`]
/// refuses anything else (NaN, infinities, negatives). The bound keeps every pair's cost
/// below a known ceiling, which is what lets the solver keep its objective lexicographic
/// (more tickets first, then urgency, then cost) whatever weights a host passes.
///
/// ```
/// use sysops_core::assignment::CostWeights;
/// assert!(CostWeights::new(2.0, 30.0, 8.0, 10.0, 15.0).is_ok());
/// assert!(CostWeights::new(f64::NAN, 1.0, 1.0, 1.0, 1.0).is_err());
/// assert!(CostWeights::new(1.0, -1.0, 1.0, 1.0, 1.0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawWeights", into = "RawWeights")]
pub struct CostWeights {
    distance_per_km: f64,
    load: f64,
    overqualification_per_level: f64,
    rating_per_missing_star: f64,
    fairness: f64,
}

#[derive(Serialize, Deserialize)]
struct RawWeights {
    distance_per_km: f64,
    load: f64,
    overqualification_per_level: f64,
    rating_per_missing_star: f64,
    fairness: f64,
}

impl TryFrom<RawWeights> for CostWeights {
    type Error = ValidationError;
    fn try_from(w: RawWeights) -> Result<Self, ValidationError> {
        CostWeights::new(
            w.distance_per_km,
            w.load,
            w.overqualification_per_level,
            w.rating_per_missing_star,
            w.fairness,
        )
    }
}

impl From<CostWeights> for RawWeights {
    fn from(w: CostWeights) -> Self {
        RawWeights {
            distance_per_km: w.distance_per_km,
            load: w.load,
            overqualification_per_level: w.overqualification_per_level,
            rating_per_missing_star: w.rating_per_missing_star,
            fairness: w.fairness,
        }
    }
}

impl CostWeights {
    /// The largest weight accepted, in points per unit.
    pub const MAX: f64 = CostTerm::MAX_WEIGHT;

    /// Weights in points per km, at full load, per level of over-qualification, per star
    /// below five, and for the busiest expert's share of recent work; each in `0.0..=MAX`.
    pub fn new(
        distance_per_km: f64,
        load: f64,
        overqualification_per_level: f64,
        rating_per_missing_star: f64,
        fairness: f64,
    ) -> Result<Self, ValidationError> {
        let weight = |field, value| check_real(field, value, 0.0, Self::MAX);
        Ok(Self {
            distance_per_km: weight("distance_per_km", distance_per_km)?,
            load: weight("load", load)?,
            overqualification_per_level: weight("overqualification_per_level", overqualification_per_level)?,
            rating_per_missing_star: weight("rating_per_missing_star", rating_per_missing_star)?,
            fairness: weight("fairness", fairness)?,
        })
    }

    /// Points per km.
    pub fn distance_per_km(&self) -> f64 {
        self.distance_per_km
    }

    /// Points at full load.
    pub fn load(&self) -> f64 {
        self.load
    }

    /// Points per level of over-qualification.
    pub fn overqualification_per_level(&self) -> f64 {
        self.overqualification_per_level
    }

    /// Points per star below five.
    pub fn rating_per_missing_star(&self) -> f64 {
        self.rating_per_missing_star
    }

    /// Points for the busiest expert's share of recent work.
    pub fn fairness(&self) -> f64 {
        self.fairness
    }
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

/// A mean satisfaction rating in stars: a finite number in `1.0..=5.0`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Rating(f64);

impl Rating {
    /// Checks the rating is finite and within `1.0..=5.0`.
    pub fn new(stars: f64) -> Result<Self, ValidationError> {
        Ok(Self(check_real("rating", stars, 1.0, 5.0)?))
    }

    /// The stars.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Rating {
    type Error = ValidationError;
    fn try_from(stars: f64) -> Result<Self, ValidationError> {
        Rating::new(stars)
    }
}

impl From<Rating> for f64 {
    fn from(rating: Rating) -> f64 {
        rating.0
    }
}

/// What the assignment job knows about an expert besides the profile.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Workload {
    /// Tickets the expert holds now (offered, accepted or in progress).
    pub active: u32,
    /// Recent work (tickets completed and not yet closed), for fairness.
    pub recent: u32,
    /// The expert's satisfaction rating, once surveys exist ([`crate::Ratings::for_assignment`]);
    /// without one the neutral [`crate::NEUTRAL_STARS`] holds.
    pub rating: Option<Rating>,
}

/// Solver costs are integers in thousandths of a point, so sums are exact.
pub(crate) const MILLI: f64 = 1000.0;

/// The longest trip of a feasible pair: the largest service radius ([`crate::RadiusKm`]'s bound).
const MAX_TRAVEL_KM: f64 = 1_000.0;

/// The largest solver cost of one feasible pair: the longest trip and every other term at
/// its largest value, every weight at [`CostWeights::MAX`]. [`solver_cost`] clamps to it, so
/// the bound holds by construction; the solver's rewards are scaled from it (see
/// [`super::reward`]).
pub(crate) const MAX_PAIR_COST: i64 = {
    let [_, load, level, rating, fairness] = CostFactor::ALL;
    let values = MAX_TRAVEL_KM + load.max_value() + level.max_value() + rating.max_value() + fairness.max_value();
    (values * CostWeights::MAX * MILLI) as i64
};

/// The cost of giving `ticket` to `expert`, with each term explained.
pub fn explain(
    ticket: &Ticket,
    expert: &Expert,
    workload: &Workload,
    busiest_recent: u32,
    weights: &CostWeights,
) -> Rationale {
    Rationale::of(terms(ticket, expert, workload, busiest_recent, weights).to_vec())
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
    let missing = (5.0 - workload.rating.map_or(crate::expert::NEUTRAL_STARS, Rating::get)).clamp(0.0, 4.0);
    let share =
        if busiest_recent == 0 { 0.0 } else { (f64::from(workload.recent) / f64::from(busiest_recent)).min(1.0) };
    let term = |factor, value: f64, weight: f64| CostTerm::weighted(factor, value, weight);
    [
        term(CostFactor::Distance, km.min(CostFactor::Distance.max_value()), weights.distance_per_km),
        term(CostFactor::Load, load, weights.load),
        term(CostFactor::SkillLevel, over, weights.overqualification_per_level),
        term(CostFactor::Rating, missing, weights.rating_per_missing_star),
        term(CostFactor::Fairness, share, weights.fairness),
    ]
}

/// The integer solver cost of cost terms (thousandths of a point, `0..=MAX_PAIR_COST`).
pub(crate) fn solver_cost(terms: &[CostTerm]) -> i64 {
    let milli: i64 = terms.iter().map(|t| (t.cost() * MILLI).round().max(0.0) as i64).sum();
    milli.min(MAX_PAIR_COST)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expert::RadiusKm;

    #[test]
    fn the_longest_feasible_trip_is_the_largest_radius() {
        assert!(RadiusKm::new(MAX_TRAVEL_KM as i64).is_ok());
        assert!(RadiusKm::new(MAX_TRAVEL_KM as i64 + 1).is_err());
        assert_eq!(MAX_PAIR_COST, 101_000_000);
    }
}
