//! The report projector, the rebuild of the reports' read models, and the reports.

use super::{Error, Service};
use crate::actor::{Action, Actor, Target, authorize};
use crate::billing::Invoice;
use crate::customer::Customer;
use crate::event::{AggregateKind, Envelope};
use crate::expert::Expert;
use crate::id::{CustomerId, ExpertId, InvoiceId, SurveyId, TicketId};
use crate::persist::{ConsumerName, Page, StoredEvent, decode_event};
use crate::plan::SupportPlan;
use crate::report::{
    CustomerFacts, ExpertFacts, ExpertReport, FinancialReport, InvoiceFacts, OfferFacts, PlanFacts, Projection,
    REPORTS, ReportLag, ReportRange, SurveyFacts, TicketFacts, TicketingReport,
};
use crate::store::Store;
use crate::survey::Survey;
use crate::ticket::Ticket;
use std::collections::HashMap;
use uuid::Uuid;

/// Records listed per page when the read models are rebuilt.
const REBUILD_PAGE: u32 = 500;

/// What one round of the report projector did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProjectionReport {
    /// Outbox events read.
    pub events: u64,
    /// Read-model rows written.
    pub rows: u64,
    /// Events that could not be folded in: they do not decode, or their record's facts are
    /// missing (written before the read models existed: a rebuild takes them in).
    pub skipped: u64,
}

impl ProjectionReport {
    /// True when the round found no event: the projector may sleep.
    pub fn idle(&self) -> bool {
        self.events == 0
    }
}

impl<S: Store> Service<S> {
    /// Keeps the reports' read models in `analytics`, another database than the rest
    /// (ADR-7), instead of the main store.
    pub fn with_analytics_store(mut self, analytics: S) -> Self {
        self.analytics = Some(analytics);
        self
    }

    /// Where the reports' read models live: the analytics store if one was given, else the
    /// main store.
    pub fn analytics_store(&self) -> &S {
        self.analytics.as_ref().unwrap_or(&self.store)
    }

    /// One round of the report projector: folds up to `batch` events (1–10,000) of the
    /// outbox (the main store's and, when kept apart, the billing store's) into the read
    /// models, writes the rows they changed in one transaction, and only then acknowledges
    /// them. An event read again after a crash changes nothing (each row knows the last event
    /// it took in). System or an administrator runs it, in a loop, as often as the reports'
    /// lag allows.
    pub async fn project_reports(&self, actor: Actor, batch: u32) -> Result<ProjectionReport, Error> {
        let actor = self.verify(actor, Action::ProjectReports).await?;
        authorize(&actor, Action::ProjectReports, Target::default())?;
        if !(1..=10_000).contains(&batch) {
            let value = i64::from(batch);
            return Err(crate::error::ValidationError::OutOfRange { field: "batch", value, min: 1, max: 10_000 }.into());
        }
        let consumer = ConsumerName::new(REPORTS)?;
        let mut report = ProjectionReport::default();
        for source in self.sources() {
            let entries = source.poll(&consumer, batch).await?;
            let Some(last) = entries.last().map(|e| e.position) else { continue };
            let events: Vec<StoredEvent> = entries.into_iter().map(|e| e.event).collect();
            report.events += events.len() as u64;
            let (projection, skipped) = self.fold(&events).await?;
            report.skipped += skipped;
            report.rows += projection.len() as u64;
            if !projection.is_empty() {
                self.analytics_store().write_facts(&projection).await?;
            }
            source.ack(&consumer, last).await?;
        }
        Ok(report)
    }

    /// Folds every stored event into the read models again, from nothing (after a change to
    /// how facts are folded, or to fill an analytics database that is new), a kind at a time:
    /// plans, customers, experts, surveys, invoices, tickets. Safe while the projector runs:
    /// neither replaces a row with an older one. Answers the rows written.
    pub async fn rebuild_reports(&self, actor: Actor) -> Result<u64, Error> {
        let actor = self.verify(actor, Action::ProjectReports).await?;
        authorize(&actor, Action::ProjectReports, Target::default())?;
        self.analytics_store().clear_facts().await?;
        let mut written = 0;
        for kind in [
            AggregateKind::Plan,
            AggregateKind::Customer,
            AggregateKind::Expert,
            AggregateKind::Survey,
            AggregateKind::Invoice,
            AggregateKind::Ticket,
        ] {
            let store = self.store_for(kind);
            let mut page = Page::first(REBUILD_PAGE);
            loop {
                let states = store.states(kind, page).await?;
                let Some(last) = states.last().map(|s| s.stream.id) else { break };
                let mut events = Vec::new();
                for state in &states {
                    events.extend(store.events(state.stream).await?);
                }
                let (projection, _) = self.fold(&events).await?;
                written += projection.len() as u64;
                self.analytics_store().write_facts(&projection).await?;
                if states.len() < page.len() {
                    break;
                }
                page = Page::after(last, REBUILD_PAGE);
            }
        }
        Ok(written)
    }

    /// The ticketing report over the tickets submitted in `range`: managers and
    /// administrators. Statuses, ages and deadlines are as of now; the report says how far
    /// behind the events its read model was.
    pub async fn ticketing_report(&self, actor: Actor, range: ReportRange) -> Result<TicketingReport, Error> {
        let actor = self.verify(actor, Action::ReadReports).await?;
        authorize(&actor, Action::ReadReports, Target::default())?;
        let as_of = self.now()?;
        let rows = async { Ok::<_, Error>(self.analytics_store().ticketing_rows(range, as_of).await?) };
        let (lag, mut rows) = futures::future::try_join(self.report_lag(), rows).await?;
        rows.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        Ok(TicketingReport { range, as_of, lag, rows })
    }

    /// The expert performance report over `range`: managers and administrators. Outcomes
    /// are as of now; the report says how far behind the events its read model was.
    pub async fn expert_report(&self, actor: Actor, range: ReportRange) -> Result<ExpertReport, Error> {
        let actor = self.verify(actor, Action::ReadReports).await?;
        authorize(&actor, Action::ReadReports, Target::default())?;
        let as_of = self.now()?;
        let rows = async { Ok::<_, Error>(self.analytics_store().expert_rows(range).await?) };
        let (lag, rows) = futures::future::try_join(self.report_lag(), rows).await?;
        let mut rows: Vec<_> = rows.into_iter().map(|row| row.finish(range, as_of)).collect();
        rows.sort_by(|a, b| (&a.name, a.expert).cmp(&(&b.name, b.expert)));
        Ok(ExpertReport { range, as_of, lag, rows })
    }

    /// The financial report over the billing months starting in `range`: managers and
    /// administrators. Amounts are exact, in each row's currency.
    pub async fn financial_report(&self, actor: Actor, range: ReportRange) -> Result<FinancialReport, Error> {
        let actor = self.verify(actor, Action::ReadReports).await?;
        authorize(&actor, Action::ReadReports, Target::default())?;
        let as_of = self.now()?;
        let rows = async { Ok::<_, Error>(self.analytics_store().financial_rows(range).await?) };
        let (lag, mut rows) = futures::future::try_join(self.report_lag(), rows).await?;
        rows.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        Ok(FinancialReport { range, as_of, lag, rows })
    }

    /// The time of the oldest event the projector has not folded in yet, over every outbox
    /// (read beside each report's query, not before it: the two take as long as the longer).
    async fn report_lag(&self) -> Result<ReportLag, Error> {
        let consumer = ConsumerName::new(REPORTS)?;
        let mut behind_since = None;
        for source in self.sources() {
            if let Some(oldest) = source.poll(&consumer, 1).await?.first() {
                behind_since =
                    Some(behind_since.map_or(oldest.event.at, |at: chrono::DateTime<_>| at.min(oldest.event.at)));
            }
        }
        Ok(ReportLag { behind_since })
    }

    /// The stores whose outboxes events come from: the main one, and the billing one when
    /// kept apart.
    fn sources(&self) -> impl Iterator<Item = &S> {
        std::iter::once(&self.store).chain(self.billing.as_ref())
    }

    /// The read-model rows `events` change, each from its stored facts (loaded once) and the
    /// page's events in order; and how many events could not be folded in.
    async fn fold(&self, events: &[StoredEvent]) -> Result<(Projection, u64), Error> {
        let mut skipped = 0;
        let (mut tickets, mut customers, mut plans, mut experts, mut surveys) =
            (vec![], vec![], vec![], vec![], vec![]);
        let mut invoices = vec![];
        for event in events {
            let decoded = match event.stream.kind {
                AggregateKind::Ticket => decode_event::<Ticket>(event).map(|e| tickets.push(e)),
                AggregateKind::Customer => decode_event::<Customer>(event).map(|e| customers.push(e)),
                AggregateKind::Plan => decode_event::<SupportPlan>(event).map(|e| plans.push(e)),
                AggregateKind::Expert => decode_event::<Expert>(event).map(|e| experts.push(e)),
                AggregateKind::Survey => decode_event::<Survey>(event).map(|e| surveys.push(e)),
                AggregateKind::Invoice => decode_event::<Invoice>(event).map(|e| invoices.push(e)),
                _ => Ok(()),
            };
            skipped += u64::from(decoded.is_err());
        }
        let analytics = self.analytics_store();
        let mut ticket_facts: HashMap<TicketId, TicketFacts> =
            analytics.ticket_facts(&ids(&tickets)).await?.into_iter().map(|f| (f.ticket, f)).collect();
        let mut offers: HashMap<_, OfferFacts> = HashMap::new();
        skipped += fold_into(&mut ticket_facts, &tickets, TicketFacts::submitted, |facts, event| {
            if let Some(offer) = facts.apply(event) {
                offers.insert(offer.assignment, offer);
            }
        });
        let mut customer_facts: HashMap<CustomerId, CustomerFacts> =
            analytics.customer_facts(&ids(&customers)).await?.into_iter().map(|f| (f.customer, f)).collect();
        skipped += fold_into(&mut customer_facts, &customers, CustomerFacts::registered, CustomerFacts::apply);
        let mut expert_facts: HashMap<ExpertId, ExpertFacts> =
            analytics.expert_facts(&ids(&experts)).await?.into_iter().map(|f| (f.expert, f)).collect();
        skipped += fold_into(&mut expert_facts, &experts, ExpertFacts::registered, ExpertFacts::apply);
        let mut survey_facts: HashMap<SurveyId, SurveyFacts> =
            analytics.survey_facts(&ids(&surveys)).await?.into_iter().map(|f| (f.survey, f)).collect();
        skipped += fold_into(&mut survey_facts, &surveys, SurveyFacts::issued, SurveyFacts::apply);
        let mut invoice_facts: HashMap<InvoiceId, InvoiceFacts> =
            analytics.invoice_facts(&ids(&invoices)).await?.into_iter().map(|f| (f.invoice, f)).collect();
        skipped += fold_into(&mut invoice_facts, &invoices, InvoiceFacts::issued, InvoiceFacts::apply);
        let projection = Projection {
            tickets: ticket_facts.into_values().collect(),
            offers: offers.into_values().collect(),
            customers: customer_facts.into_values().collect(),
            plans: plans.iter().filter_map(PlanFacts::defined).collect(),
            experts: expert_facts.into_values().collect(),
            surveys: survey_facts.into_values().collect(),
            invoices: invoice_facts.into_values().collect(),
        };
        Ok((projection, skipped))
    }
}

/// Folds `events` in order into `facts` (keyed by their record's id): a record's first
/// event starts its facts (`start`), later ones `apply`. Answers how many events found
/// neither.
fn fold_into<K: From<Uuid> + std::hash::Hash + Eq, E, F>(
    facts: &mut HashMap<K, F>,
    events: &[Envelope<E>],
    start: impl Fn(&Envelope<E>) -> Option<F>,
    mut apply: impl FnMut(&mut F, &Envelope<E>),
) -> u64 {
    let mut skipped = 0;
    for event in events {
        let key = K::from(event.aggregate_id);
        match facts.get_mut(&key) {
            Some(found) => apply(found, event),
            None => match start(event) {
                Some(started) => {
                    facts.insert(key, started);
                }
                None => skipped += 1,
            },
        }
    }
    skipped
}

/// The records `events` are about, each once.
fn ids<K: From<Uuid> + Ord, E>(events: &[Envelope<E>]) -> Vec<K> {
    let mut ids: Vec<K> = events.iter().map(|e| K::from(e.aggregate_id)).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
