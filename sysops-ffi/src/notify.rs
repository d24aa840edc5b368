//! Notifications: the messages sysops sends through the host's notifier, their templates and
//! delivery history, and the deadline job whose warnings reach escalation contacts.

use crate::client::Sysops;
use crate::enums::{DeliveryStatus, MessageChannel, MessageKind};
use crate::error::SysopsError;
use crate::guard::guard;
use crate::integrity::{QuarantinedRecord, quarantined};
use crate::types::Timestamp;
use crate::value::Actor;
use std::sync::Arc;
use sysops_core::notify as core;
use sysops_core::{CustomerId, TicketId};
use uuid::Uuid;

/// A message to send: the host's notifier delivers it by `channel` to `to`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct Message {
    /// The idempotency key: the same for every hand-over of this message. A notifier that
    /// sends at most once per key never sends it twice.
    pub key: String,
    /// Why it is sent.
    pub kind: MessageKind,
    /// Email or SMS.
    pub channel: MessageChannel,
    /// The email address or E.164 phone number.
    pub to: String,
    /// An email's subject (an SMS has none).
    pub subject: Option<String>,
    /// The text.
    pub body: String,
    /// The customer whose ticket or account it is about.
    pub customer: Uuid,
    /// The ticket it is about, if any.
    pub ticket: Option<Uuid>,
    /// The expert it is about, if any.
    pub expert: Option<Uuid>,
    /// When the event that called for it happened.
    pub created_at: Timestamp,
}

impl From<core::Message> for Message {
    fn from(m: core::Message) -> Self {
        Message {
            key: m.key.as_str().to_owned(),
            kind: m.kind,
            channel: m.channel,
            to: m.to,
            subject: m.subject,
            body: m.body,
            customer: m.customer.as_uuid(),
            ticket: m.ticket.map(|t| t.as_uuid()),
            expert: m.expert.map(|e| e.as_uuid()),
            created_at: m.created_at,
        }
    }
}

/// A message and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct Delivery {
    /// What was (or is to be) sent.
    pub message: Message,
    /// Pending (to be tried at `next_attempt`), sent, or failed for good.
    pub status: DeliveryStatus,
    /// How often it was handed to the notifier.
    pub attempts: u32,
    /// When it is tried next, while pending.
    pub next_attempt: Option<Timestamp>,
    /// When it was sent or failed for good.
    pub finished_at: Option<Timestamp>,
    /// The last failure's reason.
    pub error: Option<String>,
}

impl From<core::Delivery> for Delivery {
    fn from(d: core::Delivery) -> Self {
        Delivery {
            message: d.message.into(),
            status: d.status,
            attempts: d.attempts,
            next_attempt: d.next_attempt,
            finished_at: d.finished_at,
            error: d.error,
        }
    }
}

/// A message template: the text of one kind of message on one channel, naming the event's
/// facts in braces (`{ticket_number}`; `{{` and `}}` for braces). Saving one that names a
/// fact its kind does not carry is `InvalidInput` (field `template`); a malformed one names
/// `subject` or `body`. An email needs a subject of 1–200 characters, an SMS has none; a body
/// holds 1–4,000 characters (1–320 for an SMS) and no control characters but an email's line
/// breaks and tabs.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, from_py_object, new = "from_fields", module = "sysops")
)]
#[allow(missing_docs)]
pub struct Template {
    pub kind: MessageKind,
    pub channel: MessageChannel,
    pub subject: Option<String>,
    pub body: String,
}

impl From<core::Template> for Template {
    fn from(t: core::Template) -> Self {
        let text = t.text();
        Template { kind: text.kind, channel: text.channel, subject: text.subject, body: text.body }
    }
}

impl TryFrom<Template> for core::Template {
    type Error = SysopsError;
    fn try_from(t: Template) -> Result<Self, SysopsError> {
        core::Template::new(t.kind, t.channel, t.subject.as_deref(), &t.body)
            .map_err(|e| sysops_core::Error::Notify(e).into())
    }
}

/// The facts each kind of message carries, as named in templates.
#[uniffi::export]
pub fn template_facts(kind: MessageKind) -> Vec<String> {
    kind.facts().iter().map(|f| f.as_str().to_owned()).collect()
}

/// Why the host's notifier could not send a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[allow(missing_docs)]
pub enum SendError {
    /// Worth trying again later (a timeout, the provider down): retried with backoff.
    #[error("transient: {reason}")]
    Transient { reason: String },
    /// Never worth trying again (an invalid number, an address that bounces): recorded.
    #[error("permanent: {reason}")]
    Permanent { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for SendError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        SendError::Transient { reason: format!("the host's notifier failed: {}", e.reason) }
    }
}

/// The host's way of sending messages (an SMS gateway, an email service). sysops calls it
/// from background threads, several messages at once, and waits for each answer; a call may
/// block on the network but should give up within its own timeout. It should honour
/// `message.key`: a message may be handed over again with the same key after a crash, and a
/// notifier that sends at most once per key never sends it twice. Throwing anything but a
/// `SendError` counts as a transient failure.
#[uniffi::export(with_foreign)]
pub trait Notifier: Send + Sync {
    /// Sends the message, or says why not.
    fn send(&self, message: Message) -> Result<(), SendError>;
}

/// The host's notifier as the core calls it: each call on a blocking thread of the runtime,
/// and a panic in it a transient failure rather than a crash.
pub(crate) struct HostNotifier(pub(crate) Arc<dyn Notifier>);

impl core::Notifier for HostNotifier {
    async fn send(&self, message: &core::Message) -> Result<(), core::SendError> {
        let notifier = self.0.clone();
        let message = Message::from(message.clone());
        match tokio::task::spawn_blocking(move || notifier.send(message)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(SendError::Transient { reason })) => Err(core::SendError::Transient(reason)),
            Ok(Err(SendError::Permanent { reason })) => Err(core::SendError::Permanent(reason)),
            Err(_) => Err(core::SendError::Transient("the host's notifier panicked".into())),
        }
    }
}

/// How the notification consumer works. Defaults: 500 events a round, a 5-minute lease,
/// retries after 30 s doubling up to an hour, 10 tries.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(frozen, get_all, eq, from_py_object, new = "from_fields", module = "sysops")
)]
pub struct NotifyOptions {
    /// Events read and due messages claimed per round, 1–10,000.
    #[uniffi(default = 500)]
    pub batch: u32,
    /// Seconds a message claimed for a retry is kept from other consumers (one whose consumer
    /// died holding it is tried again once they pass), 1–86,400.
    #[uniffi(default = 300)]
    pub lease_seconds: u32,
    /// Seconds before the first retry of a transient failure, 1–86,400; each later wait doubles.
    #[uniffi(default = 30)]
    pub first_retry_seconds: u32,
    /// The longest wait between tries, in seconds (at least the first), up to 86,400.
    #[uniffi(default = 3600)]
    pub longest_retry_seconds: u32,
    /// Tries in all before a message fails for good, 1–100.
    #[uniffi(default = 10)]
    pub attempts: u32,
}

impl TryFrom<NotifyOptions> for sysops_core::NotifyOptions {
    type Error = SysopsError;
    fn try_from(o: NotifyOptions) -> Result<Self, SysopsError> {
        let seconds = |s: u32| chrono::Duration::seconds(i64::from(s));
        let retry = core::Retry::new(seconds(o.first_retry_seconds), seconds(o.longest_retry_seconds), o.attempts)?;
        Ok(sysops_core::NotifyOptions::new(o.batch, seconds(o.lease_seconds), retry)?)
    }
}

/// The default options.
#[uniffi::export]
pub fn default_notify_options() -> NotifyOptions {
    let d = sysops_core::NotifyOptions::default();
    NotifyOptions {
        batch: d.batch,
        lease_seconds: u32::try_from(d.lease.num_seconds()).unwrap_or(300),
        first_retry_seconds: u32::try_from(d.retry.first.num_seconds()).unwrap_or(30),
        longest_retry_seconds: u32::try_from(d.retry.longest.num_seconds()).unwrap_or(3600),
        attempts: d.retry.attempts,
    }
}

/// What a round (or a whole run) of the notification consumer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct NotifyReport {
    /// Outbox events read.
    pub events: u64,
    /// Messages recorded for the first time (one handed over again after a crash is not
    /// recorded twice).
    pub recorded: u64,
    /// Messages the notifier accepted.
    pub sent: u64,
    /// Messages that failed for now and will be tried again.
    pub retrying: u64,
    /// Messages that failed for good.
    pub failed: u64,
    /// Events whose message could not be written (a record they name is gone or unreadable).
    pub skipped: u64,
    /// Rounds run (1 for a single round).
    pub rounds: u64,
    /// Rounds that failed on storage and were retried after a pause (a run only).
    pub storage_errors: u64,
}

impl From<sysops_core::NotifyReport> for NotifyReport {
    fn from(r: sysops_core::NotifyReport) -> Self {
        let sysops_core::NotifyReport { events, recorded, sent, retrying, failed, skipped } = r;
        NotifyReport { events, recorded, sent, retrying, failed, skipped, rounds: 1, storage_errors: 0 }
    }
}

/// Stops a running `run_notifications` after its current round. Create one, pass it to the
/// run, call `stop()` from anywhere.
#[derive(Debug, Default, Clone, uniffi::Object)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, module = "sysops"))]
pub struct StopSignal(pub(crate) sysops_storage::StopSignal);

#[uniffi::export]
impl StopSignal {
    /// A switch not yet thrown.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Asks the run to stop after its current round (harmless when called again).
    pub fn stop(&self) {
        self.0.stop();
    }

    /// Whether `stop()` was called.
    pub fn is_stopped(&self) -> bool {
        self.0.is_stopped()
    }
}

#[cfg(feature = "python")]
#[pyo3::pymethods]
impl StopSignal {
    fn __repr__(&self) -> String {
        format!("StopSignal(stopped={})", self.is_stopped())
    }

    #[new]
    fn py_new() -> Self {
        StopSignal::default()
    }

    /// Asks the run to stop after its current round (harmless when called again).
    #[pyo3(name = "stop")]
    fn py_stop(&self) {
        self.stop();
    }

    /// Whether `stop()` was called.
    #[pyo3(name = "is_stopped")]
    fn py_is_stopped(&self) -> bool {
        self.is_stopped()
    }
}

/// What a run of the deadline job found.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct DeadlineReport {
    /// Tickets looked at.
    pub checked: u64,
    /// Tickets found nearing a deadline (each tells the plan's escalation contact).
    pub nearing: u64,
    /// Deadlines found missed.
    pub breached: u64,
    /// Tickets whose stored record cannot be read, skipped.
    pub quarantined: Vec<QuarantinedRecord>,
}

/// The most deliveries one history call returns.
const MAX_HISTORY: u32 = 1_000;

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// One round of the notification consumer (System or an administrator): reads new events,
    /// queues the messages they call for, hands them to `notifier`, and tries again the
    /// messages whose retry is due.
    pub async fn notify_round(
        &self,
        actor: Actor,
        notifier: Arc<dyn Notifier>,
        options: NotifyOptions,
    ) -> Result<NotifyReport, SysopsError> {
        guard(async move {
            let options = options.try_into()?;
            Ok(self.api()?.notify_round(actor.into(), &HostNotifier(notifier), &options).await?.into())
        })
        .await
    }

    /// Runs the notification consumer until `stop` is thrown: round after round while there
    /// is work, pausing `idle_millis` (1–3,600,000) when there is none. A storage failure
    /// pauses the same way and the run goes on; the run returns its totals once stopped.
    pub async fn run_notifications(
        &self,
        actor: Actor,
        notifier: Arc<dyn Notifier>,
        options: NotifyOptions,
        idle_millis: u32,
        stop: Arc<StopSignal>,
    ) -> Result<NotifyReport, SysopsError> {
        guard(async move {
            let options = options.try_into()?;
            if !(1..=3_600_000).contains(&idle_millis) {
                let reason = format!("must be 1 to 3600000 milliseconds, not {idle_millis}");
                return Err(SysopsError::InvalidInput { field: "idle_millis".into(), reason });
            }
            let idle = std::time::Duration::from_millis(u64::from(idle_millis));
            let notifier = HostNotifier(notifier);
            let totals = self.api()?.run_notifications(actor.into(), &notifier, &options, idle, &stop.0).await?;
            let mut report = NotifyReport::from(totals.work);
            report.rounds = totals.rounds;
            report.storage_errors = totals.storage_errors;
            Ok(report)
        })
        .await
    }

    /// The messages about a ticket, newest first (at most `limit`, 1–1,000): staff, or the
    /// ticket's customer.
    pub async fn ticket_deliveries(
        &self,
        actor: Actor,
        ticket: Uuid,
        limit: u32,
    ) -> Result<Vec<Delivery>, SysopsError> {
        guard(async move {
            let filter = core::DeliveryFilter::Ticket(TicketId::from(ticket));
            let found = self.api()?.deliveries(actor.into(), filter, limit.min(MAX_HISTORY.saturating_add(1))).await?;
            Ok(found.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// The messages about a customer's tickets and account, newest first (at most `limit`,
    /// 1–1,000): staff, or the customer.
    pub async fn customer_deliveries(
        &self,
        actor: Actor,
        customer: Uuid,
        limit: u32,
    ) -> Result<Vec<Delivery>, SysopsError> {
        guard(async move {
            let filter = core::DeliveryFilter::Customer(CustomerId::from(customer));
            let found = self.api()?.deliveries(actor.into(), filter, limit.min(MAX_HISTORY.saturating_add(1))).await?;
            Ok(found.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// Saves a template (an administrator): later messages of its kind and channel use it.
    pub async fn save_template(&self, actor: Actor, template: Template) -> Result<(), SysopsError> {
        guard(async move {
            let template = core::Template::try_from(template)?;
            Ok(self.api()?.save_template(actor.into(), &template).await?)
        })
        .await
    }

    /// The templates in force, one per kind and channel (an administrator).
    pub async fn templates(&self, actor: Actor) -> Result<Vec<Template>, SysopsError> {
        guard(async move { Ok(self.api()?.templates(actor.into()).await?.into_iter().map(Into::into).collect()) }).await
    }

    /// The deadline job (System or an administrator): records every unfinished ticket that has
    /// used up `warn_at_percent` (1–99) of its response or resolution target, which tells its
    /// plan's escalation contact once, and every deadline missed.
    pub async fn check_deadlines(&self, actor: Actor, warn_at_percent: u8) -> Result<DeadlineReport, SysopsError> {
        guard(async move {
            let warn_at = sysops_core::WarnAt::percent(warn_at_percent)?;
            let r = self.api()?.check_deadlines(actor.into(), warn_at).await?;
            Ok(DeadlineReport {
                checked: r.checked,
                nearing: r.nearing,
                breached: r.breached,
                quarantined: quarantined(r.quarantined),
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_default_options_are_the_cores() {
        let options: sysops_core::NotifyOptions = default_notify_options().try_into().unwrap();
        assert_eq!(options, sysops_core::NotifyOptions::default());
    }

    #[test]
    fn every_kind_lists_the_facts_its_templates_may_name() {
        assert!(template_facts(MessageKind::OfferMade).contains(&"ticket_number".to_owned()));
        assert!(!template_facts(MessageKind::OfferMade).contains(&"amount".to_owned()));
    }
}
