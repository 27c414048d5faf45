//! Persisted rollups on both backends (the store's two-backend harness): every kind of
//! event write — import, re-import, create, update, retract, merge, unmerge, accepted
//! draft, category override — keeps the rollup tables equal to (a) a full rebuild and
//! (b) the in-memory rollup of the events as they now stand; sensitivity is a dimension
//! readers filter on; a write under other rules makes the rollups stale until rebuilt.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "../../veille-store/tests/common/mod.rs"]
#[macro_use]
mod common;

use common::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use veille_ingest::{ImportOptions, StandardEnricher};
use veille_model::*;
use veille_protect::persist::PocRollups;
use veille_protect::rollup::Rollup;
use veille_protect::{PocCode, RuleSet};
use veille_store::{EventFilter, RollupQuery, Store};

fn ged(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/ucdp")
        .join(name)
}

fn reg() -> veille_actors::Registry {
    veille_actors::Registry::shipped().unwrap().clone()
}

fn contributor() -> Arc<PocRollups> {
    Arc::new(PocRollups::new(RuleSet::shipped().unwrap(), Some(reg())))
}

async fn import(s: &dyn Store, path: &Path) {
    let opts = ImportOptions {
        enricher: Some(StandardEnricher::shipped().unwrap()),
        chunk_size: 200,
        ..ImportOptions::default()
    };
    veille_ingest::import_file(s, path, &opts, &mut |_| {})
        .await
        .unwrap();
}

/// The candidate extract with the first rows' `best` deaths raised: a re-import that updates.
fn revised_copy(dir: &Path) -> PathBuf {
    let src = ged("ged_candidate_v26_0_7_mali_extract.csv");
    let mut rd = csv::Reader::from_path(&src).unwrap();
    let headers = rd.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (best, high) = (col("best"), col("high"));
    let out = dir.join("revised.csv");
    let mut wr = csv::Writer::from_path(&out).unwrap();
    wr.write_record(&headers).unwrap();
    for (i, rec) in rd.records().enumerate() {
        let rec = rec.unwrap();
        let mut fields: Vec<String> = rec.iter().map(str::to_string).collect();
        if i < 25 {
            for c in [best, high] {
                let n: u32 = fields[c].parse().unwrap_or(0);
                fields[c] = (n + 3).to_string();
            }
        }
        wr.write_record(&fields).unwrap();
    }
    wr.flush().unwrap();
    out
}

/// What the persisted cells should be: the in-memory rollup of every counted event
/// within `max`, with the stored category overrides.
async fn expected(s: &dyn Store, max: Option<Sensitivity>) -> Rollup {
    let events = s
        .list_events(&EventFilter {
            max_sensitivity: max,
            ..EventFilter::default()
        })
        .await
        .unwrap();
    let mut overrides: HashMap<uuid::Uuid, Vec<PocCode>> = HashMap::new();
    for r in s.protection_records("category_override").await.unwrap() {
        let codes: Vec<PocCode> = serde_json::from_value(r.doc["categories"].clone()).unwrap();
        overrides.insert(r.key.parse().unwrap(), codes);
    }
    let registry = reg();
    Rollup::rebuild_with(
        events.iter(),
        &RuleSet::shipped().unwrap(),
        Some(&registry),
        overrides,
    )
}

async fn persisted(s: &dyn Store, max: Option<Sensitivity>) -> Rollup {
    let cells = s
        .rollup_cells(&RollupQuery {
            max_sensitivity: max,
            ..RollupQuery::default()
        })
        .await
        .unwrap();
    Rollup::from_cells(&cells).unwrap()
}

async fn assert_consistent(s: &dyn Store, step: &str) {
    let got = persisted(s, None).await;
    let want = expected(s, None).await;
    assert!(!want.is_empty(), "{step}: nothing counted");
    assert_eq!(got.canonical(), want.canonical(), "after {step}");
}

async fn persisted_rollups_follow_every_write(s: &dyn Store) {
    let c = contributor();
    s.attach_rollups(c.clone());
    let dir = tempfile::tempdir().unwrap();

    import(s, &ged("ged231_sample1000_mali.csv")).await;
    import(s, &ged("ged_candidate_v26_0_7_mali_extract.csv")).await;
    assert_consistent(s, "import").await;
    import(s, &revised_copy(dir.path())).await;
    assert_consistent(s, "re-import with revised deaths").await;

    let all = s.list_events(&EventFilter::default()).await.unwrap();
    assert!(all.len() > 120, "{}", all.len());

    // Create: a copy of a real event under a new id, without its external ids.
    let mut created = all[0].clone();
    created.id = id(9001);
    created.external_ids.clear();
    created.location.admin2 = Some(AdminUnit::named("Bankass"));
    created.location.admin1 = Some(AdminUnit::named("Mopti"));
    s.create_event(&created, "analyst", None).await.unwrap();
    assert_consistent(s, "create").await;

    // Update: more deaths, another sub-type, another cercle.
    for e in all.iter().step_by(15).take(8) {
        let mut e = e.clone();
        e.casualties.killed.total = Some(Count::exact(e.killed_best() + 7));
        e.casualties
            .killed
            .by_category
            .insert(VictimCategory::Civilians, Count::exact(7));
        e.location.admin2 = Some(AdminUnit::named("Douentza"));
        e.location.admin1 = Some(AdminUnit::named("Mopti"));
        s.update_event(&e, "analyst", Some("revised"))
            .await
            .unwrap();
    }
    assert_consistent(s, "update").await;

    // Retract.
    for e in all.iter().skip(5).step_by(30).take(4) {
        s.retract_event(e.id, "analyst", "duplicate of a news report")
            .await
            .unwrap();
    }
    assert_consistent(s, "retract").await;

    // Merge two pairs, then unmerge one.
    let (a, b, cc, d) = (all[1].id, all[2].id, all[3].id, all[4].id);
    s.merge_events(a, b, "analyst", Some("same incident"))
        .await
        .unwrap();
    s.merge_events(cc, d, "analyst", Some("same incident"))
        .await
        .unwrap();
    assert_consistent(s, "merge").await;
    s.unmerge_event(d, "analyst", Some("two incidents after all"))
        .await
        .unwrap();
    assert_consistent(s, "unmerge").await;

    // A draft accepted from the review queue.
    let mut proposed = all[10].clone();
    proposed.id = id(9002);
    proposed.external_ids.clear();
    let draft = s
        .create_draft(
            &veille_store::NewDraft {
                event: proposed,
                evidence: serde_json::json!({}),
                report_text: "report".into(),
                source: Source {
                    publisher: "Radio".into(),
                    reliability: Reliability::B,
                    credibility: Credibility::ProbablyTrue,
                    ..Source::default()
                },
            },
            "extractor",
        )
        .await
        .unwrap();
    s.accept_draft(draft.id, None, "analyst").await.unwrap();
    assert_consistent(s, "accepted draft").await;

    // An analyst's category override moves an event to category 6.
    let target = all[20].id;
    s.put_protection_record(
        veille_store::rollup::CATEGORY_OVERRIDE_KIND,
        &target.to_string(),
        &serde_json::json!({"categories": ["6"]}),
        "analyst",
        Some("state forces' operation"),
    )
    .await
    .unwrap();
    assert_consistent(s, "category override").await;

    // Sensitivity: a strictly confidential event is not in a restricted reader's cells.
    let mut secret = s.get_event(all[30].id).await.unwrap().unwrap();
    secret.sensitivity = Sensitivity::StrictlyConfidential;
    s.update_event(&secret, "analyst", Some("informant risk"))
        .await
        .unwrap();
    let low = Some(Sensitivity::Restricted);
    assert_eq!(
        persisted(s, low).await.canonical(),
        expected(s, low).await.canonical()
    );
    assert_ne!(
        persisted(s, low).await.canonical(),
        persisted(s, None).await.canonical()
    );

    // A full rebuild gives identical numbers.
    let incremental = s.rollup_cells(&RollupQuery::default()).await.unwrap();
    let stats = s.rebuild_rollups(&|_| {}).await.unwrap();
    let rebuilt = s.rollup_cells(&RollupQuery::default()).await.unwrap();
    assert_eq!(incremental, rebuilt);
    let status = s.rollup_status().await.unwrap();
    let live = s.count_events(&EventFilter::default()).await.unwrap();
    assert_eq!(stats.events_counted, live);
    assert_eq!(status.events_counted, live);
    assert!(!status.stale);
    assert_eq!(
        status.fingerprint,
        Some(veille_store::RollupContributor::fingerprint(c.as_ref()))
    );

    // Other rules: the next write marks the rollups stale; readers are told to rebuild.
    let mut other = RuleSet::shipped().unwrap();
    other.rules.truncate(3);
    s.attach_rollups(Arc::new(PocRollups::new(other, Some(reg()))));
    let mut e = s.get_event(all[40].id).await.unwrap().unwrap();
    e.notes = "re-read".into();
    s.update_event(&e, "analyst", None).await.unwrap();
    s.attach_rollups(c.clone());
    let err = s
        .rollup_cells(&RollupQuery::default())
        .await
        .expect_err("stale rollups must not be read");
    assert_eq!(
        err.to_string(),
        "rollups are out of date (events were written under other POC rules, or without them): run `veille rollup rebuild`"
    );
    assert!(s.rollup_status().await.unwrap().stale);
    s.rebuild_rollups(&|_| {}).await.unwrap();
    assert_consistent(s, "rebuild after stale").await;
}

both!(
    persisted_rollups_follow_every_write,
    sqlite_persisted_rollups_follow_every_write,
    postgres_persisted_rollups_follow_every_write
);

/// A PostgreSQL store in its own schema (`prefix` + process id), rollups attached, the
/// 1,000-row GED sample imported; `None` without a test database.
async fn pg_with_sample(prefix: &str) -> Option<veille_store::PgStore> {
    let url = common::pg_url()?;
    let schema = format!("{prefix}{}", std::process::id());
    let pg = veille_store::PgStore::connect_in_schema(&url, &schema)
        .await
        .unwrap();
    pg.attach_rollups(contributor());
    import(&pg, &ged("ged231_sample1000_mali.csv")).await;
    Some(pg)
}

/// PostgreSQL: rewriting the cells in key order (what `settle` does after bulk writes
/// when the table is mostly empty space) keeps every cell, and writes go on after it.
#[tokio::test]
async fn postgres_compacted_cells_are_the_same_cells() {
    let Some(pg) = pg_with_sample("vt_compact_").await else {
        return;
    };
    let before = pg.rollup_cells(&RollupQuery::default()).await.unwrap();
    assert!(before.len() > 100, "{} cells", before.len());
    pg.compact_rollup_cells().await.unwrap();
    let after = pg.rollup_cells(&RollupQuery::default()).await.unwrap();
    assert_eq!(before, after);
    let all = pg.list_events(&EventFilter::default()).await.unwrap();
    let mut e = all[3].clone();
    e.casualties.killed.total = Some(Count::exact(e.killed_best() + 5));
    pg.update_event(&e, "analyst", None).await.unwrap();
    assert_consistent(&pg, "update after compaction").await;
    pg.drop_schema().await.unwrap();
}

/// PostgreSQL: the one-column key the rollup writes find cells by is the generated
/// column of migration 0014, cell for cell, and both write paths (cells updated through
/// it, new cells upserted) keep the cells equal to a rebuild.
#[tokio::test]
async fn postgres_cell_key_matches_its_generated_column() {
    let Some(pg) = pg_with_sample("vt_cellkey_").await else {
        return;
    };
    let sql = format!(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE cell_key IS DISTINCT FROM ({})) \
         FROM rollup_cells",
        veille_store::rollup::pg_cell_key("")
    );
    let (cells, differ): (i64, i64) = sqlx::query_as(&sql).fetch_one(pg.pool()).await.unwrap();
    assert!(cells > 100, "{cells} cells");
    assert_eq!(
        differ, 0,
        "cells whose key differs from the writes' expression"
    );
    let all = pg.list_events(&EventFilter::default()).await.unwrap();
    // Existing cells only: one more person killed.
    let mut e = all[5].clone();
    e.casualties.killed.total = Some(Count::exact(e.killed_best() + 2));
    pg.update_event(&e, "analyst", None).await.unwrap();
    assert_consistent(&pg, "cells updated through the key").await;
    // New cells: a day, week and month no event had.
    let mut e = all[6].clone();
    e.date_start = chrono::NaiveDate::from_ymd_opt(1989, 3, 15).unwrap();
    e.date_end = e.date_start;
    pg.update_event(&e, "analyst", None).await.unwrap();
    assert_consistent(&pg, "new cells upserted").await;
    let (after, _): (i64, i64) = sqlx::query_as(&sql).fetch_one(pg.pool()).await.unwrap();
    assert!(
        after > cells,
        "the moved event made new cells ({cells} -> {after})"
    );
    pg.drop_schema().await.unwrap();
}
