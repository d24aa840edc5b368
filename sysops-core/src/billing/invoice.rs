//! Invoices: one per subscription and month, paid through the gateway, retried on a schedule,
//! and settled by administrators when payment fails for good.
//!
//! Every call to the payment gateway is recorded *before* it is made, with the idempotency
//! key it uses (a payment attempt, a refund), and its answer after. A crash in between leaves
//! the attempt pending, and the next run asks the gateway again with the same key, so the
//! gateway, which honours keys, charges or refunds at most once per key.

use super::error::BillingError;
use super::period::{BillingPeriod, InvoiceLine};
use crate::actor::{Action, Actor, Target, authorize};
use crate::aggregate::{Aggregate, Decide, Index};
use crate::ctx::Ctx;
use crate::error::{ReplayError, ValidationError};
use crate::event::{AggregateKind, Envelope, EventName, Sequence};
use crate::id::{CardToken, CustomerId, InvoiceId, SubscriptionId};
use crate::money::Money;
use crate::rule::Refused;
use crate::text::Reason;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Days after the first failed payment at which it is tried again; after the last retry
/// fails, the invoice is uncollectible and the customer's account suspended.
pub const RETRY_AFTER_DAYS: [i64; 3] = [1, 3, 7];

/// Where an invoice stands.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, eq, eq_int, hash, from_py_object, rename_all = "SCREAMING_SNAKE_CASE", module = "sysops")
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum InvoiceStatus {
    /// Issued, not yet charged.
    Open,
    /// A charge was declined; another attempt is scheduled.
    PaymentFailed,
    /// Every scheduled attempt was declined: the customer's account is suspended until an
    /// administrator's retry succeeds, or the invoice is voided or written off.
    Uncollectible,
    /// Charged (refunds may follow).
    Paid,
    /// Cancelled by an administrator before it was paid.
    Void,
    /// Given up on by an administrator.
    WrittenOff,
}

impl InvoiceStatus {
    /// A stable name for storage columns.
    pub const fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Open => "open",
            InvoiceStatus::PaymentFailed => "payment_failed",
            InvoiceStatus::Uncollectible => "uncollectible",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Void => "void",
            InvoiceStatus::WrittenOff => "written_off",
        }
    }

    /// True while money is still to be collected.
    pub const fn is_unpaid(self) -> bool {
        matches!(self, InvoiceStatus::Open | InvoiceStatus::PaymentFailed | InvoiceStatus::Uncollectible)
    }
}

/// The gateway's answer to a charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttemptOutcome {
    /// The card was charged; the gateway's reference.
    Charged {
        /// The gateway's id of the charge.
        charge: String,
    },
    /// The card was declined.
    Declined {
        /// The gateway's reason.
        reason: String,
    },
}

/// One call to the gateway for money: a charge of the invoice, or a refund of part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentAttempt {
    /// 1 for the first attempt, counting up.
    pub number: u32,
    /// The idempotency key the gateway was given: the same for every retry of this attempt.
    pub key: String,
    /// The card charged.
    pub card: CardToken,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// The answer, once the gateway gave one.
    pub outcome: Option<AttemptOutcome>,
}

/// A refund of part or all of a paid invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// 1 for the first refund, counting up.
    pub number: u32,
    /// The idempotency key the gateway was given.
    pub key: String,
    /// How much.
    pub amount: Money,
    /// Why (required of the administrator).
    pub reason: Reason,
    /// Who asked, and when.
    pub by: Actor,
    /// When it was asked.
    pub at: DateTime<Utc>,
    /// The gateway's id of the refund, once it answered.
    pub refund: Option<String>,
}

/// An administrator's action on an invoice, with who, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminAction {
    /// The action (retry, void, write off; refunds are in [`Invoice::refunds`]).
    pub action: Action,
    /// Why.
    pub reason: Reason,
    /// Who.
    pub by: Actor,
    /// When.
    pub at: DateTime<Utc>,
}

/// One month's bill of a subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct Invoice {
    pub id: InvoiceId,
    pub subscription: SubscriptionId,
    pub customer: CustomerId,
    pub period: BillingPeriod,
    /// The prorated lines; they add up to `total`.
    pub lines: Vec<InvoiceLine>,
    pub total: Money,
    pub issued_at: DateTime<Utc>,
    pub status: InvoiceStatus,
    /// When the next charge is due, while one is.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub attempts: Vec<PaymentAttempt>,
    pub refunds: Vec<Refund>,
    pub admin_actions: Vec<AdminAction>,
    version: Sequence,
}

/// What happened to an invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum InvoiceEvent {
    /// The billing run issued the invoice.
    Issued {
        invoice: InvoiceId,
        subscription: SubscriptionId,
        customer: CustomerId,
        period: BillingPeriod,
        lines: Vec<InvoiceLine>,
        total: Money,
    },
    /// A charge is about to be asked of the gateway with `key`.
    AttemptStarted { number: u32, key: String, card: CardToken },
    /// The gateway charged the card.
    Charged { number: u32, charge: String },
    /// The gateway declined; `retry_at` is when the next attempt is due, if any is left.
    Declined { number: u32, reason: String, retry_at: Option<DateTime<Utc>> },
    /// An administrator asked for a charge now.
    RetryRequested { reason: Reason },
    /// A refund is about to be asked of the gateway with `key`.
    RefundStarted { number: u32, key: String, amount: Money, reason: Reason },
    /// The gateway refunded.
    Refunded { number: u32, refund: String },
    /// An administrator voided the unpaid invoice.
    Voided { reason: Reason },
    /// An administrator wrote the unpaid invoice off.
    WrittenOff { reason: Reason },
}

impl EventName for InvoiceEvent {
    fn name(&self) -> &'static str {
        match self {
            InvoiceEvent::Issued { .. } => "InvoiceIssued",
            InvoiceEvent::AttemptStarted { .. } => "PaymentAttemptStarted",
            InvoiceEvent::Charged { .. } => "PaymentCharged",
            InvoiceEvent::Declined { .. } => "PaymentDeclined",
            InvoiceEvent::RetryRequested { .. } => "PaymentRetryRequested",
            InvoiceEvent::RefundStarted { .. } => "RefundStarted",
            InvoiceEvent::Refunded { .. } => "PaymentRefunded",
            InvoiceEvent::Voided { .. } => "InvoiceVoided",
            InvoiceEvent::WrittenOff { .. } => "InvoiceWrittenOff",
        }
    }
}

/// A command to an existing invoice.
#[derive(Debug, Clone, PartialEq)]
pub enum InvoiceCommand {
    /// Record that a charge of `card` is about to be asked (the billing run, or an
    /// administrator's retry). Refused while another attempt awaits its answer.
    StartAttempt {
        /// The card on file now.
        card: CardToken,
    },
    /// Record the gateway's answer to the pending attempt.
    RecordOutcome(AttemptOutcome),
    /// An administrator asks for a charge now.
    RetryNow(Reason),
    /// An administrator refunds `amount` of what was paid.
    StartRefund {
        /// How much; more than zero and at most what was paid and not yet refunded.
        amount: Money,
        /// Why.
        reason: Reason,
    },
    /// Record the gateway's id of the pending refund.
    RecordRefund {
        /// The gateway's id of the refund.
        refund: String,
    },
    /// An administrator voids the unpaid invoice.
    Void(Reason),
    /// An administrator writes the unpaid invoice off.
    WriteOff(Reason),
}

impl Invoice {
    /// Decides the invoice of `subscription` for `period` with `lines`. A total of zero is
    /// issued as paid.
    pub fn issue(
        subscription: SubscriptionId,
        customer: CustomerId,
        period: BillingPeriod,
        lines: Vec<InvoiceLine>,
        ctx: &Ctx<'_>,
    ) -> Result<Vec<Envelope<InvoiceEvent>>, Refused<BillingError>> {
        authorize(&ctx.actor, Action::RunBilling, Target::default())?;
        let Some(first) = lines.first() else {
            return Err(ValidationError::NoEntries { field: "invoice lines" }.into());
        };
        let mut total = Money::zero(first.amount.currency());
        for line in &lines {
            total = total.checked_add(line.amount)?;
        }
        let invoice = InvoiceId::of(subscription, period.ordinal());
        Ok(ctx.stamp(
            invoice,
            Sequence::NONE,
            vec![InvoiceEvent::Issued { invoice, subscription, customer, period, lines, total }],
        ))
    }

    /// The attempt awaiting the gateway's answer, if one is.
    pub fn pending_attempt(&self) -> Option<&PaymentAttempt> {
        self.attempts.last().filter(|a| a.outcome.is_none())
    }

    /// The refund awaiting the gateway's answer, if one is.
    pub fn pending_refund(&self) -> Option<&Refund> {
        self.refunds.last().filter(|r| r.refund.is_none())
    }

    /// True when the billing run should charge now: unpaid, due, and not waiting on an answer
    /// (a pending attempt is resumed with its own key instead).
    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.status.is_unpaid() && self.pending_attempt().is_none() && self.next_attempt_at.is_some_and(|at| at <= now)
    }

    /// What was charged.
    pub fn paid(&self) -> Money {
        if self.attempts.iter().any(|a| matches!(a.outcome, Some(AttemptOutcome::Charged { .. }))) {
            self.total
        } else {
            Money::zero(self.total.currency())
        }
    }

    /// What was refunded or is being refunded.
    pub fn refunded(&self) -> Result<Money, ValidationError> {
        self.refunds.iter().try_fold(Money::zero(self.total.currency()), |sum, r| sum.checked_add(r.amount))
    }

    /// The idempotency key of attempt `number`: the same for every retry of that attempt.
    pub fn attempt_key(&self, number: u32) -> String {
        format!("invoice-{}-charge-{number}", self.id)
    }

    fn not_actionable(&self, action: Action) -> Refused<BillingError> {
        BillingError::InvoiceNotActionable { invoice: self.id, status: self.status, action }.into()
    }

    fn declined(&self, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, ValidationError> {
        let failures = self.attempts.iter().filter(|a| matches!(a.outcome, Some(AttemptOutcome::Declined { .. })));
        let first_failure = failures.clone().next().map_or(now, |a| a.at);
        // This decline is failure number `count + 1`; retries are counted from the first one.
        let count = failures.count();
        match RETRY_AFTER_DAYS.get(count) {
            Some(days) => crate::time::add("retry_at", first_failure, Duration::days(*days)).map(Some),
            None => Ok(None),
        }
    }
}

impl Decide for Invoice {
    type Command = InvoiceCommand;
    type Error = Refused<BillingError>;

    fn action(command: &InvoiceCommand) -> Action {
        match command {
            InvoiceCommand::StartAttempt { .. } | InvoiceCommand::RecordOutcome(_) => Action::RunBilling,
            InvoiceCommand::RetryNow(_) => Action::RetryPayment,
            InvoiceCommand::StartRefund { .. } | InvoiceCommand::RecordRefund { .. } => Action::RefundPayment,
            InvoiceCommand::Void(_) => Action::VoidInvoice,
            InvoiceCommand::WriteOff(_) => Action::WriteOffInvoice,
        }
    }

    fn decide(&self, command: &InvoiceCommand, ctx: &Ctx<'_>) -> Result<Vec<Envelope<InvoiceEvent>>, Self::Error> {
        let action = Self::action(command);
        authorize(&ctx.actor, action, Target::owned_by(self.customer))?;
        let event = match command {
            InvoiceCommand::StartAttempt { card } => {
                if !self.status.is_unpaid() || self.pending_attempt().is_some() {
                    return Err(self.not_actionable(action));
                }
                let number = u32::try_from(self.attempts.len()).unwrap_or(u32::MAX).saturating_add(1);
                InvoiceEvent::AttemptStarted { number, key: self.attempt_key(number), card: *card }
            }
            InvoiceCommand::RecordOutcome(outcome) => {
                let Some(pending) = self.pending_attempt() else {
                    return Err(self.not_actionable(action));
                };
                match outcome {
                    AttemptOutcome::Charged { charge } => {
                        InvoiceEvent::Charged { number: pending.number, charge: charge.clone() }
                    }
                    AttemptOutcome::Declined { reason } => InvoiceEvent::Declined {
                        number: pending.number,
                        reason: reason.clone(),
                        retry_at: self.declined(ctx.now)?,
                    },
                }
            }
            InvoiceCommand::RetryNow(reason) => {
                if !self.status.is_unpaid() || self.pending_attempt().is_some() {
                    return Err(self.not_actionable(action));
                }
                InvoiceEvent::RetryRequested { reason: reason.clone() }
            }
            InvoiceCommand::StartRefund { amount, reason } => {
                if self.status != InvoiceStatus::Paid || self.pending_refund().is_some() {
                    return Err(self.not_actionable(action));
                }
                if amount.is_negative() || amount.amount().is_zero() {
                    return Err(BillingError::NotPositive { field: "refund amount" }.into());
                }
                let refundable = self.paid().checked_sub(self.refunded()?)?;
                if amount.currency() != refundable.currency() || amount.amount() > refundable.amount() {
                    return Err(BillingError::RefundTooLarge { invoice: self.id, refundable, asked: *amount }.into());
                }
                let number = u32::try_from(self.refunds.len()).unwrap_or(u32::MAX).saturating_add(1);
                let key = format!("invoice-{}-refund-{number}", self.id);
                InvoiceEvent::RefundStarted { number, key, amount: *amount, reason: reason.clone() }
            }
            InvoiceCommand::RecordRefund { refund } => {
                let Some(pending) = self.pending_refund() else {
                    return Err(self.not_actionable(action));
                };
                InvoiceEvent::Refunded { number: pending.number, refund: refund.clone() }
            }
            InvoiceCommand::Void(reason) | InvoiceCommand::WriteOff(reason) => {
                if !self.status.is_unpaid() || self.pending_attempt().is_some() {
                    return Err(self.not_actionable(action));
                }
                if matches!(command, InvoiceCommand::Void(_)) {
                    InvoiceEvent::Voided { reason: reason.clone() }
                } else {
                    InvoiceEvent::WrittenOff { reason: reason.clone() }
                }
            }
        };
        Ok(ctx.stamp(self.id, self.version, vec![event]))
    }
}

impl Aggregate for Invoice {
    const KIND: AggregateKind = AggregateKind::Invoice;
    type Event = InvoiceEvent;

    fn id(&self) -> Uuid {
        self.id.as_uuid()
    }

    fn version(&self) -> Sequence {
        self.version
    }

    fn create(first: &Envelope<InvoiceEvent>) -> Result<Self, ReplayError> {
        match &first.payload {
            InvoiceEvent::Issued { invoice, subscription, customer, period, lines, total } => {
                let free = total.amount().is_zero();
                Ok(Invoice {
                    id: *invoice,
                    subscription: *subscription,
                    customer: *customer,
                    period: *period,
                    lines: lines.clone(),
                    total: *total,
                    issued_at: first.at,
                    status: if free { InvoiceStatus::Paid } else { InvoiceStatus::Open },
                    next_attempt_at: if free { None } else { Some(first.at) },
                    attempts: Vec::new(),
                    refunds: Vec::new(),
                    admin_actions: Vec::new(),
                    version: first.sequence,
                })
            }
            other => Err(ReplayError::DoesNotApply { event: other.name(), state: "nothing" }),
        }
    }

    fn evolve(&mut self, event: &Envelope<InvoiceEvent>) -> Result<(), ReplayError> {
        let does_not_apply = |e: &InvoiceEvent| ReplayError::DoesNotApply { event: e.name(), state: "Invoice" };
        let admin =
            |action, reason: &Reason| AdminAction { action, reason: reason.clone(), by: event.by, at: event.at };
        let unpaid = self.status.is_unpaid();
        match &event.payload {
            InvoiceEvent::AttemptStarted { number, key, card } if unpaid && self.pending_attempt().is_none() => {
                self.attempts.push(PaymentAttempt {
                    number: *number,
                    key: key.clone(),
                    card: *card,
                    at: event.at,
                    outcome: None,
                });
            }
            e @ (InvoiceEvent::Charged { number, .. } | InvoiceEvent::Declined { number, .. }) => {
                let pending = self.attempts.last_mut().filter(|a| a.outcome.is_none() && a.number == *number);
                let Some(pending) = pending else { return Err(does_not_apply(e)) };
                match e {
                    InvoiceEvent::Charged { charge, .. } => {
                        pending.outcome = Some(AttemptOutcome::Charged { charge: charge.clone() });
                        self.status = InvoiceStatus::Paid;
                        self.next_attempt_at = None;
                    }
                    InvoiceEvent::Declined { reason, retry_at, .. } => {
                        pending.outcome = Some(AttemptOutcome::Declined { reason: reason.clone() });
                        self.status = if retry_at.is_some() {
                            InvoiceStatus::PaymentFailed
                        } else {
                            InvoiceStatus::Uncollectible
                        };
                        self.next_attempt_at = *retry_at;
                    }
                    _ => return Err(does_not_apply(e)),
                }
            }
            InvoiceEvent::RetryRequested { reason } if unpaid => {
                self.admin_actions.push(admin(Action::RetryPayment, reason));
                self.next_attempt_at = Some(event.at);
            }
            InvoiceEvent::RefundStarted { number, key, amount, reason } if self.status == InvoiceStatus::Paid => {
                self.refunds.push(Refund {
                    number: *number,
                    key: key.clone(),
                    amount: *amount,
                    reason: reason.clone(),
                    by: event.by,
                    at: event.at,
                    refund: None,
                });
            }
            e @ InvoiceEvent::Refunded { number, refund } => {
                let pending = self.refunds.last_mut().filter(|r| r.refund.is_none() && r.number == *number);
                let Some(pending) = pending else { return Err(does_not_apply(e)) };
                pending.refund = Some(refund.clone());
            }
            InvoiceEvent::Voided { reason } if unpaid => {
                self.admin_actions.push(admin(Action::VoidInvoice, reason));
                self.status = InvoiceStatus::Void;
                self.next_attempt_at = None;
            }
            InvoiceEvent::WrittenOff { reason } if unpaid => {
                self.admin_actions.push(admin(Action::WriteOffInvoice, reason));
                self.status = InvoiceStatus::WrittenOff;
                self.next_attempt_at = None;
            }
            other => return Err(does_not_apply(other)),
        }
        self.version = event.sequence;
        Ok(())
    }

    fn index(&self) -> Index {
        Index::of(InvoiceIndex {
            customer: self.customer,
            period: self.period,
            status: self.status,
            next_attempt_at: self.next_attempt_at,
            pending: self.pending_attempt().is_some() || self.pending_refund().is_some(),
        })
    }
}

/// The columns invoices are listed by: a customer's statements, and the billing run's work
/// (unpaid invoices whose next charge is due, and gateway calls awaiting their answer).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct InvoiceIndex {
    pub customer: CustomerId,
    pub period: BillingPeriod,
    pub status: InvoiceStatus,
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// A charge or refund awaits the gateway's answer.
    pub pending: bool,
}
