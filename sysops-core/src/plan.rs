//! Support plans: what a customer pays monthly, what it covers, and the service targets it promises.

use crate::actor::{Action, Target, authorize};
use crate::aggregate::{Aggregate, Decide, Index};
use crate::ctx::Ctx;
use crate::deadline::ServiceHours;
use crate::error::{ReplayError, ValidationError};
use crate::event::{AggregateKind, Envelope, EventName, Sequence};
use crate::id::PlanId;
use crate::money::Money;
use crate::rule::{Refused, RuleError};
use crate::skill::{Priority, ProductCategory};
use crate::text::{Email, PlanName};
use chrono::Duration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// The deadlines a plan promises, copied onto each ticket when it is submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTargets {
    /// How long an expert has to accept or reject an assignment before it expires.
    pub answer_within: Duration,
    /// How long a ticket may wait for an accepted expert before it counts as waiting too long.
    pub respond_within: Duration,
    /// How long until the work should be completed.
    pub resolve_within: Duration,
    /// How long after completion the customer may still reopen the ticket.
    pub reopen_within: Duration,
}

impl ServiceTargets {
    /// Checks that every deadline counted from `from` (a submission or a reopening) stays in
    /// the accepted time range ([`crate::time`]), so no stored ticket shows a deadline past it.
    pub fn deadlines_from(&self, from: chrono::DateTime<chrono::Utc>) -> Result<(), ValidationError> {
        for (field, within) in [
            ("respond_by", self.respond_within),
            ("resolve_by", self.resolve_within),
            ("answer_by", self.answer_within),
            ("reopen_until", self.reopen_within),
        ] {
            crate::time::add(field, from, within)?;
        }
        Ok(())
    }

    /// Checks every target is positive and at most a year, and that responding fits within resolving.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let year = Duration::days(366);
        for (field, d) in [
            ("answer_within", self.answer_within),
            ("respond_within", self.respond_within),
            ("resolve_within", self.resolve_within),
            ("reopen_within", self.reopen_within),
        ] {
            if d <= Duration::zero() || d > year {
                return Err(ValidationError::OutOfRange {
                    field,
                    value: d.num_minutes(),
                    min: 1,
                    max: year.num_minutes(),
                });
            }
        }
        if self.respond_within > self.resolve_within {
            return Err(ValidationError::OutOfRange {
                field: "respond_within",
                value: self.respond_within.num_minutes(),
                min: 1,
                max: self.resolve_within.num_minutes(),
            });
        }
        Ok(())
    }
}

/// The terms of a new plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanTerms {
    /// Marketing name.
    pub name: PlanName,
    /// Monthly fee; must not be negative.
    pub monthly_fee: Money,
    /// Covered product categories; at least one.
    pub categories: BTreeSet<ProductCategory>,
    /// Ticket priority.
    pub priority: Priority,
    /// Service targets.
    pub targets: ServiceTargets,
    /// When the response and resolution targets' clock runs (plans defined before service
    /// hours existed run around the clock).
    #[serde(default)]
    pub hours: ServiceHours,
    /// Who hears when a ticket on the plan nears its response or resolution deadline
    /// (nobody when absent, and for plans defined before escalation existed).
    #[serde(default)]
    pub escalation: Option<Email>,
}

/// A support plan customers subscribe to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct SupportPlan {
    pub id: PlanId,
    pub terms: PlanTerms,
    /// Retired plans take no new customers; existing ones keep them.
    pub retired: bool,
    version: Sequence,
}

/// What happened to a plan. (A plan has one `Defined` event in its life: boxing its terms
/// would save nothing worth an indirection.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs, clippy::large_enum_variant)]
pub enum PlanEvent {
    /// The plan was defined.
    Defined {
        /// Its id.
        plan: PlanId,
        terms: PlanTerms,
    },
    /// The plan stopped taking new customers.
    Retired,
}

impl EventName for PlanEvent {
    fn name(&self) -> &'static str {
        match self {
            PlanEvent::Defined { .. } => "PlanDefined",
            PlanEvent::Retired => "PlanRetired",
        }
    }
}

/// A command to an existing plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum PlanCommand {
    /// Stop taking new customers.
    Retire,
}

impl SupportPlan {
    /// Decides the definition of a new plan.
    pub fn define(terms: PlanTerms, ctx: &Ctx<'_>) -> Result<Vec<Envelope<PlanEvent>>, Refused<RuleError>> {
        authorize(&ctx.actor, Action::DefinePlan, Target::default())?;
        if terms.monthly_fee.is_negative() {
            return Err(ValidationError::Negative { field: "monthly_fee" }.into());
        }
        if terms.categories.is_empty() {
            return Err(ValidationError::NoEntries { field: "categories" }.into());
        }
        terms.targets.validate()?;
        let plan: PlanId = ctx.new_id();
        Ok(ctx.stamp(plan, Sequence::NONE, vec![PlanEvent::Defined { plan, terms }]))
    }

    /// True when the plan covers `category`.
    pub fn covers(&self, category: ProductCategory) -> bool {
        self.terms.categories.contains(&category)
    }
}

impl Decide for SupportPlan {
    type Command = PlanCommand;
    type Error = Refused<RuleError>;

    fn action(command: &PlanCommand) -> Action {
        match command {
            PlanCommand::Retire => Action::RetirePlan,
        }
    }

    /// Decides a command.
    fn decide(&self, command: &PlanCommand, ctx: &Ctx<'_>) -> Result<Vec<Envelope<PlanEvent>>, Self::Error> {
        match command {
            PlanCommand::Retire => {
                authorize(&ctx.actor, Action::RetirePlan, Target::default())?;
                if self.retired {
                    return Err(RuleError::NoChange { action: Action::RetirePlan }.into());
                }
                Ok(ctx.stamp(self.id, self.version, vec![PlanEvent::Retired]))
            }
        }
    }
}

impl Aggregate for SupportPlan {
    const KIND: AggregateKind = AggregateKind::Plan;
    type Event = PlanEvent;

    fn id(&self) -> Uuid {
        self.id.as_uuid()
    }

    fn version(&self) -> Sequence {
        self.version
    }

    fn create(first: &Envelope<PlanEvent>) -> Result<Self, ReplayError> {
        match &first.payload {
            PlanEvent::Defined { plan, terms } => {
                Ok(SupportPlan { id: *plan, terms: terms.clone(), retired: false, version: first.sequence })
            }
            other => Err(ReplayError::DoesNotApply { event: other.name(), state: "nothing" }),
        }
    }

    fn evolve(&mut self, event: &Envelope<PlanEvent>) -> Result<(), ReplayError> {
        match &event.payload {
            PlanEvent::Retired if !self.retired => self.retired = true,
            other => return Err(ReplayError::DoesNotApply { event: other.name(), state: "SupportPlan" }),
        }
        self.version = event.sequence;
        Ok(())
    }

    fn index(&self) -> Index {
        Index::none()
    }
}

#[cfg(any(test, feature = "testing"))]
/// Targets: answer in 30 min, respond in 4 h, resolve in 2 days, reopen within 7 days.
pub fn sample_targets() -> ServiceTargets {
    ServiceTargets {
        answer_within: chrono::Duration::minutes(30),
        respond_within: chrono::Duration::hours(4),
        resolve_within: chrono::Duration::days(2),
        reopen_within: chrono::Duration::days(7),
    }
}
