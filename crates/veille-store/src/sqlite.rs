//! The embedded default: one SQLite file in WAL mode.

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::path::Path;
use std::time::Duration;

/// A [`Store`](crate::Store) in one SQLite file (WAL journal, `synchronous=NORMAL`,
/// foreign keys on, 5 s busy timeout, 64 MiB page cache, memory-mapped reads). Writes go
/// through one dedicated connection and take the write lock up front (`BEGIN IMMEDIATE`),
/// so concurrent writers queue instead of failing, and the writer's page cache stays
/// valid from one write to the next (a connection that did not make the last write must
/// drop its whole cache before it reads).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: sqlx::SqlitePool,
    writer: sqlx::SqlitePool,
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
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(opts.clone())
            .await?;
        sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts)
            .await?;
        let store = SqliteStore {
            pool,
            writer,
            rollups: Default::default(),
        };
        store.backfill_event_actors().await?;
        store.backfill_derived_columns().await?;
        Ok(store)
    }

    /// The connection pool, for tools that need raw access.
    pub fn pool(&self) -> &sqlx::SqlitePool {
        &self.pool
    }

    /// Closes the pool (waits for connections to be returned).
    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }

    async fn begin_write(&self) -> crate::Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// After a bulk write (an import, a rollup rebuild): copies the write-ahead log back
    /// into the database file and truncates it, so that the next small write does not pay
    /// for checkpointing gigabytes, and the log does not keep the disk space.
    async fn settle(&self) -> crate::Result<()> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.writer)
            .await?;
        Ok(())
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
