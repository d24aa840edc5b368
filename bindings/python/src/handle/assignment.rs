//! The assignment job, as methods of the Python handle.

use super::{Sysops, blocking};
use crate::errors::Failure;
use pyo3::prelude::*;
use sysops_ffi as ffi;

#[pymethods]
impl Sysops {
    /// Runs the assignment job once.
    #[pyo3(signature = (actor, weights = None))]
    fn run_assignment(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        weights: Option<ffi::CostWeights>,
    ) -> Result<ffi::AssignmentReport, Failure> {
        blocking(py, self.inner.run_assignment(actor, weights))
    }

    /// Expires every offer past its answer deadline; returns the tickets open again.
    fn expire_overdue_offers(&self, py: Python<'_>, actor: ffi::Actor) -> Result<Vec<uuid::Uuid>, Failure> {
        blocking(py, self.inner.expire_overdue_offers(actor))
    }

    /// Tickets waiting longer than their plan allows, most overdue first.
    fn tickets_waiting_too_long(&self, py: Python<'_>, actor: ffi::Actor) -> Result<ffi::WaitingTickets, Failure> {
        blocking(py, self.inner.tickets_waiting_too_long(actor))
    }
}
