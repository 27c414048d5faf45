//! The two-backend harness shared by the store's story tests (the atuin / ripgrep
//! pattern): `both!(story, sqlite_name, postgres_name)` turns each
//! `async fn story(&dyn Store)` into a `sqlite_<name>` test on a fresh file and a
//! `postgres_<name>` test in a fresh schema when `VEILLE_TEST_DATABASE_URL` is set
//! (failing when `VEILLE_REQUIRE_POSTGRES=1` and it is not).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use uuid::Uuid;
use veille_store::{PgStore, SqliteStore, Store};

// ---------------------------------------------------------------- harness

/// A store under test and what to clean up after it.
pub struct Harness {
    pub store: Box<dyn Store>,
    pg: Option<PgStore>,
    _dir: Option<tempfile::TempDir>,
}

impl Harness {
    pub async fn sqlite() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("veille.db"))
            .await
            .unwrap();
        Harness {
            store: Box::new(store),
            pg: None,
            _dir: Some(dir),
        }
    }

    /// `None` (after printing why) when no PostgreSQL URL is configured.
    pub async fn postgres(name: &str) -> Option<Harness> {
        let url = pg_url()?;
        let schema = format!("vt_{}_{}", name, std::process::id());
        let store = PgStore::connect_in_schema(&url, &schema)
            .await
            .expect("connecting to VEILLE_TEST_DATABASE_URL");
        Some(Harness {
            store: Box::new(store.clone()),
            pg: Some(store),
            _dir: None,
        })
    }

    pub async fn finish(self) {
        if let Some(pg) = self.pg {
            pg.drop_schema().await.unwrap();
        }
    }
}

pub fn pg_url() -> Option<String> {
    match std::env::var("VEILLE_TEST_DATABASE_URL") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            if std::env::var("VEILLE_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("VEILLE_REQUIRE_POSTGRES=1 but VEILLE_TEST_DATABASE_URL is not set");
            }
            println!("skipped: VEILLE_TEST_DATABASE_URL is not set, PostgreSQL not tested");
            None
        }
    }
}

macro_rules! both {
    ($story:ident, $sqlite:ident, $postgres:ident) => {
        #[tokio::test]
        async fn $sqlite() {
            let h = Harness::sqlite().await;
            $story(h.store.as_ref()).await;
            h.finish().await;
        }

        #[tokio::test]
        async fn $postgres() {
            let Some(h) = Harness::postgres(stringify!($story)).await else {
                return;
            };
            $story(h.store.as_ref()).await;
            h.finish().await;
        }
    };
}

// ---------------------------------------------------------------- shared fixtures

/// Test-generated ids (UUIDv7 layout), so both backends see the same ones.
pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 + n)
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap()
}

/// An import batch as an importer opens it (counts filled at commit).
pub fn import_batch(n: u128, file: &str, at: DateTime<Utc>) -> veille_model::ImportBatch {
    veille_model::ImportBatch {
        id: id(n),
        file_name: file.into(),
        sha256: "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789".into(),
        format: "ged".into(),
        rows_read: 0,
        rows_created: 0,
        rows_updated: 0,
        rows_unchanged: 0,
        rows_rejected: 0,
        by: "importer".into(),
        at,
    }
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
