//! Experts: skills per product category, where they serve, when they work, how much they can take.

mod rating;
mod schedule;
mod store;

pub use rating::{NEUTRAL_STARS, Ratings, Satisfaction};
pub use schedule::{TimeOff, WeeklyHours, WorkWindow};
pub use store::{ExpertIndex, ExpertQuery, ExpertStore};

use crate::actor::{Action, Target, authorize};
use crate::aggregate::{Aggregate, Decide, Index};
use crate::ctx::Ctx;
use crate::error::{ReplayError, ValidationError};
use crate::event::{AggregateKind, Envelope, EventName, Sequence};
use crate::geo::GeoPoint;
use crate::id::{ExpertId, SurveyId};
use crate::rule::{Refused, RuleError};
use crate::skill::{ProductCategory, SkillLevel};
use crate::staff::{StaffAccount, StaffRole};
use crate::text::{PersonName, Phone};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

macro_rules! bounded_number {
    ($(#[$doc:meta])* $name:ident($inner:ty), field = $field:literal, $min:literal..=$max:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "i64", into = "i64")]
        pub struct $name($inner);

        impl $name {
            /// Checks the value is within the allowed range.
            pub fn new(value: i64) -> Result<Self, ValidationError> {
                <$inner>::try_from(value)
                    .ok()
                    .filter(|v| ($min..=$max).contains(v))
                    .map(Self)
                    .ok_or(ValidationError::OutOfRange { field: $field, value, min: $min, max: $max })
            }

            /// The value.
            pub const fn get(self) -> $inner {
                self.0
            }
        }

        impl TryFrom<i64> for $name {
            type Error = ValidationError;
            fn try_from(value: i64) -> Result<Self, ValidationError> {
                Self::new(value)
            }
        }

        impl From<$name> for i64 {
            fn from(value: $name) -> i64 {
                i64::from(value.0)
            }
        }
    };
}

pub(crate) use bounded_number;

bounded_number!(
    /// How far from their base an expert travels, in whole kilometres (1–1,000).
    RadiusKm(u16),
    field = "service_radius_km",
    1..=1000
);
bounded_number!(
    /// How many open assignments an expert can hold at once (1–50).
    Capacity(u16),
    field = "capacity",
    1..=50
);

/// Everything an administrator states about an expert when registering them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExpertProfile {
    /// Display name.
    pub name: PersonName,
    /// Level per category; at least one.
    pub skills: BTreeMap<ProductCategory, SkillLevel>,
    /// Where the expert starts from.
    pub base: GeoPoint,
    /// How far from `base` they travel.
    pub radius_km: RadiusKm,
    /// Weekly working hours.
    pub hours: WeeklyHours,
    /// Concurrent tickets they can hold.
    pub capacity: Capacity,
    /// Mobile phone offers are texted to; without one they go to the staff account's email.
    #[serde(default)]
    pub phone: Option<Phone>,
}

/// A field expert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expert {
    /// Its id, the same UUID as the expert's staff account.
    pub id: ExpertId,
    /// Skills, area, hours and capacity.
    pub profile: ExpertProfile,
    /// Periods off work, sorted.
    pub time_off: Vec<TimeOff>,
    /// Inactive experts get no assignments.
    pub active: bool,
    /// Customers' satisfaction with their work (records older than surveys read as none).
    #[serde(default)]
    pub ratings: Ratings,
    version: Sequence,
}

/// What happened to an expert's profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum ExpertEvent {
    /// The profile was registered.
    Registered {
        /// Its id.
        expert: ExpertId,
        profile: ExpertProfile,
    },
    /// Skills were replaced.
    SkillsChanged {
        /// The new skills.
        skills: BTreeMap<ProductCategory, SkillLevel>,
    },
    /// Base or radius changed.
    ServiceAreaChanged {
        /// New base.
        base: GeoPoint,
        /// New radius.
        radius_km: RadiusKm,
    },
    /// Working hours were replaced.
    HoursChanged {
        /// New hours.
        hours: WeeklyHours,
    },
    /// Time off was added.
    TimeOffAdded {
        /// The period.
        time_off: TimeOff,
    },
    /// Capacity changed.
    CapacityChanged {
        /// New capacity.
        capacity: Capacity,
    },
    /// The expert was activated or deactivated.
    ActiveChanged {
        /// The new flag.
        active: bool,
    },
    /// A customer answered the survey of a visit (committed with the survey's answer).
    Rated { survey: SurveyId, satisfaction: Satisfaction },
}

impl EventName for ExpertEvent {
    fn name(&self) -> &'static str {
        match self {
            ExpertEvent::Registered { .. } => "ExpertRegistered",
            ExpertEvent::SkillsChanged { .. } => "ExpertSkillsChanged",
            ExpertEvent::ServiceAreaChanged { .. } => "ExpertServiceAreaChanged",
            ExpertEvent::HoursChanged { .. } => "ExpertHoursChanged",
            ExpertEvent::TimeOffAdded { .. } => "ExpertTimeOffAdded",
            ExpertEvent::CapacityChanged { .. } => "ExpertCapacityChanged",
            ExpertEvent::ActiveChanged { .. } => "ExpertActiveChanged",
            ExpertEvent::Rated { .. } => "ExpertRated",
        }
    }
}

/// A change an administrator makes to an expert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ExpertCommand {
    /// Replace the skills.
    SetSkills(BTreeMap<ProductCategory, SkillLevel>),
    /// Move the base or change the radius.
    SetServiceArea {
        /// New base.
        base: GeoPoint,
        /// New radius.
        radius_km: RadiusKm,
    },
    /// Replace the working hours.
    SetHours(WeeklyHours),
    /// Add a period off work.
    AddTimeOff(TimeOff),
    /// Change capacity.
    SetCapacity(Capacity),
    /// Activate or deactivate.
    SetActive(bool),
}

impl ExpertCommand {
    /// The action the command is authorized as.
    pub fn action(&self) -> Action {
        match self {
            ExpertCommand::SetSkills(_) => Action::UpdateExpertSkills,
            ExpertCommand::SetServiceArea { .. } => Action::UpdateExpertServiceArea,
            ExpertCommand::SetHours(_) => Action::UpdateExpertSchedule,
            ExpertCommand::AddTimeOff(_) => Action::AddExpertTimeOff,
            ExpertCommand::SetCapacity(_) => Action::SetExpertCapacity,
            ExpertCommand::SetActive(_) => Action::SetExpertActive,
        }
    }
}

impl Expert {
    /// Decides the registration of a profile for an active expert staff account.
    pub fn register(
        account: &StaffAccount,
        profile: ExpertProfile,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<Envelope<ExpertEvent>>, Refused<RuleError>> {
        authorize(&ctx.actor, Action::RegisterExpert, Target::default())?;
        if account.role != StaffRole::Expert || !account.active {
            return Err(RuleError::NotAnExpertAccount { account: account.id.as_uuid() }.into());
        }
        if profile.skills.is_empty() {
            return Err(ValidationError::NoEntries { field: "skills" }.into());
        }
        let expert = ExpertId::from(account.id);
        Ok(ctx.stamp(expert, Sequence::NONE, vec![ExpertEvent::Registered { expert, profile }]))
    }

    /// Checks the static hard constraints for a ticket: active, skilled enough, and within reach.
    ///
    /// Availability at a given time is [`is_available_at`](Self::is_available_at).
    pub fn qualifies_for(
        &self,
        category: ProductCategory,
        level: SkillLevel,
        location: &GeoPoint,
    ) -> Result<(), Unqualified> {
        if !self.active {
            return Err(Unqualified::Inactive);
        }
        match self.profile.skills.get(&category) {
            None => Err(Unqualified::NoSkill),
            Some(have) if *have < level => Err(Unqualified::LevelTooLow),
            Some(_) if self.profile.base.distance_km(location) > f64::from(self.profile.radius_km.get()) => {
                Err(Unqualified::OutOfArea)
            }
            Some(_) => Ok(()),
        }
    }

    /// True when `at` is inside the expert's working hours and not in time off.
    pub fn is_available_at(&self, at: DateTime<Utc>) -> bool {
        self.profile.hours.is_working_at(at) && !self.time_off.iter().any(|t| t.covers(at))
    }
}

/// What keeps an expert from taking a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unqualified {
    /// The expert profile is deactivated.
    Inactive,
    /// The expert lacks the product skill.
    NoSkill,
    /// The expert's level is below the ticket's.
    LevelTooLow,
    /// The ticket lies outside the expert's service radius.
    OutOfArea,
}

impl Decide for Expert {
    type Command = ExpertCommand;
    type Error = Refused<RuleError>;

    fn action(command: &ExpertCommand) -> Action {
        command.action()
    }

    /// Decides an administrator's change.
    fn decide(&self, command: &ExpertCommand, ctx: &Ctx<'_>) -> Result<Vec<Envelope<ExpertEvent>>, Self::Error> {
        let action = command.action();
        authorize(&ctx.actor, action, Target::default())?;
        let p = &self.profile;
        let (event, changes) = match command {
            ExpertCommand::SetSkills(skills) => {
                if skills.is_empty() {
                    return Err(ValidationError::NoEntries { field: "skills" }.into());
                }
                (ExpertEvent::SkillsChanged { skills: skills.clone() }, *skills != p.skills)
            }
            ExpertCommand::SetServiceArea { base, radius_km } => (
                ExpertEvent::ServiceAreaChanged { base: *base, radius_km: *radius_km },
                *base != p.base || *radius_km != p.radius_km,
            ),
            ExpertCommand::SetHours(hours) => (ExpertEvent::HoursChanged { hours: hours.clone() }, *hours != p.hours),
            ExpertCommand::AddTimeOff(time_off) => {
                (ExpertEvent::TimeOffAdded { time_off: *time_off }, !self.time_off.contains(time_off))
            }
            ExpertCommand::SetCapacity(capacity) => {
                (ExpertEvent::CapacityChanged { capacity: *capacity }, *capacity != p.capacity)
            }
            ExpertCommand::SetActive(active) => {
                (ExpertEvent::ActiveChanged { active: *active }, *active != self.active)
            }
        };
        if !changes {
            return Err(RuleError::NoChange { action }.into());
        }
        Ok(ctx.stamp(self.id, self.version, vec![event]))
    }
}

impl Aggregate for Expert {
    const KIND: AggregateKind = AggregateKind::Expert;
    type Event = ExpertEvent;

    fn id(&self) -> Uuid {
        self.id.as_uuid()
    }

    fn version(&self) -> Sequence {
        self.version
    }

    fn create(first: &Envelope<ExpertEvent>) -> Result<Self, ReplayError> {
        match &first.payload {
            ExpertEvent::Registered { expert, profile } => Ok(Expert {
                id: *expert,
                profile: profile.clone(),
                time_off: Vec::new(),
                active: true,
                ratings: Ratings::default(),
                version: first.sequence,
            }),
            other => Err(ReplayError::DoesNotApply { event: other.name(), state: "nothing" }),
        }
    }

    fn evolve(&mut self, event: &Envelope<ExpertEvent>) -> Result<(), ReplayError> {
        let p = &mut self.profile;
        match &event.payload {
            ExpertEvent::SkillsChanged { skills } => p.skills = skills.clone(),
            ExpertEvent::ServiceAreaChanged { base, radius_km } => {
                p.base = *base;
                p.radius_km = *radius_km;
            }
            ExpertEvent::HoursChanged { hours } => p.hours = hours.clone(),
            ExpertEvent::TimeOffAdded { time_off } => {
                let at = self.time_off.partition_point(|t| t < time_off);
                self.time_off.insert(at, *time_off);
            }
            ExpertEvent::CapacityChanged { capacity } => p.capacity = *capacity,
            ExpertEvent::ActiveChanged { active } => self.active = *active,
            ExpertEvent::Rated { satisfaction, .. } => self.ratings = self.ratings.with(*satisfaction),
            other @ ExpertEvent::Registered { .. } => {
                return Err(ReplayError::DoesNotApply { event: other.name(), state: "Expert" });
            }
        }
        self.version = event.sequence;
        Ok(())
    }

    fn index(&self) -> Index {
        Index::of(ExpertIndex {
            active: self.active,
            skills: self.profile.skills.iter().map(|(c, l)| (*c, *l)).collect(),
            base: self.profile.base,
            radius_km: self.profile.radius_km.get(),
        })
    }
}

#[cfg(any(test, feature = "testing"))]
/// Every day, all day, in Chicago time.
#[allow(clippy::unwrap_used)]
pub fn around_the_clock() -> WeeklyHours {
    let days = [
        chrono::Weekday::Mon,
        chrono::Weekday::Tue,
        chrono::Weekday::Wed,
        chrono::Weekday::Thu,
        chrono::Weekday::Fri,
        chrono::Weekday::Sat,
        chrono::Weekday::Sun,
    ];
    let end = chrono::NaiveTime::from_hms_milli_opt(23, 59, 59, 999).unwrap();
    WeeklyHours::new(
        "America/Chicago",
        days.iter().map(|d| WorkWindow::new(*d, chrono::NaiveTime::MIN, end).unwrap()).collect(),
    )
    .unwrap()
}
