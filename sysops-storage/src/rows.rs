//! What both SQL backends share: query text, row conversion and small checks.

use crate::error::OpenError;
use chrono::{DateTime, Utc};
use std::fmt::Write as _;
use sysops_core::kb::{ArticleHit, ArticleIndex, SearchQuery};
use sysops_core::store::{ConsumerName, OutboxEntry, StoredEvent, StoredState};
use sysops_core::{AggregateKind, ArticleId, Sequence, StoreError, StreamId};
use uuid::Uuid;

pub(crate) fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// A stored state row: version and JSON.
pub(crate) type StateRow = (i64, String);
/// A stored event row: sequence, time, name and JSON.
pub(crate) type EventRow = (i64, DateTime<Utc>, String, String);
/// A listed state row: id, version and JSON.
pub(crate) type ListedRow = (Uuid, i64, String);
/// An outbox row joined with its event: position, kind, id, sequence, time, name and JSON.
pub(crate) type OutboxRow = (i64, String, Uuid, i64, DateTime<Utc>, String, String);
/// A knowledge-base search hit: article id, revision, title and the body's lead.
pub(crate) type HitRow = (Uuid, i64, String, String);
/// An expert row: id, version, JSON, base latitude and longitude, radius in km.
pub(crate) fn state((version, json): StateRow, stream: StreamId) -> StoredState {
    StoredState { stream, version: Sequence(to_u64(version)), json }
}

pub(crate) fn event((seq, at, name, json): EventRow, stream: StreamId) -> StoredEvent {
    StoredEvent { stream, sequence: Sequence(to_u64(seq)), at, name, json }
}

pub(crate) fn article_hit(query: &SearchQuery, (id, revision, title, lead): HitRow) -> ArticleHit {
    ArticleHit {
        article: ArticleId::from_uuid(id),
        revision: u32::try_from(revision).unwrap_or(0),
        title,
        snippet: sysops_core::kb::snippet(query, &lead),
        // Filled in by the service, for the page's hits only.
        solved_tickets: 0,
    }
}

/// How many of a commit's article revisions use each word (retiring an article uses none):
/// the vocabulary rows it adds to, in word order.
pub(crate) fn vocabulary<'a>(
    indexes: impl Iterator<Item = &'a ArticleIndex>,
) -> std::collections::BTreeMap<&'a str, i64> {
    let mut uses = std::collections::BTreeMap::new();
    for index in indexes.filter(|i| !i.retired) {
        for word in &index.words {
            *uses.entry(word.as_str()).or_insert(0) += 1;
        }
    }
    uses
}

pub(crate) fn listed((id, version, json): ListedRow, kind: AggregateKind) -> StoredState {
    state((version, json), StreamId::new(kind, id))
}

pub(crate) fn outbox_entry((position, kind, id, seq, at, name, json): OutboxRow) -> Result<OutboxEntry, StoreError> {
    let kind = AggregateKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
        stream: StreamId::new(AggregateKind::Ticket, id),
        detail: format!("unknown aggregate kind {kind:?} in the outbox"),
    })?;
    let stream = StreamId::new(kind, id);
    Ok(OutboxEntry { position: to_u64(position), event: event((seq, at, name, json), stream) })
}

/// A value to bind to a generated query, in order.
pub(crate) enum Bind {
    Text(&'static str),
    String(String),
    Id(Uuid),
    MaybeId(Option<Uuid>),
    Int(i64),
    Small(i16),
    /// A shard key, bound as the `INTEGER` column's own type so Citus can prune by it.
    Shard(i32),
    Float(f64),
    Time(DateTime<Utc>),
}

/// Binds `binds` in order to `query`.
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut query = $query;
        for bind in $binds {
            query = match bind {
                $crate::rows::Bind::Text(v) => query.bind(v),
                $crate::rows::Bind::String(v) => query.bind(v),
                $crate::rows::Bind::Id(v) => query.bind(v),
                $crate::rows::Bind::MaybeId(v) => query.bind(v),
                $crate::rows::Bind::Int(v) => query.bind(v),
                $crate::rows::Bind::Small(v) => query.bind(v),
                $crate::rows::Bind::Shard(v) => query.bind(v),
                $crate::rows::Bind::Float(v) => query.bind(v),
                $crate::rows::Bind::Time(v) => query.bind(v),
            };
        }
        query
    }};
}
pub(crate) use bind_all;

/// Refuses to touch a database migrated by a newer sysops.
pub(crate) fn refuse_newer_schema(migrator: &sqlx::migrate::Migrator, applied: Option<i64>) -> Result<(), OpenError> {
    let supported = migrator.iter().map(|m| m.version).max().unwrap_or(0);
    match applied {
        Some(found) if found > supported => Err(OpenError::SchemaTooNew { found, supported }),
        _ => Ok(()),
    }
}

pub(crate) fn check_ack(consumer: &ConsumerName, position: u64, last: u64) -> Result<(), StoreError> {
    if position > last {
        Err(StoreError::AckBeyondEnd { consumer: consumer.as_str().to_owned(), position, last })
    } else {
        Ok(())
    }
}

/// How a backend numbers bind parameters.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Placeholders {
    /// `?1, ?2, ...`
    Sqlite,
    /// `$1, $2, ...`, on tables whose rows carry their shard key.
    Postgres,
    /// As `Postgres`, on tables Citus distributes: a query about one owner also names the
    /// owner's shard key, so that Citus routes it to one shard.
    Citus,
}

impl Placeholders {
    /// `{a}.shard = {b}.shard AND ` where rows carry shard keys: the condition that makes a
    /// join of two distributed tables co-located on Citus.
    pub(crate) fn same_shard(self, a: &str, b: &str) -> String {
        match self {
            Placeholders::Sqlite => String::new(),
            Placeholders::Postgres | Placeholders::Citus => format!("{a}.shard = {b}.shard AND "),
        }
    }
}

/// Builds SQL from fixed fragments, numbering parameters in order.
pub(crate) struct Sql {
    pub(crate) text: String,
    next: usize,
    style: Placeholders,
}

impl Sql {
    pub(crate) fn new(head: &str, style: Placeholders) -> Self {
        Self { text: head.to_owned(), next: 1, style }
    }

    pub(crate) fn style(&self) -> Placeholders {
        self.style
    }

    /// Appends `fragment`, replacing each `#` with the next parameter.
    pub(crate) fn push(&mut self, fragment: &str) -> &mut Self {
        for c in fragment.chars() {
            if c == '#' {
                let sigil = match self.style {
                    Placeholders::Sqlite => '?',
                    Placeholders::Postgres | Placeholders::Citus => '$',
                };
                let _ = write!(self.text, "{sigil}{}", self.next);
                self.next += 1;
            } else {
                self.text.push(c);
            }
        }
        self
    }
}

/// Whether `changes` are written as one batch (each table's rows in one statement) rather than
/// change by change: more than one, each of a stream of its own, so that every version guard
/// is checked against the state before the commit.
pub(crate) fn batchable(changes: &[sysops_core::store::Change]) -> bool {
    let mut streams = std::collections::HashSet::with_capacity(changes.len());
    changes.len() > 1 && changes.iter().all(|change| streams.insert(change.stream()))
}

/// The streams named by `(kind, id)` rows a batch's state writes returned: those written.
pub(crate) fn written_streams(rows: Vec<(String, Uuid)>) -> std::collections::HashSet<StreamId> {
    rows.into_iter().filter_map(|(kind, id)| AggregateKind::parse(&kind).map(|kind| StreamId::new(kind, id))).collect()
}

/// One column of `rows`, for binding as an array (PostgreSQL's `UNNEST`).
pub(crate) fn column<T, U>(rows: &[T], value: impl Fn(&T) -> U) -> Vec<U> {
    rows.iter().map(value).collect()
}
