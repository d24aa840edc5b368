//! The exception hierarchy lives with the records in `sysops_ffi::python` (its constructors
//! raise them too); this crate registers it in the module.

pub(crate) use sysops_ffi::python::{Failure, register_exceptions as register};
