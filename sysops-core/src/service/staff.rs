//! Staff accounts (UC-1): create, change, read, and their history.

use super::{Error, Service};
use crate::actor::{Action, Actor, Target, authorize};
use crate::event::Envelope;
use crate::id::UserId;
use crate::persist;
use crate::staff::{StaffAccount, StaffCommand, StaffEvent, StaffRole};
use crate::store::Store;
use crate::text::{Email, PersonName};

impl<S: Store> Service<S> {
    /// Creates a staff account. [`Actor::system`] may create the first administrator.
    pub async fn create_staff_account(
        &self,
        actor: Actor,
        name: PersonName,
        email: Email,
        role: StaffRole,
    ) -> Result<StaffAccount, Error> {
        let ctx = self.ctx(actor, Action::CreateStaffAccount).await?;
        self.save(None, StaffAccount::create(name, email, role, &ctx)?).await
    }

    /// Changes a staff account's role, deactivates or reactivates it.
    pub async fn change_staff_account(
        &self,
        actor: Actor,
        account: UserId,
        command: StaffCommand,
    ) -> Result<StaffAccount, Error> {
        self.execute(actor, account, command).await
    }

    /// A staff account (administrators and managers see all; others their own).
    pub async fn staff_account(&self, actor: Actor, account: UserId) -> Result<StaffAccount, Error> {
        let actor = self.verify(actor, Action::ViewStaffAccount).await?;
        authorize(&actor, Action::ViewStaffAccount, Target::owned_by(account))?;
        self.get(account).await
    }

    /// A staff account's full change history: who changed what, when.
    pub async fn staff_account_history(
        &self,
        actor: Actor,
        account: UserId,
    ) -> Result<Vec<Envelope<StaffEvent>>, Error> {
        self.staff_account(actor, account).await?;
        Ok(persist::history::<StaffAccount, S>(&self.store, account).await?)
    }
}
