//! Customers: who they are, where they live, which plan they hold.

use crate::MessageChannel;
use crate::client::Sysops;
use crate::error::SysopsError;
use crate::guard::guard;
use crate::types::Timestamp;
use crate::value::Actor;
use crate::value::GeoPoint;
use sysops_core as core;
use sysops_core::{CustomerId, PlanId};
use uuid::Uuid;

/// How to reach a person.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, from_py_object, module = "sysops"))]
pub struct Contact {
    /// Full name, 1–200 characters.
    pub name: String,
    /// Email address, at most 254 characters.
    pub email: String,
    /// E.164 phone number (`+` and 8–15 digits), e.g. `"+13125550100"`.
    pub phone: String,
    /// How they hear about their tickets and account: by email or by text message.
    pub prefers: MessageChannel,
}

impl From<core::Contact> for Contact {
    fn from(c: core::Contact) -> Self {
        Contact {
            name: c.name.into(),
            email: c.email.as_str().to_owned(),
            phone: c.phone.as_str().to_owned(),
            prefers: c.prefers,
        }
    }
}

impl TryFrom<Contact> for core::Contact {
    type Error = SysopsError;
    fn try_from(c: Contact) -> Result<Self, SysopsError> {
        Ok(core::Contact {
            name: core::PersonName::new(c.name)?,
            email: core::Email::new(c.email)?,
            phone: core::Phone::new(c.phone)?,
            prefers: c.prefers,
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
    /// Street and number, 1–200 characters (as are the other lines).
    pub street: String,
    /// City.
    pub city: String,
    /// State or region.
    pub region: String,
    /// Postal code.
    pub postal_code: String,
    /// Where it is.
    pub location: GeoPoint,
    /// Its IANA time zone (`America/Chicago`), which business-hour deadlines count in.
    pub time_zone: String,
}

impl From<core::Address> for Address {
    fn from(a: core::Address) -> Self {
        Address {
            street: a.street.into(),
            city: a.city.into(),
            region: a.region.into(),
            postal_code: a.postal_code.into(),
            location: a.location.into(),
            time_zone: a.time_zone.name().to_owned(),
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
            time_zone: core::time::zone(&a.time_zone)?,
        })
    }
}

/// A customer with a support plan.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct Customer {
    /// Their id (also their actor id).
    pub id: Uuid,
    /// How to reach them.
    pub contact: Contact,
    /// Where they are served.
    pub address: Address,
    pub plan: Uuid,
    /// When they registered.
    pub registered_at: Timestamp,
    /// The unpaid invoice the account is suspended for, if it is: the customer reads their
    /// tickets but cannot submit new ones until it is paid, voided or written off.
    pub suspended_for: Option<Uuid>,
}

impl From<core::Customer> for Customer {
    fn from(c: core::Customer) -> Self {
        Customer {
            id: c.id.as_uuid(),
            contact: c.contact.into(),
            address: c.address.into(),
            plan: c.plan.as_uuid(),
            registered_at: c.registered_at,
            suspended_for: c.suspended_for.map(|i| i.as_uuid()),
        }
    }
}

impl Sysops {
    async fn customer_command(
        &self,
        actor: Actor,
        customer: Uuid,
        command: core::CustomerCommand,
    ) -> Result<Customer, SysopsError> {
        Ok(self.api()?.update_customer(actor.into(), CustomerId::from_uuid(customer), command).await?.into())
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// Registers a customer on a plan (helpdesk by phone, or the customer themself on the web).
    pub async fn register_customer(
        &self,
        actor: Actor,
        contact: Contact,
        address: Address,
        plan: Uuid,
    ) -> Result<Customer, SysopsError> {
        guard(async move {
            let (contact, address) = (contact.try_into()?, address.try_into()?);
            Ok(self.api()?.register_customer(actor.into(), contact, address, PlanId::from_uuid(plan)).await?.into())
        })
        .await
    }

    /// Changes a customer's contact details.
    pub async fn update_customer_contact(
        &self,
        actor: Actor,
        customer: Uuid,
        contact: Contact,
    ) -> Result<Customer, SysopsError> {
        guard(async move {
            self.customer_command(actor, customer, core::CustomerCommand::UpdateContact(contact.try_into()?)).await
        })
        .await
    }

    /// Moves a customer to a new address.
    pub async fn move_customer(&self, actor: Actor, customer: Uuid, address: Address) -> Result<Customer, SysopsError> {
        guard(async move {
            self.customer_command(actor, customer, core::CustomerCommand::Move(address.try_into()?)).await
        })
        .await
    }

    /// Moves a customer to another plan.
    pub async fn change_customer_plan(
        &self,
        actor: Actor,
        customer: Uuid,
        plan: Uuid,
    ) -> Result<Customer, SysopsError> {
        guard(async move {
            let (customer, plan) = (CustomerId::from_uuid(customer), PlanId::from_uuid(plan));
            Ok(self.api()?.change_customer_plan(actor.into(), customer, plan).await?.into())
        })
        .await
    }

    /// A customer's profile.
    pub async fn customer(&self, actor: Actor, customer: Uuid) -> Result<Customer, SysopsError> {
        guard(async move { Ok(self.api()?.customer(actor.into(), CustomerId::from_uuid(customer)).await?.into()) })
            .await
    }
}
