//! Subscriptions: which plan a customer pays for, since when, with which card on file.

use super::card::CardOnFile;
use super::error::BillingError;
use super::period::{BilledPlan, PlanSpan};
use crate::actor::{Action, Target, authorize};
use crate::aggregate::{Aggregate, Decide, Index};
use crate::ctx::Ctx;
use crate::error::ReplayError;
use crate::event::{AggregateKind, Envelope, EventName, Sequence};
use crate::id::{CustomerId, SubscriptionId};
use crate::plan::SupportPlan;
use crate::rule::{Refused, RuleError};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A customer's subscription: the plans it was on over time (the spans the billing run
/// prorates) and the card it is charged to. It shares its customer's id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Subscription {
    pub id: SubscriptionId,
    pub customer: CustomerId,
    /// The card charged each month.
    pub card: CardOnFile,
    /// Every plan it was on, and its cancellations, in effective order.
    pub spans: Vec<PlanSpan>,
    version: Sequence,
}

/// What happened to a subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum SubscriptionEvent {
    /// The customer subscribed to a plan with a card.
    Started { subscription: SubscriptionId, customer: CustomerId, plan: BilledPlan, card: CardOnFile },
    /// Another plan from now on.
    PlanChanged { plan: BilledPlan },
    /// Another card is charged from now on.
    CardReplaced { card: CardOnFile },
    /// No plan from now on; already billed days stay billed.
    Cancelled,
    /// A cancelled subscription takes a plan again.
    Resumed { plan: BilledPlan },
}

impl EventName for SubscriptionEvent {
    fn name(&self) -> &'static str {
        match self {
            SubscriptionEvent::Started { .. } => "SubscriptionStarted",
            SubscriptionEvent::PlanChanged { .. } => "SubscriptionPlanChanged",
            SubscriptionEvent::CardReplaced { .. } => "SubscriptionCardReplaced",
            SubscriptionEvent::Cancelled => "SubscriptionCancelled",
            SubscriptionEvent::Resumed { .. } => "SubscriptionResumed",
        }
    }
}

/// A command to an existing subscription.
#[derive(Debug, Clone, PartialEq)]
pub enum SubscriptionCommand {
    /// Move to `plan` (which must take customers); resumes a cancelled subscription.
    ChangePlan(SupportPlan),
    /// Charge another card, already in the vault.
    ReplaceCard(CardOnFile),
    /// Stop the subscription at once.
    Cancel,
}

fn billed(plan: &SupportPlan) -> Result<BilledPlan, Refused<BillingError>> {
    if plan.retired {
        return Err(BillingError::Rule(RuleError::PlanRetired { plan: plan.id }).into());
    }
    Ok(BilledPlan { plan: plan.id, name: plan.terms.name.clone(), monthly_fee: plan.terms.monthly_fee })
}

impl Subscription {
    /// Decides a new subscription of `customer` to `plan`, charged to `card`. The card must
    /// not have expired; the plan must take customers.
    pub fn start(
        customer: CustomerId,
        plan: &SupportPlan,
        card: CardOnFile,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<Envelope<SubscriptionEvent>>, Refused<BillingError>> {
        authorize(&ctx.actor, Action::StartSubscription, Target::owned_by(customer))?;
        if card.expiry.has_expired(ctx.now) {
            return Err(BillingError::CardExpired { customer }.into());
        }
        let subscription = SubscriptionId::from(customer);
        let plan = billed(plan)?;
        Ok(ctx.stamp(
            subscription,
            Sequence::NONE,
            vec![SubscriptionEvent::Started { subscription, customer, plan, card }],
        ))
    }

    /// The plan billed now, or `None` once cancelled.
    pub fn plan(&self) -> Option<&BilledPlan> {
        self.spans.last().and_then(|s| s.plan.as_ref())
    }

    /// True while a plan is billed.
    pub fn is_active(&self) -> bool {
        self.plan().is_some()
    }
}

impl Decide for Subscription {
    type Command = SubscriptionCommand;
    type Error = Refused<BillingError>;

    fn action(command: &SubscriptionCommand) -> Action {
        match command {
            SubscriptionCommand::ChangePlan(_) => Action::ChangeCustomerPlan,
            SubscriptionCommand::ReplaceCard(_) => Action::ReplaceCard,
            SubscriptionCommand::Cancel => Action::CancelSubscription,
        }
    }

    fn decide(
        &self,
        command: &SubscriptionCommand,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<Envelope<SubscriptionEvent>>, Self::Error> {
        authorize(&ctx.actor, Self::action(command), Target::owned_by(self.customer))?;
        let no_change = || Refused::Rule(BillingError::Rule(RuleError::NoChange { action: Self::action(command) }));
        let event = match command {
            SubscriptionCommand::ChangePlan(plan) => {
                let plan = billed(plan)?;
                match self.plan() {
                    Some(current) if current.plan == plan.plan => return Err(no_change()),
                    Some(_) => SubscriptionEvent::PlanChanged { plan },
                    None => SubscriptionEvent::Resumed { plan },
                }
            }
            SubscriptionCommand::ReplaceCard(card) => {
                if card.expiry.has_expired(ctx.now) {
                    return Err(BillingError::CardExpired { customer: self.customer }.into());
                }
                if card.token == self.card.token {
                    return Err(no_change());
                }
                SubscriptionEvent::CardReplaced { card: card.clone() }
            }
            SubscriptionCommand::Cancel => {
                if !self.is_active() {
                    return Err(BillingError::NoActiveSubscription { customer: self.customer }.into());
                }
                SubscriptionEvent::Cancelled
            }
        };
        Ok(ctx.stamp(self.id, self.version, vec![event]))
    }
}

impl Aggregate for Subscription {
    const KIND: AggregateKind = AggregateKind::Subscription;
    type Event = SubscriptionEvent;

    fn id(&self) -> Uuid {
        self.id.as_uuid()
    }

    fn version(&self) -> Sequence {
        self.version
    }

    fn create(first: &Envelope<SubscriptionEvent>) -> Result<Self, ReplayError> {
        match &first.payload {
            SubscriptionEvent::Started { subscription, customer, plan, card } => Ok(Subscription {
                id: *subscription,
                customer: *customer,
                card: card.clone(),
                spans: vec![PlanSpan { from: first.at, plan: Some(plan.clone()) }],
                version: first.sequence,
            }),
            other => Err(ReplayError::DoesNotApply { event: other.name(), state: "nothing" }),
        }
    }

    fn evolve(&mut self, event: &Envelope<SubscriptionEvent>) -> Result<(), ReplayError> {
        let active = self.is_active();
        match &event.payload {
            SubscriptionEvent::PlanChanged { plan } if active => {
                self.spans.push(PlanSpan { from: event.at, plan: Some(plan.clone()) });
            }
            SubscriptionEvent::Resumed { plan } if !active => {
                self.spans.push(PlanSpan { from: event.at, plan: Some(plan.clone()) });
            }
            SubscriptionEvent::Cancelled if active => self.spans.push(PlanSpan { from: event.at, plan: None }),
            SubscriptionEvent::CardReplaced { card } => self.card = card.clone(),
            other => return Err(ReplayError::DoesNotApply { event: other.name(), state: "Subscription" }),
        }
        self.version = event.sequence;
        Ok(())
    }

    fn index(&self) -> Index {
        Index::of(SubscriptionIndex { customer: self.customer, active: self.is_active() })
    }
}

/// The columns subscriptions are listed by: the billing run pages through every
/// subscription that was active at some point (cancelled ones may still owe a last month).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct SubscriptionIndex {
    pub customer: CustomerId,
    pub active: bool,
}
