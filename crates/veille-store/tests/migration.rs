//! Upgrading a SQLite file written before migration 0009 (rollup cells and facts moved
//! into clustered WITHOUT ROWID tables) keeps every non-empty cell and every fact, and the
//! store keeps maintaining them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::Row;
use veille_store::{RollupQuery, SqliteStore, Store};

#[tokio::test]
async fn sqlite_rollup_tables_survive_the_clustering_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    // A database as the release before 0009 left it.
    let opts = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await
        .unwrap();
    let mut migrator = sqlx::migrate!("./migrations/sqlite");
    let before: Vec<_> = migrator
        .migrations
        .iter()
        .filter(|m| m.version < 9)
        .cloned()
        .collect();
    assert_eq!(before.len(), 8, "migrations 1-8 precede the clustering one");
    migrator.migrations = before.into();
    migrator.run(&pool).await.unwrap();
    let cell = "INSERT INTO rollup_cells VALUES ($1, $2, $3, $4, 'battles', '*', '*', '*', \
                'restricted', $5, 3, 1, 0, 0, 1, 0, 0, 0)";
    for (kind, unit, grain, period, events) in [
        ("admin1", "Mopti", "month", "2019-03-01", 2),
        ("admin2", "Mopti/Bankass", "day", "2019-03-23", 1),
        ("admin1", "Gao", "week", "2019-03-18", 0),
    ] {
        sqlx::query(cell)
            .bind(kind)
            .bind(unit)
            .bind(grain)
            .bind(period)
            .bind(events)
            .execute(&pool)
            .await
            .unwrap();
    }
    sqlx::query("INSERT INTO rollup_facts VALUES ('e1', 'restricted', '{\"d\":\"2019-03-23\"}')")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE rollup_state SET fingerprint = 'f', stale = 0")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let store = SqliteStore::open(&path).await.unwrap();
    let cells = store.rollup_cells(&RollupQuery::default()).await.unwrap();
    let got: Vec<(String, String, String, i64, i64)> = cells
        .iter()
        .map(|(k, t)| {
            (
                k.unit.clone(),
                k.grain.clone(),
                k.period.to_string(),
                t.events,
                t.killed,
            )
        })
        .collect();
    assert_eq!(
        got.len(),
        2,
        "the two non-empty cells are kept, the empty one dropped: {got:?}"
    );
    assert!(got.contains(&("Mopti".into(), "month".into(), "2019-03-01".into(), 2, 3)));
    assert!(got.contains(&(
        "Mopti/Bankass".into(),
        "day".into(),
        "2019-03-23".into(),
        1,
        3
    )));
    let row = sqlx::query("SELECT sensitivity, facts FROM rollup_facts WHERE event_id = 'e1'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>(0), "restricted");
    assert_eq!(row.get::<String, _>(1), "{\"d\":\"2019-03-23\"}");
    let ddl: String =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = 'rollup_cells'")
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert!(ddl.contains("WITHOUT ROWID"), "{ddl}");
}
