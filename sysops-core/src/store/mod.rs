//! The storage contract: a small set of operations every backend implements.
//!
//! A write is one [`Change`] per aggregate touched, committed atomically: either
//! every change's events and new state are stored, or none are. Each change says
//! which version it was decided against; a backend refuses the whole commit with
//! [`StoreError::Conflict`] when any stream has moved on (optimistic concurrency).
//! States are stored as JSON next to their events, with an [`Index`] of the
//! columns queries filter on.

mod memory;

pub use memory::MemoryStore;

use crate::aggregate::Aggregate;
use crate::error::StoreError;
use crate::event::{AggregateKind, Envelope, EventName, Sequence, StreamId};
use crate::geo::GeoPoint;
use crate::skill::{Priority, ProductCategory, SkillLevel};
use crate::ticket::TicketStatus;
use crate::{CustomerId, ExpertId};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use uuid::Uuid;

/// The columns an aggregate's state is indexed by, for queries.
#[derive(Debug, Clone, PartialEq)]
pub enum Index {
    /// Not queried except by id.
    None,
    /// Helpdesk looks customers up by name, email and phone.
    Customer {
        /// Full name.
        name: String,
        /// Email.
        email: String,
        /// E.164 phone.
        phone: String,
    },
    /// The assignment job finds candidate experts.
    Expert {
        /// Whether the expert takes work.
        active: bool,
        /// Level per category.
        skills: Vec<(ProductCategory, SkillLevel)>,
        /// Base location.
        base: GeoPoint,
        /// Service radius in km.
        radius_km: u16,
    },
    /// Tickets are listed by status, customer and expert.
    Ticket {
        /// Owner.
        customer: CustomerId,
        /// Current status.
        status: TicketStatus,
        /// Current expert.
        expert: Option<ExpertId>,
        /// Priority.
        priority: Priority,
        /// Category.
        category: ProductCategory,
        /// Submission time.
        submitted_at: DateTime<Utc>,
    },
}

/// One stored event: its envelope as JSON plus the metadata backends index.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// The stream.
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
pub struct StoredState {
    /// The stream.
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

/// Which tickets to list; every field given must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TicketFilter {
    /// Only in this status.
    pub status: Option<TicketStatus>,
    /// Only of this customer.
    pub customer: Option<CustomerId>,
    /// Only where this expert is the current expert.
    pub expert: Option<ExpertId>,
}

impl TicketFilter {
    /// Tickets waiting for an expert: what the assignment job takes.
    pub fn open() -> Self {
        Self { status: Some(TicketStatus::Open), ..Self::default() }
    }

    /// A customer's tickets.
    pub fn of_customer(customer: CustomerId) -> Self {
        Self { customer: Some(customer), ..Self::default() }
    }

    /// An expert's current tickets.
    pub fn of_expert(expert: ExpertId) -> Self {
        Self { expert: Some(expert), ..Self::default() }
    }
}

/// Which experts to find; every field given must match.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ExpertQuery {
    /// Only experts skilled in this category ...
    pub category: Option<ProductCategory>,
    /// ... at this level or above (needs `category`).
    pub min_level: Option<SkillLevel>,
    /// Only experts whose service area contains this point.
    pub serving: Option<GeoPoint>,
    /// Only active experts.
    pub active_only: bool,
}

impl ExpertQuery {
    /// True when an expert indexed as `index` matches.
    pub fn matches(&self, index: &Index) -> bool {
        let Index::Expert { active, skills, base, radius_km } = index else {
            return false;
        };
        let skilled = match self.category {
            None => true,
            Some(cat) => skills.iter().any(|(c, l)| *c == cat && self.min_level.is_none_or(|min| *l >= min)),
        };
        let serves = self.serving.is_none_or(|p| base.distance_km(&p) <= f64::from(*radius_km));
        skilled && serves && (*active || !self.active_only)
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

/// The name of an outbox consumer (e.g. `"assignment"`, `"notifications"`): 1–100 of `a-z 0-9 _ - .`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConsumerName(String);

impl ConsumerName {
    /// Checks the name.
    ///
    /// ```
    /// use sysops_core::store::ConsumerName;
    /// assert!(ConsumerName::new("notifications").is_ok());
    /// assert!(ConsumerName::new("").is_err());
    /// assert!(ConsumerName::new("Robert'); DROP TABLE").is_err());
    /// ```
    pub fn new(name: impl Into<String>) -> Result<Self, crate::ValidationError> {
        let name = name.into();
        let valid = (1..=100).contains(&name.len())
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.".contains(&b));
        if valid {
            Ok(Self(name))
        } else {
            Err(crate::ValidationError::Unknown { field: "consumer_name", value: crate::error::clip(&name) })
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An event as delivered by the outbox: its global delivery position and the event.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    /// Position in delivery order; strictly increasing, gaps allowed.
    pub position: u64,
    /// The event.
    pub event: StoredEvent,
}

/// An expert's workload as counted from the tickets index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpertLoad {
    /// The expert.
    pub expert: ExpertId,
    /// Tickets offered to, accepted by or being worked by the expert.
    pub active: u32,
    /// Tickets the expert completed that are not closed yet.
    pub recent: u32,
}

/// What an assignment batch may work on: claimed open tickets and experts, and workloads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Claim {
    /// Open tickets this batch holds (no other batch can offer them meanwhile).
    pub tickets: Vec<StoredState>,
    /// Active experts this batch holds (no other batch can give them work meanwhile).
    pub experts: Vec<StoredState>,
    /// Current workloads of the claimed experts, counted after claiming them.
    pub loads: Vec<ExpertLoad>,
    /// True when some active experts were held by another batch and so are missing here.
    pub contended: bool,
}

/// What every storage backend implements. Futures are `Send` so services can run them on any executor.
///
/// Every committed event is also appended to a transactional outbox, in the same
/// transaction. Consumers read it with a durable named cursor: [`poll`](Store::poll)
/// returns entries after the cursor, [`ack`](Store::ack) moves it. Delivery is
/// at-least-once (what is not acked is delivered again) and in commit order, so
/// per aggregate in sequence order.
pub trait Store: Send + Sync {
    /// Commits all changes atomically, or none when any stream is not at its expected version.
    fn commit(&self, changes: Vec<Change>) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The latest state of a stream, if it exists.
    fn load(&self, stream: StreamId) -> impl Future<Output = Result<Option<StoredState>, StoreError>> + Send;

    /// All events of a stream in sequence order.
    fn events(&self, stream: StreamId) -> impl Future<Output = Result<Vec<StoredEvent>, StoreError>> + Send;

    /// Ticket states matching `filter`, in id order.
    fn tickets(
        &self,
        filter: TicketFilter,
        page: Page,
    ) -> impl Future<Output = Result<Vec<StoredState>, StoreError>> + Send;

    /// Every state of `kind`, in id order: for integrity walks and the quarantine listing.
    fn states(
        &self,
        kind: AggregateKind,
        page: Page,
    ) -> impl Future<Output = Result<Vec<StoredState>, StoreError>> + Send;

    /// Expert states matching `query`, in id order.
    fn experts(
        &self,
        query: ExpertQuery,
        page: Page,
    ) -> impl Future<Output = Result<Vec<StoredState>, StoreError>> + Send;

    /// Up to `limit` outbox entries after `consumer`'s cursor, in delivery order.
    fn poll(
        &self,
        consumer: &ConsumerName,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<OutboxEntry>, StoreError>> + Send;

    /// Moves `consumer`'s cursor to `position` (a position it was delivered); it never moves back.
    fn ack(&self, consumer: &ConsumerName, position: u64) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Every expert's current workload (experts without tickets are omitted).
    fn expert_loads(&self) -> impl Future<Output = Result<Vec<ExpertLoad>, StoreError>> + Send;

    /// Runs one assignment batch as a unit of work: claims up to `limit` open tickets and the
    /// active experts no other batch holds, lets `decide` (pure, synchronous) turn the claim into
    /// changes, and commits them atomically before releasing the claim. Concurrent batches never
    /// offer the same ticket, nor fill the same expert, twice.
    fn assignment_batch<R, F>(&self, limit: u32, decide: F) -> impl Future<Output = Result<R, StoreError>> + Send
    where
        R: Send,
        F: FnOnce(Claim) -> Result<(Vec<Change>, R), StoreError> + Send;
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
pub async fn audit_stream<A: Aggregate, S: Store>(store: &S, state: &StoredState) -> Result<(), StoreError> {
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
pub async fn load<A: Aggregate, S: Store>(store: &S, id: impl Into<Uuid>) -> Result<Option<A>, StoreError> {
    match store.load(StreamId::new(A::KIND, id)).await? {
        Some(stored) => decode_state(&stored).map(Some),
        None => Ok(None),
    }
}

/// Loads and decodes aggregate `id`'s whole history.
pub async fn history<A: Aggregate, S: Store>(
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
            Index::None
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
