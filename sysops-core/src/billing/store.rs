//! The billing domain's part of the storage contract: invoice listings and the card vault.

use super::card::CardNumber;
use super::invoice::{InvoiceIndex, InvoiceStatus};
use crate::aggregate::Index;
use crate::error::StoreError;
use crate::event::AggregateKind;
use crate::id::{CardToken, CustomerId};
use crate::persist::{MemoryStore, Page, StoredState};
use chrono::{DateTime, Utc};
use std::future::Future;

/// Which invoices to list; every field given must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InvoiceFilter {
    /// Only this customer's.
    pub customer: Option<CustomerId>,
    /// Only in this status.
    pub status: Option<InvoiceStatus>,
    /// Only those the billing run has work on at this instant: unpaid with a charge due by
    /// then, or awaiting the gateway's answer to a charge or refund.
    pub work_due_by: Option<DateTime<Utc>>,
}

impl InvoiceFilter {
    /// A customer's statements.
    pub fn of_customer(customer: CustomerId) -> Self {
        Self { customer: Some(customer), ..Self::default() }
    }

    /// What the billing run must charge or resume at `now`.
    pub fn work_due_by(now: DateTime<Utc>) -> Self {
        Self { work_due_by: Some(now), ..Self::default() }
    }

    /// True when an invoice indexed as `index` matches.
    pub fn matches(&self, index: &InvoiceIndex) -> bool {
        self.customer.is_none_or(|c| c == index.customer)
            && self.status.is_none_or(|s| s == index.status)
            && self.work_due_by.is_none_or(|now| {
                index.pending || (index.status.is_unpaid() && index.next_attempt_at.is_some_and(|at| at <= now))
            })
    }
}

/// Billing queries every backend answers.
pub trait BillingStore: Send + Sync {
    /// Invoice states matching `filter`, in id order.
    fn invoices(
        &self,
        filter: InvoiceFilter,
        page: Page,
    ) -> impl Future<Output = Result<Vec<StoredState>, StoreError>> + Send;
}

impl BillingStore for MemoryStore {
    async fn invoices(&self, filter: InvoiceFilter, page: Page) -> Result<Vec<StoredState>, StoreError> {
        Ok(self.list(AggregateKind::Invoice, page, |index: &Index| index.get().is_some_and(|i| filter.matches(i))))
    }
}

/// Why the vault could not give a card back.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// No card is stored under this token.
    #[error("no card is stored under token {token}")]
    UnknownToken {
        /// The token asked for.
        token: CardToken,
    },
    /// The card was encrypted under a key the key provider no longer has.
    #[error("card {token} is encrypted under key {key_id:?}, which the key provider does not have")]
    UnknownKey {
        /// The card.
        token: CardToken,
        /// The key id stored with it.
        key_id: String,
    },
    /// The stored ciphertext failed authentication: it was altered, or the key is wrong.
    #[error("card {token} failed authentication under key {key_id:?}")]
    Tampered {
        /// The card.
        token: CardToken,
        /// The key id stored with it.
        key_id: String,
    },
    /// The key provider failed.
    #[error("the key provider failed: {0}")]
    KeyProvider(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a key rotation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RotationReport {
    /// Cards re-encrypted under the current key.
    pub rotated: u64,
    /// Cards already under the current key.
    pub current: u64,
}

/// A card to put in the vault: its token, its customer, its number.
#[derive(Debug, Clone, Copy)]
#[allow(missing_docs)]
pub struct VaultEntry<'c> {
    pub token: CardToken,
    pub customer: CustomerId,
    pub card: &'c CardNumber,
}

/// Where card numbers live, encrypted: only a token leaves it, and only the payment path asks
/// for a number back.
pub trait CardVault: Send + Sync {
    /// Encrypts and stores each card for its customer under its token, all or none, in one
    /// write (cards imported a page at a time).
    fn store_cards(&self, cards: &[VaultEntry<'_>]) -> impl Future<Output = Result<(), VaultError>> + Send;

    /// Encrypts and stores `card` for `customer` under `token`.
    fn store_card(
        &self,
        token: CardToken,
        customer: CustomerId,
        card: &CardNumber,
    ) -> impl Future<Output = Result<(), VaultError>> + Send {
        async move { self.store_cards(&[VaultEntry { token, customer, card }]).await }
    }

    /// Decrypts the cards stored under `tokens` (the billing run reveals a page's cards in one
    /// read): one answer per token, in order, each the card or why it cannot be revealed; the
    /// outer error is a vault that could not be read at all.
    fn reveal_cards(
        &self,
        tokens: &[CardToken],
    ) -> impl Future<Output = Result<Vec<Result<CardNumber, VaultError>>, VaultError>> + Send;

    /// Decrypts the card stored under `token`.
    fn reveal_card(&self, token: CardToken) -> impl Future<Output = Result<CardNumber, VaultError>> + Send {
        async move {
            let mut revealed = self.reveal_cards(&[token]).await?;
            revealed.pop().unwrap_or(Err(VaultError::UnknownToken { token }))
        }
    }

    /// Re-encrypts every card not under the key provider's current key, a page at a time,
    /// while the system runs.
    fn rotate_card_keys(&self) -> impl Future<Output = Result<RotationReport, VaultError>> + Send;
}

impl CardVault for MemoryStore {
    async fn store_cards(&self, cards: &[VaultEntry<'_>]) -> Result<(), VaultError> {
        let mut state = self.lock();
        for entry in cards {
            state.vault.insert(entry.token.as_uuid(), entry.card.expose_digits().to_owned());
        }
        Ok(())
    }

    async fn reveal_cards(&self, tokens: &[CardToken]) -> Result<Vec<Result<CardNumber, VaultError>>, VaultError> {
        let state = self.lock();
        let reveal = |token: CardToken| {
            let digits = state.vault.get(&token.as_uuid()).ok_or(VaultError::UnknownToken { token })?;
            CardNumber::parse(digits).map_err(|_| VaultError::Tampered { token, key_id: String::new() })
        };
        Ok(tokens.iter().map(|t| reveal(*t)).collect())
    }

    /// The memory store keeps cards in the process only, unencrypted: there is nothing to rotate.
    async fn rotate_card_keys(&self) -> Result<RotationReport, VaultError> {
        Ok(RotationReport { rotated: 0, current: self.lock().vault.len() as u64 })
    }
}
