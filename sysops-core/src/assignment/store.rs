//! The assignment job's part of the storage contract: workloads and the claimed batch.

use crate::aggregate::Index;
use crate::error::StoreError;
use crate::event::AggregateKind;
use crate::expert::ExpertIndex;
use crate::id::ExpertId;
use crate::persist::memory::Inner;
use crate::persist::{Change, MemoryStore, StoredState};
use crate::ticket::{TicketIndex, TicketStatus};
use std::collections::BTreeMap;
use std::future::Future;

/// An expert's workload as counted from the tickets index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub struct ExpertLoad {
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

/// What the assignment job needs from every backend.
pub trait AssignmentStore: Send + Sync {
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

/// Workloads counted from the ticket index rows.
fn loads(inner: &Inner) -> Vec<ExpertLoad> {
    let mut loads: BTreeMap<ExpertId, ExpertLoad> = BTreeMap::new();
    for ticket in inner.states.values().filter_map(|(_, index)| index.get::<TicketIndex>()) {
        let Some(expert) = ticket.expert else { continue };
        let load = loads.entry(expert).or_insert(ExpertLoad { expert, active: 0, recent: 0 });
        match ticket.status {
            TicketStatus::Assigned
            | TicketStatus::Accepted
            | TicketStatus::InProgress
            | TicketStatus::WaitingForCustomer => load.active += 1,
            TicketStatus::Completed => load.recent += 1,
            _ => {}
        }
    }
    loads.into_values().collect()
}

impl AssignmentStore for MemoryStore {
    async fn expert_loads(&self) -> Result<Vec<ExpertLoad>, StoreError> {
        Ok(loads(&self.lock()))
    }

    async fn assignment_batch<R, F>(&self, limit: u32, decide: F) -> Result<R, StoreError>
    where
        R: Send,
        F: FnOnce(Claim) -> Result<(Vec<Change>, R), StoreError> + Send,
    {
        // The lock is the claim: batches run one at a time.
        let mut inner = self.lock();
        let mut claim = Claim::default();
        let open = |index: &Index| index.get::<TicketIndex>().is_some_and(|t| t.status == TicketStatus::Open);
        let active = |index: &Index| index.get::<ExpertIndex>().is_some_and(|e| e.active);
        for (stream, (state, index)) in &inner.states {
            if stream.kind == AggregateKind::Ticket && open(index) && claim.tickets.len() < limit as usize {
                claim.tickets.push(state.clone());
            } else if stream.kind == AggregateKind::Expert && active(index) {
                claim.experts.push(state.clone());
            }
        }
        claim.loads = loads(&inner);
        let (changes, result) = decide(claim)?;
        inner.commit(changes)?;
        Ok(result)
    }
}
