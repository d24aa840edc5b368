//! Stream identity: which aggregate a record belongs to and where in its history it stands.
//!
//! A leaf module: errors and storage name streams without depending on the domains.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// Position of an event in its aggregate's stream: the first event is 1; 0 means "no events yet".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sequence(pub u64);

impl Sequence {
    /// The version of an aggregate that does not exist yet.
    pub const NONE: Sequence = Sequence(0);

    /// The following position.
    pub const fn next(self) -> Sequence {
        Sequence(self.0.saturating_add(1))
    }
}

impl fmt::Display for Sequence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The kinds of aggregate sysops stores.
#[cfg_attr(
    feature = "python",
    pyo3::pyclass(
        frozen,
        eq,
        eq_int,
        hash,
        from_py_object,
        rename_all = "SCREAMING_SNAKE_CASE",
        module = "sysops",
        name = "RecordKind"
    )
)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AggregateKind {
    /// [`SupportPlan`](crate::SupportPlan)
    Plan,
    /// [`Customer`](crate::Customer)
    Customer,
    /// [`Expert`](crate::Expert)
    Expert,
    /// [`StaffAccount`](crate::StaffAccount)
    StaffAccount,
    /// [`Ticket`](crate::Ticket)
    Ticket,
}

impl AggregateKind {
    /// A stable name for storage columns.
    pub const fn as_str(self) -> &'static str {
        match self {
            AggregateKind::Plan => "plan",
            AggregateKind::Customer => "customer",
            AggregateKind::Expert => "expert",
            AggregateKind::StaffAccount => "staff_account",
            AggregateKind::Ticket => "ticket",
        }
    }

    /// Parses [`as_str`](Self::as_str)'s output.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Plan, Self::Customer, Self::Expert, Self::StaffAccount, Self::Ticket]
            .into_iter()
            .find(|k| k.as_str() == name)
    }
}

/// One aggregate's event stream: its kind and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StreamId {
    /// The aggregate kind.
    pub kind: AggregateKind,
    /// The aggregate id.
    pub id: Uuid,
}

impl StreamId {
    /// The stream of aggregate `id` of `kind`.
    pub fn new(kind: AggregateKind, id: impl Into<Uuid>) -> Self {
        Self { kind, id: id.into() }
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind.as_str(), self.id)
    }
}
