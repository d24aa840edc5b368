//! The server backend: PostgreSQL, for many service instances sharing one database.

//!
//! Each domain's index rows and queries live in this folder's file of that name; this file
//! holds the connection, the migrations and the event store every domain writes through.

mod assignment;
mod batch;
mod billing;
mod customer;
mod expert;
mod group;
mod helpdesk;
mod kb;
mod notify;
mod outbox;
mod report;
mod ticket;

use crate::error::{OpenError, backend, is_unique_violation};
use crate::rows::{self, Bind};
use crate::url::redact;
use crate::vault::{KeyProvider, Keys};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::{AssertSqlSafe, Postgres, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use sysops_core::store::{Change, EventStore, Page, StoredEvent, StoredState};
use sysops_core::{AggregateKind, Sequence, StoreError, StreamId};

type Tx = Transaction<'static, Postgres>;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A [`Store`](sysops_core::Store) on a PostgreSQL server.
///
/// Optimistic concurrency is a guarded `UPDATE ... WHERE version = expected`
/// (and the events' primary key), so of many writers of one version exactly one
/// wins and the others get [`StoreError::Conflict`].
#[derive(Clone)]
pub struct PgStore {
    pool: PgPool,
    /// Whether the tables are distributed by Citus, which changes how the assignment job
    /// serializes (see `assignment.rs`) and how a customer's tickets are found.
    citus: bool,
    /// Concurrent one-statement writes, committed together (see `crate::group`).
    group: Arc<crate::group::Group>,
    keys: Keys,
}

/// Runs the migrations, waiting out a Citus shard move elsewhere in the cluster: Citus refuses
/// (rather than waits for) the co-location lock a move holds, and each migration is one
/// transaction, so running again resumes at the one that was refused.
///
/// Each run has a connection of its own, closed afterwards: a failed run keeps the migrator's
/// session lock, which would stop every later migration of the database if the connection went
/// back to a pool.
async fn migrate(options: &PgConnectOptions, shown: &str) -> Result<(), OpenError> {
    let mut pause = Duration::from_millis(50);
    let patience = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let single = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options.clone())
            .await
            .map_err(|source| OpenError::Unreachable { url: shown.to_owned(), source })?;
        let ran = MIGRATOR.run(&single).await;
        single.close().await;
        match ran {
            Err(sqlx::migrate::MigrateError::ExecuteMigration(sqlx::Error::Database(e), _))
                if e.code().as_deref() == Some("XX000")
                    && e.message().starts_with("could not acquire the lock required to")
                    && tokio::time::Instant::now() < patience =>
            {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(1));
            }
            done => return Ok(done?),
        }
    }
}

impl PgStore {
    /// The stored states of `kind` a listing query (selecting id, version and state) finds.
    pub(crate) async fn listed(
        &self,
        sql: String,
        binds: Vec<rows::Bind>,
        kind: AggregateKind,
    ) -> Result<Vec<StoredState>, StoreError> {
        let found: Vec<rows::ListedRow> = rows::bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), binds)
            .fetch_all(&self.pool)
            .await
            .map_err(backend)?;
        Ok(found.into_iter().map(|r| rows::listed(r, kind)).collect())
    }

    /// Connects to `url`, optionally inside `schema` (created if missing), and migrates, with the
    /// default wait limit ([`DEFAULT_MAX_WAIT`](crate::DEFAULT_MAX_WAIT)).
    pub async fn open(url: &str, schema: Option<&str>, max_connections: u32) -> Result<Self, OpenError> {
        Self::open_with_wait(url, schema, max_connections, crate::DEFAULT_MAX_WAIT).await
    }

    /// Connects like [`open`](Self::open), with a pool of `max_connections` where a call waits
    /// at most `max_wait` for a connection before it is [`StoreError::Busy`].
    pub async fn open_with_wait(
        url: &str,
        schema: Option<&str>,
        max_connections: u32,
        max_wait: Duration,
    ) -> Result<Self, OpenError> {
        let max_wait = crate::error::checked_wait(max_wait)?;
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
        // A lock held elsewhere (an administrator's session, a job's turn) is waited for as long
        // as a connection is, then the statement fails as busy (`lock_timeout`).
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .test_before_acquire(false)
            .acquire_timeout(max_wait)
            .connect_with(options.clone().options([("lock_timeout", format!("{}ms", max_wait.as_millis()))]))
            .await
            .map_err(unreachable)?;
        let applied: Option<i64> =
            match sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(&pool).await {
                Ok(v) => v,
                Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P01") => None,
                Err(e) => return Err(OpenError::Store(backend(e))),
            };
        rows::refuse_newer_schema(&MIGRATOR, applied)?;
        migrate(&options, &shown).await?;
        helpdesk::backfill(&pool).await.map_err(OpenError::Store)?;
        kb::backfill(&pool).await.map_err(OpenError::Store)?;
        let citus: bool = sqlx::query_scalar(
            "SELECT to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL
                AND EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid = 'events'::regclass)",
        )
        .fetch_one(&pool)
        .await
        .or_else(|e| match &e {
            // Without Citus the catalog does not exist, and PostgreSQL may plan the EXISTS anyway.
            sqlx::Error::Database(d) if d.code().as_deref() == Some("42P01") => Ok(false),
            _ => Err(e),
        })
        .map_err(|e| OpenError::Store(backend(e)))?;
        // A few groups at once, so that one group's round trip does not idle the rest of the pool.
        let group = Arc::new(crate::group::Group::new(max_wait, (max_connections / 4).max(1) as usize));
        Ok(Self { pool, citus, group, keys: Keys::default() })
    }

    /// Seals card numbers in the vault with keys from `keys`; without them every card
    /// operation is refused with [`VaultError::KeyProvider`](sysops_core::billing::VaultError).
    pub fn with_card_keys(mut self, keys: Arc<dyn KeyProvider>) -> Self {
        self.keys = Keys::new(keys);
        self
    }

    /// How generated queries number parameters and route by shard key.
    fn placeholders(&self) -> rows::Placeholders {
        if self.citus { rows::Placeholders::Citus } else { rows::Placeholders::Postgres }
    }

    /// Whether the tables are distributed by Citus (found when the store was opened).
    pub fn is_distributed(&self) -> bool {
        self.citus
    }

    /// The connection pool, for tests that need raw SQL.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool, waiting for running statements.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Writes `change` in `tx`: one statement where it can (see [`OneStatement`]), else its
    /// state, then each event with its outbox row, then the domain's index rows.
    async fn write_change(tx: &mut Tx, change: &Change) -> Result<(), StoreError> {
        if let Some(()) = write_one_event(tx, change).await? {
            return Ok(());
        }
        change.check()?;
        let stream = change.stream();
        let kind = stream.kind.as_str();
        let version = rows::to_i64(change.state.version.0);
        let shard = shard(stream);
        let written = if change.expected == Sequence::NONE {
            sqlx::query(
                "INSERT INTO states (shard, kind, id, version, json) VALUES ($5, $1, $2, $3, $4)
                 ON CONFLICT (shard, kind, id) DO NOTHING",
            )
            .bind(kind)
            .bind(stream.id)
            .bind(version)
            .bind(&change.state.json)
            .bind(shard)
            .execute(&mut **tx)
            .await
        } else {
            sqlx::query(
                "UPDATE states SET version = $3, json = $4
                 WHERE shard = $6 AND kind = $1 AND id = $2 AND version = $5",
            )
            .bind(kind)
            .bind(stream.id)
            .bind(version)
            .bind(&change.state.json)
            .bind(rows::to_i64(change.expected.0))
            .bind(shard)
            .execute(&mut **tx)
            .await
        }
        .map_err(backend)?;
        if written.rows_affected() != 1 {
            return Err(conflict(&mut **tx, change).await);
        }
        for event in &change.events {
            let seq = rows::to_i64(event.sequence.0);
            sqlx::query(
                "INSERT INTO events (shard, kind, id, seq, at, name, json) VALUES ($7, $1, $2, $3, $4, $5, $6)",
            )
            .bind(kind)
            .bind(stream.id)
            .bind(seq)
            .bind(event.at)
            .bind(&event.name)
            .bind(&event.json)
            .bind(shard)
            .execute(&mut **tx)
            .await
            .map_err(|e| event_conflict(e, change, event.sequence))?;
            sqlx::query("INSERT INTO outbox (shard, kind, agg_id, seq) VALUES ($4, $1, $2, $3)")
                .bind(kind)
                .bind(stream.id)
                .bind(seq)
                .bind(shard)
                .execute(&mut **tx)
                .await
                .map_err(backend)?;
        }
        write_index(tx, std::slice::from_ref(change)).await
    }
}

/// The stored shard key of `stream` (see [`sysops_core::ShardKey`]).
pub(crate) fn shard(stream: StreamId) -> i32 {
    i32::from(stream.shard().get())
}

/// A second writer's event hit the events' primary key: an optimistic-concurrency conflict.
fn event_conflict(error: sqlx::Error, change: &Change, sequence: Sequence) -> StoreError {
    if is_unique_violation(&error) {
        StoreError::Conflict { stream: change.stream(), expected: change.expected, actual: sequence }
    } else {
        backend(error)
    }
}

/// The conflict of a change whose guarded state write matched no row, with the version found.
async fn conflict<'c, E: sqlx::PgExecutor<'c>>(executor: E, change: &Change) -> StoreError {
    let stream = change.stream();
    let actual: Result<Option<i64>, _> =
        sqlx::query_scalar("SELECT version FROM states WHERE shard = $3 AND kind = $1 AND id = $2")
            .bind(stream.kind.as_str())
            .bind(stream.id)
            .bind(shard(stream))
            .fetch_optional(executor)
            .await;
    match actual {
        Ok(actual) => {
            StoreError::Conflict { stream, expected: change.expected, actual: Sequence(actual.map_or(0, rows::to_u64)) }
        }
        Err(e) => backend(e),
    }
}

/// Each domain's index rows for `changes`, in the transaction of their events. A domain with
/// queries registers its writer here: one change at a time, or the whole commit at once for a
/// domain whose changes come in pages (billing, kb), which writes each table's rows in one statement.
async fn write_index(tx: &mut Tx, changes: &[Change]) -> Result<(), StoreError> {
    for change in changes {
        ticket::write_index(tx, change).await?;
        expert::write_index(tx, change).await?;
        customer::write_index(tx, change).await?;
    }
    kb::write_index(tx, changes).await?;
    billing::write_index(tx, changes).await
}

/// The one statement that stores a one-event change with its index row: see [`OneStatement`].
/// `None` when the change's domain writes its index in several statements.
fn one_statement(change: &Change) -> Option<OneStatement> {
    if change.index.is_none() {
        return Some(OneStatement { function: "sysops_write_event", index: vec![] });
    }
    ticket::one_statement(change).or_else(|| customer::one_statement(change))
}

/// A change of one event stored by one call of a database function (the migrations'
/// `sysops_write_event`, or a domain's that also writes its index row): the state guarded by
/// its version, the event, its outbox row and the index row, atomic on its own, in one round
/// trip and no explicit transaction. On Citus the call runs on the worker holding the shard.
/// Parameters: kind, id, version, state, expected version, seq, at, name, event, shard key,
/// then the index columns, bound from `index`. The function returns 1, or 0 when the state was
/// not at the expected version.
struct OneStatement {
    function: &'static str,
    index: Vec<Bind>,
}

impl OneStatement {
    /// The call with its parameters numbered from `$first`.
    fn call(&self, first: usize) -> String {
        let params: Vec<String> = (first..first + 10 + self.index.len()).map(|n| format!("${n}")).collect();
        format!("{}({})", self.function, params.join(", "))
    }

    /// Every parameter of the call for `change` and its one `event`, in order.
    fn binds(self, change: &Change, event: &StoredEvent) -> Vec<Bind> {
        let stream = change.stream();
        let mut binds = vec![
            Bind::Text(stream.kind.as_str()),
            Bind::Id(stream.id),
            Bind::Int(rows::to_i64(change.state.version.0)),
            Bind::String(change.state.json.clone()),
            Bind::Int(rows::to_i64(change.expected.0)),
            Bind::Int(rows::to_i64(event.sequence.0)),
            Bind::Time(event.at),
            Bind::String(event.name.clone()),
            Bind::String(event.json.clone()),
            Bind::Shard(shard(stream)),
        ];
        binds.extend(self.index);
        binds
    }
}

/// The single-statement write of a change with one event, when its index allows it.
async fn write_one_event(conn: &mut PgConnection, change: &Change) -> Result<Option<()>, StoreError> {
    let [event] = change.events.as_slice() else { return Ok(None) };
    let Some(statement) = one_statement(change) else { return Ok(None) };
    change.check()?;
    let sql = format!("SELECT {}", statement.call(1));
    let query = rows::bind_all!(sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)), statement.binds(change, event));
    let written = query.fetch_one(&mut *conn).await.map_err(|e| event_conflict(e, change, event.sequence))?;
    if written == 1 {
        return Ok(Some(()));
    }
    Err(conflict(conn, change).await)
}

impl PgStore {
    /// Stores `changes` at once, as their own transaction (a group of one).
    async fn commit_now(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        if let [change] = changes.as_slice() {
            let mut conn = self.pool.acquire().await.map_err(backend)?;
            if let Some(()) = write_one_event(&mut conn, change).await? {
                return Ok(());
            }
        }
        let mut tx = self.pool.begin().await.map_err(backend)?;
        if rows::batchable(&changes) {
            batch::write_batch(&mut tx, &changes).await?;
        } else {
            for change in &changes {
                Self::write_change(&mut tx, change).await?;
            }
        }
        tx.commit().await.map_err(backend)
    }
}

impl EventStore for PgStore {
    async fn commit(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        if self.groups(&changes) { self.group.commit(self, changes).await } else { self.commit_now(changes).await }
    }

    async fn load(&self, stream: StreamId) -> Result<Option<StoredState>, StoreError> {
        let row: Option<rows::StateRow> =
            sqlx::query_as("SELECT version, json FROM states WHERE shard = $3 AND kind = $1 AND id = $2")
                .bind(stream.kind.as_str())
                .bind(stream.id)
                .bind(shard(stream))
                .fetch_optional(&self.pool)
                .await
                .map_err(backend)?;
        Ok(row.map(|r| rows::state(r, stream)))
    }

    async fn load_many(&self, kind: AggregateKind, ids: &[uuid::Uuid]) -> Result<Vec<StoredState>, StoreError> {
        // Joined with (shard, id) pairs: `shard = ANY(..) AND id = ANY(..)` would probe the index
        // with every shard for every id. Each id once, so that each state comes once.
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let shards: Vec<i32> = ids.iter().map(|id| shard(StreamId::new(kind, *id))).collect();
        let found: Vec<rows::ListedRow> = sqlx::query_as(
            "SELECT s.id, s.version, s.json FROM states s
             JOIN UNNEST($1::int4[], $3::uuid[]) AS k(shard, id) ON s.shard = k.shard AND s.id = k.id
             WHERE s.kind = $2",
        )
        .bind(shards)
        .bind(kind.as_str())
        .bind(&ids)
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(found.into_iter().map(|r| rows::listed(r, kind)).collect())
    }

    async fn events(&self, stream: StreamId) -> Result<Vec<StoredEvent>, StoreError> {
        let found: Vec<rows::EventRow> = sqlx::query_as(
            "SELECT seq, at, name, json FROM events WHERE shard = $3 AND kind = $1 AND id = $2 ORDER BY seq",
        )
        .bind(stream.kind.as_str())
        .bind(stream.id)
        .bind(shard(stream))
        .fetch_all(&self.pool)
        .await
        .map_err(backend)?;
        Ok(found.into_iter().map(|r| rows::event(r, stream)).collect())
    }

    async fn states(&self, kind: AggregateKind, page: Page) -> Result<Vec<StoredState>, StoreError> {
        let (sql, binds) = crate::sql::states_query(kind, &page, self.placeholders());
        self.listed(sql, binds, kind).await
    }
}

/// Whether the one-time backfill that `flag` (a table of one `done_at` column) records ran.
async fn backfilled(pool: &PgPool, flag: &'static str) -> Result<bool, StoreError> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {flag})");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await.map_err(backend)
}

/// Records that the backfill `flag` names ran.
async fn mark_backfilled(pool: &PgPool, flag: &'static str) -> Result<(), StoreError> {
    let sql = format!("INSERT INTO {flag} (done_at) VALUES (now())");
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await.map(drop).map_err(backend)
}
