//! The embedded default: one SQLite file in WAL mode.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::time::Duration;

/// A [`Store`](crate::Store) in one SQLite file (WAL journal, `synchronous=NORMAL`,
/// foreign keys on, 5 s busy timeout, 64 MiB page cache). Writes take the write lock up front
/// (`BEGIN IMMEDIATE`), so concurrent writers wait instead of failing.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: sqlx::SqlitePool,
    rollups: crate::rollup::RollupSlot,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` and runs the migrations.
    pub async fn open(path: &Path) -> crate::Result<Self> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            // 64 MiB page cache per connection: a bulk import's transaction otherwise
            // spills dirty pages to the WAL long before it commits.
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        let store = SqliteStore {
            pool,
            rollups: Default::default(),
        };
        store.backfill_event_actors().await?;
        Ok(store)
    }

    /// The connection pool, for tools that need raw access.
    pub fn pool(&self) -> &sqlx::SqlitePool {
        &self.pool
    }

    /// Closes the pool (waits for connections to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin_write(&self) -> crate::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

crate::engine::impl_store!(
    SqliteStore,
    SqliteImportSession,
    sqlx::Sqlite,
    Backend::Sqlite,
    32766,
    crate::common::Ph::Question
);

crate::auth::impl_auth_store!(SqliteStore, sqlx::Sqlite);
