//! An in-memory store for tests, simulations and hosts that need no durability.
//!
//! Each domain's queries over it live with the domain (`ticket/store.rs`, ...), reading the
//! index rows through [`MemoryStore::list`] and [`MemoryStore::lock`].

use super::{Change, ConsumerName, EventStore, Outbox, OutboxEntry, Page, StoredEvent, StoredState};
use crate::aggregate::Index;
use crate::error::StoreError;
use crate::event::{AggregateKind, Sequence, StreamId};
use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

#[derive(Default)]
pub(crate) struct Inner {
    pub(crate) states: BTreeMap<StreamId, (StoredState, Index)>,
    events: BTreeMap<StreamId, Vec<StoredEvent>>,
    outbox: Vec<OutboxEntry>,
    cursors: BTreeMap<ConsumerName, u64>,
    /// The billing domain's card vault, by token: kept in process memory, like everything here.
    pub(crate) vault: BTreeMap<uuid::Uuid, String>,
    /// Rows a domain keeps beside the event store, each domain's own type (the
    /// notifications' queue), so that this shared module names no domain.
    tables: HashMap<TypeId, Box<dyn Any + Send>>,
}

/// Keeps everything in process memory behind one lock; commits are atomic and checked like a database's.
#[derive(Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The states of `kind` on `page` whose index row `keep` accepts.
    pub(crate) fn list(&self, kind: AggregateKind, page: Page, keep: impl Fn(&Index) -> bool) -> Vec<StoredState> {
        let inner = self.lock();
        inner
            .states
            .iter()
            .filter(|(stream, (_, index))| {
                stream.kind == kind && page.after.is_none_or(|after| stream.id > after) && keep(index)
            })
            .take(page.len())
            .map(|(_, (state, _))| state.clone())
            .collect()
    }
}

impl Inner {
    /// Runs `f` on the domain table of type `T`, created empty the first time.
    pub(crate) fn with_table<T: Default + Send + 'static, R>(&mut self, f: impl FnOnce(&mut T) -> R) -> R {
        let id = TypeId::of::<T>();
        let mut table = self.tables.remove(&id).filter(|t| t.is::<T>()).unwrap_or_else(|| Box::new(T::default()));
        let result = match table.downcast_mut::<T>() {
            Some(table) => f(table),
            None => f(&mut T::default()),
        };
        self.tables.insert(id, table);
        result
    }

    /// Commits like a database: all changes or none, each at its expected version.
    pub(crate) fn commit(&mut self, changes: Vec<Change>) -> Result<(), StoreError> {
        let inner = self;
        let mut seen = HashSet::new();
        for change in &changes {
            change.check()?;
            let stream = change.stream();
            let actual = inner.states.get(&stream).map_or(Sequence::NONE, |(s, _)| s.version);
            if actual != change.expected || !seen.insert(stream) {
                return Err(StoreError::Conflict { stream, expected: change.expected, actual });
            }
        }
        for change in changes {
            let stream = change.stream();
            for event in &change.events {
                let position = inner.outbox.len() as u64 + 1;
                inner.outbox.push(OutboxEntry { position, event: event.clone() });
            }
            inner.events.entry(stream).or_default().extend(change.events);
            inner.states.insert(stream, (change.state, change.index));
        }
        Ok(())
    }
}

impl EventStore for MemoryStore {
    async fn commit(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        self.lock().commit(changes)
    }

    async fn load(&self, stream: StreamId) -> Result<Option<StoredState>, StoreError> {
        Ok(self.lock().states.get(&stream).map(|(state, _)| state.clone()))
    }

    async fn events(&self, stream: StreamId) -> Result<Vec<StoredEvent>, StoreError> {
        Ok(self.lock().events.get(&stream).cloned().unwrap_or_default())
    }

    async fn load_many(&self, kind: AggregateKind, ids: &[uuid::Uuid]) -> Result<Vec<StoredState>, StoreError> {
        let inner = self.lock();
        let found = ids.iter().filter_map(|id| inner.states.get(&StreamId::new(kind, *id)));
        let mut states: Vec<StoredState> = found.map(|(state, _)| state.clone()).collect();
        states.sort_by_key(|s| s.stream.id);
        states.dedup_by_key(|s| s.stream.id);
        Ok(states)
    }

    async fn states(&self, kind: AggregateKind, page: Page) -> Result<Vec<StoredState>, StoreError> {
        Ok(self.list(kind, page, |_| true))
    }
}

impl Outbox for MemoryStore {
    async fn poll(&self, consumer: &ConsumerName, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        let inner = self.lock();
        let cursor = inner.cursors.get(consumer).copied().unwrap_or(0);
        let start = usize::try_from(cursor).unwrap_or(usize::MAX).min(inner.outbox.len());
        Ok(inner.outbox.iter().skip(start).take(limit as usize).cloned().collect())
    }

    async fn ack(&self, consumer: &ConsumerName, position: u64) -> Result<(), StoreError> {
        let mut inner = self.lock();
        let last = inner.outbox.len() as u64;
        if position > last {
            return Err(StoreError::AckBeyondEnd { consumer: consumer.as_str().to_owned(), position, last });
        }
        let cursor = inner.cursors.entry(consumer.clone()).or_default();
        *cursor = (*cursor).max(position);
        Ok(())
    }
}
