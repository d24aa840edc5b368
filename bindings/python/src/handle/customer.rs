//! Customers, as methods of the Python handle.

use super::{Sysops, blocking};
use crate::args::Id;
use crate::errors::Failure;
use pyo3::prelude::*;
use sysops_ffi as ffi;

#[pymethods]
impl Sysops {
    /// Registers a customer on a plan.
    fn register_customer(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        contact: ffi::Contact,
        address: ffi::Address,
        plan: Id,
    ) -> Result<ffi::Customer, Failure> {
        blocking(py, self.inner.register_customer(actor, contact, address, plan.0))
    }

    /// Changes a customer's contact details.
    fn update_customer_contact(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        customer: Id,
        contact: ffi::Contact,
    ) -> Result<ffi::Customer, Failure> {
        blocking(py, self.inner.update_customer_contact(actor, customer.0, contact))
    }

    /// Moves a customer to a new address.
    fn move_customer(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        customer: Id,
        address: ffi::Address,
    ) -> Result<ffi::Customer, Failure> {
        blocking(py, self.inner.move_customer(actor, customer.0, address))
    }

    /// Moves a customer to another plan.
    fn change_customer_plan(
        &self,
        py: Python<'_>,
        actor: ffi::Actor,
        customer: Id,
        plan: Id,
    ) -> Result<ffi::Customer, Failure> {
        blocking(py, self.inner.change_customer_plan(actor, customer.0, plan.0))
    }

    /// A customer's profile.
    fn customer(&self, py: Python<'_>, actor: ffi::Actor, customer: Id) -> Result<ffi::Customer, Failure> {
        blocking(py, self.inner.customer(actor, customer.0))
    }
}
