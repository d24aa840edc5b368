//! The server backend: PostgreSQL, for many service instances sharing one database.

use crate::error::{OpenError, backend, is_unique_violation};
use crate::rows;
use crate::url::redact;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Postgres, Transaction};
use std::str::FromStr;
use std::time::Duration;
use sysops_core::store::{
    Change, Claim, ConsumerName, ExpertLoad, ExpertQuery, Index, OutboxEntry, Page, Store, StoredEvent, StoredState,
    TicketFilter,
};
use sysops_core::{AggregateKind, Sequence, StoreError, StreamId};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// How many outbox rows one relay step numbers at most.
const RELAY_BATCH: i64 = 10_000;

/// A [`Store`] on a PostgreSQL server.
///
/// Optimistic concurrency is a guarded `UPDATE ... WHERE version = expected`
/// (and the events' primary key), so of many writers of one version exactly one
/// wins and the others get [`StoreError::Conflict`].
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to `url`, optionally inside `schema` (created if missing), and migrates.
    pub async fn open(url: &str, schema: Option<&str>, max_connections: u32) -> Result<Self, OpenError> {
        let shown = redact(url);
        let mut options = PgConnectOptions::from_str(url).map_err(|_| OpenError::InvalidUrl {
            url: shown.clone(),
            reason: "not a valid PostgreSQL connection URL",
        })?;
        let unreachable = |source| OpenError::Unreachable { url: shown.clone(), source };
        if let Some(schema) = schema {
            if !schema.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') || schema.is_empty() {
                return Err(OpenError::InvalidUrl { url: shown, reason: "schema names are [a-z0-9_]+" });
            }
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options.clone())
                .await
                .map_err(unreachable)?;
            sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA IF NOT EXISTS {schema}")))
                .execute(&admin)
                .await
                .map_err(|e| OpenError::Store(backend(e)))?;
            admin.close().await;
            options = options.options([("search_path", schema)]);
        }
        // Broken connections surface as errors on use; a ping before every use would double the round trips.
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(unreachable)?;
        let applied: Option<i64> =
            match sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(&pool).await {
                Ok(v) => v,
                Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P01") => None,
                Err(e) => return Err(OpenError::Store(backend(e))),
            };
        rows::refuse_newer_schema(&MIGRATOR, applied)?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    /// The connection pool, for tests that need raw SQL.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool, waiting for running statements.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn write_change(tx: &mut Transaction<'static, Postgres>, change: &Change) -> Result<(), StoreError> {
        change.check()?;
        let stream = change.stream();
        let kind = stream.kind.as_str();
        let version = rows::to_i64(change.state.version.0);
        let written = if change.expected == Sequence::NONE {
            sqlx::query(
                "INSERT INTO states (kind, id, version, json) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (kind, id) DO NOTHING",
            )
            .bind(kind)
            .bind(stream.id)
            .bind(version)
            .bind(&change.state.json)
            .execute(&mut **tx)
            .await
        } else {
            sqlx::query("UPDATE states SET version = $3, json = $4 WHERE kind = $1 AND id = $2 AND version = $5")
                .bind(kind)
                .bind(stream.id)
                .bind(version)
                .bind(&change.state.json)
                .bind(rows::to_i64(change.expected.0))
                .execute(&mut **tx)
                .await
        }
        .map_err(backend)?;
        if written.rows_affected() != 1 {
            let actual: Option<i64> = sqlx::query_scalar("SELECT version FROM states WHERE kind = $1 AND id = $2")
                .bind(kind)
                .bind(stream.id)
                .fetch_optional(&mut **tx)
                .await
                .map_err(backend)?;
            return Err(StoreError::Conflict {
                stream,
                expected: change.expected,
                actual: Sequence(actual.map_or(0, rows::to_u64)),
            });
        }
        for event in &change.events {
            sqlx::query(
                "WITH e AS (INSERT INTO events (kind, id, seq, at, name, json) VALUES ($1, $2, $3, $4, $5, $6)
                            RETURNING kind, id, seq)
                 INSERT INTO outbox (kind, agg_id, seq) SELECT kind, id, seq FROM e",
            )
            .bind(kind)
            .bind(stream.id)
            .bind(rows::to_i64(event.sequence.0))
            .bind(event.at)
            .bind(&event.name)
            .bind(&event.json)
            .execute(&mut **tx)
            .await
            .map_err(|e| {
                if is_unique_violation(&e) {
                    StoreError::Conflict { stream, expected: change.expected, actual: event.sequence }
                } else {
                    backend(e)
                }
            })?;
        }
        Self::write_index(tx, stream, &change.index).await
    }

    async fn write_index(
        tx: &mut Transaction<'static, Postgres>,
        stream: StreamId,
        index: &Index,
    ) -> Result<(), StoreError> {
        match index {
            Index::None => Ok(()),
            Index::Ticket { customer, status, expert, priority, category, submitted_at } => sqlx::query(
                "INSERT INTO tickets (id, customer, status, expert, priority, category, submitted_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (id) DO UPDATE SET status = excluded.status, expert = excluded.expert",
            )
            .bind(stream.id)
            .bind(customer.as_uuid())
            .bind(status.as_str())
            .bind(expert.map(|e| e.as_uuid()))
            .bind(*priority as i16)
            .bind(category.as_str())
            .bind(submitted_at)
            .execute(&mut **tx)
            .await
            .map(drop)
            .map_err(backend),
            Index::Expert { active, skills, base, radius_km } => {
                sqlx::query(
                    "INSERT INTO experts (id, active, lat, lon, radius_km) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (id) DO UPDATE SET active = excluded.active, lat = excluded.lat,
                     lon = excluded.lon, radius_km = excluded.radius_km",
                )
                .bind(stream.id)
                .bind(active)
                .bind(base.lat())
                .bind(base.lon())
                .bind(i32::from(*radius_km))
                .execute(&mut **tx)
                .await
                .map_err(backend)?;
                let categories: Vec<&str> = skills.iter().map(|(c, _)| c.as_str()).collect();
                let levels: Vec<i16> = skills.iter().map(|(_, l)| i16::from(l.get())).collect();
                sqlx::query("DELETE FROM expert_skills WHERE expert = $1")
                    .bind(stream.id)
                    .execute(&mut **tx)
                    .await
                    .map_err(backend)?;
                sqlx::query(
                    "INSERT INTO expert_skills (expert, category, level)
                     SELECT $1, c, l FROM UNNEST($2::text[], $3::smallint[]) AS s(c, l)",
                )
                .bind(stream.id)
                .bind(categories)
                .bind(levels)
                .execute(&mut **tx)
                .await
                .map(drop)
                .map_err(backend)
            }
            Index::Customer { name, email, phone } => sqlx::query(
                "INSERT INTO customers (id, name, email, phone) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone",
            )
            .bind(stream.id)
            .bind(name)
            .bind(email)
            .bind(phone)
            .execute(&mut **tx)
            .await
            .map(drop)
            .map_err(backend),
        }
    }

    /// Numbers committed outbox rows in commit-visible order (see the migration's comment).
    async fn relay(&self) -> Result<(), StoreError> {
        let pending: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM outbox WHERE position IS NULL)")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        if !pending {
            return Ok(());
        }
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let last: i64 = sqlx::query_scalar("SELECT last_position FROM outbox_relay WHERE singleton FOR UPDATE")
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
        let numbered = sqlx::query(
            "WITH pending AS (SELECT id FROM outbox WHERE position IS NULL ORDER BY id LIMIT $2),
                  numbered AS (SELECT id, $1 + row_number() OVER (ORDER BY id) AS pos FROM pending)
             UPDATE outbox o SET position = numbered.pos FROM numbered WHERE o.id = numbered.id",
        )
        .bind(last)
        .bind(RELAY_BATCH)
        .execute(&mut *tx)
        .await
        .map_err(backend)?
        .rows_affected();
        sqlx::query("UPDATE outbox_relay SET last_position = $1 WHERE singleton")
            .bind(last + rows::to_i64(numbered))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }
}

/// One statement that stores a change of one event: the state guarded by its version, the
/// event, its outbox row and the index row. A single statement is atomic on its own, so the
/// hot path (every ticket command) needs one round trip and no explicit transaction.
/// Parameters: $1 kind, $2 id, $3 version, $4 state, $5 expected version,
/// $6 seq, $7 at, $8 name, $9 event, then the index columns from $10.
macro_rules! one_event_sql {
    (new, $index:expr) => {
        one_event_sql!(@ "WITH s AS (INSERT INTO states (kind, id, version, json) SELECT $1, $2, $3, $4 \
            WHERE $5::bigint = 0 ON CONFLICT (kind, id) DO NOTHING RETURNING id)", $index)
    };
    (update, $index:expr) => {
        one_event_sql!(@ "WITH s AS (UPDATE states SET version = $3, json = $4 \
            WHERE kind = $1 AND id = $2 AND version = $5 RETURNING id)", $index)
    };
    (@ $state:literal, $index:expr) => {
        concat!(
            $state,
            ", e AS (INSERT INTO events (kind, id, seq, at, name, json) SELECT $1, id, $6, $7, $8, $9 FROM s \
             RETURNING kind, id, seq), \
             o AS (INSERT INTO outbox (kind, agg_id, seq) SELECT kind, id, seq FROM e)",
            $index,
            " SELECT count(*) FROM s"
        )
    };
}

macro_rules! ticket_index {
    () => {
        ", x AS (INSERT INTO tickets (id, customer, status, expert, priority, category, submitted_at) \
         SELECT id, $10, $11, $12, $13, $14, $15 FROM s \
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, expert = excluded.expert)"
    };
}

macro_rules! customer_index {
    () => {
        ", x AS (INSERT INTO customers (id, name, email, phone) SELECT id, $10, $11, $12 FROM s \
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, phone = excluded.phone)"
    };
}

impl PgStore {
    /// The single-statement write of a change with one event, when its index allows it.
    async fn commit_one_event(&self, change: &Change) -> Result<Option<()>, StoreError> {
        let [event] = change.events.as_slice() else { return Ok(None) };
        let new = change.expected == Sequence::NONE;
        let sql: &'static str = match (&change.index, new) {
            (Index::None, true) => one_event_sql!(new, ""),
            (Index::None, false) => one_event_sql!(update, ""),
            (Index::Ticket { .. }, true) => one_event_sql!(new, ticket_index!()),
            (Index::Ticket { .. }, false) => one_event_sql!(update, ticket_index!()),
            (Index::Customer { .. }, true) => one_event_sql!(new, customer_index!()),
            (Index::Customer { .. }, false) => one_event_sql!(update, customer_index!()),
            (Index::Expert { .. }, _) => return Ok(None),
        };
        change.check()?;
        let stream = change.stream();
        let mut query = sqlx::query_scalar::<_, i64>(sql)
            .bind(stream.kind.as_str())
            .bind(stream.id)
            .bind(rows::to_i64(change.state.version.0))
            .bind(&change.state.json)
            .bind(rows::to_i64(change.expected.0))
            .bind(rows::to_i64(event.sequence.0))
            .bind(event.at)
            .bind(&event.name)
            .bind(&event.json);
        match &change.index {
            Index::Ticket { customer, status, expert, priority, category, submitted_at } => {
                query = query
                    .bind(customer.as_uuid())
                    .bind(status.as_str())
                    .bind(expert.map(|e| e.as_uuid()))
                    .bind(*priority as i16)
                    .bind(category.as_str())
                    .bind(*submitted_at);
            }
            Index::Customer { name, email, phone } => {
                query = query.bind(name.clone()).bind(email.clone()).bind(phone.clone());
            }
            _ => {}
        }
        let written = query.fetch_one(&self.pool).await.map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict { stream, expected: change.expected, actual: event.sequence }
            } else {
                backend(e)
            }
        })?;
        if written == 1 {
            return Ok(Some(()));
        }
        let actual: Option<i64> = sqlx::query_scalar("SELECT version FROM states WHERE kind = $1 AND id = $2")
            .bind(stream.kind.as_str())
            .bind(stream.id)
            .fetch_optional(&self.pool)
            .await
            .map_err(backend)?;
        Err(StoreError::Conflict {
            stream,
            expected: change.expected,
            actual: Sequence(actual.map_or(0, rows::to_u64)),
        })
    }
}

impl Store for PgStore {
    async fn commit(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        if let [change] = changes.as_slice() {
            if let Some(()) = self.commit_one_event(change).await? {
                return Ok(());
            }
        }
        let mut tx = self.pool.begin().await.map_err(backend)?;
        for change in &changes {
            Self::write_change(&mut tx, change).await?;
        }
        tx.commit().await.map_err(backend)
    }

    async fn load(&self, stream: StreamId) -> Result<Option<StoredState>, StoreError> {
        let row: Option<rows::StateRow> =
            sqlx::query_as("SELECT version, json FROM states WHERE kind = $1 AND id = $2")
                .bind(stream.kind.as_str())
                .bind(stream.id)
                .fetch_optional(&self.pool)
                .await
                .map_err(backend)?;
        Ok(row.map(|r| rows::state(r, stream)))
    }

    async fn events(&self, stream: StreamId) -> Result<Vec<StoredEvent>, StoreError> {
        let found: Vec<rows::EventRow> =
            sqlx::query_as("SELECT seq, at, name, json FROM events WHERE kind = $1 AND id = $2 ORDER BY seq")
                .bind(stream.kind.as_str())
                .bind(stream.id)
                .fetch_all(&self.pool)
                .await
                .map_err(backend)?;
        Ok(found.into_iter().map(|r| rows::event(r, stream)).collect())
    }

    async fn tickets(&self, filter: TicketFilter, page: Page) -> Result<Vec<StoredState>, StoreError> {
        let (sql, binds) = rows::ticket_query(
            "SELECT t.id, s.version, s.json FROM tickets t JOIN states s ON s.kind = 'ticket' AND s.id = t.id WHERE TRUE",
            &filter,
            &page,
            rows::Placeholders::Postgres,
        );
        let found: Vec<rows::ListedRow> =
            rows::bind_all!(sqlx::query_as(AssertSqlSafe(sql)), binds).fetch_all(&self.pool).await.map_err(backend)?;
        Ok(found.into_iter().map(|r| rows::listed(r, AggregateKind::Ticket)).collect())
    }

    async fn states(&self, kind: AggregateKind, page: Page) -> Result<Vec<StoredState>, StoreError> {
        let found: Vec<rows::ListedRow> = sqlx::query_as(
            "SELECT id, version, json FROM states WHERE kind = $1 AND ($2::uuid IS NULL OR id > $2)
             ORDER BY id LIMIT $3",
        )
        .bind(kind.as_str())
        .bind(page.after)
        .bind(rows::to_i64(page.len() as u64))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(found.into_iter().map(|r| rows::listed(r, kind)).collect())
    }

    async fn experts(&self, query: ExpertQuery, page: Page) -> Result<Vec<StoredState>, StoreError> {
        rows::page_experts(&query, page, |cursor| async move {
            let (sql, binds) = rows::expert_query(&query, &cursor, rows::Placeholders::Postgres);
            rows::bind_all!(sqlx::query_as(AssertSqlSafe(sql)), binds).fetch_all(&self.pool).await.map_err(backend)
        })
        .await
    }

    async fn poll(&self, consumer: &ConsumerName, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        self.relay().await?;
        let found: Vec<rows::OutboxRow> = sqlx::query_as(
            "SELECT o.position, o.kind, o.agg_id, o.seq, e.at, e.name, e.json FROM outbox o
             JOIN events e ON e.kind = o.kind AND e.id = o.agg_id AND e.seq = o.seq
             WHERE o.position > COALESCE((SELECT position FROM outbox_cursors WHERE consumer = $1), 0)
             ORDER BY o.position LIMIT $2",
        )
        .bind(consumer.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        found.into_iter().map(rows::outbox_entry).collect()
    }

    async fn ack(&self, consumer: &ConsumerName, position: u64) -> Result<(), StoreError> {
        let last: i64 = sqlx::query_scalar("SELECT last_position FROM outbox_relay WHERE singleton")
            .fetch_one(&self.pool)
            .await
            .map_err(backend)?;
        rows::check_ack(consumer, position, rows::to_u64(last))?;
        sqlx::query(
            "INSERT INTO outbox_cursors (consumer, position) VALUES ($1, $2)
             ON CONFLICT (consumer) DO UPDATE SET position = GREATEST(outbox_cursors.position, excluded.position)",
        )
        .bind(consumer.as_str())
        .bind(rows::to_i64(position))
        .execute(&self.pool)
        .await
        .map(drop)
        .map_err(backend)
    }

    async fn expert_loads(&self) -> Result<Vec<ExpertLoad>, StoreError> {
        let rows: Vec<(uuid::Uuid, i64, i64)> =
            sqlx::query_as(rows::LOADS_SQL).fetch_all(&self.pool).await.map_err(backend)?;
        Ok(rows.into_iter().map(rows::load).collect())
    }

    async fn assignment_batch<R, F>(&self, limit: u32, decide: F) -> Result<R, StoreError>
    where
        R: Send,
        F: FnOnce(Claim) -> Result<(Vec<Change>, R), StoreError> + Send,
    {
        // Rows another batch holds are skipped, not waited for: concurrent jobs share the work.
        let mut tx = self.pool.begin().await.map_err(backend)?;
        let tickets: Vec<rows::ListedRow> = sqlx::query_as(
            "SELECT t.id, s.version, s.json FROM tickets t JOIN states s ON s.kind = 'ticket' AND s.id = t.id
             WHERE t.status = 'open' ORDER BY t.id LIMIT $1 FOR UPDATE OF t SKIP LOCKED",
        )
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        let experts: Vec<rows::ListedRow> = sqlx::query_as(
            "SELECT e.id, s.version, s.json FROM experts e JOIN states s ON s.kind = 'expert' AND s.id = e.id
             WHERE e.active ORDER BY e.id FOR UPDATE OF e SKIP LOCKED",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        let active: i64 = sqlx::query_scalar("SELECT count(*) FROM experts WHERE active")
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
        // Counted after the experts are locked, so no other batch can change their load meanwhile.
        let loads: Vec<(uuid::Uuid, i64, i64)> =
            sqlx::query_as(rows::LOADS_SQL).fetch_all(&mut *tx).await.map_err(backend)?;
        let claim = Claim {
            contended: (experts.len() as i64) < active,
            tickets: tickets.into_iter().map(|r| rows::listed(r, AggregateKind::Ticket)).collect(),
            experts: experts.into_iter().map(|r| rows::listed(r, AggregateKind::Expert)).collect(),
            loads: loads.into_iter().map(rows::load).collect(),
        };
        let (changes, result) = decide(claim)?;
        for change in &changes {
            Self::write_change(&mut tx, change).await?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(result)
    }
}
