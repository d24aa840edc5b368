//! What customers think of an expert's work: the satisfaction scores of their surveys,
//! tallied on the expert's record and read by the assignment job.

use crate::error::ValidationError;
use serde::{Deserialize, Serialize};

super::bounded_number!(
    /// A customer's satisfaction with a visit: 1 (very unhappy) to 5 (delighted) stars.
    Satisfaction(u8),
    field = "satisfaction",
    1..=5
);

/// An expert's satisfaction scores so far: how many and their sum, so the mean is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ratings {
    /// Surveys answered about the expert's work.
    pub count: u32,
    /// The sum of their satisfaction scores.
    pub total: u64,
}

/// How many neutral (4-star) scores the assignment job imagines before an expert's first
/// real ones, so one unhappy customer does not sink a newcomer and one happy one does not
/// crown them.
const PRIOR_SURVEYS: f64 = 3.0;

/// The score of an expert without surveys, and the prior the assignment job starts from.
pub const NEUTRAL_STARS: f64 = 4.0;

impl Ratings {
    /// The tally with one more score.
    pub fn with(self, score: Satisfaction) -> Self {
        Self { count: self.count.saturating_add(1), total: self.total.saturating_add(u64::from(score.get())) }
    }

    /// The mean score in stars (1.0–5.0), or `None` before the first survey.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.total as f64 / f64::from(self.count))
    }

    /// The rating the assignment job weighs: the mean pulled toward [`NEUTRAL_STARS`] by a
    /// few imagined neutral scores, so it moves with evidence (1.0–5.0; `None` before the
    /// first survey, when the job uses the neutral score itself).
    pub fn for_assignment(&self) -> Option<f64> {
        (self.count > 0)
            .then(|| (NEUTRAL_STARS * PRIOR_SURVEYS + self.total as f64) / (PRIOR_SURVEYS + f64::from(self.count)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn scores_outside_one_to_five_stars_are_refused() {
        for bad in [i64::MIN, -1, 0, 6, 256, i64::MAX] {
            assert!(matches!(Satisfaction::new(bad), Err(ValidationError::OutOfRange { field: "satisfaction", .. })));
        }
        assert_eq!(Satisfaction::new(5).unwrap().get(), 5);
        assert!(serde_json::from_str::<Satisfaction>("9").is_err());
    }

    #[test]
    fn the_mean_is_exact_and_the_assignment_rating_moves_with_evidence() {
        let five = Satisfaction::new(5).unwrap();
        let one = Satisfaction::new(1).unwrap();
        assert_eq!(Ratings::default().mean(), None);
        let once = Ratings::default().with(one);
        assert_eq!(once.mean(), Some(1.0));
        // One unhappy customer moves a newcomer from 4 to 3.25 stars, not to 1.
        assert_eq!(once.for_assignment(), Some(3.25));
        let mut praised = Ratings::default();
        for _ in 0..97 {
            praised = praised.with(five);
        }
        assert_eq!(praised.mean(), Some(5.0));
        assert!(praised.for_assignment().unwrap() > 4.95);
    }
}
