//! Customers: who they are, where they live, which plan they hold.

use crate::error::SysopsError;
use crate::types::Timestamp;
use crate::value::GeoPoint;
use sysops_core as core;
use uuid::Uuid;

/// How to reach a person.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, from_py_object, new = "from_fields", module = "sysops")
)]
pub struct Contact {
    /// Full name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// E.164 phone number, e.g. `"+13125550100"`.
    pub phone: String,
}

impl From<core::Contact> for Contact {
    fn from(c: core::Contact) -> Self {
        Contact { name: c.name.into(), email: c.email.as_str().to_owned(), phone: c.phone.as_str().to_owned() }
    }
}

impl TryFrom<Contact> for core::Contact {
    type Error = SysopsError;
    fn try_from(c: Contact) -> Result<Self, SysopsError> {
        Ok(core::Contact {
            name: core::PersonName::new(c.name)?,
            email: core::Email::new(c.email)?,
            phone: core::Phone::new(c.phone)?,
        })
    }
}

/// A postal address and its coordinate (where experts travel to).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, from_py_object, new = "from_fields", module = "sysops")
)]
pub struct Address {
    /// Street and number.
    pub street: String,
    /// City.
    pub city: String,
    /// State or region.
    pub region: String,
    /// Postal code.
    pub postal_code: String,
    /// Where it is.
    pub location: GeoPoint,
}

impl From<core::Address> for Address {
    fn from(a: core::Address) -> Self {
        Address {
            street: a.street.into(),
            city: a.city.into(),
            region: a.region.into(),
            postal_code: a.postal_code.into(),
            location: a.location.into(),
        }
    }
}

impl TryFrom<Address> for core::Address {
    type Error = SysopsError;
    fn try_from(a: Address) -> Result<Self, SysopsError> {
        Ok(core::Address {
            street: core::AddressLine::new(a.street)?,
            city: core::AddressLine::new(a.city)?,
            region: core::AddressLine::new(a.region)?,
            postal_code: core::AddressLine::new(a.postal_code)?,
            location: a.location.try_into()?,
        })
    }
}

/// A customer with a support plan.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct Customer {
    /// Their id (also their actor id).
    pub id: Uuid,
    /// How to reach them.
    pub contact: Contact,
    /// Where they are served.
    pub address: Address,
    /// Their plan.
    pub plan: Uuid,
    /// When they registered.
    pub registered_at: Timestamp,
}

impl From<core::Customer> for Customer {
    fn from(c: core::Customer) -> Self {
        Customer {
            id: c.id.as_uuid(),
            contact: c.contact.into(),
            address: c.address.into(),
            plan: c.plan.as_uuid(),
            registered_at: c.registered_at,
        }
    }
}
