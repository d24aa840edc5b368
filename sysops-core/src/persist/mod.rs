//! The shared part of the storage contract: the event store every domain writes through.
//!
//! A write is one [`Change`] per aggregate touched, committed atomically: either
//! every change's events and new state are stored, or none are. Each change says
//! which version it was decided against; a backend refuses the whole commit with
//! [`StoreError::Conflict`] when any stream has moved on (optimistic concurrency).
//! States are stored as JSON next to their events, with the domain's own [`Index`]
//! row of the columns its queries filter on. The outbox ([`Outbox`]) delivers every
//! committed event to consumers. Queries belong to their domains (`TicketStore`,
//! `ExpertStore`, ...), which this module knows nothing about.

pub(crate) mod memory;
mod outbox;
mod window;

pub use memory::MemoryStore;
pub use outbox::{ConsumerName, Outbox, OutboxEntry};
pub use window::Window;

use crate::aggregate::{Aggregate, Index};
use crate::error::StoreError;
use crate::event::{AggregateKind, Envelope, EventName, Sequence, StreamId};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use uuid::Uuid;

/// One stored event: its envelope as JSON plus the metadata backends index.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct StoredEvent {
    pub stream: StreamId,
    /// Position in the stream.
    pub sequence: Sequence,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The event's name, e.g. `"TicketSubmitted"`.
    pub name: String,
    /// The whole [`Envelope`] as JSON.
    pub json: String,
}

/// An aggregate's latest state as JSON, at `version`.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub struct StoredState {
    pub stream: StreamId,
    /// The sequence of the last event folded in.
    pub version: Sequence,
    /// The state as JSON.
    pub json: String,
}

/// The new events of one aggregate and the state they lead to.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The version the command was decided against ([`Sequence::NONE`] for a new aggregate).
    pub expected: Sequence,
    /// The new events, numbered `expected + 1 ..`.
    pub events: Vec<StoredEvent>,
    /// The state after them.
    pub state: StoredState,
    /// The state's index columns.
    pub index: Index,
}

impl Change {
    /// Encodes the events decided against `expected` and the state `next` they produce.
    ///
    /// Every encoded value is decoded again and compared with the original: a value that
    /// would not read back as itself (a non-finite float written as `null`, say) is refused
    /// with [`StoreError::WouldNotReadBack`] before anything is written, so the store never
    /// holds a record that cannot be loaded.
    pub fn of<A: Aggregate>(expected: Sequence, next: &A, events: &[Envelope<A::Event>]) -> Result<Self, StoreError> {
        let stream = StreamId::new(A::KIND, next.id());
        let events = events
            .iter()
            .map(|e| {
                Ok(StoredEvent {
                    stream,
                    sequence: e.sequence,
                    at: e.at,
                    name: e.payload.name().to_owned(),
                    json: encode_checked(stream, e, || format!("event {}", e.sequence))?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let json = encode_checked(stream, next, || "state".to_owned())?;
        Ok(Change {
            expected,
            events,
            state: StoredState { stream, version: next.version(), json },
            index: next.index(),
        })
    }

    /// The stream written.
    pub fn stream(&self) -> StreamId {
        self.state.stream
    }

    /// Checks the change is well formed: events of this stream, numbered on from
    /// `expected` without gaps, ending at the state's version. Backends call this
    /// before writing.
    pub fn check(&self) -> Result<(), StoreError> {
        let invalid = |detail: &str| StoreError::Corrupt { stream: self.stream(), detail: detail.to_owned() };
        if self.events.is_empty() {
            return Err(invalid("a change needs at least one event"));
        }
        let mut next = self.expected;
        for event in &self.events {
            next = next.next();
            if event.stream != self.stream() || event.sequence != next {
                return Err(invalid("events must follow the expected version without gaps"));
            }
        }
        if self.state.version != next {
            return Err(invalid("the state's version must be the last event's sequence"));
        }
        Ok(())
    }
}

/// `value` as JSON, if the JSON decodes back into an equal value.
fn encode_checked<T>(stream: StreamId, value: &T, what: impl Fn() -> String) -> Result<String, StoreError>
where
    T: Serialize + DeserializeOwned + PartialEq,
{
    let json = serde_json::to_string(value).map_err(|source| StoreError::Encode { stream, source })?;
    match serde_json::from_str::<T>(&json) {
        Ok(back) if back == *value => Ok(json),
        Ok(_) => Err(StoreError::WouldNotReadBack { stream, detail: format!("{} reads back changed", what()) }),
        Err(e) => Err(StoreError::WouldNotReadBack { stream, detail: format!("{}: {e}", what()) }),
    }
}

/// A page of a listing in id order (UUID v7 ids sort by creation time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Start after this id (the last id of the previous page).
    pub after: Option<Uuid>,
    /// At most this many rows; capped at [`Page::MAX_LIMIT`].
    pub limit: u32,
}

impl Page {
    /// Largest page a backend returns.
    pub const MAX_LIMIT: u32 = 10_000;

    /// The first `limit` rows.
    pub fn first(limit: u32) -> Self {
        Self { after: None, limit: limit.min(Self::MAX_LIMIT) }
    }

    /// The `limit` rows after `id`.
    pub fn after(id: impl Into<Uuid>, limit: u32) -> Self {
        Self { after: Some(id.into()), limit: limit.min(Self::MAX_LIMIT) }
    }

    /// The limit as a `usize`, capped.
    pub fn len(&self) -> usize {
        self.limit.min(Self::MAX_LIMIT) as usize
    }

    /// True when the page asks for no rows.
    pub fn is_empty(&self) -> bool {
        self.limit == 0
    }
}

/// Where every aggregate's events and latest state live. Futures are `Send` so services can
/// run them on any executor.
///
/// Every committed event is also appended to the outbox in the same transaction (see
/// [`Outbox`]).
pub trait EventStore: Send + Sync {
    /// Commits all changes atomically, or none when any stream is not at its expected version.
    fn commit(&self, changes: Vec<Change>) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The latest state of a stream, if it exists.
    fn load(&self, stream: StreamId) -> impl Future<Output = Result<Option<StoredState>, StoreError>> + Send;

    /// All events of a stream in sequence order.
    fn events(&self, stream: StreamId) -> impl Future<Output = Result<Vec<StoredEvent>, StoreError>> + Send;

    /// The latest states of the streams of `kind` with these ids that exist, each once (an id
    /// may be given twice), in any order: a page of records read in one round trip (the
    /// notification consumer's), not one per id.
    fn load_many(
        &self,
        kind: AggregateKind,
        ids: &[Uuid],
    ) -> impl Future<Output = Result<Vec<StoredState>, StoreError>> + Send;

    /// Every state of `kind`, in id order: for integrity walks and the quarantine listing.
    fn states(
        &self,
        kind: AggregateKind,
        page: Page,
    ) -> impl Future<Output = Result<Vec<StoredState>, StoreError>> + Send;
}

/// A stored record that does not decode (written by a buggy older version, or edited by
/// hand). Listings and jobs skip it and report it here, so one bad record never stops the
/// work on every other one; reading the record itself is a [`StoreError::Corrupt`] naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    /// The record's stream.
    pub stream: StreamId,
    /// What failed to decode, and why.
    pub problem: String,
}

impl Quarantined {
    /// The quarantine entry for a decoding failure; other errors are passed back.
    pub fn from_error(error: StoreError) -> Result<Self, StoreError> {
        match error {
            StoreError::Corrupt { stream, detail } => Ok(Quarantined { stream, problem: detail }),
            other => Err(other),
        }
    }
}

/// A page of a listing: the records that decoded, the ones that did not, and where to go on.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    /// The records, in id order.
    pub items: Vec<T>,
    /// Records of this page that could not be decoded (skipped in `items`).
    pub quarantined: Vec<Quarantined>,
    /// The `after` id for the next page (the last record this page examined, decodable or
    /// not), or `None` when this was the last page.
    pub next: Option<Uuid>,
}

impl<T> Listing<T> {
    /// Decodes a page of stored rows that asked for `page`, quarantining rows that do not decode.
    pub fn decode(
        rows: &[StoredState],
        page: Page,
        decode: impl Fn(&StoredState) -> Result<T, StoreError>,
    ) -> Result<Self, StoreError> {
        let mut quarantined = Vec::new();
        let items = decode_all(rows, decode, &mut quarantined)?;
        Ok(Listing { items, quarantined, next: next_after(rows, page) })
    }
}

/// Decodes `rows`, setting aside in `quarantined` the ones that do not decode; any other
/// failure is returned.
pub fn decode_all<T>(
    rows: &[StoredState],
    decode: impl Fn(&StoredState) -> Result<T, StoreError>,
    quarantined: &mut Vec<Quarantined>,
) -> Result<Vec<T>, StoreError> {
    let mut decoded = Vec::with_capacity(rows.len());
    for row in rows {
        match decode(row) {
            Ok(item) => decoded.push(item),
            Err(e) => quarantined.push(Quarantined::from_error(e)?),
        }
    }
    Ok(decoded)
}

/// Where the page after `rows` (which answered `page`) starts, or `None` when `rows` was the last page.
pub fn next_after(rows: &[StoredState], page: Page) -> Option<Uuid> {
    if page.is_empty() || rows.len() < page.len() { None } else { rows.last().map(|r| r.stream.id) }
}

/// A listing reads as its items: `listing.len()`, `listing.iter()`, `listing[0]`.
impl<T> std::ops::Deref for Listing<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

impl<'a, T> IntoIterator for &'a Listing<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T> IntoIterator for Listing<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Decodes a stored state.
pub fn decode_state<A: Aggregate>(stored: &StoredState) -> Result<A, StoreError> {
    serde_json::from_str(&stored.json)
        .map_err(|e| StoreError::Corrupt { stream: stored.stream, detail: format!("state: {e}") })
}

/// Decodes a stored event.
pub fn decode_event<A: Aggregate>(stored: &StoredEvent) -> Result<Envelope<A::Event>, StoreError> {
    serde_json::from_str(&stored.json)
        .map_err(|e| StoreError::Corrupt { stream: stored.stream, detail: format!("event {}: {e}", stored.sequence) })
}

/// Checks one stored stream of aggregate `A`: its state decodes, and its events decode and
/// replay to exactly that state. A failure is a [`StoreError::Corrupt`] naming the stream.
pub async fn audit_stream<A: Aggregate, S: EventStore>(store: &S, state: &StoredState) -> Result<(), StoreError> {
    let stream = state.stream;
    let decoded: A = decode_state(state)?;
    let events = store.events(stream).await?.iter().map(decode_event::<A>).collect::<Result<Vec<_>, _>>()?;
    let replayed = crate::aggregate::replay::<A>(&events)
        .map_err(|e| StoreError::Corrupt { stream, detail: format!("history does not replay: {e}") })?;
    if replayed != decoded {
        return Err(StoreError::Corrupt { stream, detail: "the state differs from its replayed history".to_owned() });
    }
    Ok(())
}

/// Loads and decodes aggregate `id`.
pub async fn load<A: Aggregate, S: EventStore>(store: &S, id: impl Into<Uuid>) -> Result<Option<A>, StoreError> {
    match store.load(StreamId::new(A::KIND, id)).await? {
        Some(stored) => decode_state(&stored).map(Some),
        None => Ok(None),
    }
}

/// Loads and decodes aggregate `id`'s whole history.
pub async fn history<A: Aggregate, S: EventStore>(
    store: &S,
    id: impl Into<Uuid>,
) -> Result<Vec<Envelope<A::Event>>, StoreError> {
    store.events(StreamId::new(A::KIND, id)).await?.iter().map(decode_event::<A>).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::Actor;
    use crate::error::ReplayError;
    use crate::event::SCHEMA_VERSION;
    use serde::Deserialize;

    /// An aggregate as a careless future domain might write one: a bare `f64`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Gauge {
        id: Uuid,
        reading: f64,
        version: Sequence,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Read(f64);

    impl EventName for Read {
        fn name(&self) -> &'static str {
            "Read"
        }
    }

    impl Aggregate for Gauge {
        const KIND: AggregateKind = AggregateKind::Plan;
        type Event = Read;
        fn id(&self) -> Uuid {
            self.id
        }
        fn version(&self) -> Sequence {
            self.version
        }
        fn create(first: &Envelope<Read>) -> Result<Self, ReplayError> {
            Ok(Gauge { id: first.aggregate_id, reading: first.payload.0, version: first.sequence })
        }
        fn evolve(&mut self, event: &Envelope<Read>) -> Result<(), ReplayError> {
            self.reading = event.payload.0;
            self.version = event.sequence;
            Ok(())
        }
        fn index(&self) -> Index {
            Index::none()
        }
    }

    fn change_of(reading: f64) -> Result<Change, StoreError> {
        let id = Uuid::from_u128(1);
        let event = Envelope {
            schema: SCHEMA_VERSION,
            aggregate_id: id,
            sequence: Sequence(1),
            at: DateTime::UNIX_EPOCH,
            by: Actor::system(),
            payload: Read(reading),
        };
        let gauge = Gauge::create(&event).unwrap();
        Change::of(Sequence::NONE, &gauge, &[event])
    }

    #[test]
    fn a_value_that_would_not_read_back_is_refused_before_writing() {
        assert!(change_of(2.5).is_ok());
        for poison in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(matches!(change_of(poison), Err(StoreError::WouldNotReadBack { .. })), "{poison}");
        }
    }
}
