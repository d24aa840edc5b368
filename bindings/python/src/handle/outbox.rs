//! The outbox: poll and ack, as methods of the Python handle.

use super::{Sysops, blocking};
use pyo3::prelude::*;
use sysops_ffi as ffi;
use sysops_ffi::python as loose;

#[pymethods]
impl Sysops {
    /// Up to `limit` events `consumer` has not acknowledged, in commit order.
    #[pyo3(signature = (consumer, limit = None), text_signature = "($self, consumer, limit=100)")]
    fn poll_outbox(
        &self,
        py: Python<'_>,
        consumer: String,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<ffi::OutboxEntry>> {
        let limit = limit.map_or(Ok(100), |l| loose::int("limit", l))?;
        Ok(blocking(py, self.inner.poll_outbox(consumer, limit))?)
    }

    /// Records that `consumer` handled everything up to `position`.
    fn ack_outbox(&self, py: Python<'_>, consumer: String, position: &Bound<'_, PyAny>) -> PyResult<()> {
        let position = loose::unsigned("position", position)?;
        Ok(blocking(py, self.inner.ack_outbox(consumer, position))?)
    }
}
