//! The application service: verify the actor, load, decide, commit. Generic over any [`Store`].
//!
//! This is the one place where the pure aggregates meet storage, the clock and
//! the id source. It performs no I/O itself: the store does, behind its traits.
//! [`Service::execute`] is the one command path every aggregate's commands take; each
//! domain's commands and queries are an `impl` block in this folder's file of that name.

mod assignment;
mod billing;
mod customer;
mod error;
mod expert;
mod helpdesk;
mod integrity;
mod kb;
mod kb_sync;
mod notify;
mod plan;
mod replica;
mod report;
mod staff;
mod survey;
mod sync;
mod ticket;

pub use assignment::{AssignmentReport, WaitingTicket};
pub use billing::BillingReport;
pub use error::Error;
pub use kb::{IMPORT_PAGE, ImportProgress};
pub use notify::{NOTIFICATIONS, NotifyOptions, NotifyReport};
pub use replica::{ReceiveReport, Replica};
pub use report::ProjectionReport;
pub use survey::SurveyView;
pub use ticket::DeadlineReport;

use crate::actor::{Action, Actor, DenyReason, Role};
use crate::aggregate::{Aggregate, Decide};
use crate::clock::Clock;
use crate::ctx::Ctx;
use crate::customer::Customer;
use crate::event::{AggregateKind, Envelope, Sequence};
use crate::id::PlanId;
use crate::idgen::IdGen;
use crate::persist::{self, Change};
use crate::plan::SupportPlan;
use crate::staff::StaffAccount;
use crate::store::Store;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use uuid::Uuid;

/// Runs commands and queries for verified actors against a [`Store`].
///
/// ```
/// use sysops_core::{Actor, ManualClock, MemoryStore, PersonName, Email, SequentialIds, Service, StaffRole};
/// # futures::executor::block_on(async {
/// let service = Service::new(MemoryStore::new(), ManualClock::new(chrono::Utc::now())?, SequentialIds::new(1));
/// let admin = service
///     .create_staff_account(Actor::system(), PersonName::new("Ada Admin")?, Email::new("ada@sysops.example")?, StaffRole::Administrator)
///     .await?;
/// assert!(admin.active);
/// # Ok::<(), sysops_core::Error>(())
/// # }).unwrap();
/// ```
pub struct Service<S> {
    store: S,
    /// Where billing records live when they are kept apart from the rest (ADR-4).
    billing: Option<S>,
    /// Where the reports' read models live when they are kept apart from the rest (ADR-7).
    analytics: Option<S>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGen>,
    /// Plans by id. A plan's terms never change once defined (only `retired` does, which
    /// submissions ignore), so tickets may read terms from here; registrations reload.
    plan_terms: RwLock<HashMap<PlanId, SupportPlan>>,
}

impl<S: Store> Service<S> {
    /// A service over `store`, reading time from `clock` and taking ids from `ids`.
    pub fn new(store: S, clock: impl Clock + 'static, ids: impl IdGen + 'static) -> Self {
        Self {
            store,
            billing: None,
            analytics: None,
            clock: Arc::new(clock),
            ids: Arc::new(ids),
            plan_terms: RwLock::default(),
        }
    }

    /// Keeps billing records (subscriptions, invoices, the card vault) in `billing`, another
    /// database than the rest, instead of the main store (ADR-4: the billing quantum).
    pub fn with_billing_store(mut self, billing: S) -> Self {
        self.billing = Some(billing);
        self
    }

    /// The underlying store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// Checks the actor's account: it must exist, be active and hold the claimed role.
    pub async fn verify(&self, actor: Actor, action: Action) -> Result<Actor, Error> {
        let deny = |reason| Error::from(actor.deny(action, reason));
        match actor.role {
            Role::System => Ok(actor),
            Role::Customer => match self.find::<Customer>(actor.id).await? {
                Some(_) => Ok(actor),
                None => Err(deny(DenyReason::UnknownAccount)),
            },
            claimed => match self.find::<StaffAccount>(actor.id).await? {
                None => Err(deny(DenyReason::UnknownAccount)),
                Some(account) if !account.active => Err(deny(DenyReason::AccountDeactivated)),
                Some(account) if Role::from(account.role) != claimed => {
                    Err(deny(DenyReason::RoleMismatch { actual: account.role.into() }))
                }
                Some(_) => Ok(actor),
            },
        }
    }

    async fn ctx(&self, actor: Actor, action: Action) -> Result<Ctx<'_>, Error> {
        let actor = self.verify(actor, action).await?;
        Ok(Ctx::new(actor, self.now()?, self.ids.as_ref()))
    }

    /// The clock's reading, refused when it lies outside the accepted range ([`crate::time`]).
    fn now(&self) -> Result<chrono::DateTime<chrono::Utc>, Error> {
        Ok(crate::time::check("clock", self.clock.now())?)
    }

    /// Where billing records live: the billing store if one was given, else the main store.
    pub fn billing_store(&self) -> &S {
        self.billing.as_ref().unwrap_or(&self.store)
    }

    /// The store records of `kind` live in (see [`AggregateKind::in_billing_quantum`]).
    fn store_for(&self, kind: AggregateKind) -> &S {
        if kind.in_billing_quantum() { self.billing_store() } else { &self.store }
    }

    async fn find<A: Aggregate>(&self, id: impl Into<Uuid>) -> Result<Option<A>, Error> {
        Ok(persist::load::<A, S>(self.store_for(A::KIND), id).await?)
    }

    async fn get<A: Aggregate>(&self, id: impl Into<Uuid>) -> Result<A, Error> {
        let id = id.into();
        self.find(id).await?.ok_or(Error::NotFound { kind: A::KIND, id })
    }

    async fn save<A: Aggregate>(&self, current: Option<&A>, events: Vec<Envelope<A::Event>>) -> Result<A, Error> {
        let (next, change) = change_of(current, &events)?;
        self.store_for(A::KIND).commit(vec![change]).await?;
        Ok(next)
    }

    /// The one command path: verifies the actor for the command's action, loads the
    /// aggregate, decides and commits. Every command on an existing aggregate runs here.
    async fn execute<A>(&self, actor: Actor, id: impl Into<Uuid>, command: A::Command) -> Result<A, Error>
    where
        A: Decide,
        Error: From<A::Error>,
    {
        let (current, events) = self.decided::<A>(actor, id, &command).await?;
        self.save(Some(&current), events).await
    }

    /// [`execute`](Self::execute) up to the commit: the state decided on and its new events,
    /// for commands that check more before committing.
    async fn decided<A>(
        &self,
        actor: Actor,
        id: impl Into<Uuid>,
        command: &A::Command,
    ) -> Result<(A, Vec<Envelope<A::Event>>), Error>
    where
        A: Decide,
        Error: From<A::Error>,
    {
        let ctx = self.ctx(actor, A::action(command)).await?;
        let current: A = self.get(id).await?;
        let events = current.decide(command, &ctx)?;
        Ok((current, events))
    }

    /// Rebuilds an aggregate from its events, to audit that the stored state matches its history.
    pub async fn replayed<A: Aggregate>(&self, id: impl Into<Uuid>) -> Result<A, Error> {
        let id = id.into();
        let events = persist::history::<A, S>(self.store_for(A::KIND), id).await?;
        if events.is_empty() {
            return Err(Error::NotFound { kind: A::KIND, id });
        }
        Ok(crate::aggregate::replay(&events)?)
    }
}

/// The state `events` lead to from `current` (from nothing when `None`), and the change that
/// commits them guarded by `current`'s version.
fn change_of<A: Aggregate>(current: Option<&A>, events: &[Envelope<A::Event>]) -> Result<(A, Change), Error> {
    let next = crate::aggregate::continued(current.cloned(), events)?;
    let change = Change::of(current.map_or(Sequence::NONE, Aggregate::version), &next, events)?;
    Ok((next, change))
}
