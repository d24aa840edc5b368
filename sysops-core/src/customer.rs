//! Customers: who they are, where devices are fixed, and which support plan they hold.

use crate::actor::{Action, Role, Target, authorize};
use crate::aggregate::{Aggregate, Decide, Index};
use crate::ctx::Ctx;
use crate::error::ReplayError;
use crate::event::{AggregateKind, Envelope, EventName, Sequence};
use crate::geo::GeoPoint;
use crate::id::{CustomerId, InvoiceId, PlanId};
use crate::plan::SupportPlan;
use crate::rule::{Refused, RuleError};
use crate::text::{AddressLine, Email, MessageChannel, PersonName, Phone};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A postal address with its geocoded location, where experts go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    /// Street and number.
    pub street: AddressLine,
    /// City.
    pub city: AddressLine,
    /// State or region.
    pub region: AddressLine,
    /// Postal code.
    pub postal_code: AddressLine,
    /// Geocoded location.
    pub location: GeoPoint,
    /// The IANA time zone the address keeps (`America/Chicago`): business-hour deadlines
    /// count in it. Addresses stored before it existed read as UTC.
    #[serde(default = "crate::time::utc")]
    pub time_zone: Tz,
}

/// How to reach a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Full name.
    pub name: PersonName,
    /// Email address.
    pub email: Email,
    /// Mobile phone for SMS.
    pub phone: Phone,
    /// How they want to hear about their tickets and account (email for contacts stored
    /// before the preference existed).
    #[serde(default)]
    pub prefers: MessageChannel,
}

/// A customer with a support plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Customer {
    pub id: CustomerId,
    /// Name, email and phone.
    pub contact: Contact,
    /// Where devices are.
    pub address: Address,
    /// The current plan.
    pub plan: PlanId,
    /// When the customer registered.
    pub registered_at: DateTime<Utc>,
    /// The unpaid invoice the account is suspended for: the customer can read their tickets
    /// but not submit new ones until it is paid, voided or written off.
    #[serde(default)]
    pub suspended_for: Option<InvoiceId>,
    version: Sequence,
}

/// What happened to a customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CustomerEvent {
    /// The customer registered.
    Registered {
        /// Its id.
        customer: CustomerId,
        /// Contact details.
        contact: Contact,
        /// Address.
        address: Address,
        /// Plan subscribed to.
        plan: PlanId,
    },
    /// Name, email or phone changed.
    ContactChanged {
        /// The new contact details.
        contact: Contact,
    },
    /// The customer moved.
    Moved {
        /// The new address.
        address: Address,
    },
    /// The customer switched plans.
    PlanChanged {
        /// The previous plan.
        from: PlanId,
        /// The new plan.
        to: PlanId,
    },
    /// Every scheduled payment of `invoice` failed: no new tickets until it is settled.
    Suspended {
        /// The unpaid invoice.
        invoice: InvoiceId,
    },
    /// The invoice the account was suspended for was settled.
    Reinstated {
        /// The settled invoice.
        invoice: InvoiceId,
    },
}

impl EventName for CustomerEvent {
    fn name(&self) -> &'static str {
        match self {
            CustomerEvent::Registered { .. } => "CustomerRegistered",
            CustomerEvent::ContactChanged { .. } => "CustomerContactChanged",
            CustomerEvent::Moved { .. } => "CustomerMoved",
            CustomerEvent::PlanChanged { .. } => "CustomerPlanChanged",
            CustomerEvent::Suspended { .. } => "CustomerSuspended",
            CustomerEvent::Reinstated { .. } => "CustomerReinstated",
        }
    }
}

/// A command to an existing customer that needs no other aggregate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CustomerCommand {
    /// Replace the contact details.
    UpdateContact(Contact),
    /// Replace the address.
    Move(Address),
    /// Suspend the account for an invoice whose every scheduled payment failed (the billing run).
    Suspend(InvoiceId),
    /// Lift the suspension once that invoice is settled (the billing run, an administrator).
    Reinstate(InvoiceId),
}

fn no_change(action: Action) -> Refused<RuleError> {
    RuleError::NoChange { action }.into()
}

impl Customer {
    /// Decides a registration. A customer signing up gets their own actor id as
    /// customer id; staff registering a caller get a fresh id.
    pub fn register(
        contact: Contact,
        address: Address,
        plan: &SupportPlan,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<Envelope<CustomerEvent>>, Refused<RuleError>> {
        let customer: CustomerId =
            if ctx.actor.role == Role::Customer { CustomerId::from_uuid(ctx.actor.id) } else { ctx.new_id() };
        authorize(&ctx.actor, Action::RegisterCustomer, Target::owned_by(customer))?;
        if plan.retired {
            return Err(RuleError::PlanRetired { plan: plan.id }.into());
        }
        Ok(ctx.stamp(
            customer,
            Sequence::NONE,
            vec![CustomerEvent::Registered { customer, contact, address, plan: plan.id }],
        ))
    }

    /// Decides a switch to `plan`, which must be taking customers.
    pub fn change_plan(
        &self,
        plan: &SupportPlan,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<Envelope<CustomerEvent>>, Refused<RuleError>> {
        authorize(&ctx.actor, Action::ChangeCustomerPlan, Target::owned_by(self.id))?;
        if plan.id == self.plan {
            return Err(no_change(Action::ChangeCustomerPlan));
        }
        if plan.retired {
            return Err(RuleError::PlanRetired { plan: plan.id }.into());
        }
        Ok(ctx.stamp(self.id, self.version, vec![CustomerEvent::PlanChanged { from: self.plan, to: plan.id }]))
    }
}

impl Decide for Customer {
    type Command = CustomerCommand;
    type Error = Refused<RuleError>;

    fn action(command: &CustomerCommand) -> Action {
        match command {
            CustomerCommand::UpdateContact(_) => Action::UpdateCustomerContact,
            CustomerCommand::Move(_) => Action::MoveCustomer,
            CustomerCommand::Suspend(_) | CustomerCommand::Reinstate(_) => Action::RunBilling,
        }
    }

    /// Decides a command.
    fn decide(&self, command: &CustomerCommand, ctx: &Ctx<'_>) -> Result<Vec<Envelope<CustomerEvent>>, Self::Error> {
        let event = match command {
            CustomerCommand::UpdateContact(contact) => {
                authorize(&ctx.actor, Action::UpdateCustomerContact, Target::owned_by(self.id))?;
                if *contact == self.contact {
                    return Err(no_change(Action::UpdateCustomerContact));
                }
                CustomerEvent::ContactChanged { contact: contact.clone() }
            }
            CustomerCommand::Move(address) => {
                authorize(&ctx.actor, Action::MoveCustomer, Target::owned_by(self.id))?;
                if *address == self.address {
                    return Err(no_change(Action::MoveCustomer));
                }
                CustomerEvent::Moved { address: address.clone() }
            }
            CustomerCommand::Suspend(invoice) => {
                authorize(&ctx.actor, Action::RunBilling, Target::default())?;
                if self.suspended_for.is_some() {
                    return Err(no_change(Action::RunBilling));
                }
                CustomerEvent::Suspended { invoice: *invoice }
            }
            CustomerCommand::Reinstate(invoice) => {
                authorize(&ctx.actor, Action::RunBilling, Target::default())?;
                if self.suspended_for != Some(*invoice) {
                    return Err(no_change(Action::RunBilling));
                }
                CustomerEvent::Reinstated { invoice: *invoice }
            }
        };
        Ok(ctx.stamp(self.id, self.version, vec![event]))
    }
}

impl Aggregate for Customer {
    const KIND: AggregateKind = AggregateKind::Customer;
    type Event = CustomerEvent;

    fn id(&self) -> Uuid {
        self.id.as_uuid()
    }

    fn version(&self) -> Sequence {
        self.version
    }

    fn create(first: &Envelope<CustomerEvent>) -> Result<Self, ReplayError> {
        match &first.payload {
            CustomerEvent::Registered { customer, contact, address, plan } => Ok(Customer {
                id: *customer,
                contact: contact.clone(),
                address: address.clone(),
                plan: *plan,
                registered_at: first.at,
                suspended_for: None,
                version: first.sequence,
            }),
            other => Err(ReplayError::DoesNotApply { event: other.name(), state: "nothing" }),
        }
    }

    fn evolve(&mut self, event: &Envelope<CustomerEvent>) -> Result<(), ReplayError> {
        match &event.payload {
            CustomerEvent::ContactChanged { contact } => self.contact = contact.clone(),
            CustomerEvent::Moved { address } => self.address = address.clone(),
            CustomerEvent::PlanChanged { to, .. } => self.plan = *to,
            CustomerEvent::Suspended { invoice } if self.suspended_for.is_none() => self.suspended_for = Some(*invoice),
            CustomerEvent::Reinstated { invoice } if self.suspended_for == Some(*invoice) => self.suspended_for = None,
            other @ (CustomerEvent::Registered { .. }
            | CustomerEvent::Suspended { .. }
            | CustomerEvent::Reinstated { .. }) => {
                return Err(ReplayError::DoesNotApply { event: other.name(), state: "Customer" });
            }
        }
        self.version = event.sequence;
        Ok(())
    }

    fn index(&self) -> Index {
        let name = self.contact.name.to_string();
        let email = self.contact.email.to_string();
        Index::of(CustomerIndex {
            name_key: crate::text::name_key(&name),
            email_key: email.to_lowercase(),
            name,
            email,
            phone: self.contact.phone.to_string(),
        })
    }
}

/// The columns helpdesk looks customers up by (see [`crate::helpdesk`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct CustomerIndex {
    pub name: String,
    /// The name's words, folded for search ([`crate::helpdesk::name_words`]), joined by spaces.
    pub name_key: String,
    pub email: String,
    /// The email lower-cased, as searched.
    pub email_key: String,
    /// E.164.
    pub phone: String,
}

impl CustomerIndex {
    /// The distinct words of [`Self::name_key`], as the words table stores them.
    pub fn name_words(&self) -> std::collections::BTreeSet<&str> {
        crate::text::key_words(&self.name_key)
    }
}
