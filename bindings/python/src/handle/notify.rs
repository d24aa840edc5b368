//! Notifications, as methods of the Python handle: the consumer (one round, or a run until
//! stopped), templates, delivery history and the deadline job.

use super::{Sysops, blocking, count};
use crate::args::Id;
use crate::errors::Failure;
use pyo3::prelude::*;
use std::sync::Arc;
use sysops_ffi as ffi;

/// A notifier written in Python: an object with `send(message)`. Returning is sent; raising
/// `ValueError` is a permanent failure (an invalid number: recorded, never retried); any
/// other exception a transient one (retried with backoff). Failures are recorded by the
/// exception's type and message.
struct PythonNotifier(Py<PyAny>);

impl ffi::Notifier for PythonNotifier {
    fn send(&self, message: ffi::Message) -> Result<(), ffi::SendError> {
        Python::attach(|py| match self.0.bind(py).call_method1("send", (message,)) {
            Ok(_) => Ok(()),
            Err(e) => {
                let kind = e.get_type(py).name().map_or_else(|_| "an exception".to_owned(), |n| n.to_string());
                let reason = format!("{kind}: {}", e.value(py));
                if e.is_instance_of::<pyo3::exceptions::PyValueError>(py) {
                    Err(ffi::SendError::Permanent { reason })
                } else {
                    Err(ffi::SendError::Transient { reason })
                }
            }
        })
    }
}

fn host_notifier(notifier: &Bound<'_, PyAny>) -> Result<Arc<dyn ffi::Notifier>, Failure> {
    if !notifier.hasattr("send").unwrap_or(false) {
        let reason = "an object with a send(message) method".into();
        return Err(Failure(ffi::SysopsError::InvalidInput { field: "notifier".into(), reason }));
    }
    Ok(Arc::new(PythonNotifier(notifier.clone().unbind())))
}

#[pymethods]
impl Sysops {
    /// One round of the notification consumer (System or an administrator): new events'
    /// messages written and handed to `notifier.send`, due retries tried again.
    #[pyo3(signature = (actor, notifier, options = None))]
    fn notify_round(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        notifier: &Bound<'_, PyAny>,
        options: Option<ffi::NotifyOptions>,
    ) -> Result<ffi::NotifyReport, Failure> {
        let options = options.unwrap_or_else(ffi::default_notify_options);
        blocking(py, self.inner.notify_round(actor, host_notifier(notifier)?, options))
    }

    /// Runs the consumer until `stop.stop()` is called (from another thread): round after
    /// round while there is work, pausing `idle_millis` when there is none; returns the totals.
    #[pyo3(
        signature = (actor, notifier, stop, options = None, idle_millis = None),
        text_signature = "($self, actor, notifier, stop, options=None, idle_millis=1000)"
    )]
    fn run_notifications(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        notifier: &Bound<'_, PyAny>,
        stop: Py<ffi::StopSignal>,
        options: Option<ffi::NotifyOptions>,
        idle_millis: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::NotifyReport> {
        let options = options.unwrap_or_else(ffi::default_notify_options);
        let idle = idle_millis.map_or(Ok(1_000), |i| count("idle_millis", i))?;
        let stop = Arc::new(ffi::StopSignal::clone(stop.get()));
        Ok(blocking(py, self.inner.run_notifications(actor, host_notifier(notifier)?, options, idle, stop))?)
    }

    /// The messages about a ticket, newest first (`limit` 1–1,000).
    #[pyo3(signature = (actor, ticket, limit = None), text_signature = "($self, actor, ticket, limit=100)")]
    fn ticket_deliveries(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        ticket: Id,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<ffi::Delivery>> {
        let limit = limit.map_or(Ok(100), |l| count("limit", l))?;
        Ok(blocking(py, self.inner.ticket_deliveries(actor, ticket.0, limit))?)
    }

    /// The messages about a customer's tickets and account, newest first (`limit` 1–1,000).
    #[pyo3(signature = (actor, customer, limit = None), text_signature = "($self, actor, customer, limit=100)")]
    fn customer_deliveries(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        customer: Id,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<ffi::Delivery>> {
        let limit = limit.map_or(Ok(100), |l| count("limit", l))?;
        Ok(blocking(py, self.inner.customer_deliveries(actor, customer.0, limit))?)
    }

    /// Saves a template (an administrator).
    fn save_template(&self, py: Python<'_>, actor: ffi::Actor, template: ffi::Template) -> Result<(), Failure> {
        blocking(py, self.inner.save_template(actor, template))
    }

    /// The templates in force, one per kind and channel (an administrator).
    fn templates(&self, py: Python<'_>, actor: ffi::Actor) -> Result<Vec<ffi::Template>, Failure> {
        blocking(py, self.inner.templates(actor))
    }

    /// The deadline job (System or an administrator): records tickets that used up
    /// `warn_at_percent` (1–99) of a target, which tells the plan's escalation contact, and
    /// every deadline missed.
    #[pyo3(signature = (actor, warn_at_percent = None), text_signature = "($self, actor, warn_at_percent=80)")]
    fn check_deadlines(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        warn_at_percent: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<ffi::DeadlineReport> {
        let share = warn_at_percent.map_or(Ok(80), |p| count("warn_at_percent", p))?;
        let share = u8::try_from(share).map_err(|_| {
            let reason = format!("must be 1 to 99, not {share}");
            Failure(ffi::SysopsError::InvalidInput { field: "warn_at_percent".into(), reason })
        })?;
        Ok(blocking(py, self.inner.check_deadlines(actor, share))?)
    }
}
