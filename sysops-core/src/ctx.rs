//! The context of one command: who acts, when, and where fresh ids come from.

use crate::actor::Actor;
use crate::event::{Envelope, SCHEMA_VERSION, Sequence};
use crate::idgen::IdGen;
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Inputs a `decide` needs besides the command: the acting (already verified) actor, the time and an id source.
pub struct Ctx<'a> {
    /// The actor, whose account the caller has verified.
    pub actor: Actor,
    /// The current time.
    pub now: DateTime<Utc>,
    ids: &'a dyn IdGen,
}

impl<'a> Ctx<'a> {
    /// A context for `actor` at `now`, taking fresh ids from `ids`.
    pub fn new(actor: Actor, now: DateTime<Utc>, ids: &'a dyn IdGen) -> Self {
        Self { actor, now, ids }
    }

    /// A fresh typed id.
    pub fn new_id<T: From<Uuid>>(&self) -> T {
        T::from(self.ids.next_uuid())
    }

    /// Wraps payloads as the events that follow `version` of aggregate `id`.
    pub fn stamp<E>(&self, id: impl Into<Uuid>, version: Sequence, payloads: Vec<E>) -> Vec<Envelope<E>> {
        let id = id.into();
        let mut sequence = version;
        payloads
            .into_iter()
            .map(|payload| {
                sequence = sequence.next();
                Envelope { schema: SCHEMA_VERSION, aggregate_id: id, sequence, at: self.now, by: self.actor, payload }
            })
            .collect()
    }
}
