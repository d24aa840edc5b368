//! Staff accounts, as methods of the Python handle.

use super::{Sysops, blocking};
use crate::args::Id;
use crate::errors::Failure;
use pyo3::prelude::*;
use sysops_ffi as ffi;

#[pymethods]
impl Sysops {
    /// Creates a staff account; `system_actor()` may create the first administrator.
    fn create_staff_account(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        name: String,
        email: String,
        role: ffi::StaffRole,
    ) -> Result<ffi::StaffAccount, Failure> {
        blocking(py, self.inner.create_staff_account(actor, name, email, role))
    }

    /// Gives a staff account another role.
    fn change_staff_role(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        account: Id,
        role: ffi::StaffRole,
    ) -> Result<ffi::StaffAccount, Failure> {
        blocking(py, self.inner.change_staff_role(actor, account.0, role))
    }

    /// Deactivates a staff account.
    fn deactivate_staff_account(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        account: Id,
    ) -> Result<ffi::StaffAccount, Failure> {
        blocking(py, self.inner.deactivate_staff_account(actor, account.0))
    }

    /// Reactivates a staff account.
    fn reactivate_staff_account(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        account: Id,
    ) -> Result<ffi::StaffAccount, Failure> {
        blocking(py, self.inner.reactivate_staff_account(actor, account.0))
    }

    /// A staff account.
    fn staff_account(&self, py: Python<'_>, actor: ffi::Actor, account: Id) -> Result<ffi::StaffAccount, Failure> {
        blocking(py, self.inner.staff_account(actor, account.0))
    }

    /// A staff account's audited history, oldest first.
    fn staff_account_history(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        account: Id,
    ) -> Result<Vec<ffi::StaffEvent>, Failure> {
        blocking(py, self.inner.staff_account_history(actor, account.0))
    }
}
