//! Reports, as methods of the Python handle: the projector that keeps their read models,
//! and the three reports (each with `to_pandas()`, `to_polars()` and `to_csv()`).

use super::{Sysops, blocking};
use crate::errors::Failure;
use pyo3::prelude::*;
use sysops_ffi as ffi;
use sysops_ffi::python as loose;

/// A period's bound given as a `datetime` (aware, or naive in UTC), or `None` for no bound.
fn bound(field: &str, at: Option<&Bound<'_, PyAny>>) -> PyResult<Option<ffi::Timestamp>> {
    at.map(|at| loose::instant(field, at)).transpose()
}

#[pymethods]
impl Sysops {
    /// One round of the report projector (System or an administrator): folds up to `batch`
    /// (1–10,000, default 500) new events into the reports' read models. Run it in a loop;
    /// an event read twice changes nothing.
    #[pyo3(signature = (actor, batch = None))]
    fn project_reports(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        batch: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::ProjectionReport> {
        let batch = batch.map_or(Ok(500), |b| loose::unsigned("batch", b))?;
        let batch = u32::try_from(batch).unwrap_or(u32::MAX);
        Ok(blocking(py, self.inner.project_reports(actor, batch))?)
    }

    /// Folds every stored event into the reports' read models again, from nothing (System or
    /// an administrator); returns the rows written.
    fn rebuild_reports(&self, py: Python<'_>, actor: ffi::Actor) -> Result<u64, Failure> {
        blocking(py, self.inner.rebuild_reports(actor))
    }

    /// The ticketing report over the tickets submitted from `start` (included) to `end`
    /// (excluded), each `None` for no bound (managers and administrators).
    #[pyo3(signature = (actor, start = None, end = None))]
    fn ticketing_report(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        start: Option<&Bound<'_, PyAny>>,
        end: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::TicketingReport> {
        let (start, end) = (bound("start", start)?, bound("end", end)?);
        Ok(blocking(py, self.inner.ticketing_report(actor, start, end))?)
    }

    /// The expert performance report over the offers, visits and surveys from `start` to
    /// `end` (managers and administrators).
    #[pyo3(signature = (actor, start = None, end = None))]
    fn expert_report(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        start: Option<&Bound<'_, PyAny>>,
        end: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::ExpertReport> {
        let (start, end) = (bound("start", start)?, bound("end", end)?);
        Ok(blocking(py, self.inner.expert_report(actor, start, end))?)
    }

    /// The financial report over the billing months starting from `start` to `end`
    /// (managers and administrators).
    #[pyo3(signature = (actor, start = None, end = None))]
    fn financial_report(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        start: Option<&Bound<'_, PyAny>>,
        end: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::FinancialReport> {
        let (start, end) = (bound("start", start)?, bound("end", end)?);
        Ok(blocking(py, self.inner.financial_report(actor, start, end))?)
    }
}
