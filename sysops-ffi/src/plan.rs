//! Support plans: what they cost, cover and promise.

use crate::client::Sysops;
use crate::enums::{Priority, ProductCategory};
use crate::error::SysopsError;
use crate::expert::WorkWindow;
use crate::guard::guard;
use crate::value::Actor;
use crate::value::Money;
use chrono::{NaiveDate, TimeDelta};
use sysops_core as core;
use sysops_core::PlanId;
use uuid::Uuid;

/// The service a plan promises; each target is a duration from submission (or completion).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, from_py_object, new = "from_fields", module = "sysops")
)]
pub struct ServiceTargets {
    /// How long an expert has to accept or reject an offer before it expires.
    pub answer_within: TimeDelta,
    /// How long a ticket may wait for an accepted expert.
    pub respond_within: TimeDelta,
    /// How long until the work should be done.
    pub resolve_within: TimeDelta,
    /// How long after completion the customer may reopen.
    pub reopen_within: TimeDelta,
}

impl From<core::ServiceTargets> for ServiceTargets {
    fn from(t: core::ServiceTargets) -> Self {
        ServiceTargets {
            answer_within: t.answer_within,
            respond_within: t.respond_within,
            resolve_within: t.resolve_within,
            reopen_within: t.reopen_within,
        }
    }
}

impl From<ServiceTargets> for core::ServiceTargets {
    fn from(t: ServiceTargets) -> Self {
        core::ServiceTargets {
            answer_within: t.answer_within,
            respond_within: t.respond_within,
            resolve_within: t.resolve_within,
            reopen_within: t.reopen_within,
        }
    }
}

/// What a plan costs, covers and promises.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, from_py_object, module = "sysops"))]
#[allow(missing_docs)]
pub struct PlanTerms {
    /// Its name, e.g. `"Gold"`, 1–100 characters.
    pub name: String,
    pub monthly_fee: Money,
    /// The product categories it covers.
    pub categories: Vec<ProductCategory>,
    /// Its tickets' priority.
    pub priority: Priority,
    /// Its service targets.
    pub targets: ServiceTargets,
    /// When the response and resolution targets count.
    pub hours: ServiceHours,
    /// The email address told when a ticket on the plan nears a deadline (nobody if absent).
    #[uniffi(default)]
    pub escalation: Option<String>,
}

/// When a plan's response and resolution targets count: every hour, or business hours in
/// the customer's time zone (`Address.time_zone`).
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, eq, from_py_object, module = "sysops"))]
pub enum ServiceHours {
    /// Every hour counts (a 24/7 plan).
    AroundTheClock {},
    /// Only the windows count, in the customer's local time, and nothing on a holiday.
    Business {
        /// Weekly windows (overlapping ones count once; one ending at `"23:59"` runs to
        /// midnight), at least an hour a week in all.
        windows: Vec<WorkWindow>,
        /// Local dates nothing is open (`"2026-12-25"`; `datetime.date` in Python), at most 1,000.
        holidays: Vec<NaiveDate>,
    },
}

#[cfg(feature = "python")]
crate::python::variant_kind!(ServiceHours { AroundTheClock, Business });

impl From<core::ServiceHours> for ServiceHours {
    fn from(h: core::ServiceHours) -> Self {
        match h {
            core::ServiceHours::AroundTheClock => ServiceHours::AroundTheClock {},
            core::ServiceHours::Business(calendar) => ServiceHours::Business {
                windows: calendar.windows().iter().map(|w| (*w).into()).collect(),
                holidays: calendar.holidays().iter().copied().collect(),
            },
        }
    }
}

impl TryFrom<ServiceHours> for core::ServiceHours {
    type Error = SysopsError;
    fn try_from(h: ServiceHours) -> Result<Self, SysopsError> {
        Ok(match h {
            ServiceHours::AroundTheClock {} => core::ServiceHours::AroundTheClock,
            ServiceHours::Business { windows, holidays } => {
                let windows = windows.into_iter().map(core::WorkWindow::try_from).collect::<Result<Vec<_>, _>>()?;
                core::ServiceHours::Business(core::BusinessCalendar::new(windows, holidays.into_iter().collect())?)
            }
        })
    }
}

impl From<core::PlanTerms> for PlanTerms {
    fn from(t: core::PlanTerms) -> Self {
        PlanTerms {
            name: t.name.into(),
            monthly_fee: t.monthly_fee.into(),
            categories: t.categories.into_iter().collect(),
            priority: t.priority,
            targets: t.targets.into(),
            hours: t.hours.into(),
            escalation: t.escalation.map(|e| e.as_str().to_owned()),
        }
    }
}

impl TryFrom<PlanTerms> for core::PlanTerms {
    type Error = SysopsError;
    fn try_from(t: PlanTerms) -> Result<Self, SysopsError> {
        Ok(core::PlanTerms {
            name: core::PlanName::new(t.name)?,
            monthly_fee: t.monthly_fee.into(),
            categories: t.categories.into_iter().collect(),
            priority: t.priority,
            targets: t.targets.into(),
            hours: t.hours.try_into()?,
            escalation: t.escalation.map(core::Email::new).transpose()?,
        })
    }
}

/// A support plan customers subscribe to.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct SupportPlan {
    pub id: Uuid,
    /// Its terms; they never change once defined.
    pub terms: PlanTerms,
    /// Retired plans keep their customers but take no new ones.
    pub retired: bool,
}

impl From<core::SupportPlan> for SupportPlan {
    fn from(p: core::SupportPlan) -> Self {
        SupportPlan { id: p.id.as_uuid(), terms: p.terms.into(), retired: p.retired }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// Defines a support plan.
    pub async fn define_plan(&self, actor: Actor, terms: PlanTerms) -> Result<SupportPlan, SysopsError> {
        guard(async move { Ok(self.api()?.define_plan(actor.into(), terms.try_into()?).await?.into()) }).await
    }

    /// Retires a plan: its customers keep it, new customers cannot choose it.
    pub async fn retire_plan(&self, actor: Actor, plan: Uuid) -> Result<SupportPlan, SysopsError> {
        guard(async move { Ok(self.api()?.retire_plan(actor.into(), PlanId::from_uuid(plan)).await?.into()) }).await
    }

    /// A support plan.
    pub async fn plan(&self, actor: Actor, plan: Uuid) -> Result<SupportPlan, SysopsError> {
        guard(async move { Ok(self.api()?.plan(actor.into(), PlanId::from_uuid(plan)).await?.into()) }).await
    }
}
