//! Expert profiles and the expert search, as methods of the Python handle.

use super::{Sysops, blocking};
use crate::args::{Category, Id};
use crate::errors::Failure;
use pyo3::prelude::*;
use sysops_ffi as ffi;
use sysops_ffi::python as loose;

#[pymethods]
impl Sysops {
    /// Registers the expert profile of a staff account with the expert role.
    fn register_expert(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        account: Id,
        profile: ffi::ExpertProfile,
    ) -> Result<ffi::Expert, Failure> {
        blocking(py, self.inner.register_expert(actor, account.0, profile))
    }

    /// Replaces an expert's skills.
    fn set_expert_skills(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        expert: Id,
        skills: Vec<ffi::Skill>,
    ) -> Result<ffi::Expert, Failure> {
        blocking(py, self.inner.set_expert_skills(actor, expert.0, skills))
    }

    /// Moves an expert's base and service radius (km).
    fn set_expert_service_area(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        expert: Id,
        base: ffi::GeoPoint,
        radius_km: &Bound<'_, PyAny>,
    ) -> PyResult<ffi::Expert> {
        let radius_km = loose::int("radius_km", radius_km)?;
        Ok(blocking(py, self.inner.set_expert_service_area(actor, expert.0, base, radius_km))?)
    }

    /// Replaces an expert's weekly hours.
    fn set_expert_hours(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        expert: Id,
        hours: ffi::WeeklyHours,
    ) -> Result<ffi::Expert, Failure> {
        blocking(py, self.inner.set_expert_hours(actor, expert.0, hours))
    }

    /// Adds a period off (aware datetimes).
    fn add_expert_time_off(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        expert: Id,
        start: &Bound<'_, PyAny>,
        until: &Bound<'_, PyAny>,
    ) -> PyResult<ffi::Expert> {
        let (start, until) = (loose::instant("start", start)?, loose::instant("until", until)?);
        Ok(blocking(py, self.inner.add_expert_time_off(actor, expert.0, start, until))?)
    }

    /// Sets how many tickets an expert holds at once (1..=50).
    fn set_expert_capacity(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        expert: Id,
        capacity: &Bound<'_, PyAny>,
    ) -> PyResult<ffi::Expert> {
        let capacity = loose::int("capacity", capacity)?;
        Ok(blocking(py, self.inner.set_expert_capacity(actor, expert.0, capacity))?)
    }

    /// Activates or deactivates an expert.
    fn set_expert_active(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        expert: Id,
        active: bool,
    ) -> Result<ffi::Expert, Failure> {
        blocking(py, self.inner.set_expert_active(actor, expert.0, active))
    }

    /// An expert's profile.
    fn expert(&self, py: Python<'_>, actor: ffi::Actor, expert: Id) -> Result<ffi::Expert, Failure> {
        blocking(py, self.inner.expert(actor, expert.0))
    }

    /// Experts matching the filters, `limit` at a time after the expert id `after`.
    #[pyo3(
        signature = (actor, *, category = None, min_level = None, serving = None, active_only = false, after = None, limit = None),
        text_signature = "($self, actor, *, category=None, min_level=None, serving=None, active_only=False, after=None, limit=100)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn find_experts(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        category: Option<Category>,
        min_level: Option<&Bound<'_, PyAny>>,
        serving: Option<ffi::GeoPoint>,
        active_only: bool,
        after: Option<Id>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::ExpertPage> {
        let min_level = min_level.map(|l| loose::int("min_level", l)).transpose()?;
        let limit = limit.map_or(Ok(100), |l| loose::int("limit", l))?;
        let query = ffi::ExpertQuery { category: category.map(|c| c.0), min_level, serving, active_only };
        Ok(blocking(py, self.inner.find_experts(actor, query, after.map(|a| a.0), limit))?)
    }
}
