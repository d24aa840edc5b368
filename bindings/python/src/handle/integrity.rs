//! Integrity: the quarantine list, as methods of the Python handle.

use super::{Sysops, blocking};
use crate::args::Id;
use pyo3::prelude::*;
use sysops_ffi as ffi;
use sysops_ffi::python as loose;

#[pymethods]
impl Sysops {
    /// Audits stored records of `kind` (administrators): which read back and replay exactly,
    /// and which are quarantined and why; `limit` at a time after the id `after`.
    #[pyo3(
        signature = (actor, kind, *, after = None, limit = None),
        text_signature = "($self, actor, kind, *, after=None, limit=1000)"
    )]
    fn quarantined_records(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        kind: ffi::RecordKind,
        after: Option<Id>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::RecordAudit> {
        let limit = limit.map_or(Ok(1000), |l| loose::int("limit", l))?;
        Ok(blocking(py, self.inner.quarantined_records(actor, kind, after.map(|a| a.0), limit))?)
    }
}
