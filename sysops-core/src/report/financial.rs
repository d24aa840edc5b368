//! The financial report: per billing month, plan and currency, what was invoiced and
//! collected, refunded, still owed, declined, written off and voided, to the cent; and the
//! invoice facts it is computed from.

use super::facts::PlanFacts;
use super::{ReportLag, ReportRange};
use crate::billing::{BillingPeriod, InvoiceEvent, InvoiceStatus};
use crate::event::{Envelope, Sequence};
use crate::id::{CustomerId, InvoiceId, PlanId};
use crate::money::{Currency, Money};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// One invoice as the financial report sees it, amounts in the currency's minor units
/// (cents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct InvoiceFacts {
    pub invoice: InvoiceId,
    pub customer: CustomerId,
    /// The plan of its last line: the customer's plan at the end of the month.
    pub plan: PlanId,
    pub period: BillingPeriod,
    pub currency: Currency,
    pub total_minor: i64,
    pub status: InvoiceStatus,
    /// Charges declined.
    pub declined: u32,
    /// Refunds completed, summed.
    pub refunded_minor: i64,
    /// The refund asked for and not yet confirmed: its number and amount.
    pub refund_pending: Option<(u32, i64)>,
    /// The last event of the invoice folded in.
    pub version: Sequence,
}

/// `money` in its currency's minor units; `None` past what fits.
pub fn minor_units(money: Money) -> Option<i64> {
    let scale = Decimal::from(10_i64.checked_pow(money.currency().minor_units())?);
    money.amount().checked_mul(scale)?.round().to_i64()
}

/// `minor` minor units of `currency` as money.
pub fn from_minor_units(minor: i64, currency: Currency) -> Money {
    Money::new(Decimal::new(minor, currency.minor_units()), currency)
}

impl InvoiceFacts {
    /// The facts of an invoice whose first event is `issued`; `None` for any other event
    /// (or an invoice without lines or past what fits).
    pub fn issued(issued: &Envelope<InvoiceEvent>) -> Option<Self> {
        let InvoiceEvent::Issued { invoice, customer, period, lines, total, .. } = &issued.payload else {
            return None;
        };
        Some(Self {
            invoice: *invoice,
            customer: *customer,
            plan: lines.last()?.plan,
            period: *period,
            currency: total.currency(),
            total_minor: minor_units(*total)?,
            status: InvoiceStatus::Open,
            declined: 0,
            refunded_minor: 0,
            refund_pending: None,
            version: issued.sequence,
        })
    }

    /// Folds in the invoice's next event; one already folded in changes nothing.
    pub fn apply(&mut self, event: &Envelope<InvoiceEvent>) {
        if event.sequence <= self.version {
            return;
        }
        match &event.payload {
            InvoiceEvent::Charged { .. } => self.status = InvoiceStatus::Paid,
            InvoiceEvent::Declined { retry_at, .. } => {
                self.declined = self.declined.saturating_add(1);
                self.status =
                    if retry_at.is_some() { InvoiceStatus::PaymentFailed } else { InvoiceStatus::Uncollectible };
            }
            InvoiceEvent::RefundStarted { number, amount, .. } => {
                self.refund_pending = minor_units(*amount).map(|minor| (*number, minor));
            }
            InvoiceEvent::Refunded { number, .. } => {
                if let Some((_, minor)) = self.refund_pending.take_if(|(pending, _)| pending == number) {
                    self.refunded_minor = self.refunded_minor.saturating_add(minor);
                }
            }
            InvoiceEvent::Voided { .. } => self.status = InvoiceStatus::Void,
            InvoiceEvent::WrittenOff { .. } => self.status = InvoiceStatus::WrittenOff,
            InvoiceEvent::Issued { .. } | InvoiceEvent::AttemptStarted { .. } | InvoiceEvent::RetryRequested { .. } => {
            }
        }
        self.version = event.sequence;
    }
}

/// One group of the financial report: the invoices of one billing month under one plan in
/// one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct FinancialRow {
    pub period: BillingPeriod,
    /// The plan of each invoice's last line.
    pub plan: PlanId,
    /// Its name; empty when unknown.
    pub plan_name: String,
    pub currency: Currency,
    /// Invoices issued.
    pub invoices: u64,
    /// Their totals: the month's revenue billed.
    pub invoiced: Money,
    /// The totals of those paid.
    pub collected: Money,
    /// Refunds completed.
    pub refunded: Money,
    /// `collected` less `refunded`.
    pub net: Money,
    /// Invoices still unpaid (open, failing or uncollectible).
    pub outstanding_invoices: u64,
    pub outstanding: Money,
    /// Charges declined.
    pub failed_payments: u64,
    /// Invoices whose last charge was declined (failing or uncollectible).
    pub failing_invoices: u64,
    pub written_off: Money,
    pub voided: Money,
}

/// The financial report: a row per billing month, plan and currency with invoices for
/// months starting in the range, ordered by month, plan name, plan and currency.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct FinancialReport {
    pub range: ReportRange,
    pub as_of: DateTime<Utc>,
    /// How far behind the events its read model was.
    pub lag: ReportLag,
    pub rows: Vec<FinancialRow>,
}

/// A financial row's sums, as minor units, in the order [`FinancialRow`] lists its money:
/// invoiced, collected, refunded, outstanding, written off, voided.
pub type FinancialSums = [i64; 6];

impl FinancialRow {
    /// A row from its group, counts (invoices, outstanding, declined charges, failing) and
    /// sums in minor units.
    pub fn of(
        (period, plan, plan_name, currency): (BillingPeriod, PlanId, String, Currency),
        [invoices, outstanding_invoices, failed_payments, failing_invoices]: [u64; 4],
        sums: FinancialSums,
    ) -> Self {
        let [invoiced, collected, refunded, outstanding, written_off, voided] =
            sums.map(|minor| from_minor_units(minor, currency));
        let net = from_minor_units(sums[1].saturating_sub(sums[2]), currency);
        Self {
            period,
            plan,
            plan_name,
            currency,
            invoices,
            invoiced,
            collected,
            refunded,
            net,
            outstanding_invoices,
            outstanding,
            failed_payments,
            failing_invoices,
            written_off,
            voided,
        }
    }

    /// The report's order.
    pub(crate) fn order_key(&self) -> (BillingPeriod, &str, PlanId, &'static str) {
        (self.period, &self.plan_name, self.plan, self.currency.code())
    }
}

/// The report's rows from the facts themselves (the in-memory store's query).
pub(crate) fn rows_of<'a>(
    invoices: impl IntoIterator<Item = &'a InvoiceFacts>,
    plans: &HashMap<PlanId, &PlanFacts>,
    range: ReportRange,
) -> Vec<FinancialRow> {
    type Key = (BillingPeriod, PlanId, &'static str);
    let mut groups: BTreeMap<Key, (Currency, [u64; 4], FinancialSums)> = BTreeMap::new();
    for i in invoices.into_iter().filter(|i| range.contains(i.period.start())) {
        let (_, counts, sums) =
            groups.entry((i.period, i.plan, i.currency.code())).or_insert((i.currency, [0; 4], [0; 6]));
        let unpaid = i.status.is_unpaid();
        let failing = matches!(i.status, InvoiceStatus::PaymentFailed | InvoiceStatus::Uncollectible);
        for (count, add) in counts.iter_mut().zip([1, u64::from(unpaid), u64::from(i.declined), u64::from(failing)]) {
            *count += add;
        }
        let when = |yes: bool| if yes { i.total_minor } else { 0 };
        let adds = [
            i.total_minor,
            when(i.status == InvoiceStatus::Paid),
            i.refunded_minor,
            when(unpaid),
            when(i.status == InvoiceStatus::WrittenOff),
            when(i.status == InvoiceStatus::Void),
        ];
        for (sum, add) in sums.iter_mut().zip(adds) {
            *sum = sum.saturating_add(add);
        }
    }
    groups
        .into_iter()
        .map(|((period, plan, _), (currency, counts, sums))| {
            let name = plans.get(&plan).map(|p| p.name.clone()).unwrap_or_default();
            FinancialRow::of((period, plan, name, currency), counts, sums)
        })
        .collect()
}
