//! The embedded default: one SQLite file in WAL mode, durable on every commit.
//!
//! Each domain's index rows and queries live in this folder's file of that name; this file
//! holds the connections, the migrations and the event store every domain writes through.

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
mod replica;
mod report;
mod ticket;

use crate::error::{OpenError, backend, is_unique_violation};
use crate::rows::{self, Bind};
use crate::vault::{KeyProvider, Keys};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, Sqlite, Transaction};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use sysops_core::store::{Change, EventStore, Page, StoredEvent, StoredState};
use sysops_core::{AggregateKind, Sequence, StoreError, StreamId};

type Tx = Transaction<'static, Sqlite>;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// A [`Store`](sysops_core::Store) on a SQLite database file (or in memory).
///
/// Writes go through one connection, so they never contend; reads use a small
/// pool of their own (WAL lets them run beside the writer). Every commit is
/// durable (`synchronous = FULL`): an acknowledged write survives a process kill
/// and a power cut. Commits that wait for the writer together are stored in one
/// transaction (group commit, see `crate::group`), and no call waits longer than the
/// store's wait limit for the writer or a connection: then it is
/// [`StoreError::Busy`], having written nothing.
#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    group: Arc<crate::group::Group>,
    keys: Keys,
}

impl SqliteStore {
    /// The stored states of `kind` a listing query (selecting id, version and state) finds.
    pub(crate) async fn listed(
        &self,
        sql: String,
        binds: Vec<rows::Bind>,
        kind: AggregateKind,
    ) -> Result<Vec<StoredState>, StoreError> {
        let found: Vec<rows::ListedRow> = rows::bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql)), binds)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        Ok(found.into_iter().map(|r| rows::listed(r, kind)).collect())
    }

    /// Opens (creating if missing) the database file at `path` and migrates it, with the
    /// default wait limit ([`DEFAULT_MAX_WAIT`](crate::DEFAULT_MAX_WAIT)).
    pub async fn open(path: &Path) -> Result<Self, OpenError> {
        Self::open_with_wait(path, crate::DEFAULT_MAX_WAIT).await
    }

    /// Opens the database file at `path`, where a call waits at most `max_wait` for the writer,
    /// a connection or another process's lock before it is [`StoreError::Busy`].
    ///
    /// Opening itself is not such a call: it checks and migrates the file, then opens every
    /// connection the store will use, taking up to 30 s for that. No call afterwards
    /// has a connection to open, so even a 1 ms wait limit only ever waits for a turn.
    pub async fn open_with_wait(path: &Path, max_wait: Duration) -> Result<Self, OpenError> {
        let max_wait = crate::error::checked_wait(max_wait)?;
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(max_wait)
            // Checkpoint the WAL every ~16 MiB rather than 4 MiB: fewer, larger copies into the file.
            .pragma("wal_autocheckpoint", "4000");
        let corrupt = |source| OpenError::Corrupt { path: path.display().to_string(), source };
        let unreachable = |error| classify(error, path);
        let setup = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(OPEN_LIMIT)
            .connect_with(options.clone())
            .await
            .map_err(unreachable)?;
        check_health(&setup).await.map_err(corrupt)?;
        migrate(&setup).await?;
        let (writer, reader) =
            tokio::try_join!(opened(options.clone(), 1, max_wait), opened(options.read_only(true), READERS, max_wait))
                .map_err(unreachable)?;
        // Closed last: the last connection to close checkpoints the WAL away, which the store's
        // own would then only create again.
        setup.close().await;
        Ok(Self { writer, reader, group: Arc::new(crate::group::Group::new(max_wait, 1)), keys: Keys::default() })
    }

    /// A private in-memory database (for tests and demos), gone when dropped.
    pub async fn in_memory() -> Result<Self, OpenError> {
        Self::in_memory_with_wait(crate::DEFAULT_MAX_WAIT).await
    }

    /// A private in-memory database where a call waits at most `max_wait` for its connection
    /// (one, shared by reads and writes, opened with the store).
    pub async fn in_memory_with_wait(max_wait: Duration) -> Result<Self, OpenError> {
        let max_wait = crate::error::checked_wait(max_wait)?;
        let options = SqliteConnectOptions::new().in_memory(true).foreign_keys(true);
        let pool = opened(options, 1, max_wait).await.map_err(|e| OpenError::Store(backend(e)))?;
        migrate(&pool).await?;
        let group = Arc::new(crate::group::Group::new(max_wait, 1));
        Ok(Self { writer: pool.clone(), reader: pool, group, keys: Keys::default() })
    }

    /// Seals card numbers in the vault with keys from `keys`; without them every card
    /// operation is refused with [`VaultError::KeyProvider`](sysops_core::billing::VaultError).
    pub fn with_card_keys(mut self, keys: Arc<dyn KeyProvider>) -> Self {
        self.keys = Keys::new(keys);
        self
    }

    /// Runs SQLite's full `PRAGMA integrity_check`; `Ok(())` when the file is sound.
    pub async fn integrity_check(&self) -> Result<(), StoreError> {
        let rows: Vec<String> =
            sqlx::query_scalar("PRAGMA integrity_check").fetch_all(&self.writer).await.map_err(backend)?;
        if rows == ["ok"] { Ok(()) } else { Err(StoreError::Integrity { problems: rows }) }
    }

    /// Closes both pools, waiting for running statements.
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    /// Stores all changes in one transaction.
    async fn commit_in_transaction(&self, changes: &[Change]) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        write_all(&mut tx, changes).await?;
        tx.commit().await.map_err(backend)
    }
}

/// Writes changes inside an open transaction: as one batch when they can be.
async fn write_all(tx: &mut Tx, changes: &[Change]) -> Result<(), StoreError> {
    if rows::batchable(changes) {
        return batch::write_batch(tx, changes).await;
    }
    for change in changes {
        write_change(tx, change).await?;
    }
    Ok(())
}

/// One change: its state guarded by the version it was decided against, its events (which a
/// trigger copies to the outbox) and its domain's index rows.
async fn write_change(tx: &mut Tx, change: &Change) -> Result<(), StoreError> {
    change.check()?;
    let stream = change.stream();
    let kind = stream.kind.as_str();
    let version = rows::to_i64(change.state.version.0);
    let written = if change.expected == Sequence::NONE {
        sqlx::query(
            "INSERT INTO states (kind, id, version, json) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (kind, id) DO NOTHING",
        )
        .bind(kind)
        .bind(stream.id)
        .bind(version)
        .bind(&change.state.json)
        .execute(&mut **tx)
        .await
    } else {
        sqlx::query("UPDATE states SET version = ?3, json = ?4 WHERE kind = ?1 AND id = ?2 AND version = ?5")
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
        return Err(conflict(tx, change).await);
    }
    for event in &change.events {
        sqlx::query("INSERT INTO events (kind, id, seq, at, name, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
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
    write_index(tx, std::slice::from_ref(change)).await
}

/// Each domain's index rows for `changes`, in the transaction of their events. A domain with
/// queries registers its writer here: one change at a time, or the whole commit at once for a
/// domain whose changes come in pages (billing, kb), which writes each table's rows in a few
/// statements.
async fn write_index(tx: &mut Tx, changes: &[Change]) -> Result<(), StoreError> {
    for change in changes {
        ticket::write_index(tx, change).await?;
        expert::write_index(tx, change).await?;
        customer::write_index(tx, change).await?;
    }
    kb::write_index(tx, changes).await?;
    billing::write_index(tx, changes).await
}

/// The [`StoreError::Conflict`] of a change whose version guard refused it, with the version found.
async fn conflict(tx: &mut Tx, change: &Change) -> StoreError {
    match current_version(&mut **tx, change.stream()).await {
        Ok(actual) => StoreError::Conflict { stream: change.stream(), expected: change.expected, actual },
        Err(e) => backend(e),
    }
}

async fn current_version<'e, E>(executor: E, stream: StreamId) -> Result<Sequence, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let found: Option<i64> = sqlx::query_scalar("SELECT version FROM states WHERE kind = ?1 AND id = ?2")
        .bind(stream.kind.as_str())
        .bind(stream.id)
        .fetch_optional(executor)
        .await?;
    Ok(Sequence(found.map_or(0, rows::to_u64)))
}

/// A failed one-statement write as [`StoreError::Conflict`] when the version guard or a key
/// refused it, or as a backend error otherwise.
async fn conflict_or_backend<'e, E>(executor: E, change: &Change, error: sqlx::Error) -> StoreError
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let refused = is_unique_violation(&error)
        || matches!(&error, sqlx::Error::Database(db) if db.message().contains("sysops: version conflict"));
    if !refused {
        return backend(error);
    }
    match current_version(executor, change.stream()).await {
        Ok(actual) => StoreError::Conflict { stream: change.stream(), expected: change.expected, actual },
        Err(e) => backend(e),
    }
}

/// A change of one event as one row of a write view: the view (the event store's
/// `event_writes`, or a domain's that also writes its index row) whose trigger stores the state
/// guarded by its version, the event, its outbox row and the index row, all or nothing.
pub(super) struct ViewRow {
    view: &'static str,
    columns: &'static str,
    values: Vec<Bind>,
}

impl ViewRow {
    /// The row of `change` and its one `event`, when its index rows fit a write view.
    fn of(change: &Change, event: &StoredEvent) -> Option<Self> {
        if !change.index.is_none() {
            return ticket::view_row(change, event);
        }
        let stream = change.stream();
        let mut values = vec![Bind::Text(stream.kind.as_str()), Bind::Id(stream.id)];
        values.extend(Self::event_part(change, event));
        Some(ViewRow {
            view: "event_writes",
            columns: "kind, id, expected, version, state, seq, at, name, event",
            values,
        })
    }

    /// The event store's part of every write view's row: expected, version, state, seq, at,
    /// name, event.
    fn event_part(change: &Change, event: &StoredEvent) -> [Bind; 7] {
        [
            Bind::Int(rows::to_i64(change.expected.0)),
            Bind::Int(rows::to_i64(change.state.version.0)),
            Bind::String(change.state.json.clone()),
            Bind::Int(rows::to_i64(event.sequence.0)),
            Bind::Time(event.at),
            Bind::String(event.name.clone()),
            Bind::String(event.json.clone()),
        ]
    }

    /// `INSERT INTO` the view `rows` rows of this row's columns.
    fn insert(&self, rows: usize) -> String {
        let row = format!("({})", vec!["?"; self.values.len()].join(", "));
        format!("INSERT INTO {} ({}) VALUES {}", self.view, self.columns, vec![row; rows].join(", "))
    }
}

/// Writes a one-event change as its view row, in one statement; `None` when it has none.
async fn one_statement<'e, E>(executor: E, change: &Change, event: &StoredEvent) -> Option<Result<(), sqlx::Error>>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let row = ViewRow::of(change, event)?;
    let query = rows::bind_all!(sqlx::query(AssertSqlSafe(row.insert(1))), row.values);
    Some(query.execute(executor).await.map(drop))
}

/// Read connections of a database file: WAL lets them run beside the writer.
const READERS: u32 = 4;

/// How long opening a store may take to open its connections (each opened once, and kept).
const OPEN_LIMIT: Duration = Duration::from_secs(30);

/// A pool of `size` connections, all open when it is returned and kept open (a local file needs
/// no recycling, nor a liveness ping before each use): a call then waits `max_wait` at most for
/// one of them, never for a connection to be opened. Should one be closed after an error, the
/// pool opens its replacement in the background.
async fn opened(options: SqliteConnectOptions, size: u32, max_wait: Duration) -> Result<SqlitePool, sqlx::Error> {
    // A lazy pool with a minimum opens its connections on a task of its own, unbounded by the
    // wait limit; each one opened adds a permit here, and opening waits for all of them.
    let connected = Arc::new(tokio::sync::Semaphore::new(0));
    let signal = connected.clone();
    let pool = SqlitePoolOptions::new()
        .max_connections(size)
        .min_connections(size)
        .idle_timeout(None)
        .max_lifetime(None)
        .test_before_acquire(false)
        .acquire_timeout(max_wait)
        .after_connect(move |_, _| {
            signal.add_permits(1);
            Box::pin(async { Ok(()) })
        })
        .connect_lazy_with(options);
    match tokio::time::timeout(OPEN_LIMIT, connected.acquire_many(size)).await {
        Ok(Ok(all)) => {
            all.forget();
            Ok(pool)
        }
        _ => Err(sqlx::Error::PoolTimedOut),
    }
}

async fn check_health(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    // Reading the schema fails at once on a file that is not a database.
    sqlx::query("SELECT count(*) FROM sqlite_master").execute(pool).await.map(drop)
}

async fn migrate(pool: &SqlitePool) -> Result<(), OpenError> {
    let applied: Option<i64> =
        match sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations").fetch_one(pool).await {
            Ok(v) => v,
            Err(sqlx::Error::Database(e)) if e.message().contains("no such table") => None,
            Err(e) => return Err(OpenError::Store(backend(e))),
        };
    rows::refuse_newer_schema(&MIGRATOR, applied)?;
    MIGRATOR.run(pool).await?;
    helpdesk::backfill(pool).await.map_err(OpenError::Store)?;
    kb::backfill(pool).await.map_err(OpenError::Store)
}

/// SQLITE_NOTADB (26) and SQLITE_CORRUPT (11) mean the file is damaged.
fn classify(error: sqlx::Error, path: &Path) -> OpenError {
    let code = match &error {
        sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()),
        _ => None,
    };
    match code.as_deref() {
        Some("26" | "11") => OpenError::Corrupt { path: path.display().to_string(), source: error },
        _ => OpenError::Unreachable { url: format!("sqlite://{}", path.display()), source: error },
    }
}

impl SqliteStore {
    /// Stores `changes` at once, as their own transaction (a group of one).
    async fn commit_now(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        // The hot path (every ticket command): one change of one event in one statement.
        if let [change] = changes.as_slice()
            && let [event] = change.events.as_slice()
        {
            change.check()?;
            if let Some(written) = one_statement(&self.writer, change, event).await {
                return match written {
                    Ok(()) => Ok(()),
                    Err(e) => Err(conflict_or_backend(&self.writer, change, e).await),
                };
            }
        }
        self.commit_in_transaction(&changes).await
    }
}

impl EventStore for SqliteStore {
    async fn commit(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        self.group.commit(self, changes).await
    }

    async fn load(&self, stream: StreamId) -> Result<Option<StoredState>, StoreError> {
        let row: Option<rows::StateRow> =
            sqlx::query_as("SELECT version, json FROM states WHERE kind = ?1 AND id = ?2")
                .bind(stream.kind.as_str())
                .bind(stream.id)
                .fetch_optional(&self.reader)
                .await
                .map_err(backend)?;
        Ok(row.map(|r| rows::state(r, stream)))
    }

    async fn load_many(&self, kind: AggregateKind, ids: &[uuid::Uuid]) -> Result<Vec<StoredState>, StoreError> {
        // Each id once, so that an id repeated in two chunks does not load twice.
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut states = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut query =
                sqlx::QueryBuilder::<sqlx::Sqlite>::new("SELECT id, version, json FROM states WHERE kind = ");
            query.push_bind(kind.as_str()).push(" AND id IN (");
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(*id);
            }
            query.push(")");
            let found: Vec<rows::ListedRow> = query.build_query_as().fetch_all(&self.reader).await.map_err(backend)?;
            states.extend(found.into_iter().map(|r| rows::listed(r, kind)));
        }
        Ok(states)
    }

    async fn events(&self, stream: StreamId) -> Result<Vec<StoredEvent>, StoreError> {
        let found: Vec<rows::EventRow> =
            sqlx::query_as("SELECT seq, at, name, json FROM events WHERE kind = ?1 AND id = ?2 ORDER BY seq")
                .bind(stream.kind.as_str())
                .bind(stream.id)
                .fetch_all(&self.reader)
                .await
                .map_err(backend)?;
        Ok(found.into_iter().map(|r| rows::event(r, stream)).collect())
    }

    async fn states(&self, kind: AggregateKind, page: Page) -> Result<Vec<StoredState>, StoreError> {
        let (sql, binds) = crate::sql::states_query(kind, &page, rows::Placeholders::Sqlite);
        self.listed(sql, binds, kind).await
    }
}

/// Whether the one-time backfill that `flag` (a table of one `done_at` column) records ran.
async fn backfilled(pool: &SqlitePool, flag: &'static str) -> Result<bool, StoreError> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {flag})");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await.map_err(backend)
}

/// Records that the backfill `flag` names ran.
async fn mark_backfilled(pool: &SqlitePool, flag: &'static str) -> Result<(), StoreError> {
    let sql = format!("INSERT INTO {flag} (done_at) VALUES (datetime('now'))");
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await.map(drop).map_err(backend)
}
