//! Assignment attempts: every offer of a ticket to an expert, kept in the ticket's history.

use crate::text::Reason;
use crate::{AssignmentId, ExpertId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One offer of a ticket to an expert and how it ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// Its id.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CostFactor {
    /// Travel distance from the expert's base.
    Distance,
    /// The expert's current load.
    Load,
    /// Skill above the level needed (over-qualification).
    SkillLevel,
    /// Customer satisfaction rating.
    Rating,
    /// Share of recent work, to spread tickets fairly.
    Fairness,
}

/// One term of an assignment's cost: the measured value and what it cost after weighting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostTerm {
    /// The factor.
    pub factor: CostFactor,
    /// The measured value (km, open tickets, levels, stars, share).
    pub value: f64,
    /// The weighted cost it contributed.
    pub cost: f64,
}

/// Why the assignment job chose an expert: the cost and each of its terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rationale {
    /// Total cost (lower is better).
    pub total: f64,
    /// The terms that add up to it.
    pub terms: Vec<CostTerm>,
}
