//! The exception hierarchy: every failure is a `sysops.SysopsError` subclass with the data as attributes.

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use sysops_ffi::SysopsError as Error;

create_exception!(sysops, SysopsError, PyException, "Base class of every error sysops raises.");
create_exception!(
    sysops,
    InvalidInputError,
    SysopsError,
    "An argument is malformed; `field` and `reason` say which and why."
);
create_exception!(sysops, NotFoundError, SysopsError, "No such record; `kind` and `id` say which.");
create_exception!(
    sysops,
    ForbiddenError,
    SysopsError,
    "The actor may not do this; `action` and `reason` say what and why."
);
create_exception!(
    sysops,
    InvalidTransitionError,
    SysopsError,
    "The ticket's workflow does not allow this now; `ticket`, `status` and `action` say why."
);
create_exception!(sysops, RuleViolatedError, SysopsError, "A business rule refused the command; `rule` names it.");
create_exception!(sysops, ConflictError, SysopsError, "Someone changed the same record first: reload and retry.");
create_exception!(sysops, StorageError, SysopsError, "The database failed or cannot be opened.");
create_exception!(sysops, ClosedError, SysopsError, "The handle was closed.");
create_exception!(sysops, InternalError, SysopsError, "Stored history is inconsistent; report it.");

/// A [`sysops_ffi::SysopsError`] on its way to Python (the orphan rule forbids converting it directly).
pub(crate) struct Failure(pub(crate) Error);

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure(error)
    }
}

impl From<Failure> for PyErr {
    fn from(Failure(error): Failure) -> PyErr {
        let message = error.to_string();
        let (err, attributes): (PyErr, Vec<(&str, String)>) = match error {
            Error::InvalidInput { field, reason } => {
                (InvalidInputError::new_err(message), vec![("field", field), ("reason", reason)])
            }
            Error::NotFound { kind, id } => (NotFoundError::new_err(message), vec![("kind", kind), ("id", id)]),
            Error::Forbidden { action, reason, .. } => {
                (ForbiddenError::new_err(message), vec![("action", action), ("reason", reason)])
            }
            Error::InvalidTransition { ticket, status, action, .. } => (
                InvalidTransitionError::new_err(message),
                vec![("ticket", ticket), ("status", status), ("action", action)],
            ),
            Error::RuleViolated { rule, .. } => (RuleViolatedError::new_err(message), vec![("rule", rule)]),
            Error::Conflict { .. } => (ConflictError::new_err(message), vec![]),
            Error::Storage { .. } => (StorageError::new_err(message), vec![]),
            Error::Closed => (ClosedError::new_err(message), vec![]),
            Error::Internal { .. } => (InternalError::new_err(message), vec![]),
        };
        Python::attach(|py| {
            let value = err.value(py);
            for (name, text) in attributes {
                // Exception instances always accept attributes; a failure here would only lose detail.
                let _ = value.setattr(name, text);
            }
        });
        err
    }
}

/// Adds the exception classes to the module.
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("SysopsError", py.get_type::<SysopsError>())?;
    module.add("InvalidInputError", py.get_type::<InvalidInputError>())?;
    module.add("NotFoundError", py.get_type::<NotFoundError>())?;
    module.add("ForbiddenError", py.get_type::<ForbiddenError>())?;
    module.add("InvalidTransitionError", py.get_type::<InvalidTransitionError>())?;
    module.add("RuleViolatedError", py.get_type::<RuleViolatedError>())?;
    module.add("ConflictError", py.get_type::<ConflictError>())?;
    module.add("StorageError", py.get_type::<StorageError>())?;
    module.add("ClosedError", py.get_type::<ClosedError>())?;
    module.add("InternalError", py.get_type::<InternalError>())?;
    Ok(())
}
