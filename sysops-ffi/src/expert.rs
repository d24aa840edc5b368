//! Experts: skills, service area, weekly hours, time off, capacity.

use crate::client::{Sysops, page};
use crate::enums::{ProductCategory, Weekday};
use crate::error::SysopsError;
use crate::guard::guard;
use crate::types::Timestamp;
use crate::value::Actor;
use crate::value::GeoPoint;
use chrono::NaiveTime;
use sysops_core as core;
use sysops_core::{ExpertCommand, ExpertId, UserId};
use uuid::Uuid;

/// A product skill at a level from 1 (basic) to 5 (master).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, hash, from_py_object, module = "sysops"))]
pub struct Skill {
    /// The product category.
    pub category: ProductCategory,
    /// 1..=5.
    pub level: i64,
}

pub(crate) fn skills_from(
    skills: Vec<Skill>,
) -> Result<std::collections::BTreeMap<core::ProductCategory, core::SkillLevel>, SysopsError> {
    skills.into_iter().map(|s| Ok((s.category, core::SkillLevel::new(s.level)?))).collect()
}

fn skills_of(skills: std::collections::BTreeMap<core::ProductCategory, core::SkillLevel>) -> Vec<Skill> {
    skills.into_iter().map(|(category, level)| Skill { category, level: level.get().into() }).collect()
}

/// A weekly working window in the expert's own time zone, e.g. Monday 08:00–17:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, hash, from_py_object, new = "from_fields", module = "sysops")
)]
#[allow(missing_docs)]
pub struct WorkWindow {
    pub day: Weekday,
    /// Start, local time (`"08:00"`; `datetime.time` in Python).
    pub start: NaiveTime,
    /// End, local time, after the start.
    pub end: NaiveTime,
}

/// When an expert works: windows in an IANA time zone such as `"America/Chicago"`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, from_py_object, new = "from_fields", module = "sysops")
)]
pub struct WeeklyHours {
    /// IANA time zone.
    pub zone: String,
    /// The windows, sorted.
    pub windows: Vec<WorkWindow>,
}

impl From<core::WorkWindow> for WorkWindow {
    fn from(w: core::WorkWindow) -> Self {
        WorkWindow { day: w.day().into(), start: w.start(), end: w.end() }
    }
}

impl TryFrom<WorkWindow> for core::WorkWindow {
    type Error = SysopsError;
    fn try_from(w: WorkWindow) -> Result<Self, SysopsError> {
        Ok(core::WorkWindow::new(w.day.into(), w.start, w.end)?)
    }
}

impl From<core::WeeklyHours> for WeeklyHours {
    fn from(h: core::WeeklyHours) -> Self {
        WeeklyHours { zone: h.zone().name().to_owned(), windows: h.windows().iter().map(|w| (*w).into()).collect() }
    }
}

impl TryFrom<WeeklyHours> for core::WeeklyHours {
    type Error = SysopsError;
    fn try_from(h: WeeklyHours) -> Result<Self, SysopsError> {
        let windows = h.windows.into_iter().map(core::WorkWindow::try_from).collect::<Result<Vec<_>, _>>()?;
        Ok(core::WeeklyHours::new(&h.zone, windows)?)
    }
}

/// A period, in UTC, when the expert is unavailable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct TimeOff {
    /// Start.
    pub start: Timestamp,
    /// End, after the start.
    pub until: Timestamp,
}

/// Everything an administrator sets on an expert.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, from_py_object, module = "sysops"))]
pub struct ExpertProfile {
    /// Full name.
    pub name: String,
    /// Skills, at most one per category.
    pub skills: Vec<Skill>,
    /// Where they start from.
    pub base: GeoPoint,
    /// How far they travel, 1..=1000 km.
    pub radius_km: i64,
    /// When they work.
    pub hours: WeeklyHours,
    /// How many tickets they hold at once, 1..=50.
    pub capacity: i64,
    /// E.164 mobile number offers are texted to; without one they are emailed to the staff
    /// account's address.
    #[uniffi(default)]
    pub phone: Option<String>,
}

impl From<core::ExpertProfile> for ExpertProfile {
    fn from(p: core::ExpertProfile) -> Self {
        ExpertProfile {
            name: p.name.into(),
            skills: skills_of(p.skills),
            base: p.base.into(),
            radius_km: p.radius_km.into(),
            hours: p.hours.into(),
            capacity: p.capacity.into(),
            phone: p.phone.map(|phone| phone.as_str().to_owned()),
        }
    }
}

impl TryFrom<ExpertProfile> for core::ExpertProfile {
    type Error = SysopsError;
    fn try_from(p: ExpertProfile) -> Result<Self, SysopsError> {
        Ok(core::ExpertProfile {
            name: core::PersonName::new(p.name)?,
            skills: skills_from(p.skills)?,
            base: p.base.try_into()?,
            radius_km: core::RadiusKm::new(p.radius_km)?,
            hours: p.hours.try_into()?,
            capacity: core::Capacity::new(p.capacity)?,
            phone: p.phone.map(core::Phone::new).transpose()?,
        })
    }
}

/// A field expert.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct Expert {
    /// Their id: the id of their staff account.
    pub id: Uuid,
    /// Skills, area, hours and capacity.
    pub profile: ExpertProfile,
    /// Periods off.
    pub time_off: Vec<TimeOff>,
    /// Inactive experts get no offers.
    pub active: bool,
    /// Surveys answered about their work.
    pub surveys: u32,
    /// The mean satisfaction score of those surveys, 1.0–5.0 (`None` before the first).
    pub rating: Option<f64>,
}

impl From<core::Expert> for Expert {
    fn from(e: core::Expert) -> Self {
        Expert {
            id: e.id.as_uuid(),
            profile: e.profile.into(),
            time_off: e.time_off.iter().map(|t| TimeOff { start: t.from(), until: t.until() }).collect(),
            active: e.active,
            surveys: e.ratings.count,
            rating: e.ratings.mean(),
        }
    }
}

/// Which experts to list.
#[derive(Debug, Clone, Copy, PartialEq, Default, uniffi::Record)]
pub struct ExpertQuery {
    /// Only experts with this skill.
    #[uniffi(default = None)]
    pub category: Option<ProductCategory>,
    /// Only at this level or above (1..=5).
    #[uniffi(default = None)]
    pub min_level: Option<i64>,
    /// Only experts whose area covers this point.
    #[uniffi(default = None)]
    pub serving: Option<GeoPoint>,
    /// Skip deactivated experts.
    #[uniffi(default = false)]
    pub active_only: bool,
}

impl TryFrom<ExpertQuery> for core::store::ExpertQuery {
    type Error = SysopsError;
    fn try_from(q: ExpertQuery) -> Result<Self, SysopsError> {
        Ok(core::store::ExpertQuery {
            category: q.category,
            min_level: q.min_level.map(core::SkillLevel::new).transpose()?,
            serving: q.serving.map(TryInto::try_into).transpose()?,
            active_only: q.active_only,
        })
    }
}

/// One page of experts: the ones that could be read, the quarantined ones, and where to go on.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct ExpertPage {
    /// The experts, in id order.
    pub experts: Vec<Expert>,
    /// Stored experts of this page that could not be read (skipped above).
    pub quarantined: Vec<crate::QuarantinedRecord>,
    /// Pass as `after` for the next page; absent on the last page.
    pub next: Option<Uuid>,
}

impl From<core::store::Listing<core::Expert>> for ExpertPage {
    fn from(l: core::store::Listing<core::Expert>) -> Self {
        ExpertPage {
            experts: l.items.into_iter().map(Expert::from).collect(),
            quarantined: crate::integrity::quarantined(l.quarantined),
            next: l.next,
        }
    }
}

impl Sysops {
    async fn expert_command(&self, actor: Actor, expert: Uuid, command: ExpertCommand) -> Result<Expert, SysopsError> {
        Ok(self.api()?.update_expert(actor.into(), ExpertId::from_uuid(expert), command).await?.into())
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// Registers the expert profile of a staff account with the expert role.
    pub async fn register_expert(
        &self,
        actor: Actor,
        account: Uuid,
        profile: ExpertProfile,
    ) -> Result<Expert, SysopsError> {
        guard(async move {
            Ok(self.api()?.register_expert(actor.into(), UserId::from_uuid(account), profile.try_into()?).await?.into())
        })
        .await
    }

    /// Replaces an expert's skills.
    pub async fn set_expert_skills(
        &self,
        actor: Actor,
        expert: Uuid,
        skills: Vec<Skill>,
    ) -> Result<Expert, SysopsError> {
        guard(async move { self.expert_command(actor, expert, ExpertCommand::SetSkills(skills_from(skills)?)).await })
            .await
    }

    /// Moves an expert's base and service radius (km).
    pub async fn set_expert_service_area(
        &self,
        actor: Actor,
        expert: Uuid,
        base: GeoPoint,
        radius_km: i64,
    ) -> Result<Expert, SysopsError> {
        guard(async move {
            let command =
                ExpertCommand::SetServiceArea { base: base.try_into()?, radius_km: core::RadiusKm::new(radius_km)? };
            self.expert_command(actor, expert, command).await
        })
        .await
    }

    /// Replaces an expert's weekly hours.
    pub async fn set_expert_hours(
        &self,
        actor: Actor,
        expert: Uuid,
        hours: WeeklyHours,
    ) -> Result<Expert, SysopsError> {
        guard(async move { self.expert_command(actor, expert, ExpertCommand::SetHours(hours.try_into()?)).await }).await
    }

    /// Adds a period off.
    pub async fn add_expert_time_off(
        &self,
        actor: Actor,
        expert: Uuid,
        start: Timestamp,
        until: Timestamp,
    ) -> Result<Expert, SysopsError> {
        guard(async move {
            self.expert_command(actor, expert, ExpertCommand::AddTimeOff(core::TimeOff::new(start, until)?)).await
        })
        .await
    }

    /// Sets how many tickets an expert holds at once (1..=50).
    pub async fn set_expert_capacity(&self, actor: Actor, expert: Uuid, capacity: i64) -> Result<Expert, SysopsError> {
        guard(async move {
            self.expert_command(actor, expert, ExpertCommand::SetCapacity(core::Capacity::new(capacity)?)).await
        })
        .await
    }

    /// Activates or deactivates an expert (inactive experts get no offers).
    pub async fn set_expert_active(&self, actor: Actor, expert: Uuid, active: bool) -> Result<Expert, SysopsError> {
        guard(async move { self.expert_command(actor, expert, ExpertCommand::SetActive(active)).await }).await
    }

    /// An expert's profile.
    pub async fn expert(&self, actor: Actor, expert: Uuid) -> Result<Expert, SysopsError> {
        guard(async move { Ok(self.api()?.expert(actor.into(), ExpertId::from_uuid(expert)).await?.into()) }).await
    }

    /// Experts matching `query`, `limit` at a time (at most 10,000; more is capped) after the
    /// expert id `after`.
    pub async fn find_experts(
        &self,
        actor: Actor,
        query: ExpertQuery,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<ExpertPage, SysopsError> {
        guard(async move {
            Ok(self.api()?.find_experts(actor.into(), query.try_into()?, page(after, limit)?).await?.into())
        })
        .await
    }
}
