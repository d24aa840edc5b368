//! The expert's phone and the server's sync endpoint: [`Replica`], the phone's offline-first
//! copy, and [`Sysops::serve_sync`]. The host carries the bytes over its own transport.

use crate::client::{Sysops, all};
use crate::customer::{Address, Contact};
use crate::enums::{ProductCategory, TicketStatus};
use crate::error::{DenyReason, SysopsError};
use crate::guard::{guard, guard_sync};
use crate::kb::{Article, SearchResults, article_search};
use crate::ticket::Ticket;
use crate::types::Timestamp;
use chrono::TimeDelta;
use std::collections::BTreeSet;
use std::sync::Arc;
use sysops_core::sync::{self as core};
use sysops_core::{Actor as CoreActor, ArticleId, CommandId, CustomerId, Reason, TicketId, WorkNotes};
use sysops_storage::{Options, SqliteStore};
use uuid::Uuid;

/// What an expert does to a ticket on the phone.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, eq, module = "sysops"))]
pub enum PhoneCommand {
    /// Take the offered ticket.
    Accept {},
    /// Decline the offer.
    Reject {
        /// Why (1–500 characters).
        reason: String,
    },
    /// Start work on site.
    Start {},
    /// Finish.
    Complete {
        /// What was done (1–10,000 characters).
        notes: String,
    },
    /// Record the articles that solved the completed ticket (at most 10; none withdraws).
    LinkArticles {
        /// The articles.
        articles: Vec<Uuid>,
    },
}

#[cfg(feature = "python")]
crate::python::variant_kind!(PhoneCommand { Accept, Reject, Start, Complete, LinkArticles });

impl From<core::PhoneCommand> for PhoneCommand {
    fn from(command: core::PhoneCommand) -> Self {
        match command {
            core::PhoneCommand::Accept => PhoneCommand::Accept {},
            core::PhoneCommand::Reject { reason } => PhoneCommand::Reject { reason: reason.as_str().to_owned() },
            core::PhoneCommand::Start => PhoneCommand::Start {},
            core::PhoneCommand::Complete { notes } => PhoneCommand::Complete { notes: notes.as_str().to_owned() },
            core::PhoneCommand::LinkArticles { articles } => {
                PhoneCommand::LinkArticles { articles: articles.into_iter().map(|a| a.as_uuid()).collect() }
            }
        }
    }
}

/// A command the phone queued, waiting for the server's verdict.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct QueuedCommand {
    /// Its id: the server applies it once, however often it is sent.
    pub id: Uuid,
    pub ticket: Uuid,
    pub command: PhoneCommand,
    /// When the expert gave it, by the phone's clock.
    pub decided_at: Timestamp,
}

impl From<core::QueuedCommand> for QueuedCommand {
    fn from(q: core::QueuedCommand) -> Self {
        QueuedCommand {
            id: q.id.as_uuid(),
            ticket: q.ticket.as_uuid(),
            command: q.command.into(),
            decided_at: q.decided_at,
        }
    }
}

/// Why the server refused a queued command: show it to the expert. The ticket on the phone is
/// back to the server's state (or gone, when it is no longer theirs).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, eq, module = "sysops"))]
pub enum Refusal {
    /// The ticket (or an article to link) does not exist.
    NotFound {},
    /// The ticket is no longer the expert's (reassigned, cancelled, taken back).
    Forbidden {
        /// Why.
        reason: DenyReason,
    },
    /// The ticket's status does not allow it any more.
    InvalidTransition {
        /// The ticket's status on the server.
        status: TicketStatus,
    },
    /// The offer's deadline passed before the server heard the answer.
    OfferExpired {},
    /// The expert declined this ticket or let an offer of it expire before.
    ExpertExcluded {},
    /// It would change nothing.
    NoChange {},
    /// A value it carries was refused.
    InvalidInput {
        /// Which.
        field: String,
        /// Why.
        reason: String,
    },
}

#[cfg(feature = "python")]
crate::python::variant_kind!(Refusal {
    NotFound,
    Forbidden,
    InvalidTransition,
    OfferExpired,
    ExpertExcluded,
    NoChange,
    InvalidInput
});

impl From<core::Refusal> for Refusal {
    fn from(refusal: core::Refusal) -> Self {
        match refusal {
            core::Refusal::NotFound => Refusal::NotFound {},
            core::Refusal::Forbidden { reason } => Refusal::Forbidden { reason: crate::error::deny_reason(reason).0 },
            core::Refusal::InvalidTransition { status } => Refusal::InvalidTransition { status },
            core::Refusal::OfferExpired => Refusal::OfferExpired {},
            core::Refusal::ExpertExcluded => Refusal::ExpertExcluded {},
            core::Refusal::NoChange => Refusal::NoChange {},
            core::Refusal::InvalidInput { field, reason } => Refusal::InvalidInput { field, reason },
        }
    }
}

/// A command the server refused, kept on the phone until dismissed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct RefusedCommand {
    pub command: QueuedCommand,
    pub refusal: Refusal,
}

impl From<core::RefusedCommand> for RefusedCommand {
    fn from(r: core::RefusedCommand) -> Self {
        RefusedCommand { command: r.command.into(), refusal: r.refusal.into() }
    }
}

/// What a visit needs of its customer: who, how to reach them, where to go.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
#[allow(missing_docs)]
pub struct CustomerCard {
    pub id: Uuid,
    /// The customer record's version it was taken from.
    pub version: u64,
    pub contact: Contact,
    pub address: Address,
}

impl From<core::CustomerCard> for CustomerCard {
    fn from(c: core::CustomerCard) -> Self {
        CustomerCard { id: c.id.as_uuid(), version: c.version, contact: c.contact.into(), address: c.address.into() }
    }
}

/// What applying an answer did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
#[cfg_attr(feature = "python", pyo3::pyclass(frozen, get_all, eq, module = "sysops"))]
pub struct SyncReport {
    /// Tickets received (new or newer copies).
    pub tickets: u64,
    /// Customers received.
    pub customers: u64,
    /// Articles that received revisions.
    pub articles: u64,
    /// Tickets and customers dropped: no longer the expert's.
    pub dropped: u64,
    /// Queued commands the server applied.
    pub applied: Vec<Uuid>,
    /// Queued commands the server refused, with why.
    pub refused: Vec<RefusedCommand>,
    /// The server has more: send another request.
    pub more: bool,
}

impl From<sysops_core::ReceiveReport> for SyncReport {
    fn from(r: sysops_core::ReceiveReport) -> Self {
        SyncReport {
            tickets: r.tickets,
            customers: r.customers,
            articles: r.articles,
            dropped: r.dropped,
            applied: r.applied.into_iter().map(|c| c.as_uuid()).collect(),
            refused: all(r.refused),
            more: r.more,
        }
    }
}

/// An expert's phone: their offers and tickets, those tickets' customers and the articles of
/// their skills, kept in a SQLite file on the device, worked on offline, and synced with the
/// server whenever the app has a connection.
///
/// The app authenticates the expert; open the replica for them. Each command (`accept`,
/// `reject`, `start`, `complete`, `link_articles`) is decided on the phone at once, with the
/// server's rules and errors, and queued on disk. To sync, send `request()`'s bytes to the
/// server's sync endpoint (which calls `Sysops.serve_sync` as the authenticated expert) and
/// pass its answer to `receive`; repeat while the report says `more`. A command the server
/// refuses (the offer expired meanwhile, an administrator took the ticket back) leaves the
/// queue with its `Refusal`, and the ticket shows the server's state again.
#[derive(uniffi::Object)]
pub struct Replica {
    inner: sysops_core::Replica<SqliteStore>,
    clock: Option<Arc<sysops_core::ManualClock>>,
}

impl Replica {
    fn actor(&self) -> CoreActor {
        self.inner.expert()
    }

    async fn decide(&self, ticket: Uuid, command: core::PhoneCommand) -> Result<Ticket, SysopsError> {
        Ok(self.inner.decide(TicketId::from_uuid(ticket), command).await?.into())
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Replica {
    /// Opens (or creates) the replica of `expert` (their expert id) in the SQLite database at
    /// `url` (`sqlite://FILE`; `sqlite::memory:` for tests). A database that belongs to
    /// another expert is `Sync` (`OTHER_EXPERT`); a PostgreSQL URL is `InvalidInput`. With
    /// `simulated_start`, time starts there and moves only by `advance_clock`, and ids are
    /// deterministic for `id_seed` (tests and simulations).
    #[uniffi::constructor(default(simulated_start = None, id_seed = 1))]
    pub async fn open(
        url: String,
        expert: Uuid,
        simulated_start: Option<Timestamp>,
        id_seed: u64,
    ) -> Result<Arc<Self>, SysopsError> {
        guard(async move {
            let mut options = Options::default();
            let clock = match simulated_start {
                Some(start) => {
                    let clock = Arc::new(sysops_core::ManualClock::new(start)?);
                    options.clock = clock.clone();
                    options.ids = Arc::new(sysops_core::SequentialIds::new(id_seed));
                    Some(clock)
                }
                None => None,
            };
            let service = sysops_storage::open_phone(&url, options).await?;
            let expert = CoreActor::expert(sysops_core::ExpertId::from_uuid(expert));
            let inner = sysops_core::Replica::open(service, expert).await?;
            Ok(Arc::new(Replica { inner, clock }))
        })
        .await
    }

    /// Moves a simulated clock forward; refused on a replica opened with the real clock.
    pub fn advance_clock(&self, by: TimeDelta) -> Result<Timestamp, SysopsError> {
        guard_sync(|| {
            let clock = self.clock.as_ref().ok_or_else(|| SysopsError::RuleViolated {
                rule: crate::Rule::RealClock,
                detail: "only a replica opened with simulated_start has a clock to advance".to_owned(),
            })?;
            if by < TimeDelta::zero() {
                return Err(SysopsError::InvalidInput {
                    field: "by".to_owned(),
                    reason: "time only moves forward".into(),
                });
            }
            Ok(clock.advance(by)?)
        })
    }

    /// The bytes to send the server: what the phone holds, the commands not answered yet,
    /// and at most `limit` records wanted back (1–5,000). Only the answer to the latest
    /// request is applied.
    pub async fn request(&self, limit: u32) -> Result<Vec<u8>, SysopsError> {
        guard(async move { Ok(self.inner.request(limit).await?.to_bytes()) }).await
    }

    /// Applies the server's answer bytes. The whole answer is checked before anything is
    /// written; an answer to an older request (a replay, a duplicate, a late delivery) is
    /// `Sync` (`STALE`) and changes nothing, as is one from a newer library
    /// (`NEWER_PROTOCOL`), a malformed one (`MALFORMED`) or one holding what the expert may
    /// not see (`OUTSIDE_VIEW`).
    pub async fn receive(&self, answer: Vec<u8>) -> Result<SyncReport, SysopsError> {
        guard(async move { Ok(self.inner.receive(&answer).await?.into()) }).await
    }

    /// Accepts the offered ticket, on the phone now and on the server at the next sync.
    pub async fn accept(&self, ticket: Uuid) -> Result<Ticket, SysopsError> {
        guard(self.decide(ticket, core::PhoneCommand::Accept)).await
    }

    /// Declines the offered ticket, saying why (1–500 characters).
    pub async fn reject(&self, ticket: Uuid, reason: String) -> Result<Ticket, SysopsError> {
        guard(async move {
            let reason = Reason::new(reason)?;
            self.decide(ticket, core::PhoneCommand::Reject { reason }).await
        })
        .await
    }

    /// Starts work on an accepted ticket.
    pub async fn start(&self, ticket: Uuid) -> Result<Ticket, SysopsError> {
        guard(self.decide(ticket, core::PhoneCommand::Start)).await
    }

    /// Completes the work, with what was done (1–10,000 characters).
    pub async fn complete(&self, ticket: Uuid, notes: String) -> Result<Ticket, SysopsError> {
        guard(async move {
            let notes = WorkNotes::new(notes)?;
            self.decide(ticket, core::PhoneCommand::Complete { notes }).await
        })
        .await
    }

    /// Records the articles that solved the completed ticket (at most 10; none withdraws).
    /// The server checks that each exists.
    pub async fn link_articles(&self, ticket: Uuid, articles: Vec<Uuid>) -> Result<Ticket, SysopsError> {
        guard(async move {
            let articles: BTreeSet<ArticleId> = articles.into_iter().map(ArticleId::from_uuid).collect();
            self.decide(ticket, core::PhoneCommand::LinkArticles { articles }).await
        })
        .await
    }

    /// Every ticket on the phone as the expert sees it: the server's copy with the queued
    /// commands applied on top.
    pub async fn tickets(&self) -> Result<Vec<Ticket>, SysopsError> {
        guard(async move { Ok(all(self.inner.tickets().await?)) }).await
    }

    /// One ticket as `tickets` shows it; `NotFound` when it is not on the phone.
    pub async fn ticket(&self, ticket: Uuid) -> Result<Ticket, SysopsError> {
        guard(async move { Ok(self.inner.ticket(TicketId::from_uuid(ticket)).await?.into()) }).await
    }

    /// The customer of one of the expert's tickets; `NotFound` for any other.
    pub async fn customer(&self, customer: Uuid) -> Result<CustomerCard, SysopsError> {
        guard(async move { Ok(self.inner.customer(CustomerId::from_uuid(customer)).await?.into()) }).await
    }

    /// The commands not answered by the server yet, oldest first.
    pub async fn queued(&self) -> Result<Vec<QueuedCommand>, SysopsError> {
        guard(async move { Ok(all(self.inner.queued().await?)) }).await
    }

    /// The commands the server refused, oldest first, until dismissed.
    pub async fn refused(&self) -> Result<Vec<RefusedCommand>, SysopsError> {
        guard(async move { Ok(all(self.inner.refused().await?)) }).await
    }

    /// Forgets a refusal the app has shown (an unknown id changes nothing).
    pub async fn dismiss(&self, command: Uuid) -> Result<(), SysopsError> {
        guard(async move { Ok(self.inner.dismiss(CommandId::from_uuid(command)).await?) }).await
    }

    /// Searches the phone's articles offline, as `Sysops.search_articles` does on the server.
    pub async fn search_articles(
        &self,
        query: String,
        categories: Vec<ProductCategory>,
        tags: Vec<String>,
        offset: u32,
        limit: u32,
    ) -> Result<SearchResults, SysopsError> {
        guard(async move {
            let search = article_search(query, categories, tags, offset, limit)?;
            Ok(self.inner.service().search_articles(self.actor(), search).await?.into())
        })
        .await
    }

    /// One of the phone's articles, offline.
    pub async fn article(&self, article: Uuid) -> Result<Article, SysopsError> {
        guard(
            async move { Ok(self.inner.service().article(self.actor(), ArticleId::from_uuid(article)).await?.into()) },
        )
        .await
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sysops {
    /// The server's sync endpoint: reads a phone's request bytes (any protocol still read),
    /// decides its queued commands as `actor` (the expert the host authenticated; a request
    /// naming anyone else is `Forbidden`), and returns the answer bytes to send back: each
    /// command's verdict and the next page of what the expert may see. A command is applied
    /// once per id, however often it is sent.
    pub async fn serve_sync(&self, actor: crate::Actor, request: Vec<u8>) -> Result<Vec<u8>, SysopsError> {
        guard(async move { Ok(self.api()?.serve_sync(actor.into(), &request).await?) }).await
    }
}
