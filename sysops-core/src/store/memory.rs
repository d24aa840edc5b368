//! An in-memory [`Store`] for tests, simulations and hosts that need no durability.

use super::{
    Change, Claim, ConsumerName, ExpertLoad, ExpertQuery, Index, OutboxEntry, Page, Store, StoredEvent, StoredState,
    TicketFilter,
};
use crate::error::StoreError;
use crate::event::{AggregateKind, Sequence, StreamId};
use crate::ticket::TicketStatus;
use std::collections::{BTreeMap, HashSet};
use std::sync::{Mutex, MutexGuard};

#[derive(Default)]
struct Inner {
    states: BTreeMap<StreamId, (StoredState, Index)>,
    events: BTreeMap<StreamId, Vec<StoredEvent>>,
    outbox: Vec<OutboxEntry>,
    cursors: BTreeMap<ConsumerName, u64>,
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

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn list(&self, kind: AggregateKind, page: Page, keep: impl Fn(&Index) -> bool) -> Vec<StoredState> {
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
    fn loads(&self) -> Vec<ExpertLoad> {
        let mut loads: BTreeMap<crate::ExpertId, ExpertLoad> = BTreeMap::new();
        for (_, index) in self.states.values() {
            if let Index::Ticket { status, expert: Some(expert), .. } = index {
                let load = loads.entry(*expert).or_insert(ExpertLoad { expert: *expert, active: 0, recent: 0 });
                match status {
                    TicketStatus::Assigned | TicketStatus::Accepted | TicketStatus::InProgress => load.active += 1,
                    TicketStatus::Completed => load.recent += 1,
                    _ => {}
                }
            }
        }
        loads.into_values().collect()
    }

    fn commit(&mut self, changes: Vec<Change>) -> Result<(), StoreError> {
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

impl Store for MemoryStore {
    async fn commit(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        self.lock().commit(changes)
    }

    async fn load(&self, stream: StreamId) -> Result<Option<StoredState>, StoreError> {
        Ok(self.lock().states.get(&stream).map(|(state, _)| state.clone()))
    }

    async fn events(&self, stream: StreamId) -> Result<Vec<StoredEvent>, StoreError> {
        Ok(self.lock().events.get(&stream).cloned().unwrap_or_default())
    }

    async fn tickets(&self, filter: TicketFilter, page: Page) -> Result<Vec<StoredState>, StoreError> {
        Ok(self.list(AggregateKind::Ticket, page, |index| match index {
            Index::Ticket { customer, status, expert, .. } => {
                filter.status.is_none_or(|s| s == *status)
                    && filter.customer.is_none_or(|c| c == *customer)
                    && filter.expert.is_none_or(|e| Some(e) == *expert)
            }
            _ => false,
        }))
    }

    async fn states(&self, kind: AggregateKind, page: Page) -> Result<Vec<StoredState>, StoreError> {
        Ok(self.list(kind, page, |_| true))
    }

    async fn experts(&self, query: ExpertQuery, page: Page) -> Result<Vec<StoredState>, StoreError> {
        Ok(self.list(AggregateKind::Expert, page, |index| query.matches(index)))
    }

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

    async fn expert_loads(&self) -> Result<Vec<ExpertLoad>, StoreError> {
        Ok(self.lock().loads())
    }

    async fn assignment_batch<R, F>(&self, limit: u32, decide: F) -> Result<R, StoreError>
    where
        R: Send,
        F: FnOnce(Claim) -> Result<(Vec<Change>, R), StoreError> + Send,
    {
        // The lock is the claim: batches run one at a time.
        let mut inner = self.lock();
        let mut claim = Claim::default();
        for (stream, (state, index)) in &inner.states {
            match index {
                Index::Ticket { status: TicketStatus::Open, .. } if claim.tickets.len() < limit as usize => {
                    claim.tickets.push(state.clone());
                }
                Index::Expert { active: true, .. } if stream.kind == AggregateKind::Expert => {
                    claim.experts.push(state.clone());
                }
                _ => {}
            }
        }
        claim.loads = inner.loads();
        let (changes, result) = decide(claim)?;
        inner.commit(changes)?;
        Ok(result)
    }
}
