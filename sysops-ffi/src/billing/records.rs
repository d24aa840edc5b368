//! What billing reads back: subscriptions, invoices with their lines, attempts, refunds and
//! administrators' actions, and the reports of the billing run and of a key rotation.

use crate::client::all;
use crate::enums::{Action, InvoiceStatus};
use crate::integrity::QuarantinedRecord;
use crate::types::Timestamp;
use crate::value::{Actor, Money};
use sysops_core as core;
use sysops_core::billing as bill;
use sysops_core::{CustomerId, InvoiceId};
use uuid::Uuid;

use super::card::CardOnFile;

/// What a subscription is from an instant on: a plan at its monthly fee, or cancelled.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct PlanSpan {
    /// When it took effect.
    pub since: Timestamp,
    /// `None` once cancelled (as are the name and the fee).
    pub plan: Option<Uuid>,
    pub plan_name: Option<String>,
    pub monthly_fee: Option<Money>,
}

impl From<bill::PlanSpan> for PlanSpan {
    fn from(s: bill::PlanSpan) -> Self {
        PlanSpan {
            since: s.from,
            plan: s.plan.as_ref().map(|p| p.plan.as_uuid()),
            plan_name: s.plan.as_ref().map(|p| p.name.to_string()),
            monthly_fee: s.plan.map(|p| p.monthly_fee.into()),
        }
    }
}

/// A customer's subscription: the card charged monthly and the plans billed over time.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct Subscription {
    pub customer: Uuid,
    /// True while a plan is billed.
    pub active: bool,
    pub card: CardOnFile,
    /// Every plan it was on, and its cancellations, in order (the last one is in force).
    pub spans: Vec<PlanSpan>,
}

impl From<bill::Subscription> for Subscription {
    fn from(s: bill::Subscription) -> Self {
        Subscription { customer: s.customer.as_uuid(), active: s.is_active(), card: s.card.into(), spans: all(s.spans) }
    }
}

/// Consecutive days of a month on one plan.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct InvoiceLine {
    pub plan: Uuid,
    pub description: String,
    /// The first day billed, `YYYY-MM-DD` (UTC).
    pub first_day: String,
    pub days: u32,
    /// `monthly fee × days ÷ days in the month`, rounded half away from zero to the cent.
    pub amount: Money,
}

impl From<bill::InvoiceLine> for InvoiceLine {
    fn from(l: bill::InvoiceLine) -> Self {
        InvoiceLine {
            plan: l.plan.as_uuid(),
            description: l.description.to_string(),
            first_day: l.first_day.to_string(),
            days: l.days,
            amount: l.amount.into(),
        }
    }
}

/// One charge asked of the gateway, and its answer once given.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct PaymentAttempt {
    pub number: u32,
    /// The idempotency key the gateway was given (the same for every retry of this attempt).
    pub key: String,
    pub card: Uuid,
    pub at: Timestamp,
    /// The gateway's id of the charge, when it charged.
    pub charge: Option<String>,
    /// The gateway's reason, when it declined.
    pub declined: Option<String>,
}

impl From<bill::PaymentAttempt> for PaymentAttempt {
    fn from(a: bill::PaymentAttempt) -> Self {
        let (charge, declined) = match a.outcome {
            Some(bill::AttemptOutcome::Charged { charge }) => (Some(charge), None),
            Some(bill::AttemptOutcome::Declined { reason }) => (None, Some(reason)),
            None => (None, None),
        };
        PaymentAttempt { number: a.number, key: a.key, card: a.card.as_uuid(), at: a.at, charge, declined }
    }
}

/// A refund of part or all of a paid invoice.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct Refund {
    pub number: u32,
    pub amount: Money,
    pub reason: String,
    pub by: Actor,
    pub at: Timestamp,
    /// The gateway's id of the refund, once it answered.
    pub refund: Option<String>,
}

impl From<bill::Refund> for Refund {
    fn from(r: bill::Refund) -> Self {
        Refund {
            number: r.number,
            amount: r.amount.into(),
            reason: r.reason.into(),
            by: r.by.into(),
            at: r.at,
            refund: r.refund,
        }
    }
}

/// An administrator's action on an invoice: what, why, who and when.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct AdminAction {
    pub action: Action,
    pub reason: String,
    pub by: Actor,
    pub at: Timestamp,
}

impl From<bill::AdminAction> for AdminAction {
    fn from(a: bill::AdminAction) -> Self {
        AdminAction { action: a.action, reason: a.reason.into(), by: a.by.into(), at: a.at }
    }
}

/// One month's bill of a subscription; its lines add up to its total.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct Invoice {
    pub id: Uuid,
    pub customer: Uuid,
    /// `YYYY-MM`.
    pub period: String,
    pub lines: Vec<InvoiceLine>,
    pub total: Money,
    pub issued_at: Timestamp,
    pub status: InvoiceStatus,
    /// When the next charge is due, while one is.
    pub next_attempt_at: Option<Timestamp>,
    pub attempts: Vec<PaymentAttempt>,
    pub refunds: Vec<Refund>,
    pub admin_actions: Vec<AdminAction>,
}

impl From<bill::Invoice> for Invoice {
    fn from(i: bill::Invoice) -> Self {
        Invoice {
            id: i.id.as_uuid(),
            customer: i.customer.as_uuid(),
            period: i.period.to_string(),
            lines: all(i.lines),
            total: i.total.into(),
            issued_at: i.issued_at,
            status: i.status,
            next_attempt_at: i.next_attempt_at,
            attempts: all(i.attempts),
            refunds: all(i.refunds),
            admin_actions: all(i.admin_actions),
        }
    }
}

/// A page of invoices, in id order.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct InvoicePage {
    pub invoices: Vec<Invoice>,
    /// Records of this page that could not be decoded.
    pub quarantined: Vec<QuarantinedRecord>,
    /// Pass as `after` for the next page; `None` on the last.
    pub next: Option<Uuid>,
}

/// A declined charge: the invoice and the gateway's reason.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct Declined {
    pub invoice: Uuid,
    pub reason: String,
}

/// What one billing run did: its bulk counted (a run over a million customers returns no
/// million ids), what needs attention listed.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct BillingReport {
    /// How many invoices this run issued.
    pub issued: u64,
    /// How many invoices this run charged successfully.
    pub paid: u64,
    pub declined: Vec<Declined>,
    /// Charges that got no answer, even when asked once more at the end of the run: the next
    /// run asks again with the same key.
    pub unanswered: Vec<Uuid>,
    /// Customers suspended: every scheduled charge of an invoice failed.
    pub suspended: Vec<Uuid>,
    /// Customers whose suspension was lifted.
    pub reinstated: Vec<Uuid>,
    pub quarantined: Vec<QuarantinedRecord>,
}

impl From<core::BillingReport> for BillingReport {
    fn from(r: core::BillingReport) -> Self {
        let ids = |v: Vec<InvoiceId>| v.into_iter().map(|i| i.as_uuid()).collect();
        let customers = |v: Vec<CustomerId>| v.into_iter().map(|c| c.as_uuid()).collect();
        BillingReport {
            issued: r.issued,
            paid: r.paid,
            declined: r.declined.into_iter().map(|(i, reason)| Declined { invoice: i.as_uuid(), reason }).collect(),
            unanswered: ids(r.unanswered),
            suspended: customers(r.suspended),
            reinstated: customers(r.reinstated),
            quarantined: all(r.quarantined),
        }
    }
}

/// What a key rotation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct RotationReport {
    /// Cards re-encrypted under the current key.
    pub rotated: u64,
    /// Cards that were under it already.
    pub current: u64,
}
