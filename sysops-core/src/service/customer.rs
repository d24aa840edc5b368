//! Customers: registration, contact and address changes, plan changes, profile.

use super::{Error, Service};
use crate::actor::{Action, Actor, Role, Target, authorize};
use crate::aggregate::Aggregate;
use crate::ctx::Ctx;
use crate::customer::{Address, Contact, Customer, CustomerCommand};
use crate::id::{CustomerId, PlanId};
use crate::plan::SupportPlan;
use crate::rule::RuleError;
use crate::store::Store;

impl<S: Store> Service<S> {
    /// Registers a customer: a customer signing themself up (their actor id becomes the
    /// customer id), or helpdesk and administrators registering a caller.
    pub async fn register_customer(
        &self,
        actor: Actor,
        contact: Contact,
        address: Address,
        plan: PlanId,
    ) -> Result<Customer, Error> {
        let ctx = if actor.role == Role::Customer {
            if self.find::<Customer>(actor.id).await?.is_some() {
                return Err(RuleError::AlreadyExists { kind: Customer::KIND, id: actor.id }.into());
            }
            Ctx::new(actor, self.now()?, self.ids.as_ref())
        } else {
            self.ctx(actor, Action::RegisterCustomer).await?
        };
        let plan: SupportPlan = self.get(plan).await?;
        self.save(None, Customer::register(contact, address, &plan, &ctx)?).await
    }

    /// Updates a customer's contact details or address.
    pub async fn update_customer(
        &self,
        actor: Actor,
        customer: CustomerId,
        command: CustomerCommand,
    ) -> Result<Customer, Error> {
        self.execute(actor, customer, command).await
    }

    /// Moves a customer to another plan; their subscription, if they have one, is billed for
    /// the new plan from now on (prorated by day).
    pub async fn change_customer_plan(
        &self,
        actor: Actor,
        customer: CustomerId,
        plan: PlanId,
    ) -> Result<Customer, Error> {
        let ctx = self.ctx(actor, Action::ChangeCustomerPlan).await?;
        let current: Customer = self.get(customer).await?;
        let plan: SupportPlan = self.get(plan).await?;
        let events = current.change_plan(&plan, &ctx)?;
        // The subscription follows first: a retry after a failure in between finds it moved.
        self.follow_plan(&ctx, customer, &plan).await?;
        self.save(Some(&current), events).await
    }

    /// A customer's profile.
    pub async fn customer(&self, actor: Actor, customer: CustomerId) -> Result<Customer, Error> {
        let actor = self.verify(actor, Action::ViewCustomer).await?;
        authorize(&actor, Action::ViewCustomer, Target::owned_by(customer))?;
        self.get(customer).await
    }
}
