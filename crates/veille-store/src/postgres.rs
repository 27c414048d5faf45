//! PostgreSQL, for multi-user deployments.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::ConnectOptions as _;
use std::str::FromStr;

/// `settle` compacts the rollup cells only above this heap size …
const COMPACT_MIN_BYTES: i64 = 64 << 20;
/// … and when each live cell takes more than this many bytes of it (about 175 when
/// compact).
const COMPACT_BYTES_PER_CELL: f64 = 500.0;

/// A [`Store`](crate::Store) on a PostgreSQL server.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: sqlx::PgPool,
    /// The schema this store was confined to by [`PgStore::connect_in_schema`].
    schema: Option<String>,
    rollups: crate::rollup::RollupSlot,
}

impl PgStore {
    /// Connects to `url` (`postgres://…`) and runs the migrations in the default schema.
    pub async fn connect(url: &str) -> crate::Result<Self> {
        let opts = PgConnectOptions::from_str(url)?;
        Self::connect_with(opts, None).await
    }

    /// Connects to `url` with every pooled connection's `search_path` set to `schema`,
    /// creating the schema if needed, and runs the migrations there. Tests use one fresh
    /// schema each so they can run in parallel on one database. `schema` must be
    /// letters, digits and `_`.
    pub async fn connect_in_schema(url: &str, schema: &str) -> crate::Result<Self> {
        if schema.is_empty()
            || !schema
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(sqlx::Error::Configuration(
                format!("schema name '{schema}' must be letters, digits and _").into(),
            )
            .into());
        }
        let base = PgConnectOptions::from_str(url)?;
        let mut conn = base.connect().await?;
        sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
            .execute(&mut conn)
            .await?;
        sqlx::Connection::close(conn).await?;
        let opts = base.options([("search_path", schema)]);
        Self::connect_with(opts, Some(schema.to_string())).await
    }

    async fn connect_with(opts: PgConnectOptions, schema: Option<String>) -> crate::Result<Self> {
        // No JIT: compiling a plan took 0.75 s of the threat matrix's 0.94 s cell read at
        // 1M events, and veille's queries are short or read by index.
        let opts = opts.options([("jit", "off")]);
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        let store = PgStore {
            pool,
            schema,
            rollups: Default::default(),
        };
        store.backfill_event_actors().await?;
        store.backfill_derived_columns().await?;
        Ok(store)
    }

    /// Drops the schema given to [`PgStore::connect_in_schema`] with everything in it,
    /// and closes the pool. Does nothing to a store opened with [`PgStore::connect`].
    pub async fn drop_schema(&self) -> crate::Result<()> {
        if let Some(schema) = &self.schema {
            sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                .execute(&self.pool)
                .await?;
            self.pool.close().await;
        }
        Ok(())
    }

    /// The connection pool, for tools that need raw access.
    pub fn pool(&self) -> &sqlx::PgPool {
        &self.pool
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Rewrites the rollup cells in key order (CLUSTER on the primary key) and analyses
    /// them: one level's month cells, which the threat matrix reads, are then a few
    /// hundred adjacent pages instead of one page each (a 1M-event import left 2.6 M
    /// cells in a 4.5 GB table; rewritten, 0.46 GB, and the admin2 matrix's read went from
    /// 0.94 s to 0.08 s). Takes the table's exclusive lock for the rewrite (24 s at that
    /// size): `settle` calls it after bulk writes only when the table is mostly empty
    /// space.
    pub async fn compact_rollup_cells(&self) -> crate::Result<()> {
        sqlx::query("CLUSTER rollup_cells USING rollup_cells_pkey")
            .execute(&self.pool)
            .await?;
        sqlx::query("ANALYZE rollup_cells")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// After a bulk write (an import, a rollup rebuild): vacuums and analyses the tables
    /// it filled. Until autovacuum gets to them (and it may be off), plans are made for
    /// the tables as they were (empty, say), the upserted rollup cells leave a dead row
    /// version per update (40 M after a 1M-event import, a 7.9 GB table for 2.6 M cells),
    /// and index-only reads of the events still visit the heap for want of a visibility
    /// map. Then, when the cells' table is mostly empty space, it is rewritten in key
    /// order ([`PgStore::compact_rollup_cells`]). VACUUM cannot run in a transaction: this
    /// uses the pool.
    async fn settle(&self) -> crate::Result<()> {
        sqlx::query(
            "VACUUM (ANALYZE) events, event_external_ids, event_actors, rollup_facts, \
             rollup_cells",
        )
        .execute(&self.pool)
        .await?;
        let (heap, rows): (i64, f32) = sqlx::query_as(
            "SELECT pg_relation_size(oid), reltuples FROM pg_class \
             WHERE oid = 'rollup_cells'::regclass",
        )
        .fetch_one(&self.pool)
        .await?;
        if heap > COMPACT_MIN_BYTES
            && heap as f64 / f64::from(rows.max(1.0)) > COMPACT_BYTES_PER_CELL
        {
            self.compact_rollup_cells().await?;
        }
        Ok(())
    }

    async fn begin_write(&self) -> crate::Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }
}

crate::engine::impl_store!(
    PgStore,
    PgImportSession,
    sqlx::Postgres,
    Backend::Postgres,
    65535,
    crate::common::Ph::Dollar
);

crate::auth::impl_auth_store!(PgStore, sqlx::Postgres);
