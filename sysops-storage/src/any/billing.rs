//! Billing queries and the card vault on either backend.

use super::{AnyStore, delegate};
use crate::KeyProvider;
use std::sync::Arc;
use sysops_core::billing::{CardNumber, CardVault, RotationReport, VaultEntry, VaultError};
use sysops_core::store::{BillingStore, InvoiceFilter, Page, StoredState};
use sysops_core::{CardToken, StoreError};

impl AnyStore {
    /// Seals card numbers in the vault with keys from `keys` (see
    /// [`SqliteStore::with_card_keys`](crate::SqliteStore::with_card_keys)).
    pub fn with_card_keys(self, keys: Arc<dyn KeyProvider>) -> Self {
        match self {
            AnyStore::Sqlite(s) => AnyStore::Sqlite(s.with_card_keys(keys)),
            AnyStore::Postgres(p) => AnyStore::Postgres(p.with_card_keys(keys)),
        }
    }
}

impl BillingStore for AnyStore {
    async fn invoices(&self, filter: InvoiceFilter, page: Page) -> Result<Vec<StoredState>, StoreError> {
        delegate!(self.invoices(filter, page))
    }
}

impl CardVault for AnyStore {
    async fn store_cards(&self, cards: &[VaultEntry<'_>]) -> Result<(), VaultError> {
        delegate!(self.store_cards(cards))
    }

    async fn reveal_cards(&self, tokens: &[CardToken]) -> Result<Vec<Result<CardNumber, VaultError>>, VaultError> {
        delegate!(self.reveal_cards(tokens))
    }

    async fn rotate_card_keys(&self) -> Result<RotationReport, VaultError> {
        delegate!(self.rotate_card_keys())
    }
}
