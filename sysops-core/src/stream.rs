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
    /// [`Subscription`](crate::billing::Subscription)
    Subscription,
    /// [`Invoice`](crate::billing::Invoice)
    Invoice,
    /// [`Article`](crate::kb::Article)
    Article,
    /// [`Survey`](crate::survey::Survey)
    Survey,
    /// [`CommandReceipt`](crate::sync::CommandReceipt)
    CommandReceipt,
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
            AggregateKind::Subscription => "subscription",
            AggregateKind::Invoice => "invoice",
            AggregateKind::Article => "article",
            AggregateKind::Survey => "survey",
            AggregateKind::CommandReceipt => "command_receipt",
        }
    }

    /// True for the records of the billing quantum (ADR-4), which live in the billing store
    /// when one is given (`Service::with_billing_store`).
    pub const fn in_billing_quantum(self) -> bool {
        matches!(self, AggregateKind::Subscription | AggregateKind::Invoice)
    }

    /// Parses [`as_str`](Self::as_str)'s output.
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Plan,
            Self::Customer,
            Self::Expert,
            Self::StaffAccount,
            Self::Ticket,
            Self::Subscription,
            Self::Invoice,
            Self::Article,
            Self::Survey,
            Self::CommandReceipt,
        ]
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

    /// Where the stream is stored on a sharded database: the shard key its id carries.
    pub fn shard(&self) -> ShardKey {
        ShardKey::of(self.id)
    }
}

/// The shard key an id carries: its last 16 bits, which are random in every id sysops mints.
///
/// A distributed database (Citus) places every row by its owner's shard key. An id that
/// carries its key can be routed to one shard from the id alone, so an aggregate whose
/// owner is another aggregate is minted with its owner's key ([`ShardKey::stamp`]): a
/// ticket's id carries its customer's key, and a ticket loaded by its id alone lives on its
/// customer's shard, with the customer's other tickets.
///
/// ```
/// use sysops_core::ShardKey;
/// use uuid::Uuid;
/// let customer = Uuid::now_v7();
/// let ticket = ShardKey::of(customer).stamp(Uuid::now_v7());
/// assert_eq!(ShardKey::of(ticket), ShardKey::of(customer));
/// assert_eq!(ticket.get_version_num(), 7);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ShardKey(u16);

impl ShardKey {
    /// The key `id` carries.
    pub const fn of(id: Uuid) -> Self {
        let bytes = id.as_bytes();
        Self(u16::from_be_bytes([bytes[14], bytes[15]]))
    }

    /// `id` with this key in place of its own, so that it is stored with this key's owner.
    /// Only the last 16 of the id's random bits change; its version and variant stay.
    pub fn stamp(self, id: Uuid) -> Uuid {
        let mut bytes = *id.as_bytes();
        bytes[14..].copy_from_slice(&self.0.to_be_bytes());
        Uuid::from_bytes(bytes)
    }

    /// The key as stored (`0..=65535`).
    pub const fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind.as_str(), self.id)
    }
}
