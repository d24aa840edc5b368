//! The expert's phone (`sysops.Replica`) and the server's sync endpoint (`Sysops.serve_sync`).

use super::{Sysops, blocking, count};
use crate::args::{Category, Id};
use crate::errors::Failure;
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::sync::Arc;
use sysops_ffi as ffi;
use sysops_ffi::Timestamp;
use sysops_ffi::python as loose;

#[pymethods]
impl Sysops {
    /// The server's sync endpoint: a phone's request bytes in, the answer bytes out, decided
    /// as `actor` (the expert the caller authenticated).
    fn serve_sync<'py>(&self, py: Python<'py>, actor: ffi::Actor, request: Vec<u8>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = blocking(py, self.inner.serve_sync(actor, request))?;
        Ok(PyBytes::new(py, &bytes))
    }
}

/// An expert's phone: their tickets, customers and articles in a SQLite file, worked on
/// offline and synced with the server through bytes the app carries.
///
/// >>> phone = Replica.open("sqlite:///data/phone.db", expert_id)
/// >>> phone.accept(ticket_id)            # decided at once, queued on disk
/// >>> answer = send(phone.request())     # the app's own transport
/// >>> phone.receive(answer).refused      # what the server refused, with why
#[pyclass(frozen, module = "sysops")]
pub(crate) struct Replica {
    inner: Arc<ffi::Replica>,
}

#[pymethods]
impl Replica {
    /// Opens (or creates) `expert`'s replica in the SQLite database at `url`. With `start`,
    /// the phone's clock starts there and moves only by `advance_clock` (tests).
    #[staticmethod]
    #[pyo3(signature = (url, expert, start = None, id_seed = None))]
    fn open(
        py: Python<'_>,
        url: String,
        expert: Id,
        start: Option<&Bound<'_, PyAny>>,
        id_seed: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let start = start.map(|s| loose::instant("start", s)).transpose()?;
        let id_seed = id_seed.map_or(Ok(1), |seed| loose::unsigned("id_seed", seed))?;
        Ok(Replica { inner: blocking(py, ffi::Replica::open(url, expert.0, start, id_seed))? })
    }

    /// Moves the simulated clock forward; returns the new time.
    fn advance_clock(&self, by: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
        let by = loose::duration("by", by)?;
        Ok(ffi::guard_sync(|| self.inner.advance_clock(by)).map_err(Failure)?)
    }

    /// The bytes to send the server (at most `limit` records back, 1–5,000).
    #[pyo3(signature = (limit = None))]
    fn request<'py>(&self, py: Python<'py>, limit: Option<&Bound<'_, PyAny>>) -> PyResult<Bound<'py, PyBytes>> {
        let limit = limit.map_or(Ok(500), |l| count("limit", l))?;
        let bytes = blocking(py, self.inner.request(limit))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Applies the server's answer bytes; `SyncError` (with `fault`) when they cannot be used.
    fn receive(&self, py: Python<'_>, answer: Vec<u8>) -> Result<ffi::SyncReport, Failure> {
        blocking(py, self.inner.receive(answer))
    }

    /// Accepts the offered ticket.
    fn accept(&self, py: Python<'_>, ticket: Id) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.accept(ticket.0))
    }

    /// Declines the offered ticket, saying why.
    fn reject(&self, py: Python<'_>, ticket: Id, reason: String) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.reject(ticket.0, reason))
    }

    /// Starts work on an accepted ticket.
    fn start(&self, py: Python<'_>, ticket: Id) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.start(ticket.0))
    }

    /// Completes the work, with what was done.
    fn complete(&self, py: Python<'_>, ticket: Id, notes: String) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.complete(ticket.0, notes))
    }

    /// Records the articles that solved the completed ticket.
    fn link_articles(&self, py: Python<'_>, ticket: Id, articles: Vec<Id>) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.link_articles(ticket.0, articles.into_iter().map(|a| a.0).collect()))
    }

    /// Every ticket on the phone, the queued commands applied on top.
    fn tickets(&self, py: Python<'_>) -> Result<Vec<ffi::Ticket>, Failure> {
        blocking(py, self.inner.tickets())
    }

    /// One ticket as `tickets` shows it.
    fn ticket(&self, py: Python<'_>, ticket: Id) -> Result<ffi::Ticket, Failure> {
        blocking(py, self.inner.ticket(ticket.0))
    }

    /// The customer of one of the expert's tickets.
    fn customer(&self, py: Python<'_>, customer: Id) -> Result<ffi::CustomerCard, Failure> {
        blocking(py, self.inner.customer(customer.0))
    }

    /// The commands not answered by the server yet, oldest first.
    fn queued(&self, py: Python<'_>) -> Result<Vec<ffi::QueuedCommand>, Failure> {
        blocking(py, self.inner.queued())
    }

    /// The commands the server refused, until dismissed.
    fn refused(&self, py: Python<'_>) -> Result<Vec<ffi::RefusedCommand>, Failure> {
        blocking(py, self.inner.refused())
    }

    /// Forgets a refusal the app has shown.
    fn dismiss(&self, py: Python<'_>, command: Id) -> Result<(), Failure> {
        blocking(py, self.inner.dismiss(command.0))
    }

    /// Searches the phone's articles offline.
    #[pyo3(signature = (query, categories = Vec::new(), tags = Vec::new(), offset = None, limit = None))]
    fn search_articles(
        &self,
        py: Python<'_>,
        query: String,
        categories: Vec<Category>,
        tags: Vec<String>,
        offset: Option<&Bound<'_, PyAny>>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::SearchResults> {
        let (categories, offset, limit) = super::kb::search_page(categories, offset, limit)?;
        Ok(blocking(py, self.inner.search_articles(query, categories, tags, offset, limit))?)
    }

    /// One of the phone's articles.
    fn article(&self, py: Python<'_>, article: Id) -> Result<ffi::Article, Failure> {
        blocking(py, self.inner.article(article.0))
    }
}
