//! The shape every aggregate shares: rebuilt from its events, indexed for queries, and
//! deciding its commands ([`Decide`]) on the one command path the service runs.

use crate::actor::Action;
use crate::ctx::Ctx;
use crate::error::ReplayError;
use crate::event::{AggregateKind, Envelope, EventName, SCHEMA_VERSION, Sequence};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::any::Any;
use std::fmt::{self, Debug};
use std::sync::Arc;
use uuid::Uuid;

/// The columns a state is indexed by for its domain's queries, opaque to everything but that
/// domain: each domain defines its own index type (`TicketIndex`, `ExpertIndex`, ...) and
/// its storage files read it back with [`Index::get`]. No shared enum lists the domains.
#[derive(Clone, Default)]
pub struct Index(Option<Arc<dyn Any + Send + Sync>>);

impl Index {
    /// No index: the state is only read by id.
    pub fn none() -> Self {
        Self(None)
    }

    /// The index row `columns`.
    pub fn of<T: Any + Send + Sync>(columns: T) -> Self {
        Self(Some(Arc::new(columns)))
    }

    /// True when there is no index row.
    pub fn is_none(&self) -> bool {
        self.0.is_none()
    }

    /// The index row, if it is a `T`.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.0.as_ref().and_then(|columns| columns.downcast_ref())
    }
}

impl Debug for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Index(..)" } else { "Index(none)" })
    }
}

/// Two indexes are equal when both are absent or both are the same row.
impl PartialEq for Index {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// A consistency boundary whose state is exactly what its events say.
///
/// Commands are decided by each aggregate's own `decide` (and, for the first
/// event, an associated constructor such as [`Ticket::submit`](crate::Ticket::submit)),
/// which returns events without changing anything; `apply` then folds them in.
pub trait Aggregate: Clone + Debug + PartialEq + Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The kind, naming the aggregate's streams.
    const KIND: AggregateKind;
    /// The aggregate's event payload.
    type Event: Clone + Debug + PartialEq + Serialize + DeserializeOwned + EventName + Send + Sync + 'static;

    /// The aggregate's id.
    fn id(&self) -> Uuid;

    /// The sequence of the last event applied.
    fn version(&self) -> Sequence;

    /// Builds the aggregate from its first event.
    fn create(first: &Envelope<Self::Event>) -> Result<Self, ReplayError>;

    /// Folds one later event into the state; the envelope is already checked to follow on.
    fn evolve(&mut self, event: &Envelope<Self::Event>) -> Result<(), ReplayError>;

    /// The columns storage indexes this state by.
    fn index(&self) -> Index;

    /// Applies the next event, refusing one that does not belong or follow on.
    fn apply(&mut self, event: &Envelope<Self::Event>) -> Result<(), ReplayError> {
        check_schema(event)?;
        if event.aggregate_id != self.id() {
            return Err(ReplayError::WrongAggregate { expected: self.id(), found: event.aggregate_id });
        }
        if event.sequence != self.version().next() {
            return Err(ReplayError::OutOfSequence { expected: self.version().next(), found: event.sequence });
        }
        self.evolve(event)
    }
}

fn check_schema<E>(event: &Envelope<E>) -> Result<(), ReplayError> {
    if event.schema > SCHEMA_VERSION {
        Err(ReplayError::UnsupportedSchema { found: event.schema, supported: SCHEMA_VERSION })
    } else {
        Ok(())
    }
}

/// Rebuilds an aggregate from its full history.
///
/// ```
/// use sysops_core::{replay, ReplayError, Ticket};
/// assert_eq!(replay::<Ticket>(&[]).unwrap_err(), ReplayError::Empty);
/// ```
pub fn replay<A: Aggregate>(events: &[Envelope<A::Event>]) -> Result<A, ReplayError> {
    let (first, rest) = events.split_first().ok_or(ReplayError::Empty)?;
    check_schema(first)?;
    if first.sequence != Sequence(1) {
        return Err(ReplayError::OutOfSequence { expected: Sequence(1), found: first.sequence });
    }
    let mut state = A::create(first)?;
    for event in rest {
        state.apply(event)?;
    }
    Ok(state)
}

/// Applies freshly decided events to a copy of `state` (the new state to commit).
pub fn applied<A: Aggregate>(state: &A, events: &[Envelope<A::Event>]) -> Result<A, ReplayError> {
    continued(Some(state.clone()), events)
}

/// The state `events` lead to from `held`, or from nothing when `None`: a record continued
/// from what a store (or a phone) holds, each event checked as it is applied.
pub fn continued<A: Aggregate>(held: Option<A>, events: &[Envelope<A::Event>]) -> Result<A, ReplayError> {
    match held {
        None => replay(events),
        Some(mut state) => {
            for event in events {
                state.apply(event)?;
            }
            Ok(state)
        }
    }
}

/// An aggregate that decides commands on an existing state: the one command path
/// (verify the actor for [`Decide::action`], load, [`Decide::decide`], commit) runs every
/// such command, whatever the domain.
pub trait Decide: Aggregate {
    /// The commands on an existing aggregate.
    type Command;
    /// Why a command is refused.
    type Error;

    /// The action an actor needs for `command`.
    fn action(command: &Self::Command) -> Action;

    /// The events `command` produces from this state, changing nothing.
    fn decide(&self, command: &Self::Command, ctx: &Ctx<'_>) -> Result<Vec<Envelope<Self::Event>>, Self::Error>;
}
