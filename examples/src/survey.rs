//! The demo's surveys: at the end of the day, customers open the links they were emailed and
//! most of them answer; the answers rate the experts, which the next day's assignment weighs.

use crate::rng::Rng;
use sysops_core::store::Page;
use sysops_core::survey::{Recommend, SurveyAnswer, SurveyComment};
use sysops_core::{Actor, Expert, Satisfaction, Store};

/// What the customers made of the day's work.
#[derive(Debug, Default)]
pub struct Surveys {
    /// Links emailed.
    pub sent: usize,
    /// Surveys answered.
    pub answered: usize,
    /// Answers by satisfaction, 1 to 5 stars.
    pub stars: [usize; 5],
    /// Experts with a rating now.
    pub rated: usize,
    /// The lowest rated expert: name, mean stars, surveys.
    pub lowest: Option<(String, f64, u32)>,
    /// The highest rated, likewise.
    pub highest: Option<(String, f64, u32)>,
}

/// Seven customers in ten answer; most are happy, a few are not.
pub async fn collect<S: Store>(
    service: &sysops_core::Service<S>,
    admin: Actor,
    links: &[String],
    rng: &mut Rng,
) -> Result<Surveys, Box<dyn std::error::Error>> {
    let mut surveys = Surveys { sent: links.len(), ..Surveys::default() };
    for token in links {
        if !rng.chance(0.7) {
            continue;
        }
        let stars = *rng.pick(&[5, 5, 5, 4, 4, 4, 3, 2, 1]);
        let answer = SurveyAnswer {
            satisfaction: Satisfaction::new(stars)?,
            recommend: rng.chance(0.8).then(|| Recommend::new((stars * 2).min(10))).transpose()?,
            comment: (stars <= 2).then(|| SurveyComment::new("The expert came late and left a mess")).transpose()?,
        };
        service.answer_survey(token, answer).await?;
        surveys.answered += 1;
        if let Some(count) = usize::try_from(stars - 1).ok().and_then(|i| surveys.stars.get_mut(i)) {
            *count += 1;
        }
    }
    let mut page = Page::first(1_000);
    loop {
        let experts = service.find_experts(admin, Default::default(), page).await?;
        for expert in &experts.items {
            rank(&mut surveys, expert);
        }
        match experts.next {
            Some(after) => page = Page::after(after, 1_000),
            None => break,
        }
    }
    Ok(surveys)
}

fn rank(surveys: &mut Surveys, expert: &Expert) {
    let Some(mean) = expert.ratings.mean() else { return };
    surveys.rated += 1;
    let entry = (expert.profile.name.as_str().to_owned(), mean, expert.ratings.count);
    if surveys.lowest.as_ref().is_none_or(|(_, low, _)| mean < *low) {
        surveys.lowest = Some(entry.clone());
    }
    if surveys.highest.as_ref().is_none_or(|(_, high, _)| mean > *high) {
        surveys.highest = Some(entry);
    }
}
