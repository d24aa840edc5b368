//! Assignment attempts: every offer of a ticket to an expert, kept in the ticket's history.

use crate::error::{ValidationError, check_real};
use crate::id::{AssignmentId, ExpertId};
use crate::text::Reason;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One offer of a ticket to an expert and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Assignment {
    pub id: AssignmentId,
    /// The expert offered the ticket.
    pub expert: ExpertId,
    /// When the offer was made.
    pub offered_at: DateTime<Utc>,
    /// When the offer expires unless answered.
    pub respond_by: DateTime<Utc>,
    /// Why this expert was chosen, when the assignment job chose them.
    pub rationale: Option<Rationale>,
    /// How the offer ended, or `Pending`.
    pub outcome: Outcome,
}

impl Assignment {
    /// True when this expert declined or ignored the ticket and so must not be offered it again.
    pub fn excludes_expert(&self) -> bool {
        matches!(self.outcome, Outcome::Rejected { .. } | Outcome::Expired { .. })
    }
}

/// How an assignment attempt ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    /// Waiting for the expert's answer.
    Pending,
    /// The expert accepted.
    Accepted {
        /// When.
        at: DateTime<Utc>,
    },
    /// The expert rejected, saying why.
    Rejected {
        /// When.
        at: DateTime<Utc>,
        /// The expert's reason.
        reason: Reason,
    },
    /// The expert did not answer by the deadline.
    Expired {
        /// When the expiry was recorded.
        at: DateTime<Utc>,
    },
    /// The ticket was cancelled while the offer was pending.
    Withdrawn {
        /// When.
        at: DateTime<Utc>,
    },
}

/// A factor of the assignment cost model.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CostFactor {
    /// Travel distance from the expert's base, in km.
    Distance,
    /// The expert's current load, as a share of capacity.
    Load,
    /// Skill levels above the level needed (over-qualification).
    SkillLevel,
    /// Customer satisfaction: stars below five.
    Rating,
    /// Share of recent work, to spread tickets fairly.
    Fairness,
}

impl CostFactor {
    /// Every factor, in the order a [`Rationale`] lists them.
    pub const ALL: [CostFactor; 5] =
        [CostFactor::Distance, CostFactor::Load, CostFactor::SkillLevel, CostFactor::Rating, CostFactor::Fairness];

    /// The largest value the factor measures: half the Earth's circumference in km (20,016),
    /// a whole capacity (1), four levels or stars (4), the busiest expert's share (1).
    pub const fn max_value(self) -> f64 {
        match self {
            CostFactor::Distance => 20_016.0,
            CostFactor::Load | CostFactor::Fairness => 1.0,
            CostFactor::SkillLevel | CostFactor::Rating => 4.0,
        }
    }
}

/// One term of an assignment's cost: the measured value and what it cost after weighting.
///
/// Both are finite: a new term's `value` lies in `0..=factor.max_value()` and its `cost` in
/// `0..=factor.max_value() * CostTerm::MAX_WEIGHT`;
/// a term read back from a ticket's history keeps the finite values it was recorded with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawTerm", into = "RawTerm")]
pub struct CostTerm {
    factor: CostFactor,
    value: f64,
    cost: f64,
}

#[derive(Serialize, Deserialize)]
struct RawTerm {
    factor: CostFactor,
    value: f64,
    cost: f64,
}

impl TryFrom<RawTerm> for CostTerm {
    type Error = ValidationError;
    /// History reads back as recorded: terms written before weights were bounded may lie
    /// outside today's ranges, so decoding asks only for finite numbers.
    fn try_from(raw: RawTerm) -> Result<Self, ValidationError> {
        let finite = |field, value| check_real(field, value, f64::MIN, f64::MAX);
        Ok(CostTerm {
            factor: raw.factor,
            value: finite("cost_term.value", raw.value)?,
            cost: finite("cost_term.cost", raw.cost)?,
        })
    }
}

impl From<CostTerm> for RawTerm {
    fn from(t: CostTerm) -> Self {
        RawTerm { factor: t.factor, value: t.value, cost: t.cost }
    }
}

impl CostTerm {
    /// Largest weight a factor may have (the assignment engine's `CostWeights::MAX`).
    pub const MAX_WEIGHT: f64 = 100.0;

    /// A term, refused unless both numbers are finite and within the factor's range.
    pub fn new(factor: CostFactor, value: f64, cost: f64) -> Result<Self, ValidationError> {
        let max = factor.max_value();
        Ok(CostTerm {
            factor,
            value: check_real("cost_term.value", value, 0.0, max)?,
            cost: check_real("cost_term.cost", cost, 0.0, max * CostTerm::MAX_WEIGHT)?,
        })
    }

    /// The term for `value` (clamped into the factor's range) at a checked `weight`, its cost
    /// rounded to thousandths of a point.
    pub(crate) fn weighted(factor: CostFactor, value: f64, weight: f64) -> Self {
        let value = if value.is_nan() { 0.0 } else { value.clamp(0.0, factor.max_value()) };
        let cost = (value * weight.clamp(0.0, CostTerm::MAX_WEIGHT) * 1000.0).round() / 1000.0;
        CostTerm { factor, value, cost }
    }

    /// The factor.
    pub fn factor(&self) -> CostFactor {
        self.factor
    }

    /// The measured value (km, share of capacity, levels, stars, share of work).
    pub fn value(&self) -> f64 {
        self.value
    }

    /// The weighted cost it contributed.
    pub fn cost(&self) -> f64 {
        self.cost
    }
}

/// Why the assignment job chose an expert: the cost and each of its terms (at most one per
/// factor); the total is always the sum of the terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawRationale", into = "RawRationale")]
pub struct Rationale {
    total: f64,
    terms: Vec<CostTerm>,
}

#[derive(Serialize, Deserialize)]
struct RawRationale {
    total: f64,
    terms: Vec<CostTerm>,
}

impl TryFrom<RawRationale> for Rationale {
    type Error = ValidationError;
    fn try_from(raw: RawRationale) -> Result<Self, ValidationError> {
        let rationale = Rationale::new(raw.terms)?;
        if rationale.total == raw.total {
            Ok(rationale)
        } else {
            Err(ValidationError::OutOfRangeReal {
                field: "rationale.total",
                value: raw.total,
                min: rationale.total,
                max: rationale.total,
            })
        }
    }
}

impl From<Rationale> for RawRationale {
    fn from(r: Rationale) -> Self {
        RawRationale { total: r.total, terms: r.terms }
    }
}

impl Rationale {
    /// The rationale of these terms; a factor named twice is refused.
    pub fn new(terms: Vec<CostTerm>) -> Result<Self, ValidationError> {
        for (i, term) in terms.iter().enumerate() {
            if terms.iter().skip(i + 1).any(|t| t.factor == term.factor) {
                return Err(ValidationError::Duplicate {
                    field: "cost_term.factor",
                    value: format!("{:?}", term.factor),
                });
            }
        }
        Ok(Self::of(terms))
    }

    /// The rationale of terms already known to name each factor once.
    pub(crate) fn of(terms: Vec<CostTerm>) -> Self {
        Rationale { total: terms.iter().map(|t| t.cost).sum(), terms }
    }

    /// Total cost (lower is better).
    pub fn total(&self) -> f64 {
        self.total
    }

    /// The terms that add up to it.
    pub fn terms(&self) -> &[CostTerm] {
        &self.terms
    }
}
