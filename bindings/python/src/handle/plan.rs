//! Support plans, as methods of the Python handle.

use super::{Sysops, blocking};
use crate::args::Id;
use crate::errors::Failure;
use pyo3::prelude::*;
use sysops_ffi as ffi;

#[pymethods]
impl Sysops {
    /// Defines a support plan.
    fn define_plan(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        terms: ffi::PlanTerms,
    ) -> Result<ffi::SupportPlan, Failure> {
        blocking(py, self.inner.define_plan(actor, terms))
    }

    /// Retires a plan.
    fn retire_plan(&self, py: Python<'_>, actor: ffi::Actor, plan: Id) -> Result<ffi::SupportPlan, Failure> {
        blocking(py, self.inner.retire_plan(actor, plan.0))
    }

    /// A support plan.
    fn plan(&self, py: Python<'_>, actor: ffi::Actor, plan: Id) -> Result<ffi::SupportPlan, Failure> {
        blocking(py, self.inner.plan(actor, plan.0))
    }
}
