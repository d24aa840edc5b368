//! The expert's offline copy of the knowledge base: the messages a phone and the server
//! exchange so the phone holds the articles of the expert's skills and searches them offline
//! with the same call.
//!
//! The copy is the articles' own history: the server sends each article's events that the
//! phone does not hold yet, and the phone appends them to its own store, so its articles are
//! the server's, revision for revision (same ids, same events, same state by replay). A sync
//! is one exchange, repeated until the answer says nothing more follows:
//!
//! 1. the phone says what it holds ([`SyncRequest`]: each article's version);
//! 2. the server answers with what it lacks ([`SyncAnswer`]: the events after each version,
//!    a page of articles at a time, and the expert's own account, so the phone can check the
//!    expert offline as the server does);
//! 3. the phone checks the whole answer (every event of the right stream, in sequence, every
//!    article's content valid, replaying to a valid article) and appends it.
//!
//! An interrupted sync loses nothing and duplicates nothing: each article's events are
//! appended at the version the phone held, in one commit with the state they lead to, and
//! an event the phone already holds is not sent again (nor appended, if an old answer is
//! applied twice). Both messages travel as bytes the host carries over its own transport.

use super::{Article, ArticleEvent, ArticleId};
use crate::error::ValidationError;
use crate::event::{Envelope, Sequence};
use crate::id::UserId;
use crate::staff::StaffEvent;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The only message format this version writes and reads.
pub const SYNC_FORMAT: u32 = 1;
/// Largest message accepted, in bytes: an answer page holds at most
/// [`SyncAnswer::PAGE_BYTES`] of article text plus one article.
pub const MAX_SYNC_BYTES: usize = 64 << 20;

/// What a phone holds: each article's version (its number of events).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    /// [`SYNC_FORMAT`].
    pub format: u32,
    /// The expert whose phone it is.
    pub expert: UserId,
    /// Each article held and its version.
    pub have: BTreeMap<ArticleId, u64>,
}

/// One stream's events the phone lacks, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamEvents<E> {
    /// The stream's id.
    pub id: uuid::Uuid,
    /// Its events after the version the phone holds.
    pub events: Vec<Envelope<E>>,
}

/// What the server sends back: the expert's account and a page of articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncAnswer {
    /// [`SYNC_FORMAT`].
    pub format: u32,
    /// The expert it is for.
    pub expert: UserId,
    /// The expert's staff account, whole: the phone checks the expert against it offline.
    pub account: StreamEvents<StaffEvent>,
    /// The articles of the expert's skills the phone lacks events of.
    pub articles: Vec<StreamEvents<ArticleEvent>>,
    /// True when more articles follow: send a new request.
    pub more: bool,
}

impl SyncAnswer {
    /// Article text (titles and bodies) in one answer, after which the page ends.
    pub const PAGE_BYTES: usize = 8 << 20;
    /// Articles in one answer at most.
    pub const PAGE_ARTICLES: usize = 500;
}

/// What applying an answer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    /// Articles that received events.
    pub articles_updated: u64,
    /// Events appended in all (the account's included).
    pub events_applied: u64,
    /// Whether the server has more: send a new request.
    pub more: bool,
}

fn invalid(reason: &'static str) -> ValidationError {
    ValidationError::Malformed { field: "sync", reason }
}

/// A message as bytes, and back: JSON, with its format checked and its size bounded.
pub trait SyncMessage: Serialize + for<'de> Deserialize<'de> {
    /// The message's format field.
    fn format(&self) -> u32;

    /// The message as bytes.
    fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// A message read from bytes someone sent: `InvalidInput` (field `sync`) when it is too
    /// large, not such a message, or of another format.
    fn from_bytes(bytes: &[u8]) -> Result<Self, ValidationError> {
        if bytes.len() > MAX_SYNC_BYTES {
            return Err(invalid("the message is larger than 64 MiB"));
        }
        let message: Self = serde_json::from_slice(bytes).map_err(|_| invalid("not a sync message of this version"))?;
        if message.format() != SYNC_FORMAT {
            return Err(invalid("a sync message of another format"));
        }
        Ok(message)
    }
}

impl SyncMessage for SyncRequest {
    fn format(&self) -> u32 {
        self.format
    }
}

impl SyncMessage for SyncAnswer {
    fn format(&self) -> u32 {
        self.format
    }
}

impl<E> StreamEvents<E> {
    /// The events after `held`, checked to belong to this stream and to follow each other
    /// from `held + 1`. Events the phone holds already (an answer applied twice) are dropped.
    pub fn after(&self, held: Sequence) -> Result<&[Envelope<E>], ValidationError> {
        let fresh = self.events.iter().position(|e| e.sequence > held).unwrap_or(self.events.len());
        let fresh = self.events.get(fresh..).unwrap_or_default();
        let mut expected = held;
        for event in fresh {
            expected = expected.next();
            if event.aggregate_id != self.id || event.sequence != expected {
                return Err(invalid("events out of their stream or sequence"));
            }
        }
        Ok(fresh)
    }
}

/// The article `events` lead to from `held` (`None` for an article not held yet), each
/// revision's content checked as the server checked it when it was written.
pub fn replayed(held: Option<Article>, events: &[Envelope<ArticleEvent>]) -> Result<Article, ValidationError> {
    for event in events {
        if let ArticleEvent::Written { content, .. } | ArticleEvent::Revised { content, .. } = &event.payload {
            content.check()?;
        }
    }
    crate::aggregate::continued(held, events).map_err(|_| invalid("events that do not make an article"))
}
