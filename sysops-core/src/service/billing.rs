//! Billing: subscriptions and cards, the monthly run, statements, and administrators' actions
//! on invoices. Billing records live in the billing store ([`Service::with_billing_store`]),
//! which may be another database than the rest (ADR-4).

use super::{Error, Service};
use crate::actor::{Action, Actor, Target, authorize};
use crate::aggregate::{Aggregate, Decide, applied, replay};
use crate::billing::{
    AttemptOutcome, BillingError, BillingPeriod, CardExpiry, CardNumber, CardOnFile, ChargeAnswer, ChargeRequest,
    Invoice, InvoiceCommand, InvoiceFilter, InvoiceStatus, NewCard, PaymentAttempt, PaymentGateway, Subscription,
    SubscriptionCommand, VaultError, checked_gateway_text, prorate,
};
use crate::ctx::Ctx;
use crate::customer::{Customer, CustomerCommand};
use crate::error::StoreError;
use crate::event::Sequence;
use std::collections::BTreeSet;

use crate::id::{CardToken, CustomerId, InvoiceId, SubscriptionId};
use crate::money::Money;
use crate::persist::{self, Change, Listing, Page, Quarantined, decode_state};
use crate::plan::SupportPlan;
use crate::store::Store;
use crate::stream::{ShardKey, StreamId};
use crate::text::Reason;

/// How many subscriptions the billing run bills in one pair of commits.
const BILLING_PAGE: u32 = 500;

/// How many pages the run bills at once: while one waits for the database, the next is decided
/// and encoded, so the process and the database work side by side. The run holds this many
/// pages in memory, whatever the number of customers.
const PAGES_IN_FLIGHT: u32 = 2;

/// What one billing run did. Its bulk, the invoices issued and paid, is counted, so that a
/// run over a million customers holds no list of a million ids; what needs someone's attention
/// is listed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BillingReport {
    /// How many invoices this run issued.
    pub issued: u64,
    /// How many invoices this run charged successfully.
    pub paid: u64,
    /// Invoices whose charge was declined, with the gateway's reason.
    pub declined: Vec<(InvoiceId, String)>,
    /// Invoices whose charge got no answer (outage, timeout), even when asked once more at
    /// the end of the run: the next run asks again with the same idempotency key.
    pub unanswered: Vec<InvoiceId>,
    /// Customers suspended because every scheduled payment of an invoice failed.
    pub suspended: Vec<CustomerId>,
    /// Customers reinstated because the invoice they were suspended for was settled.
    pub reinstated: Vec<CustomerId>,
    /// Records the run skipped: undecodable records, cards the vault could not reveal.
    pub quarantined: Vec<Quarantined>,
}

/// A billing run's report while it runs, with the charges whose answer is lost so far: one
/// asked again and answered later in the run leaves that set.
#[derive(Default)]
struct Tally {
    report: BillingReport,
    lost: BTreeSet<InvoiceId>,
}

impl Tally {
    fn record(&mut self, invoice: InvoiceId, outcome: AttemptOutcome) {
        self.lost.remove(&invoice);
        match outcome {
            AttemptOutcome::Charged { .. } => self.report.paid += 1,
            AttemptOutcome::Declined { reason } => self.report.declined.push((invoice, reason)),
        }
    }

    /// Adds what another part of the same run did.
    fn merge(&mut self, other: Tally) {
        let (mine, theirs) = (&mut self.report, other.report);
        mine.issued += theirs.issued;
        mine.paid += theirs.paid;
        mine.declined.extend(theirs.declined);
        mine.suspended.extend(theirs.suspended);
        mine.reinstated.extend(theirs.reinstated);
        mine.quarantined.extend(theirs.quarantined);
        self.lost.extend(other.lost);
    }

    fn finish(mut self) -> BillingReport {
        self.report.unanswered = self.lost.into_iter().collect();
        self.report
    }
}

/// The report entry of a billing record the run had to skip, and why.
fn skipped(stream: StreamId, why: &dyn std::fmt::Display) -> Quarantined {
    Quarantined { stream, problem: why.to_string() }
}

impl<S: Store> Service<S> {
    /// Puts `card` in the vault for `customer` and returns what may be known of it.
    async fn vault_card(&self, customer: CustomerId, card: &NewCard, ctx: &Ctx<'_>) -> Result<CardOnFile, Error> {
        if card.expiry.has_expired(ctx.now) {
            return Err(BillingError::CardExpired { customer }.into());
        }
        // The token carries the customer's shard key, so the vault row sits with their records.
        let token = CardToken::from(ShardKey::of(customer.as_uuid()).stamp(ctx.new_id()));
        self.billing_store().store_card(token, customer, &card.number).await?;
        Ok(CardOnFile::of(card, token))
    }

    /// Subscribes `customer` to their plan, charged monthly to `card` (or resumes their
    /// cancelled subscription with it). The card's number goes to the vault; the subscription
    /// keeps only its token, brand, last four digits and expiry.
    pub async fn start_subscription(
        &self,
        actor: Actor,
        customer: CustomerId,
        card: NewCard,
    ) -> Result<Subscription, Error> {
        let ctx = self.ctx(actor, Action::StartSubscription).await?;
        authorize(&ctx.actor, Action::StartSubscription, Target::owned_by(customer))?;
        let found: Customer = self.get(customer).await?;
        let existing: Option<Subscription> = self.find(SubscriptionId::from(customer)).await?;
        if existing.as_ref().is_some_and(Subscription::is_active) {
            return Err(BillingError::AlreadySubscribed { customer }.into());
        }
        let plan: SupportPlan = self.get(found.plan).await?;
        let card = self.vault_card(customer, &card, &ctx).await?;
        let Some(cancelled) = existing else {
            return self.save(None, Subscription::start(customer, &plan, card, &ctx)?).await;
        };
        // A cancelled subscription resumes on the customer's plan with the new card, at once.
        let mut events = cancelled.decide(&SubscriptionCommand::ReplaceCard(card), &ctx)?;
        let with_card = applied(&cancelled, &events)?;
        events.extend(with_card.decide(&SubscriptionCommand::ChangePlan(plan), &ctx)?);
        self.save(Some(&cancelled), events).await
    }

    /// Charges another card from now on.
    pub async fn replace_card(&self, actor: Actor, customer: CustomerId, card: NewCard) -> Result<Subscription, Error> {
        let ctx = self.ctx(actor, Action::ReplaceCard).await?;
        authorize(&ctx.actor, Action::ReplaceCard, Target::owned_by(customer))?;
        let current: Subscription = self.get(SubscriptionId::from(customer)).await?;
        let card = self.vault_card(customer, &card, &ctx).await?;
        let events = current.decide(&SubscriptionCommand::ReplaceCard(card), &ctx)?;
        self.save(Some(&current), events).await
    }

    /// Cancels the subscription at once; the days already used this month are billed.
    pub async fn cancel_subscription(&self, actor: Actor, customer: CustomerId) -> Result<Subscription, Error> {
        self.execute(actor, SubscriptionId::from(customer), SubscriptionCommand::Cancel).await
    }

    /// Moves the customer's subscription, if they have one, to `plan` (called by
    /// [`Service::change_customer_plan`] before the customer changes, so that a retry after a
    /// failure in between finds the subscription already moved).
    pub(super) async fn follow_plan(
        &self,
        ctx: &Ctx<'_>,
        customer: CustomerId,
        plan: &SupportPlan,
    ) -> Result<(), Error> {
        let Some(current) = self.find::<Subscription>(SubscriptionId::from(customer)).await? else {
            return Ok(());
        };
        if current.plan().is_none_or(|p| p.plan == plan.id) {
            return Ok(());
        }
        let events = current.decide(&SubscriptionCommand::ChangePlan(plan.clone()), ctx)?;
        self.save(Some(&current), events).await.map(drop)
    }

    /// A customer's subscription (the customer themself, administrators).
    pub async fn subscription(&self, actor: Actor, customer: CustomerId) -> Result<Subscription, Error> {
        let actor = self.verify(actor, Action::ViewBilling).await?;
        authorize(&actor, Action::ViewBilling, Target::owned_by(customer))?;
        self.get(SubscriptionId::from(customer)).await
    }

    /// A customer's invoices, in id order (the customer themself, administrators).
    pub async fn invoices(&self, actor: Actor, customer: CustomerId, page: Page) -> Result<Listing<Invoice>, Error> {
        let actor = self.verify(actor, Action::ViewBilling).await?;
        authorize(&actor, Action::ViewBilling, Target::owned_by(customer))?;
        let rows = self.billing_store().invoices(InvoiceFilter::of_customer(customer), page).await?;
        Ok(Listing::decode(&rows, page, decode_state::<Invoice>)?)
    }

    /// One invoice (its customer, administrators).
    pub async fn invoice(&self, actor: Actor, invoice: InvoiceId) -> Result<Invoice, Error> {
        let actor = self.verify(actor, Action::ViewBilling).await?;
        let found: Option<Invoice> = self.find(invoice).await?;
        // Authorize before revealing whether the invoice exists.
        let owner = found.as_ref().map(|i| i.customer.as_uuid());
        authorize(&actor, Action::ViewBilling, Target { owner, assigned_to_actor: false })?;
        found.ok_or(Error::not_found(Invoice::KIND, invoice))
    }

    /// The monthly run for `period`, which must have ended: issues one invoice per
    /// subscription that owes for it (rerunning finds the invoices already issued), charges
    /// every unpaid invoice whose charge is due (retries of earlier months included), resumes
    /// charges and refunds whose answer was lost, and suspends or reinstates accounts.
    ///
    /// Safe to rerun, to crash at any point and run again, and to run from several processes
    /// at once: an invoice's id is derived from its subscription and period, and every charge
    /// is recorded with its idempotency key before the gateway is asked.
    pub async fn run_billing(
        &self,
        actor: Actor,
        period: BillingPeriod,
        gateway: &dyn PaymentGateway,
    ) -> Result<BillingReport, Error> {
        let ctx = self.ctx(actor, Action::RunBilling).await?;
        authorize(&ctx.actor, Action::RunBilling, Target::default())?;
        if period.end() > ctx.now {
            return Err(BillingError::NotEnded { period }.into());
        }
        let ctx = &ctx;
        let mut tally = Tally::default();
        let read = BILLING_PAGE * PAGES_IN_FLIGHT;
        let mut page = Page::first(read);
        loop {
            let rows = self.billing_store().states(Subscription::KIND, page).await?;
            let subscriptions =
                persist::decode_all(&rows, decode_state::<Subscription>, &mut tally.report.quarantined)?;
            let pages = subscriptions.chunks(BILLING_PAGE as usize).map(|subscriptions| async move {
                let mut part = Tally::default();
                self.bill_page(subscriptions, period, gateway, ctx, &mut part).await.map(|()| part)
            });
            for part in futures::future::try_join_all(pages).await? {
                tally.merge(part);
            }
            match persist::next_after(&rows, page) {
                Some(last) => page = Page::after(last, read),
                None => break,
            }
        }
        // Retries of earlier months, and charges or refunds whose answer was lost.
        let mut page = Page::first(BILLING_PAGE);
        loop {
            let rows = self.billing_store().invoices(InvoiceFilter::work_due_by(ctx.now), page).await?;
            let invoices = persist::decode_all(&rows, decode_state::<Invoice>, &mut tally.report.quarantined)?;
            // This period's invoices were settled above; those whose answer was lost there are
            // asked once more (with the same key) before the run ends.
            let again = |i: &Invoice| i.pending_attempt().is_some() || i.pending_refund().is_some();
            for invoice in invoices.into_iter().filter(|i| i.period != period || again(i)) {
                self.settle(invoice, None, gateway, ctx, &mut tally).await?;
            }
            match persist::next_after(&rows, page) {
                Some(last) => page = Page::after(last, BILLING_PAGE),
                None => break,
            }
        }
        Ok(tally.finish())
    }

    /// Bills a page of subscriptions in two commits: every invoice issued with its first
    /// attempt recorded (when due) at once, the gateway asked for each, every answer recorded
    /// at once. When either meets another run's work (a rerun, two runs at once), the page is
    /// billed again one invoice at a time, which finds and finishes what exists.
    async fn bill_page(
        &self,
        subscriptions: &[Subscription],
        period: BillingPeriod,
        gateway: &dyn PaymentGateway,
        ctx: &Ctx<'_>,
        tally: &mut Tally,
    ) -> Result<(), Error> {
        let mut issued = Vec::new();
        let mut changes = Vec::new();
        for subscription in subscriptions {
            let lines = prorate(period, &subscription.spans)?;
            if lines.is_empty() {
                continue;
            }
            let mut events = Invoice::issue(subscription.id, subscription.customer, period, lines, ctx)?;
            let mut invoice = replay::<Invoice>(&events)?;
            if invoice.is_due(ctx.now) {
                let started = invoice.decide(&InvoiceCommand::StartAttempt { card: subscription.card.token }, ctx)?;
                invoice = applied(&invoice, &started)?;
                events.extend(started);
            }
            changes.push(Change::of(Sequence::NONE, &invoice, &events)?);
            issued.push((invoice, subscription));
        }
        let mut one_by_one = !self.commit_all(changes).await?;
        if !one_by_one {
            tally.report.issued += issued.len() as u64;
            let mut answered = Vec::new();
            let mut changes = Vec::new();
            let charging: Vec<_> = issued.iter().filter_map(|(i, s)| Some((i, s, i.pending_attempt()?))).collect();
            let tokens: Vec<CardToken> = charging.iter().map(|(_, _, attempt)| attempt.card).collect();
            let cards = self.billing_store().reveal_cards(&tokens).await?;
            for ((invoice, subscription, attempt), card) in charging.into_iter().zip(cards) {
                let asked = self.ask_gateway(invoice, attempt, card, subscription.card.expiry, gateway, tally).await;
                let Some(outcome) = asked else { continue };
                let events = invoice.decide(&InvoiceCommand::RecordOutcome(outcome.clone()), ctx)?;
                changes.push(Change::of(invoice.version(), &applied(invoice, &events)?, &events)?);
                answered.push((invoice.id, outcome));
            }
            one_by_one = !self.commit_all(changes).await?;
            if !one_by_one {
                for (invoice, outcome) in answered {
                    tally.record(invoice, outcome);
                }
            }
        }
        if one_by_one {
            for subscription in subscriptions {
                if let Some(invoice) = self.issue(subscription, period, ctx, tally).await? {
                    self.settle(invoice, Some(subscription), gateway, ctx, tally).await?;
                }
            }
        }
        Ok(())
    }

    /// Commits `changes` together; `false` when one of them met a concurrent change (nothing
    /// was written then).
    async fn commit_all(&self, changes: Vec<Change>) -> Result<bool, Error> {
        if changes.is_empty() {
            return Ok(true);
        }
        match self.billing_store().commit(changes).await {
            Ok(()) => Ok(true),
            Err(StoreError::Conflict { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Asks the gateway for the charge of `attempt` with `card`, as the vault revealed it;
    /// `None` when no answer came or the vault could not reveal the card, both reported.
    async fn ask_gateway(
        &self,
        invoice: &Invoice,
        attempt: &PaymentAttempt,
        card: Result<CardNumber, VaultError>,
        expiry: CardExpiry,
        gateway: &dyn PaymentGateway,
        tally: &mut Tally,
    ) -> Option<AttemptOutcome> {
        let card = match card {
            Ok(card) => card,
            Err(e) => {
                tally.report.quarantined.push(skipped(StreamId::new(Invoice::KIND, invoice.id), &e));
                return None;
            }
        };
        let request = ChargeRequest { key: attempt.key.clone(), amount: invoice.total, card, expiry };
        match gateway.charge(request).await.and_then(ChargeAnswer::checked) {
            Ok(ChargeAnswer::Charged(charge)) => Some(AttemptOutcome::Charged { charge }),
            Ok(ChargeAnswer::Declined(reason)) => Some(AttemptOutcome::Declined { reason }),
            Err(_) => {
                tally.lost.insert(invoice.id);
                None
            }
        }
    }

    /// The invoice of `subscription` for `period`: the one already issued, or a new one, or
    /// `None` when the subscription owes nothing for it.
    async fn issue(
        &self,
        subscription: &Subscription,
        period: BillingPeriod,
        ctx: &Ctx<'_>,
        tally: &mut Tally,
    ) -> Result<Option<Invoice>, Error> {
        let id = InvoiceId::of(subscription.id, period.ordinal());
        if let Some(existing) = self.find::<Invoice>(id).await? {
            return Ok(Some(existing));
        }
        let lines = prorate(period, &subscription.spans)?;
        if lines.is_empty() {
            return Ok(None);
        }
        let events = Invoice::issue(subscription.id, subscription.customer, period, lines, ctx)?;
        match self.save::<Invoice>(None, events).await {
            Ok(invoice) => {
                tally.report.issued += 1;
                Ok(Some(invoice))
            }
            // Another run issued it first.
            Err(e) if e.is_conflict() => self.find(id).await,
            Err(e) => Err(e),
        }
    }

    /// Charges `invoice` if it is due (or asks again for a lost answer), finishes a pending
    /// refund, and suspends or reinstates its customer as its state now says. An invoice
    /// another run is working on at the same moment is left to it.
    async fn settle(
        &self,
        mut invoice: Invoice,
        subscription: Option<&Subscription>,
        gateway: &dyn PaymentGateway,
        ctx: &Ctx<'_>,
        tally: &mut Tally,
    ) -> Result<(), Error> {
        // The card on file, read once, and only when there is a charge to make or to ask again.
        let card = match subscription {
            Some(s) => Some(s.card.clone()),
            None if invoice.pending_attempt().is_some() || invoice.is_due(ctx.now) => {
                Some(self.get::<Subscription>(invoice.subscription).await?.card)
            }
            None => None,
        };
        if let Some(card) = card.as_ref().filter(|_| invoice.pending_attempt().is_none() && invoice.is_due(ctx.now)) {
            match self.invoice_step(&invoice, InvoiceCommand::StartAttempt { card: card.token }, ctx).await {
                Ok(next) => invoice = next,
                Err(e) if e.is_conflict() => return Ok(()),
                Err(e) => return Err(e),
            }
        }
        if let (Some(attempt), Some(card)) = (invoice.pending_attempt().cloned(), card.as_ref()) {
            let number = self.billing_store().reveal_card(attempt.card).await;
            let Some(outcome) = self.ask_gateway(&invoice, &attempt, number, card.expiry, gateway, tally).await else {
                return Ok(());
            };
            match self.invoice_step(&invoice, InvoiceCommand::RecordOutcome(outcome.clone()), ctx).await {
                Ok(next) => invoice = next,
                Err(e) if e.is_conflict() => return Ok(()),
                Err(e) => return Err(e),
            }
            tally.record(invoice.id, outcome);
        }
        if let Some(refund) = invoice.pending_refund().cloned() {
            invoice = self.finish_refund(&invoice, &refund, gateway, ctx).await?;
        }
        self.suspend_or_reinstate(&invoice, ctx, tally).await
    }

    /// Applies one command of the billing run to `invoice` and commits it.
    async fn invoice_step(&self, invoice: &Invoice, command: InvoiceCommand, ctx: &Ctx<'_>) -> Result<Invoice, Error> {
        let events = invoice.decide(&command, ctx)?;
        self.save(Some(invoice), events).await
    }

    async fn finish_refund(
        &self,
        invoice: &Invoice,
        refund: &crate::billing::Refund,
        gateway: &dyn PaymentGateway,
        ctx: &Ctx<'_>,
    ) -> Result<Invoice, Error> {
        let charge = invoice.attempts.iter().find_map(|a| match &a.outcome {
            Some(AttemptOutcome::Charged { charge }) => Some(charge.clone()),
            _ => None,
        });
        let Some(charge) = charge else { return Ok(invoice.clone()) };
        let answer = gateway.refund(refund.key.clone(), charge, refund.amount).await;
        match answer.and_then(|id| checked_gateway_text("refund id", id)) {
            Ok(id) => self.invoice_step(invoice, InvoiceCommand::RecordRefund { refund: id }, ctx).await,
            // No answer: the next run asks again with the same key.
            Err(_) => Ok(invoice.clone()),
        }
    }

    /// Suspends the customer when `invoice` became uncollectible, and reinstates them when
    /// the invoice they were suspended for is settled.
    async fn suspend_or_reinstate(&self, invoice: &Invoice, ctx: &Ctx<'_>, tally: &mut Tally) -> Result<(), Error> {
        // Only an invoice whose every retry failed, or a settled one that had failed, can
        // change a suspension: the common case (paid at the first attempt) reads no customer.
        let failed_before = invoice.attempts.iter().any(|a| matches!(a.outcome, Some(AttemptOutcome::Declined { .. })));
        if !(invoice.status == InvoiceStatus::Uncollectible || (failed_before && !invoice.status.is_unpaid())) {
            return Ok(());
        }
        let customer: Customer = self.get(invoice.customer).await?;
        let command = match (invoice.status, customer.suspended_for) {
            (InvoiceStatus::Uncollectible, None) => CustomerCommand::Suspend(invoice.id),
            (status, Some(held)) if held == invoice.id && !status.is_unpaid() => CustomerCommand::Reinstate(invoice.id),
            _ => return Ok(()),
        };
        let suspending = matches!(command, CustomerCommand::Suspend(_));
        let events = customer.decide(&command, ctx)?;
        match self.save(Some(&customer), events).await {
            Ok(_) if suspending => tally.report.suspended.push(customer.id),
            Ok(_) => tally.report.reinstated.push(customer.id),
            // Someone changed the customer meanwhile: the next run decides again.
            Err(e) if e.is_conflict() => {}
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// An administrator charges an unpaid invoice now, with why.
    pub async fn retry_payment(
        &self,
        actor: Actor,
        invoice: InvoiceId,
        reason: Reason,
        gateway: &dyn PaymentGateway,
    ) -> Result<Invoice, Error> {
        let ctx = self.ctx(actor, Action::RetryPayment).await?;
        let current: Invoice = self.get(invoice).await?;
        let requested = self.invoice_step(&current, InvoiceCommand::RetryNow(reason), &ctx).await?;
        self.settle(requested, None, gateway, &ctx, &mut Tally::default()).await?;
        self.get(invoice).await
    }

    /// An administrator refunds `amount` of a paid invoice, with why.
    pub async fn refund_payment(
        &self,
        actor: Actor,
        invoice: InvoiceId,
        amount: Money,
        reason: Reason,
        gateway: &dyn PaymentGateway,
    ) -> Result<Invoice, Error> {
        let ctx = self.ctx(actor, Action::RefundPayment).await?;
        let current: Invoice = self.get(invoice).await?;
        let started = self.invoice_step(&current, InvoiceCommand::StartRefund { amount, reason }, &ctx).await?;
        let Some(refund) = started.pending_refund().cloned() else { return Ok(started) };
        self.finish_refund(&started, &refund, gateway, &ctx).await
    }

    /// An administrator voids an unpaid invoice, with why; a suspension for it is lifted.
    pub async fn void_invoice(&self, actor: Actor, invoice: InvoiceId, reason: Reason) -> Result<Invoice, Error> {
        self.settle_by_admin(actor, invoice, InvoiceCommand::Void(reason)).await
    }

    /// An administrator writes an unpaid invoice off, with why; a suspension for it is lifted.
    pub async fn write_off_invoice(&self, actor: Actor, invoice: InvoiceId, reason: Reason) -> Result<Invoice, Error> {
        self.settle_by_admin(actor, invoice, InvoiceCommand::WriteOff(reason)).await
    }

    async fn settle_by_admin(
        &self,
        actor: Actor,
        invoice: InvoiceId,
        command: InvoiceCommand,
    ) -> Result<Invoice, Error> {
        let settled: Invoice = self.execute(actor, invoice, command).await?;
        // Lifting the suspension is the billing run's work, done as the system.
        let ctx = Ctx::new(Actor::system(), self.now()?, self.ids.as_ref());
        self.suspend_or_reinstate(&settled, &ctx, &mut Tally::default()).await?;
        Ok(settled)
    }

    /// Re-encrypts every card not under the key provider's current key.
    pub async fn rotate_card_keys(&self, actor: Actor) -> Result<crate::billing::RotationReport, Error> {
        let actor = self.verify(actor, Action::RotateCardKeys).await?;
        authorize(&actor, Action::RotateCardKeys, Target::default())?;
        Ok(self.billing_store().rotate_card_keys().await?)
    }
}
