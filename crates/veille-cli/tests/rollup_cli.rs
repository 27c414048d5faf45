//! `veille rollup status|rebuild` end to end: an import keeps the rollups current, a
//! rebuild counts the same events into the same number of cells, and a missing database
//! is refused by name.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{import_ged, json, ok, veille};

#[test]
fn imports_keep_rollups_current_and_a_rebuild_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    import_ged(&db);
    let live = json(&veille(&db, &["--json", "stats"]))["events"].clone();
    assert!(live.as_u64().unwrap() > 100, "{live}");
    let before = json(&veille(&db, &["--json", "rollup", "status"]));
    assert_eq!(before["stale"], false, "{before}");
    assert_eq!(before["events_counted"], live, "{before}");
    assert!(before["cells"].as_u64().unwrap() > 1000, "{before}");
    let rebuilt = json(&veille(&db, &["--json", "rollup", "rebuild"]));
    assert_eq!(rebuilt["events_counted"], live, "{rebuilt}");
    assert_eq!(rebuilt["cells"], before["cells"], "{rebuilt}");
    let text = ok(&veille(&db, &["rollup", "status"]));
    assert!(
        text.starts_with(&format!("rollups: current — {live} events counted in ")),
        "{text}"
    );
    assert!(text.contains("last full rebuild: "), "{text}");
}

#[test]
fn a_missing_database_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("absent.db");
    let out = veille(&db, &["rollup", "status"]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        format!(
            "error: no database at {} (run veille import or veille demo first)",
            db.display()
        )
    );
    assert!(!db.exists(), "status must not create a database");
}
