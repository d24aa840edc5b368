//! Helpdesk search, as methods of the Python handle.

use super::{Sysops, blocking, count};
use pyo3::prelude::*;
use sysops_ffi as ffi;
use sysops_ffi::python as loose;

#[pymethods]
impl Sysops {
    /// Customers matching what a caller said (ticket id or number, email, phone in any
    /// formatting, or name words), best match first.
    #[pyo3(
        signature = (actor, text, *, offset = None, limit = None),
        text_signature = "($self, actor, text, *, offset=0, limit=20)"
    )]
    fn find_customers(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        text: String,
        offset: Option<&Bound<'_, PyAny>>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::CustomerResults> {
        let offset = offset.map_or(Ok(0), |o| count("offset", o))?;
        let limit = limit.map_or(Ok(20), |l| count("limit", l))?;
        Ok(blocking(py, self.inner.find_customers(actor, text, offset, limit))?)
    }

    /// Tickets matching a search, best match first, then newest first.
    #[pyo3(
        signature = (actor, text = None, *, status = None, submitted_from = None, submitted_to = None, offset = None, limit = None),
        text_signature = "($self, actor, text=None, *, status=None, submitted_from=None, submitted_to=None, offset=0, limit=20)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn find_tickets(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        text: Option<String>,
        status: Option<ffi::TicketStatus>,
        submitted_from: Option<&Bound<'_, PyAny>>,
        submitted_to: Option<&Bound<'_, PyAny>>,
        offset: Option<&Bound<'_, PyAny>>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::TicketResults> {
        let from = submitted_from.map(|t| loose::instant("submitted_from", t)).transpose()?;
        let to = submitted_to.map(|t| loose::instant("submitted_to", t)).transpose()?;
        let offset = offset.map_or(Ok(0), |o| count("offset", o))?;
        let limit = limit.map_or(Ok(20), |l| count("limit", l))?;
        Ok(blocking(py, self.inner.find_tickets(actor, text, status, from, to, offset, limit))?)
    }
}
