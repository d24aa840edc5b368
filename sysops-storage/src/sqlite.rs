//! The embedded default: one SQLite file in WAL mode, durable on every commit.

use crate::error::{OpenError, backend, is_unique_violation};
use crate::rows;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AssertSqlSafe, Sqlite, Transaction};
use std::path::Path;
use std::time::Duration;
use sysops_core::store::{
    Change, Claim, ConsumerName, ExpertLoad, ExpertQuery, Index, OutboxEntry, Page, Store, StoredEvent, StoredState,
    TicketFilter,
};
use sysops_core::{AggregateKind, Sequence, StoreError, StreamId};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// A [`Store`] on a SQLite database file (or in memory).
///
/// Writes go through one connection, so they never contend; reads use a small
/// pool of their own (WAL lets them run beside the writer). Every commit is
/// durable (`synchronous = FULL`): an acknowledged write survives a process kill
/// and a power cut.
#[derive(Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` and migrates it.
    pub async fn open(path: &Path) -> Result<Self, OpenError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // Checkpoint the WAL every ~16 MiB rather than 4 MiB: fewer, larger copies into the file.
            .pragma("wal_autocheckpoint", "4000");
        let corrupt = |source| OpenError::Corrupt { path: path.display().to_string(), source };
        // A local file needs no liveness ping before each use.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await
            .map_err(|e| classify(e, path))?;
        check_health(&writer).await.map_err(corrupt)?;
        migrate(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await
            .map_err(|e| classify(e, path))?;
        Ok(Self { writer, reader })
    }

    /// A private in-memory database (for tests and demos), gone when dropped.
    pub async fn in_memory() -> Result<Self, OpenError> {
        let options = SqliteConnectOptions::new().in_memory(true).foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .test_before_acquire(false)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(|e| OpenError::Store(backend(e)))?;
        migrate(&pool).await?;
        Ok(Self { writer: pool.clone(), reader: pool })
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

    /// Writes the expert index rows (the one index the `state_writes` view does not cover).
    async fn write_expert_index(
        tx: &mut Transaction<'static, Sqlite>,
        stream: StreamId,
        index: &Index,
    ) -> Result<(), StoreError> {
        let Index::Expert { active, skills, base, radius_km } = index else { return Ok(()) };
        sqlx::query(
            "INSERT INTO experts (id, active, lat, lon, radius_km) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET active = excluded.active, lat = excluded.lat,
             lon = excluded.lon, radius_km = excluded.radius_km",
        )
        .bind(stream.id)
        .bind(active)
        .bind(base.lat())
        .bind(base.lon())
        .bind(i64::from(*radius_km))
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
        sqlx::query("DELETE FROM expert_skills WHERE expert = ?1")
            .bind(stream.id)
            .execute(&mut **tx)
            .await
            .map_err(backend)?;
        for (category, level) in skills {
            sqlx::query("INSERT INTO expert_skills (expert, category, level) VALUES (?1, ?2, ?3)")
                .bind(stream.id)
                .bind(category.as_str())
                .bind(i64::from(level.get()))
                .execute(&mut **tx)
                .await
                .map_err(backend)?;
        }
        Ok(())
    }

    /// Stores all changes in one transaction (the general path of [`Store::commit`]).
    async fn commit_in_transaction(&self, changes: &[Change]) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        Self::write_all(&mut tx, changes).await?;
        tx.commit().await.map_err(backend)
    }

    /// Writes changes inside an open transaction.
    async fn write_all(tx: &mut Transaction<'static, Sqlite>, changes: &[Change]) -> Result<(), StoreError> {
        for change in changes {
            change.check()?;
            let stream = change.stream();
            if let Err(e) = write_state(&mut **tx, change, change.events.first()).await {
                return Err(conflict_or_backend(&mut **tx, change, e).await);
            }
            for event in change.events.iter().skip(1) {
                sqlx::query("INSERT INTO events (kind, id, seq, at, name, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
                    .bind(stream.kind.as_str())
                    .bind(stream.id)
                    .bind(rows::to_i64(event.sequence.0))
                    .bind(event.at)
                    .bind(&event.name)
                    .bind(&event.json)
                    .execute(&mut **tx)
                    .await
                    .map_err(backend)?;
            }
            Self::write_expert_index(tx, stream, &change.index).await?;
        }
        Ok(())
    }
}

/// One insert into the `state_writes` view: the change's state guarded by its expected
/// version, its ticket or customer index row, and `event` if given (see the migration).
async fn write_state<'e, E>(executor: E, change: &Change, event: Option<&StoredEvent>) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let stream = change.stream();
    let query = sqlx::query(
        "INSERT INTO state_writes (kind, id, expected, version, state, seq, at, name, event,
             customer, status, expert, priority, category, submitted_at, customer_name, email, phone)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )
    .bind(stream.kind.as_str())
    .bind(stream.id)
    .bind(rows::to_i64(change.expected.0))
    .bind(rows::to_i64(change.state.version.0))
    .bind(&change.state.json)
    .bind(event.map(|e| rows::to_i64(e.sequence.0)))
    .bind(event.map(|e| e.at))
    .bind(event.map(|e| e.name.clone()))
    .bind(event.map(|e| e.json.clone()));
    let (ticket, customer) = match &change.index {
        Index::Ticket { customer, status, expert, priority, category, submitted_at } => (
            Some((
                customer.as_uuid(),
                status.as_str(),
                expert.map(|e| e.as_uuid()),
                *priority as i64,
                category.as_str(),
                *submitted_at,
            )),
            None,
        ),
        Index::Customer { name, email, phone } => (None, Some((name.clone(), email.clone(), phone.clone()))),
        Index::None | Index::Expert { .. } => (None, None),
    };
    query
        .bind(ticket.map(|t| t.0))
        .bind(ticket.map(|t| t.1))
        .bind(ticket.and_then(|t| t.2))
        .bind(ticket.map(|t| t.3))
        .bind(ticket.map(|t| t.4))
        .bind(ticket.map(|t| t.5))
        .bind(customer.as_ref().map(|c| c.0.clone()))
        .bind(customer.as_ref().map(|c| c.1.clone()))
        .bind(customer.map(|c| c.2))
        .execute(executor)
        .await
        .map(drop)
}

/// The current version of a stream, wherever its state lives.
const VERSION_SQL: &str = "SELECT version FROM tickets WHERE ?1 = 'ticket' AND id = ?2
     UNION ALL SELECT version FROM states WHERE kind = ?1 AND id = ?2";

/// Turns a failed state write into [`StoreError::Conflict`] (with the version found) when the
/// version guard or a unique key refused it, or into a backend error otherwise.
async fn conflict_or_backend<'e, E>(executor: E, change: &Change, error: sqlx::Error) -> StoreError
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let refused = is_unique_violation(&error)
        || matches!(&error, sqlx::Error::Database(db) if db.message().contains("sysops: version conflict"));
    if !refused {
        return backend(error);
    }
    let stream = change.stream();
    match sqlx::query_scalar::<_, i64>(VERSION_SQL)
        .bind(stream.kind.as_str())
        .bind(stream.id)
        .fetch_optional(executor)
        .await
    {
        Ok(actual) => {
            StoreError::Conflict { stream, expected: change.expected, actual: Sequence(actual.map_or(0, rows::to_u64)) }
        }
        Err(e) => backend(e),
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
    Ok(())
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

impl Store for SqliteStore {
    async fn commit(&self, changes: Vec<Change>) -> Result<(), StoreError> {
        match changes.as_slice() {
            // The hot path: one change, one event, no expert index: a single autocommit statement.
            [change] if change.events.len() == 1 && !matches!(change.index, Index::Expert { .. }) => {
                change.check()?;
                match write_state(&self.writer, change, change.events.first()).await {
                    Ok(()) => Ok(()),
                    Err(e) => Err(conflict_or_backend(&self.writer, change, e).await),
                }
            }
            _ => self.commit_in_transaction(&changes).await,
        }
    }

    async fn load(&self, stream: StreamId) -> Result<Option<StoredState>, StoreError> {
        let row: Option<rows::StateRow> = sqlx::query_as(
            "SELECT version, json FROM tickets WHERE ?1 = 'ticket' AND id = ?2
             UNION ALL SELECT version, json FROM states WHERE kind = ?1 AND id = ?2",
        )
        .bind(stream.kind.as_str())
        .bind(stream.id)
        .fetch_optional(&self.reader)
        .await
        .map_err(backend)?;
        Ok(row.map(|r| rows::state(r, stream)))
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

    async fn tickets(&self, filter: TicketFilter, page: Page) -> Result<Vec<StoredState>, StoreError> {
        let (sql, binds) = rows::ticket_query(
            "SELECT t.id, t.version, t.json FROM tickets t WHERE TRUE",
            &filter,
            &page,
            rows::Placeholders::Sqlite,
        );
        let found: Vec<rows::ListedRow> = rows::bind_all!(sqlx::query_as(AssertSqlSafe(sql)), binds)
            .fetch_all(&self.reader)
            .await
            .map_err(backend)?;
        Ok(found.into_iter().map(|r| rows::listed(r, AggregateKind::Ticket)).collect())
    }

    async fn states(&self, kind: AggregateKind, page: Page) -> Result<Vec<StoredState>, StoreError> {
        let found: Vec<rows::ListedRow> = sqlx::query_as(
            "SELECT id, version, json FROM tickets WHERE ?1 = 'ticket' AND (?2 IS NULL OR id > ?2)
             UNION ALL SELECT id, version, json FROM states WHERE kind = ?1 AND (?2 IS NULL OR id > ?2)
             ORDER BY id LIMIT ?3",
        )
        .bind(kind.as_str())
        .bind(page.after)
        .bind(rows::to_i64(page.len() as u64))
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        Ok(found.into_iter().map(|r| rows::listed(r, kind)).collect())
    }

    async fn experts(&self, query: ExpertQuery, page: Page) -> Result<Vec<StoredState>, StoreError> {
        rows::page_experts(&query, page, |cursor| async move {
            let (sql, binds) = rows::expert_query(&query, &cursor, rows::Placeholders::Sqlite);
            rows::bind_all!(sqlx::query_as(AssertSqlSafe(sql)), binds).fetch_all(&self.reader).await.map_err(backend)
        })
        .await
    }

    async fn poll(&self, consumer: &ConsumerName, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        let found: Vec<rows::OutboxRow> = sqlx::query_as(
            "SELECT o.position, o.kind, o.id, o.seq, e.at, e.name, e.json FROM outbox o
             JOIN events e ON e.kind = o.kind AND e.id = o.id AND e.seq = o.seq
             WHERE o.position > COALESCE((SELECT position FROM outbox_cursors WHERE consumer = ?1), 0)
             ORDER BY o.position LIMIT ?2",
        )
        .bind(consumer.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(backend)?;
        found.into_iter().map(rows::outbox_entry).collect()
    }

    async fn ack(&self, consumer: &ConsumerName, position: u64) -> Result<(), StoreError> {
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        let last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) FROM outbox")
            .fetch_one(&mut *tx)
            .await
            .map_err(backend)?;
        rows::check_ack(consumer, position, rows::to_u64(last))?;
        sqlx::query(
            "INSERT INTO outbox_cursors (consumer, position) VALUES (?1, ?2)
             ON CONFLICT (consumer) DO UPDATE SET position = MAX(position, excluded.position)",
        )
        .bind(consumer.as_str())
        .bind(rows::to_i64(position))
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }

    async fn expert_loads(&self) -> Result<Vec<ExpertLoad>, StoreError> {
        let rows: Vec<(uuid::Uuid, i64, i64)> =
            sqlx::query_as(rows::LOADS_SQL).fetch_all(&self.reader).await.map_err(backend)?;
        Ok(rows.into_iter().map(rows::load).collect())
    }

    async fn assignment_batch<R, F>(&self, limit: u32, decide: F) -> Result<R, StoreError>
    where
        R: Send,
        F: FnOnce(Claim) -> Result<(Vec<Change>, R), StoreError> + Send,
    {
        // SQLite has one writer: the immediate transaction is the claim.
        let mut tx = self.writer.begin_with("BEGIN IMMEDIATE").await.map_err(backend)?;
        let tickets: Vec<rows::ListedRow> =
            sqlx::query_as("SELECT id, version, json FROM tickets WHERE status = 'open' ORDER BY id LIMIT ?1")
                .bind(i64::from(limit))
                .fetch_all(&mut *tx)
                .await
                .map_err(backend)?;
        let experts: Vec<rows::ListedRow> = sqlx::query_as(
            "SELECT e.id, s.version, s.json FROM experts e JOIN states s ON s.kind = 'expert' AND s.id = e.id
             WHERE e.active = TRUE ORDER BY e.id",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(backend)?;
        let loads: Vec<(uuid::Uuid, i64, i64)> =
            sqlx::query_as(rows::LOADS_SQL).fetch_all(&mut *tx).await.map_err(backend)?;
        let claim = Claim {
            tickets: tickets.into_iter().map(|r| rows::listed(r, AggregateKind::Ticket)).collect(),
            experts: experts.into_iter().map(|r| rows::listed(r, AggregateKind::Expert)).collect(),
            loads: loads.into_iter().map(rows::load).collect(),
            contended: false,
        };
        let (changes, result) = decide(claim)?;
        Self::write_all(&mut tx, &changes).await?;
        tx.commit().await.map_err(backend)?;
        Ok(result)
    }
}
