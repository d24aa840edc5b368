//! Billing on SQLite: the `subscriptions` and `invoices` index rows, the invoice listing, and
//! the card vault.

use super::batch::ROWS_PER_STATEMENT;
use super::{SqliteStore, Tx};
use crate::error::backend;
use crate::rows;
use crate::sql;
use crate::vault::{self, ROTATION_PAGE, Sealed, SealedRow};
use sqlx::{QueryBuilder, Sqlite};
use sysops_core::billing::{CardNumber, CardVault, RotationReport, VaultEntry, VaultError};
use sysops_core::store::{BillingStore, Change, InvoiceFilter, InvoiceIndex, Page, StoredState, SubscriptionIndex};
use sysops_core::{AggregateKind, CardToken, StoreError};

/// The subscriptions' and invoices' index rows of `changes`, in as few statements as fit.
pub(super) async fn write_index(tx: &mut Tx, changes: &[Change]) -> Result<(), StoreError> {
    let subscriptions: Vec<_> = changes.iter().filter_map(|c| Some((c, c.index.get::<SubscriptionIndex>()?))).collect();
    for page in subscriptions.chunks(ROWS_PER_STATEMENT) {
        let mut upsert = QueryBuilder::<Sqlite>::new("INSERT INTO subscriptions (id, customer, active) ");
        upsert.push_values(page, |mut row, (change, index)| {
            row.push_bind(change.stream().id).push_bind(index.customer.as_uuid()).push_bind(index.active);
        });
        upsert.push(" ON CONFLICT (id) DO UPDATE SET active = excluded.active");
        upsert.build().execute(&mut **tx).await.map_err(backend)?;
    }
    let invoices: Vec<_> = changes.iter().filter_map(|c| Some((c, c.index.get::<InvoiceIndex>()?))).collect();
    for page in invoices.chunks(ROWS_PER_STATEMENT) {
        let mut upsert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO invoices (id, customer, period, status, next_attempt_at, pending) ",
        );
        upsert.push_values(page, |mut row, (change, index)| {
            row.push_bind(change.stream().id)
                .push_bind(index.customer.as_uuid())
                .push_bind(index.period.to_string())
                .push_bind(index.status.as_str())
                .push_bind(index.next_attempt_at)
                .push_bind(index.pending);
        });
        upsert.push(
            " ON CONFLICT (id) DO UPDATE SET status = excluded.status,
                 next_attempt_at = excluded.next_attempt_at, pending = excluded.pending",
        );
        upsert.build().execute(&mut **tx).await.map_err(backend)?;
    }
    Ok(())
}

impl BillingStore for SqliteStore {
    async fn invoices(&self, filter: InvoiceFilter, page: Page) -> Result<Vec<StoredState>, StoreError> {
        let (sql, binds) = sql::billing::invoice_query(
            "SELECT i.id, s.version, s.json FROM invoices i JOIN states s ON s.kind = 'invoice' AND s.id = i.id WHERE TRUE",
            &filter,
            &page,
            rows::Placeholders::Sqlite,
        );
        self.listed(sql, binds, AggregateKind::Invoice).await
    }
}

impl CardVault for SqliteStore {
    async fn store_cards(&self, cards: &[VaultEntry<'_>]) -> Result<(), VaultError> {
        let sealed =
            cards.iter().map(|entry| self.keys.seal(entry.token, entry.card)).collect::<Result<Vec<_>, _>>()?;
        let store = |e| VaultError::Store(backend(e));
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(store)?;
        for page in cards.iter().zip(&sealed).collect::<Vec<_>>().chunks(ROWS_PER_STATEMENT) {
            let mut insert =
                QueryBuilder::<Sqlite>::new("INSERT INTO card_vault (token, customer, key_id, nonce, ciphertext) ");
            insert.push_values(page, |mut row, (entry, sealed)| {
                row.push_bind(entry.token.as_uuid())
                    .push_bind(entry.customer.as_uuid())
                    .push_bind(sealed.key_id.as_str())
                    .push_bind(sealed.nonce.as_slice())
                    .push_bind(sealed.ciphertext.as_slice());
            });
            insert.build().execute(&mut *tx).await.map_err(store)?;
        }
        tx.commit().await.map_err(store)
    }

    async fn reveal_cards(&self, tokens: &[CardToken]) -> Result<Vec<Result<CardNumber, VaultError>>, VaultError> {
        let mut found: Vec<SealedRow> = Vec::with_capacity(tokens.len());
        for page in tokens.chunks(ROWS_PER_STATEMENT) {
            let mut select =
                QueryBuilder::<Sqlite>::new("SELECT token, key_id, nonce, ciphertext FROM card_vault WHERE token IN (");
            let mut listed = select.separated(", ");
            for token in page {
                listed.push_bind(token.as_uuid());
            }
            select.push(")");
            let rows = select.build_query_as().fetch_all(&self.reader).await;
            found.extend(rows.map_err(|e| VaultError::Store(backend(e)))?);
        }
        Ok(self.keys.open_all(tokens, found))
    }

    async fn rotate_card_keys(&self) -> Result<RotationReport, VaultError> {
        let already: i64 = sqlx::query_scalar("SELECT count(*) FROM card_vault WHERE key_id = ?1")
            .bind(self.keys.current_id()?)
            .fetch_one(&self.reader)
            .await
            .map_err(|e| VaultError::Store(backend(e)))?;
        let stale = |current: String| {
            sqlx::query_as(
                "SELECT token, key_id, nonce, ciphertext FROM card_vault WHERE key_id <> ?1 ORDER BY token LIMIT ?2",
            )
            .bind(current)
            .bind(ROTATION_PAGE)
            .fetch_all(&self.reader)
        };
        let reseal = |token: CardToken, old: String, sealed: Sealed| async move {
            sqlx::query(
                "UPDATE card_vault SET key_id = ?2, nonce = ?3, ciphertext = ?4 WHERE token = ?1 AND key_id = ?5",
            )
            .bind(token.as_uuid())
            .bind(&sealed.key_id)
            .bind(&sealed.nonce)
            .bind(&sealed.ciphertext)
            .bind(old)
            .execute(&self.writer)
            .await
            .map(|done| done.rows_affected())
        };
        vault::rotate(&self.keys, already, stale, reseal).await
    }
}
