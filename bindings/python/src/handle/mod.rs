//! `sysops.Sysops`: the blocking handle. Every call releases the GIL while the database works.

mod assignment;
mod billing;
mod customer;
mod expert;
mod helpdesk;
mod integrity;
mod kb;
mod notify;
mod outbox;
mod plan;
mod report;
mod staff;
mod survey;
mod sync;
mod ticket;

pub(crate) use sync::Replica;

use crate::errors::Failure;
use pyo3::prelude::*;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use sysops_ffi as ffi;
use sysops_ffi::Timestamp;
use sysops_ffi::python as loose;
use tokio::runtime::Runtime;

/// The one runtime every handle of the process runs its database calls on.
fn runtime() -> Result<&'static Runtime, Failure> {
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("sysops")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|detail| Failure(ffi::SysopsError::Internal { detail: format!("cannot start the runtime: {detail}") }))
}

/// Runs `call` to completion with the GIL released, so other Python threads keep running. A
/// panic anywhere in it (a bug) is `InternalError`, never PyO3's `PanicException`.
fn blocking<T: Send>(
    py: Python<'_>,
    call: impl Future<Output = Result<T, ffi::SysopsError>> + Send,
) -> Result<T, Failure> {
    let runtime = runtime()?;
    py.detach(|| ffi::guard_sync(|| runtime.block_on(call))).map_err(Failure)
}

/// A count Python passes as any `int`: one outside `0..=u32::MAX` (or beyond 64 bits) is
/// `InvalidInputError`, like every `int` of the package, never `OverflowError`.
fn count(field: &str, value: &Bound<'_, PyAny>) -> PyResult<u32> {
    let value = loose::int(field, value)?;
    u32::try_from(value).map_err(|_| {
        let reason = format!("{value} is out of range");
        Failure(ffi::SysopsError::InvalidInput { field: field.to_owned(), reason }).into()
    })
}

/// Sysops on a database. Open it once and share it between threads.
///
/// >>> s = Sysops.open("sqlite:///var/lib/sysops.db")
/// >>> s.ticket(actor, "0195...")
#[pyclass(frozen, module = "sysops")]
pub(crate) struct Sysops {
    inner: Arc<ffi::Sysops>,
}

#[pymethods]
impl Sysops {
    /// Opens `sqlite://FILE`, `sqlite::memory:` or `postgres://...`, creating or migrating the schema.
    #[staticmethod]
    fn open(py: Python<'_>, url: String) -> Result<Self, Failure> {
        Ok(Sysops { inner: blocking(py, ffi::Sysops::open(url))? })
    }

    /// Opens `url` with a clock that starts at `start` and moves only by `advance_clock`, and
    /// deterministic ids: the same calls give the same records, in every language.
    #[staticmethod]
    #[pyo3(signature = (url, start, id_seed = None), text_signature = "(url, start, id_seed=1)")]
    fn open_simulated(
        py: Python<'_>,
        url: String,
        start: &Bound<'_, PyAny>,
        id_seed: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let start = loose::instant("start", start)?;
        let id_seed = id_seed.map_or(Ok(1), |seed| loose::unsigned("id_seed", seed))?;
        Ok(Sysops { inner: blocking(py, ffi::Sysops::open_simulated(url, start, id_seed))? })
    }

    /// Opens `url` with the billing quantum's settings: `billing_url` keeps subscriptions,
    /// invoices and the card vault in a database of their own; `card_keys` seal card numbers
    /// (the first seals new cards; without keys every card operation is refused);
    /// `analytics_url` keeps the reports' read models in a database of their own. With
    /// `start`, the clock is simulated as in `open_simulated`. `max_wait_ms` (1–600,000; by
    /// default 5,000) is the longest a call waits before it raises `BusyError`.
    #[staticmethod]
    #[pyo3(signature = (url, billing_url = None, card_keys = Vec::new(), start = None, id_seed = None, analytics_url = None, max_wait_ms = None))]
    #[allow(clippy::too_many_arguments)] // Python's keyword arguments, each optional
    fn open_with(
        py: Python<'_>,
        url: String,
        billing_url: Option<String>,
        card_keys: Vec<PyRef<'_, ffi::CardKey>>,
        start: Option<&Bound<'_, PyAny>>,
        id_seed: Option<&Bound<'_, PyAny>>,
        analytics_url: Option<String>,
        max_wait_ms: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let start = start.map(|s| loose::instant("start", s)).transpose()?;
        let id_seed = id_seed.map_or(Ok(1), |seed| loose::unsigned("id_seed", seed))?;
        let max_wait_ms = max_wait_ms.map(|ms| loose::unsigned("max_wait_ms", ms)).transpose()?;
        let keys: Vec<Arc<ffi::CardKey>> = card_keys.iter().map(|k| Arc::new(ffi::CardKey::clone(k))).collect();
        let opening = ffi::Sysops::open_with(url, billing_url, keys, start, id_seed, analytics_url, max_wait_ms);
        Ok(Sysops { inner: blocking(py, opening)? })
    }

    /// Moves the simulated clock forward; returns the new time.
    fn advance_clock(&self, by: &Bound<'_, PyAny>) -> PyResult<Timestamp> {
        let by = loose::duration("by", by)?;
        Ok(ffi::guard_sync(|| self.inner.advance_clock(by)).map_err(Failure)?)
    }

    /// The time this handle works at, without moving it (a simulated handle's clock, or now).
    fn now(&self) -> Result<Timestamp, Failure> {
        Ok(self.inner.now()?)
    }

    /// `"sqlite"`, `"postgres"`, or `"citus"` (PostgreSQL with the tables distributed by Citus).
    #[getter]
    fn backend(&self) -> String {
        self.inner.backend()
    }

    /// Closes the database; later calls raise `ClosedError`.
    fn close(&self, py: Python<'_>) -> Result<(), Failure> {
        blocking(py, self.inner.shutdown())
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> Result<bool, Failure> {
        self.close(py)?;
        Ok(false)
    }
}
