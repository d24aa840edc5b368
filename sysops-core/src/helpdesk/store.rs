//! The helpdesk's part of the storage contract: the checked lookups, their ranking, and the
//! [`HelpdeskStore`] trait with its `MemoryStore` implementation.
//!
//! Both read the index rows the customer and ticket storage files write ([`CustomerIndex`],
//! [`TicketIndex`]); the helpdesk owns no rows of its own but the customers' name words.

use super::{LookupKey, PhoneKey, Window};
use crate::customer::CustomerIndex;
use crate::error::StoreError;
use crate::event::AggregateKind;
use crate::id::CustomerId;
use crate::persist::{MemoryStore, StoredState};
use crate::ticket::{TicketIndex, TicketStatus};
use chrono::{DateTime, Utc};
use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::future::Future;

/// A customer search, checked: the key and the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerLookup {
    /// What to find.
    pub key: LookupKey,
    /// The page.
    pub window: Window,
}

/// A ticket search, checked (by [`super::TicketSearch::check`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketLookup {
    /// What to find; `None`: every customer's tickets.
    pub key: Option<LookupKey>,
    /// Only in this status.
    pub status: Option<TicketStatus>,
    /// Only submitted at or after.
    pub from: Option<DateTime<Utc>>,
    /// Only submitted before.
    pub to: Option<DateTime<Utc>>,
    /// The page.
    pub window: Window,
}

/// Helpdesk queries every backend answers. Each returns up to `limit + 1` stored states from
/// `offset` (one more than the page, so the caller knows whether another page follows), in
/// this order:
///
/// - customers: by how well they match, best first — for a phone number, the numbers equal
///   to the digits typed before the numbers that only end with them; for a name, by how many
///   typed words are whole words of the name — then by folded name, then by id;
/// - tickets: their customer's match as above (for a customer key), then newest first (by
///   id, which is minted in time order).
pub trait HelpdeskStore: Send + Sync {
    /// Customer states matching the lookup: customers of the ticket for a ticket key.
    fn find_customers(
        &self,
        lookup: &CustomerLookup,
    ) -> impl Future<Output = Result<Vec<StoredState>, StoreError>> + Send;

    /// Ticket states matching the lookup: the tickets of the matching customers for a
    /// customer key.
    fn find_tickets(&self, lookup: &TicketLookup) -> impl Future<Output = Result<Vec<StoredState>, StoreError>> + Send;
}

/// How well a customer matches a customer key (higher is better), `None` for no match.
fn customer_rank(key: &LookupKey, index: &CustomerIndex) -> Option<u32> {
    match key {
        LookupKey::Email(email) => (index.email_key == *email).then_some(0),
        LookupKey::Phone(PhoneKey { digits, international }) => {
            let own = index.phone.strip_prefix('+').unwrap_or(&index.phone);
            let exact = own == digits;
            (exact || (!international && own.ends_with(digits.as_str()))).then_some(u32::from(exact))
        }
        LookupKey::Name(typed) => {
            let words = index.name_words();
            let all = typed.iter().all(|t| words.iter().any(|w| w.starts_with(t.as_str())));
            let whole = words.iter().filter(|w| typed.iter().any(|t| t == *w)).count();
            all.then(|| u32::try_from(whole).unwrap_or(u32::MAX))
        }
        LookupKey::TicketId(_) | LookupKey::TicketNumber(_) => None,
    }
}

/// True when the ticket itself is what a ticket key names.
fn ticket_named(key: &LookupKey, id: uuid::Uuid, index: &TicketIndex) -> bool {
    match key {
        LookupKey::TicketId(ticket) => ticket.as_uuid() == id,
        LookupKey::TicketNumber(number) => index.number == *number,
        _ => false,
    }
}

/// The window's rows of `ranked`, sorted by its key.
fn page<K: Ord>(mut ranked: Vec<(K, StoredState)>, window: Window) -> Vec<StoredState> {
    ranked.sort_by(|a, b| a.0.cmp(&b.0));
    ranked.into_iter().skip(window.offset as usize).take(window.limit as usize + 1).map(|(_, s)| s).collect()
}

impl HelpdeskStore for MemoryStore {
    async fn find_customers(&self, lookup: &CustomerLookup) -> Result<Vec<StoredState>, StoreError> {
        let inner = self.lock();
        let tickets = inner.states.iter().filter(|(s, _)| s.kind == AggregateKind::Ticket);
        let named: Vec<CustomerId> = tickets
            .filter_map(|(s, (_, index))| index.get::<TicketIndex>().filter(|t| ticket_named(&lookup.key, s.id, t)))
            .map(|t| t.customer)
            .collect();
        let customers = inner.states.iter().filter(|(s, _)| s.kind == AggregateKind::Customer);
        let ranked = customers
            .filter_map(|(s, (state, index))| {
                let index = index.get::<CustomerIndex>()?;
                let rank =
                    if named.contains(&CustomerId::from_uuid(s.id)) { 0 } else { customer_rank(&lookup.key, index)? };
                Some(((Reverse(rank), index.name_key.clone(), s.id), state.clone()))
            })
            .collect();
        Ok(page(ranked, lookup.window))
    }

    async fn find_tickets(&self, lookup: &TicketLookup) -> Result<Vec<StoredState>, StoreError> {
        let inner = self.lock();
        let customers: BTreeMap<CustomerId, u32> = match &lookup.key {
            Some(key) => inner
                .states
                .iter()
                .filter(|(s, _)| s.kind == AggregateKind::Customer)
                .filter_map(|(s, (_, index))| {
                    Some((CustomerId::from_uuid(s.id), customer_rank(key, index.get::<CustomerIndex>()?)?))
                })
                .collect(),
            None => BTreeMap::new(),
        };
        let ranked = inner
            .states
            .iter()
            .filter(|(s, _)| s.kind == AggregateKind::Ticket)
            .filter_map(|(s, (state, index))| {
                let index = index.get::<TicketIndex>()?;
                let rank = match &lookup.key {
                    None => 0,
                    Some(key) if ticket_named(key, s.id, index) => 0,
                    Some(_) => *customers.get(&index.customer)?,
                };
                let wanted = lookup.status.is_none_or(|status| status == index.status)
                    && lookup.from.is_none_or(|from| index.submitted_at >= from)
                    && lookup.to.is_none_or(|to| index.submitted_at < to);
                wanted.then(|| ((Reverse(rank), Reverse(s.id)), state.clone()))
            })
            .collect();
        Ok(page(ranked, lookup.window))
    }
}
