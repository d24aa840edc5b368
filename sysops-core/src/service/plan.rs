//! Support plans: define, retire, read.

use super::{Error, Service};
use crate::actor::{Action, Actor};
use crate::id::PlanId;
use crate::plan::{PlanCommand, PlanTerms, SupportPlan};
use crate::store::Store;

impl<S: Store> Service<S> {
    /// Defines a support plan.
    pub async fn define_plan(&self, actor: Actor, terms: PlanTerms) -> Result<SupportPlan, Error> {
        let ctx = self.ctx(actor, Action::DefinePlan).await?;
        self.save(None, SupportPlan::define(terms, &ctx)?).await
    }

    /// Retires a plan: existing customers keep it, new ones cannot choose it.
    pub async fn retire_plan(&self, actor: Actor, plan: PlanId) -> Result<SupportPlan, Error> {
        self.execute(actor, plan, PlanCommand::Retire).await
    }

    /// A plan; everyone may read plans.
    pub async fn plan(&self, actor: Actor, plan: PlanId) -> Result<SupportPlan, Error> {
        self.verify(actor, Action::ViewPlan).await?;
        self.get(plan).await
    }
}
