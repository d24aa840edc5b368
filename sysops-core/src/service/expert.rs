//! Expert profiles: registration, updates, look-ups and the expert search.

use super::{Error, Service};
use crate::actor::{Action, Actor, Target, authorize};
use crate::aggregate::Aggregate;
use crate::expert::{Expert, ExpertCommand, ExpertProfile, ExpertQuery};
use crate::id::{ExpertId, UserId};
use crate::persist::{Listing, Page, decode_state};
use crate::rule::RuleError;
use crate::staff::StaffAccount;
use crate::store::Store;

impl<S: Store> Service<S> {
    /// Registers the expert profile of an expert staff account.
    pub async fn register_expert(
        &self,
        actor: Actor,
        account: UserId,
        profile: ExpertProfile,
    ) -> Result<Expert, Error> {
        let ctx = self.ctx(actor, Action::RegisterExpert).await?;
        let staff: StaffAccount = self.get(account).await?;
        if self.find::<Expert>(account).await?.is_some() {
            return Err(RuleError::AlreadyExists { kind: Expert::KIND, id: account.as_uuid() }.into());
        }
        self.save(None, Expert::register(&staff, profile, &ctx)?).await
    }

    /// Changes an expert's skills, area, hours, time off, capacity or active flag.
    pub async fn update_expert(&self, actor: Actor, expert: ExpertId, command: ExpertCommand) -> Result<Expert, Error> {
        self.execute(actor, expert, command).await
    }

    /// An expert's profile (staff see all; an expert their own).
    pub async fn expert(&self, actor: Actor, expert: ExpertId) -> Result<Expert, Error> {
        let actor = self.verify(actor, Action::ViewExpert).await?;
        authorize(&actor, Action::ViewExpert, Target::owned_by(expert))?;
        self.get(expert).await
    }

    /// Experts matching `query`; records that do not decode are skipped and listed apart.
    pub async fn find_experts(&self, actor: Actor, query: ExpertQuery, page: Page) -> Result<Listing<Expert>, Error> {
        let actor = self.verify(actor, Action::FindExperts).await?;
        authorize(&actor, Action::FindExperts, Target::default())?;
        let rows = self.store.experts(query, page).await?;
        Ok(Listing::decode(&rows, page, decode_state)?)
    }
}
