//! The notification consumer: reads events through the outbox, queues the messages they
//! call for, hands them to the host's notifier, and records what came of each; and the
//! templates and delivery history.

use super::survey::withheld;
use super::{Error, Service};
use crate::actor::{Action, Actor, Target, authorize};
use crate::billing::Invoice;
use crate::customer::Customer;
use crate::expert::Expert;
use crate::id::{CustomerId, InvoiceId, SurveyId, TicketId};
use crate::notify::{
    About, Attempt, Delivery, DeliveryFilter, DeliveryStatus, Intent, Message, MessageKey, MessageKind, Notifier,
    Records, Retry, SendError, Template, Templates, intents,
};
use crate::persist::{ConsumerName, OutboxEntry};
use crate::staff::StaffAccount;
use crate::store::Store;
use crate::survey::{Completion, Survey, SurveyToken};
use crate::ticket::Ticket;
use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use std::collections::HashMap;
use uuid::Uuid;

/// The outbox consumer notifications read with.
pub const NOTIFICATIONS: &str = "notifications";

/// How many messages are handed to the notifier at once.
const IN_FLIGHT: usize = 32;

/// How the consumer works: how many events and due messages a round takes, how long a
/// message claimed for a retry is kept from other consumers, and the retry policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotifyOptions {
    /// Events read and due messages claimed per round (1–10,000).
    pub batch: u32,
    /// How long a message claimed for a retry is kept from other consumers: one whose
    /// consumer died holding it is tried again once this has passed (1 s – 1 day).
    pub lease: Duration,
    /// When transient failures are tried again.
    pub retry: Retry,
}

impl Default for NotifyOptions {
    /// 500 events a round, a 5-minute lease, [`Retry::default`].
    fn default() -> Self {
        Self { batch: 500, lease: Duration::minutes(5), retry: Retry::default() }
    }
}

impl NotifyOptions {
    /// Checks the options (the retry policy is checked when built).
    pub fn new(batch: u32, lease: Duration, retry: Retry) -> Result<Self, crate::error::ValidationError> {
        use crate::error::ValidationError::OutOfRange;
        if !(1..=10_000).contains(&batch) {
            return Err(OutOfRange { field: "batch", value: i64::from(batch), min: 1, max: 10_000 });
        }
        if !(1..=86_400).contains(&lease.num_seconds()) {
            return Err(OutOfRange { field: "lease", value: lease.num_seconds(), min: 1, max: 86_400 });
        }
        Ok(Self { batch, lease, retry })
    }
}

/// What one round of the consumer did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NotifyReport {
    /// Outbox events read.
    pub events: u64,
    /// Messages recorded for the first time (a message handed over again after a crash is
    /// not recorded twice).
    pub recorded: u64,
    /// Messages the notifier accepted.
    pub sent: u64,
    /// Messages that failed for now and will be tried again.
    pub retrying: u64,
    /// Messages that failed for good.
    pub failed: u64,
    /// Events whose message could not be written (a record they name is gone or does not
    /// decode); skipped, never retried.
    pub skipped: u64,
}

impl std::ops::AddAssign for NotifyReport {
    fn add_assign(&mut self, round: NotifyReport) {
        self.events += round.events;
        self.recorded += round.recorded;
        self.sent += round.sent;
        self.retrying += round.retrying;
        self.failed += round.failed;
        self.skipped += round.skipped;
    }
}

impl NotifyReport {
    /// True when the round found nothing to do: the consumer may sleep.
    pub fn idle(&self) -> bool {
        self.events == 0 && self.sent + self.retrying + self.failed == 0
    }
}

/// The records a page's messages are written from, loaded once for the page (`preload`): a
/// record absent here does not exist or does not decode.
#[derive(Default)]
struct Loaded {
    tickets: HashMap<TicketId, Ticket>,
    customers: HashMap<CustomerId, Customer>,
    experts: HashMap<Uuid, (Expert, crate::text::Email)>,
    invoices: HashMap<InvoiceId, Invoice>,
    surveys: HashMap<SurveyId, Survey>,
}

impl<S: Store> Service<S> {
    /// One round of the notification consumer: reads up to `options.batch` events from the
    /// outbox (the main store's and, when kept apart, the billing store's), hands the
    /// messages they call for to `notifier`, records each with its outcome (one write per
    /// message), and only then acknowledges the events; then tries again the messages whose
    /// retry is due. A crash before the acknowledgement reads the events again and hands their
    /// messages over again *with the same keys*; a message already recorded is not recorded
    /// twice. System or an administrator runs it; a host runs it in a loop
    /// (`sysops_storage::Sysops::run_notifications` stops cleanly).
    pub async fn notify_round(
        &self,
        actor: Actor,
        notifier: &impl Notifier,
        options: &NotifyOptions,
    ) -> Result<NotifyReport, Error> {
        let actor = self.verify(actor, Action::SendNotifications).await?;
        authorize(&actor, Action::SendNotifications, Target::default())?;
        let templates = Templates::with(self.store.saved_templates().await?);
        let mut report = NotifyReport::default();
        self.consume(actor, &self.store, notifier, &templates, options, &mut report).await?;
        if let Some(billing) = &self.billing {
            self.consume(actor, billing, notifier, &templates, options, &mut report).await?;
        }
        let now = self.now()?;
        let mut due = Vec::new();
        let mut moot = Vec::new();
        for mut delivery in self.store.claim_due(now, lease_end(now, options), options.batch).await? {
            // A survey invitation's recorded text holds no token: a fresh one is written in.
            if delivery.message.kind == MessageKind::SurveyInvitation
                && !self.refresh_invitation(actor, &mut delivery.message).await?
            {
                moot.push(Attempt::given_up(&delivery.message, now, "the survey was answered or is gone"));
                continue;
            }
            due.push((delivery.message, delivery.attempts));
        }
        let attempts = self.deliver(notifier, options, due, &mut report).await;
        report.failed += moot.len() as u64;
        let attempts: Vec<Attempt> = attempts.into_iter().map(|(_, attempt)| attempt).chain(moot).collect();
        self.store.record_attempts(&attempts).await?;
        Ok(report)
    }

    /// Reads a page of `source`'s outbox, hands the messages it calls for to `notifier`,
    /// records them with their outcomes, then acknowledges the page.
    async fn consume(
        &self,
        actor: Actor,
        source: &S,
        notifier: &impl Notifier,
        templates: &Templates,
        options: &NotifyOptions,
        report: &mut NotifyReport,
    ) -> Result<(), Error> {
        let consumer = ConsumerName::new(NOTIFICATIONS)?;
        let entries = source.poll(&consumer, options.batch).await?;
        let Some(last) = entries.last().map(|e| e.position) else { return Ok(()) };
        let (messages, tokens) = self.derive(actor, &entries, templates, report).await?;
        let fresh = messages.into_iter().map(|message| (message, 0)).collect();
        let handed = self.deliver(notifier, options, fresh, report).await;
        let deliveries: Vec<Delivery> = handed
            .into_iter()
            .map(|(message, a)| Delivery {
                message: match tokens.get(&message.key) {
                    Some(token) => withheld(message, token),
                    None => message,
                },
                status: a.status,
                attempts: 1,
                next_attempt: a.retry_at,
                finished_at: (a.status != DeliveryStatus::Pending).then_some(a.at),
                error: a.error,
            })
            .collect();
        report.recorded += self.store.record_deliveries(&deliveries).await?;
        source.ack(&consumer, last).await?;
        Ok(())
    }

    /// The messages a page of outbox entries calls for, written from their templates, and
    /// the survey tokens written into invitations (by message key), to withhold from history.
    async fn derive(
        &self,
        actor: Actor,
        entries: &[OutboxEntry],
        templates: &Templates,
        report: &mut NotifyReport,
    ) -> Result<(Vec<Message>, HashMap<MessageKey, String>), Error> {
        let mut wanted = Vec::new();
        for entry in entries {
            report.events += 1;
            match intents(&entry.event) {
                Ok(found) => wanted.extend(found),
                Err(_) => report.skipped += 1,
            }
        }
        let loaded = self.preload(&wanted).await?;
        let completions = wanted
            .iter()
            .filter_map(|intent| match intent.about {
                About::Survey { ticket, completion } => {
                    let found = loaded.tickets.get(&ticket)?;
                    let expert = intent.expert(found)?;
                    let at = intent.at;
                    Some((
                        intent.key.clone(),
                        Completion { ticket, sequence: completion, customer: found.customer, expert, at },
                    ))
                }
                _ => None,
            })
            .collect();
        let mut invitations = self.invitations(actor, completions, &loaded.surveys).await?;
        let mut messages = Vec::new();
        let mut tokens = HashMap::new();
        for intent in wanted {
            let written = match &intent.about {
                About::Survey { .. } => match invitations.remove(&intent.key) {
                    None => Ok(None),
                    Some(invitation) => {
                        let intent = Intent { key: invitation.key, ..intent };
                        let link = Some((&invitation.token, invitation.expires_at));
                        let message = self.compose(&intent, templates, &loaded, link).await;
                        if let Ok(Some(message)) = &message {
                            tokens.insert(message.key.clone(), invitation.token.reveal());
                        }
                        message
                    }
                },
                _ => self.compose(&intent, templates, &loaded, None).await,
            };
            match written {
                Ok(Some(message)) => messages.push(message),
                Ok(None) => {}
                Err(Error::Store(e)) if !matches!(e, crate::error::StoreError::Corrupt { .. }) => return Err(e.into()),
                Err(_) => report.skipped += 1,
            }
        }
        Ok((messages, tokens))
    }

    /// Loads every record a page of intents names, a kind at a time (a few round trips per
    /// page, not a few per message): tickets and invoices, then their customers and experts
    /// and the experts' staff accounts. A record that does not decode counts as absent.
    async fn preload(&self, intents: &[Intent]) -> Result<Loaded, Error> {
        let mut loaded = Loaded::default();
        let tickets: Vec<Uuid> = intents.iter().filter_map(|i| i.about.ticket()).map(|t| t.as_uuid()).collect();
        let invoices: Vec<Uuid> = intents.iter().filter_map(|i| i.about.invoice()).map(|i| i.as_uuid()).collect();
        let surveys: Vec<Uuid> = intents
            .iter()
            .filter_map(|i| match i.about {
                About::Survey { ticket, completion } => Some(SurveyId::of(ticket, completion.0).as_uuid()),
                _ => None,
            })
            .collect();
        let (tickets, invoices, surveys) = futures::future::try_join3(
            self.load_many::<Ticket>(&tickets),
            self.load_many::<Invoice>(&invoices),
            self.load_many::<Survey>(&surveys),
        )
        .await?;
        loaded.tickets.extend(tickets.into_iter().map(|t| (t.id, t)));
        loaded.invoices.extend(invoices.into_iter().map(|i| (i.id, i)));
        loaded.surveys.extend(surveys.into_iter().map(|s| (s.id, s)));
        let owners = loaded.tickets.values().map(|t| t.customer);
        let customers: Vec<Uuid> =
            owners.chain(loaded.invoices.values().map(|i| i.customer)).map(|c| c.as_uuid()).collect();
        let experts: Vec<Uuid> = intents
            .iter()
            .filter_map(|i| i.about.ticket().and_then(|t| loaded.tickets.get(&t)).and_then(|t| i.expert(t)))
            .map(|e| e.as_uuid())
            .collect();
        let (customers, accounts, experts) = futures::future::try_join3(
            self.load_many::<Customer>(&customers),
            self.load_many::<StaffAccount>(&experts),
            self.load_many::<Expert>(&experts),
        )
        .await?;
        loaded.customers.extend(customers.into_iter().map(|c| (c.id, c)));
        let accounts: HashMap<Uuid, StaffAccount> = accounts.into_iter().map(|a| (a.id.as_uuid(), a)).collect();
        for expert in experts {
            if let Some(account) = accounts.get(&expert.id.as_uuid()) {
                loaded.experts.insert(expert.id.as_uuid(), (expert, account.email.clone()));
            }
        }
        Ok(loaded)
    }

    /// The records of `A` with these ids that exist and decode, each once.
    async fn load_many<A: crate::aggregate::Aggregate>(&self, ids: &[Uuid]) -> Result<Vec<A>, Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let states = self.store_for(A::KIND).load_many(A::KIND, ids).await?;
        Ok(states.iter().filter_map(|s| crate::persist::decode_state::<A>(s).ok()).collect())
    }

    /// Writes an intent's message from the page's records: `None` when a record it names is
    /// absent or there is nobody to tell.
    async fn compose(
        &self,
        intent: &Intent,
        templates: &Templates,
        loaded: &Loaded,
        survey: Option<(&SurveyToken, DateTime<Utc>)>,
    ) -> Result<Option<Message>, Error> {
        let ticket = intent.about.ticket().and_then(|id| loaded.tickets.get(&id));
        let invoice = intent.about.invoice().and_then(|id| loaded.invoices.get(&id));
        let Some(customer) = ticket.map(|t| t.customer).or(invoice.map(|i| i.customer)) else { return Ok(None) };
        let Some(customer) = loaded.customers.get(&customer) else { return Ok(None) };
        let expert = ticket.and_then(|t| intent.expert(t)).and_then(|id| loaded.experts.get(&id.as_uuid()));
        let plan = match ticket {
            Some(t) => Some(self.plan_terms(t.plan).await?),
            None => None,
        };
        let expert = expert.map(|(e, email)| (e, email));
        let records = Records { customer, ticket, expert, invoice, plan: plan.as_ref(), survey };
        Ok(intent.compose(records, templates)?)
    }

    /// Hands messages (each tried so many times before) to the notifier, a few at once; answers
    /// each with the outcome to record.
    async fn deliver(
        &self,
        notifier: &impl Notifier,
        options: &NotifyOptions,
        messages: Vec<(Message, u32)>,
        report: &mut NotifyReport,
    ) -> Vec<(Message, Attempt)> {
        let clock = &self.clock;
        let attempts: Vec<(Message, Attempt)> = futures::stream::iter(messages)
            .map(|(message, tried)| async move {
                let outcome = notifier.send(&message).await;
                let at = clock.now();
                let tries = tried.saturating_add(1);
                let (status, retry_at, error) = match outcome {
                    Ok(()) => (DeliveryStatus::Sent, None, None),
                    Err(SendError::Permanent(why)) => (DeliveryStatus::Failed, None, Some(why)),
                    Err(SendError::Transient(why)) => match options.retry.next(tries, at) {
                        Some(retry_at) => (DeliveryStatus::Pending, Some(retry_at), Some(why)),
                        None => (DeliveryStatus::Failed, None, Some(format!("gave up after {tries} tries: {why}"))),
                    },
                };
                let error = error.map(|why| crate::error::clip(&why));
                let attempt =
                    Attempt { key: message.key.clone(), customer: message.customer, at, status, retry_at, error };
                (message, attempt)
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        for (_, attempt) in &attempts {
            match attempt.status {
                DeliveryStatus::Sent => report.sent += 1,
                DeliveryStatus::Pending => report.retrying += 1,
                DeliveryStatus::Failed => report.failed += 1,
            }
        }
        attempts
    }

    /// The messages of a ticket or customer, newest first (at most `limit`, 1–1,000): what
    /// was sent, to whom, and what became of it. Staff read any; a customer their own.
    pub async fn deliveries(&self, actor: Actor, filter: DeliveryFilter, limit: u32) -> Result<Vec<Delivery>, Error> {
        let actor = self.verify(actor, Action::ViewNotifications).await?;
        let (owner, ticket) = match filter {
            DeliveryFilter::Customer(customer) => (customer, None),
            DeliveryFilter::Ticket(ticket) => match self.find::<Ticket>(ticket).await? {
                Some(t) => (t.customer, Some(ticket)),
                None => return Err(Error::not_found(crate::event::AggregateKind::Ticket, ticket)),
            },
        };
        authorize(&actor, Action::ViewNotifications, Target::owned_by(owner))?;
        if !(1..=1_000).contains(&limit) {
            let value = i64::from(limit);
            return Err(crate::error::ValidationError::OutOfRange { field: "limit", value, min: 1, max: 1_000 }.into());
        }
        Ok(self.store.deliveries(owner, ticket, limit).await?)
    }

    /// Saves a template (an administrator): later messages of its kind and channel use it.
    /// Its text was checked when it was built ([`Template::new`]).
    pub async fn save_template(&self, actor: Actor, template: &Template) -> Result<(), Error> {
        let actor = self.verify(actor, Action::EditTemplates).await?;
        authorize(&actor, Action::EditTemplates, Target::default())?;
        Ok(self.store.save_template(template).await?)
    }

    /// The templates in force: those saved, the defaults for the rest.
    pub async fn templates(&self, actor: Actor) -> Result<Vec<Template>, Error> {
        let actor = self.verify(actor, Action::EditTemplates).await?;
        authorize(&actor, Action::EditTemplates, Target::default())?;
        Ok(Templates::with(self.store.saved_templates().await?).all().cloned().collect())
    }
}

fn lease_end(now: DateTime<Utc>, options: &NotifyOptions) -> DateTime<Utc> {
    now.checked_add_signed(options.lease).unwrap_or(now)
}
