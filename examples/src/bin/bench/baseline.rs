//! The database a scenario's hand-written baseline writes to: a SQLite file beside sysops's
//! with the same journal and durability settings, or a schema of its own on the same
//! PostgreSQL server (on Citus, its tables distributed by customer as sysops's are).

use super::{BoxError, Target};
use sqlx::{AssertSqlSafe, Executor};

pub(super) enum BaselineDb {
    Sqlite(sqlx::SqlitePool),
    Postgres { pool: sqlx::PgPool, citus: bool },
}

impl BaselineDb {
    /// Opens it with at most `connections` connections (one on SQLite, its single writer).
    pub(super) async fn open(target: &Target, connections: u32) -> Result<Self, BoxError> {
        if target.backend == "sqlite" {
            let path = target.url.trim_start_matches("sqlite://").replace("bench.db", "baseline.db");
            let options = sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&path)
                .create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Full);
            let pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .connect_with(options)
                .await?;
            return Ok(BaselineDb::Sqlite(pool));
        }
        let schema = format!("{}_baseline", target.schema.as_deref().unwrap_or("bench"));
        let pool = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect(&target.url).await?;
        pool.execute(AssertSqlSafe(format!("CREATE SCHEMA {schema}"))).await?;
        pool.close().await;
        let options =
            target.url.parse::<sqlx::postgres::PgConnectOptions>()?.options([("search_path", schema.as_str())]);
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(connections.max(1))
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        let citus: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
            .fetch_one(&pool)
            .await?;
        Ok(BaselineDb::Postgres { pool, citus })
    }

    /// sysops's own database (its schema, on PostgreSQL), for a baseline that reads what
    /// sysops wrote.
    pub(super) async fn sysops(target: &Target) -> Result<Self, BoxError> {
        if target.backend == "sqlite" {
            let options = target.url.parse::<sqlx::sqlite::SqliteConnectOptions>()?.read_only(true);
            let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
            return Ok(BaselineDb::Sqlite(pool));
        }
        let mut options = target.url.parse::<sqlx::postgres::PgConnectOptions>()?;
        if let Some(schema) = &target.schema {
            options = options.options([("search_path", schema.as_str())]);
        }
        let pool = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect_with(options).await?;
        Ok(BaselineDb::Postgres { pool, citus: false })
    }

    /// Creates the baseline's tables: `sqlite` or `postgres` statements, then on Citus the
    /// `distribute` ones.
    pub(super) async fn create(&self, sqlite: &str, postgres: &str, distribute: &str) -> Result<(), BoxError> {
        match self {
            BaselineDb::Sqlite(pool) => {
                pool.execute(AssertSqlSafe(sqlite)).await?;
            }
            BaselineDb::Postgres { pool, citus } => {
                pool.execute(AssertSqlSafe(postgres)).await?;
                if *citus {
                    pool.execute(AssertSqlSafe(distribute)).await?;
                }
            }
        }
        Ok(())
    }
}
