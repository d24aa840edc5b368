//! Billing on PostgreSQL: the `subscriptions` and `invoices` index rows, the invoice listing,
//! and the card vault, every row on its customer's shard.

use super::{PgStore, Tx, shard};
use crate::error::backend;
use crate::rows;
use crate::sql;
use crate::vault::{self, ROTATION_PAGE, Sealed, SealedRow};
use sysops_core::billing::{CardNumber, CardVault, RotationReport, VaultEntry, VaultError};
use sysops_core::store::{BillingStore, Change, InvoiceFilter, InvoiceIndex, Page, StoredState, SubscriptionIndex};
use sysops_core::{AggregateKind, CardToken, ShardKey, StoreError};

/// The subscriptions' and invoices' index rows of `changes`, each table's in one statement.
pub(super) async fn write_index(tx: &mut Tx, changes: &[Change]) -> Result<(), StoreError> {
    let subscriptions: Vec<_> = changes.iter().filter_map(|c| Some((c, c.index.get::<SubscriptionIndex>()?))).collect();
    if !subscriptions.is_empty() {
        sqlx::query(
            "INSERT INTO subscriptions (shard, id, customer, active)
             SELECT * FROM UNNEST($1::int4[], $2::uuid[], $3::uuid[], $4::bool[])
             ON CONFLICT (shard, id) DO UPDATE SET active = excluded.active",
        )
        .bind(rows::column(&subscriptions, |(c, _)| shard(c.stream())))
        .bind(rows::column(&subscriptions, |(c, _)| c.stream().id))
        .bind(rows::column(&subscriptions, |(_, i)| i.customer.as_uuid()))
        .bind(rows::column(&subscriptions, |(_, i)| i.active))
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    }
    let invoices: Vec<_> = changes.iter().filter_map(|c| Some((c, c.index.get::<InvoiceIndex>()?))).collect();
    if !invoices.is_empty() {
        sqlx::query(
            "INSERT INTO invoices (shard, id, customer, period, status, next_attempt_at, pending)
             SELECT * FROM UNNEST($1::int4[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::bool[])
             ON CONFLICT (shard, id) DO UPDATE SET status = excluded.status,
                 next_attempt_at = excluded.next_attempt_at, pending = excluded.pending",
        )
        .bind(rows::column(&invoices, |(c, _)| shard(c.stream())))
        .bind(rows::column(&invoices, |(c, _)| c.stream().id))
        .bind(rows::column(&invoices, |(_, i)| i.customer.as_uuid()))
        .bind(rows::column(&invoices, |(_, i)| i.period.to_string()))
        .bind(rows::column(&invoices, |(_, i)| i.status.as_str()))
        .bind(rows::column(&invoices, |(_, i)| i.next_attempt_at))
        .bind(rows::column(&invoices, |(_, i)| i.pending))
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    }
    Ok(())
}

fn token_shard(token: CardToken) -> i32 {
    i32::from(ShardKey::of(token.as_uuid()).get())
}

impl BillingStore for PgStore {
    async fn invoices(&self, filter: InvoiceFilter, page: Page) -> Result<Vec<StoredState>, StoreError> {
        let (sql, binds) = sql::billing::invoice_query(
            "SELECT i.id, s.version, s.json FROM invoices i
             JOIN states s ON s.shard = i.shard AND s.kind = 'invoice' AND s.id = i.id WHERE TRUE",
            &filter,
            &page,
            self.placeholders(),
        );
        self.listed(sql, binds, AggregateKind::Invoice).await
    }
}

impl CardVault for PgStore {
    async fn store_cards(&self, cards: &[VaultEntry<'_>]) -> Result<(), VaultError> {
        let sealed =
            cards.iter().map(|entry| self.keys.seal(entry.token, entry.card)).collect::<Result<Vec<_>, _>>()?;
        sqlx::query(
            "INSERT INTO card_vault (shard, token, customer, key_id, nonce, ciphertext)
             SELECT * FROM UNNEST($1::int4[], $2::uuid[], $3::uuid[], $4::text[], $5::bytea[], $6::bytea[])",
        )
        .bind(rows::column(cards, |entry| token_shard(entry.token)))
        .bind(rows::column(cards, |entry| entry.token.as_uuid()))
        .bind(rows::column(cards, |entry| entry.customer.as_uuid()))
        .bind(rows::column(&sealed, |s| s.key_id.clone()))
        .bind(rows::column(&sealed, |s| s.nonce.clone()))
        .bind(rows::column(&sealed, |s| s.ciphertext.clone()))
        .execute(&self.pool)
        .await
        .map(drop)
        .map_err(|e| VaultError::Store(backend(e)))
    }

    async fn reveal_cards(&self, tokens: &[CardToken]) -> Result<Vec<Result<CardNumber, VaultError>>, VaultError> {
        let found: Vec<SealedRow> = sqlx::query_as(
            "SELECT v.token, v.key_id, v.nonce, v.ciphertext
             FROM card_vault v JOIN UNNEST($1::int4[], $2::uuid[]) AS t(shard, token)
                 ON v.shard = t.shard AND v.token = t.token",
        )
        .bind(rows::column(tokens, |t| token_shard(*t)))
        .bind(rows::column(tokens, |t| t.as_uuid()))
        .fetch_all(&self.pool)
        .await
        .map_err(|e| VaultError::Store(backend(e)))?;
        Ok(self.keys.open_all(tokens, found))
    }

    async fn rotate_card_keys(&self) -> Result<RotationReport, VaultError> {
        let already: i64 = sqlx::query_scalar("SELECT count(*) FROM card_vault WHERE key_id = $1")
            .bind(self.keys.current_id()?)
            .fetch_one(&self.pool)
            .await
            .map_err(|e| VaultError::Store(backend(e)))?;
        let stale = |current: String| {
            sqlx::query_as(
                "SELECT token, key_id, nonce, ciphertext FROM card_vault WHERE key_id <> $1 ORDER BY token LIMIT $2",
            )
            .bind(current)
            .bind(ROTATION_PAGE)
            .fetch_all(&self.pool)
        };
        let reseal = |token: CardToken, old: String, sealed: Sealed| async move {
            sqlx::query(
                "UPDATE card_vault SET key_id = $3, nonce = $4, ciphertext = $5
                 WHERE shard = $1 AND token = $2 AND key_id = $6",
            )
            .bind(token_shard(token))
            .bind(token.as_uuid())
            .bind(&sealed.key_id)
            .bind(&sealed.nonce)
            .bind(&sealed.ciphertext)
            .bind(old)
            .execute(&self.pool)
            .await
            .map(|done| done.rows_affected())
        };
        vault::rotate(&self.keys, already, stale, reseal).await
    }
}
