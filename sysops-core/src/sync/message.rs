//! The two messages of an exchange, their versions, and their bytes (JSON).
//!
//! Every message carries its protocol version. Version 1 is the knowledge-base-only sync of
//! earlier libraries ([`crate::kb::sync`]: a `format` field, the articles held, the articles
//! lacking); it is still read, as a request holding only articles and no commands, or an
//! answer holding only the account and articles. Version 2 is this module's.

use super::SyncError;
use super::command::{CommandVerdict, QueuedCommand};
use super::view::CustomerCard;
use crate::id::{ArticleId, CustomerId, TicketId, UserId};
use crate::kb::ArticleEvent;
use crate::kb::sync::{StreamEvents, SyncAnswer, SyncRequest};
use crate::staff::StaffEvent;
use crate::ticket::Ticket;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The protocol version this library writes, and the newest it reads.
pub const PROTOCOL: u32 = 2;
/// The oldest protocol version still read: the knowledge-base-only sync.
pub const OLDEST_PROTOCOL: u32 = 1;
/// Largest message read, in bytes.
pub const MAX_MESSAGE_BYTES: usize = crate::kb::sync::MAX_SYNC_BYTES;
/// Records in a page when the phone does not say ([`Request::limit`]).
pub const DEFAULT_PAGE: u32 = 500;
/// Most records in one page: a larger limit is served as this.
pub const MAX_PAGE: u32 = 5_000;
/// Most commands in one request: more is malformed (a phone sends its queue in batches).
pub const MAX_COMMANDS: usize = 1_000;

/// What a phone holds: each record's version. Built from the phone's store for every request,
/// so it is always the truth about the phone and a cut-off sync resumes from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The expert's own account's version.
    pub account: u64,
    /// Each ticket held and its version.
    pub tickets: BTreeMap<TicketId, u64>,
    /// Each customer held and its version.
    pub customers: BTreeMap<CustomerId, u64>,
    /// Each article held and its version.
    pub articles: BTreeMap<ArticleId, u64>,
}

/// The phone's half of an exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// [`PROTOCOL`].
    pub protocol: u32,
    /// Fresh for every request: the answer names it, and the phone applies only the answer to
    /// its latest request.
    pub id: Uuid,
    /// The expert whose phone it is (checked against the caller the host authenticated).
    pub expert: UserId,
    /// What the phone holds.
    pub cursor: Cursor,
    /// The commands queued on the phone, oldest first.
    pub commands: Vec<QueuedCommand>,
    /// Most records in the answer's page (1 to [`MAX_PAGE`]).
    pub limit: u32,
}

/// The server's half: a verdict per command and a page of what the phone lacks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// [`PROTOCOL`].
    pub protocol: u32,
    /// The request answered.
    pub request: Uuid,
    /// The expert it is for.
    pub expert: UserId,
    /// One verdict per command decided, in the request's order. A command without one (the
    /// server was busy) stays queued and is sent again.
    pub verdicts: Vec<CommandVerdict>,
    /// What the phone lacks.
    pub page: Page,
}

/// A page of the expert's view the phone lacks, and what left it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// The events of the expert's account after the version the phone holds.
    pub account: Vec<crate::event::Envelope<StaffEvent>>,
    /// Tickets newer than the phone's copy, as the expert may see them ([`super::seen_by`]).
    pub tickets: Vec<Ticket>,
    /// Customers of those tickets newer than the phone's copy.
    pub customers: Vec<CustomerCard>,
    /// Articles of the expert's skills: the events the phone lacks.
    pub articles: Vec<StreamEvents<ArticleEvent>>,
    /// Tickets the phone holds that are no longer the expert's (reassigned, expired, closed,
    /// cancelled): the phone drops them.
    pub gone_tickets: Vec<TicketId>,
    /// Customers the phone holds whose tickets all left it.
    pub gone_customers: Vec<CustomerId>,
    /// True when the page was full: send another request.
    pub more: bool,
}

impl Page {
    /// Records the page holds (tickets, customers, articles), against the request's limit.
    pub(crate) fn records(&self) -> usize {
        self.tickets.len() + self.customers.len() + self.articles.len()
    }
}

/// The version fields of any sync message, read before the rest.
#[derive(Deserialize)]
struct Versioned {
    protocol: Option<u32>,
    /// Version 1's name for it.
    format: Option<u32>,
}

fn version_of(bytes: &[u8]) -> Result<u32, SyncError> {
    if bytes.len() > MAX_MESSAGE_BYTES {
        return Err(SyncError::malformed("larger than 64 MiB"));
    }
    let versioned: Versioned = serde_json::from_slice(bytes).map_err(|_| SyncError::malformed("not a sync message"))?;
    match versioned.protocol.or(versioned.format) {
        Some(found) if found > PROTOCOL => Err(SyncError::NewerProtocol { found, supported: PROTOCOL }),
        Some(found) if found >= OLDEST_PROTOCOL => Ok(found),
        _ => Err(SyncError::malformed("no protocol version this library knows")),
    }
}

fn parse<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, SyncError> {
    serde_json::from_slice(bytes).map_err(|_| SyncError::malformed("not a sync message of its protocol version"))
}

impl Request {
    /// The request as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// True for a request read from protocol 1: its phone reads only protocol 1 answers.
    pub fn is_v1(&self) -> bool {
        self.protocol == 1
    }
}

impl Answer {
    /// The answer as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// A request read from bytes a phone sent, of any protocol still read.
pub fn decode_request(bytes: &[u8]) -> Result<Request, SyncError> {
    let request = match version_of(bytes)? {
        1 => {
            let old: SyncRequest = parse(bytes)?;
            let cursor = Cursor { articles: old.have, ..Cursor::default() };
            Request {
                protocol: 1,
                id: Uuid::nil(),
                expert: old.expert,
                cursor,
                commands: Vec::new(),
                limit: DEFAULT_PAGE,
            }
        }
        _ => parse::<Request>(bytes)?,
    };
    if request.commands.len() > MAX_COMMANDS {
        return Err(SyncError::malformed("more than 1,000 commands in one request"));
    }
    if request.limit == 0 {
        return Err(SyncError::malformed("a page limit of 0"));
    }
    Ok(request)
}

/// An answer read from bytes the server sent, of any protocol still read. A protocol 1 answer
/// answers whatever the phone asked last (it names no request).
pub fn decode_answer(bytes: &[u8], latest: Uuid) -> Result<Answer, SyncError> {
    Ok(match version_of(bytes)? {
        1 => {
            let old: SyncAnswer = parse(bytes)?;
            if old.account.id != old.expert.as_uuid() {
                return Err(SyncError::OutsideView { what: "another account" });
            }
            let page = Page { account: old.account.events, articles: old.articles, more: old.more, ..Page::default() };
            Answer { protocol: 1, request: latest, expert: old.expert, verdicts: Vec::new(), page }
        }
        _ => parse::<Answer>(bytes)?,
    })
}

/// The protocol 1 answer to a protocol 1 request, from a version 2 page: an old phone reads
/// only its account and articles.
pub(crate) fn v1_answer(expert: UserId, page: Page) -> SyncAnswer {
    SyncAnswer {
        format: 1,
        expert,
        account: StreamEvents { id: expert.as_uuid(), events: page.account },
        articles: page.articles,
        more: page.more,
    }
}
