//! Protection records (early warnings, later actions and overrides), run on both backends
//! like `story.rs`: a record is versioned, unchanged writes are skipped, every version is
//! kept in the history, and kinds do not mix.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;
#[macro_use]
mod common;

use common::*;
use veille_store::Store;

async fn warnings_are_versioned_and_nothing_is_lost(s: &dyn Store) {
    let w1 =
        json!({"kind": "spike", "area": "Mopti/Bankass", "level": "medium", "evidence": ["a"]});
    let r = s
        .put_protection_record("warning", "w-1", &w1, "analyst", None)
        .await
        .unwrap()
        .expect("first write");
    assert_eq!(r.version, 1);
    // Same document again: nothing written.
    assert!(s
        .put_protection_record("warning", "w-1", &w1, "analyst", None)
        .await
        .unwrap()
        .is_none());
    // The situation goes on: one more event, a higher level.
    let w1b =
        json!({"kind": "spike", "area": "Mopti/Bankass", "level": "high", "evidence": ["a", "b"]});
    let r = s
        .put_protection_record("warning", "w-1", &w1b, "detector", Some("new evidence"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(r.version, 2);
    assert_eq!(r.reason.as_deref(), Some("new evidence"));
    let w2 = json!({"kind": "severity", "area": "Gao/Gao"});
    s.put_protection_record("warning", "w-0", &w2, "detector", None)
        .await
        .unwrap();
    s.put_protection_record(
        "action",
        "w-1/1",
        &json!({"owner": "civil affairs"}),
        "po",
        None,
    )
    .await
    .unwrap();

    let current = s.protection_records("warning").await.unwrap();
    assert_eq!(
        current
            .iter()
            .map(|r| (r.key.as_str(), r.version))
            .collect::<Vec<_>>(),
        vec![("w-0", 1), ("w-1", 2)]
    );
    assert_eq!(current[1].doc, w1b);
    assert_eq!(current[1].by, "detector");
    let hist = s.protection_history("warning", "w-1").await.unwrap();
    assert_eq!(hist.len(), 2);
    assert_eq!(hist[0].doc, w1);
    assert_eq!(hist[0].by, "analyst");
    assert_eq!(hist[1].doc, w1b);
    assert!(hist[0].at <= hist[1].at);
    assert_eq!(s.protection_records("action").await.unwrap().len(), 1);
    assert!(s.protection_records("override").await.unwrap().is_empty());
    assert!(s
        .protection_history("warning", "nope")
        .await
        .unwrap()
        .is_empty());
}

both!(
    warnings_are_versioned_and_nothing_is_lost,
    sqlite_protection_records_versioned,
    postgres_protection_records_versioned
);
