//! The desk's workflows over a real store with the shipped UCDP GED rows: on SQLite,
//! and on PostgreSQL when `VEILLE_TEST_DATABASE_URL` is set (`VEILLE_REQUIRE_POSTGRES=1`
//! turns its absence into a failure). The events behind a cell are exactly the ones the
//! cell counts; a bare cercle name resolves to its label; warnings save idempotently;
//! acknowledging twice writes once; bad input gets its exact message.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use veille_desk::assess::{self, CellOverrideRequest};
use veille_desk::{warn, DeskError, FULL_CLEARANCE};
use veille_model::Sensitivity;
use veille_protect::assess::{month_index, ModelParams};
use veille_protect::response::{ResponseMatrix, Tier};
use veille_protect::rollup::Level;
use veille_protect::warnings::WarningConfig;
use veille_protect::RuleSet;
use veille_store::{PgStore, SqliteStore, Store};

async fn imported(store: &dyn Store) {
    let opts = veille_ingest::ImportOptions {
        by: "tester".into(),
        enricher: Some(veille_ingest::enrich::StandardEnricher::shipped().unwrap()),
        ..veille_ingest::ImportOptions::default()
    };
    for f in [
        "ged231_sample1000_mali.csv",
        "ged_candidate_v26_0_7_mali_extract.csv",
    ] {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data/ucdp")
            .join(f);
        veille_ingest::import_file(store, &p, &opts, &mut |_| {})
            .await
            .unwrap();
    }
}

fn msg(e: DeskError) -> String {
    e.to_string()
}

async fn story(store: Arc<dyn Store>) {
    let st = store.as_ref();
    imported(st).await;
    let rules = RuleSet::shipped().unwrap();
    let reg = veille_actors::Registry::shipped().unwrap();
    let params = ModelParams::default();
    let period = assess::parse_period("2026-08").unwrap();

    // The events behind each cell are the ones its "last period" counts.
    let m = assess::matrix(
        st,
        &rules,
        reg,
        Sensitivity::Restricted,
        Level::Admin2,
        Some(period),
        1,
        Some("Djenne"),
        &params,
    )
    .await
    .unwrap();
    let a = &m.areas[0];
    assert_eq!(a.area, "Mopti/Djenne");
    assert!(a.no_data.is_none());
    let mut total = 0;
    for c in &a.categories {
        let evs = assess::cell_events(
            st,
            &rules,
            reg,
            Sensitivity::Restricted,
            &a.area,
            period,
            1,
            c.category,
        )
        .await
        .unwrap();
        assert_eq!(evs.len() as i64, c.vs_previous.now, "{:?}", c.category);
        assert!(evs
            .iter()
            .all(|e| month_index(e.date_start) == month_index(period) - 1));
        total += evs.len();
    }
    assert!(total > 0);

    // Overrides: a justification is required; a bare cercle name finds its label.
    let mut req = CellOverrideRequest {
        area: "Djenne".into(),
        period: "2026-08".into(),
        months: 1,
        category: "5".into(),
        likelihood: Some("very high".into()),
        impact: None,
        justification: "  ".into(),
    };
    let over = |req: CellOverrideRequest| {
        let (rules, st) = (&rules, st);
        async move { assess::override_cell(st, rules, reg, FULL_CLEARANCE, &req, "ana", "").await }
    };
    assert_eq!(
        msg(over(req.clone()).await.unwrap_err()),
        "an override needs a justification"
    );
    req.justification = "convoy attacked".into();
    req.likelihood = Some("huge".into());
    assert_eq!(
        msg(over(req.clone()).await.unwrap_err()),
        "likelihood must be very low, low, medium, high or very high, got 'huge'"
    );
    req.likelihood = Some("very high".into());
    let o = over(req.clone()).await.unwrap();
    assert_eq!((o.area.as_str(), o.version), ("Mopti/Djenne", Some(1)));
    assert_eq!(
        over(req).await.unwrap().version,
        None,
        "same override: unchanged"
    );
    let m = assess::matrix(
        st,
        &rules,
        reg,
        FULL_CLEARANCE,
        Level::Admin2,
        Some(period),
        1,
        Some("Mopti/Djenne"),
        &params,
    )
    .await
    .unwrap();
    assert_eq!(m.areas[0].overrides.len(), 1);
    assert_eq!(m.areas[0].overrides[0].by, "ana");

    // Warnings: saved once, unchanged the second time; acknowledged once.
    let cfg = WarningConfig::default();
    let c1 = warn::detect_and_save(st, &rules, reg, &cfg, "tester")
        .await
        .unwrap();
    assert!(c1.total > 0 && c1.new == c1.total);
    let c2 = warn::detect_and_save(st, &rules, reg, &cfg, "tester")
        .await
        .unwrap();
    assert_eq!((c2.new, c2.updated, c2.unchanged), (0, 0, c1.total));
    let matrix = ResponseMatrix::shipped().unwrap();
    let now = chrono::Utc::now();
    let board = warn::board(st, &matrix, Sensitivity::Restricted, None, now)
        .await
        .unwrap();
    assert_eq!(board.len(), c1.total);
    let id = board[0].warning.id;
    assert!(warn::acknowledge(st, FULL_CLEARANCE, id, "ana")
        .await
        .unwrap());
    assert!(!warn::acknowledge(st, FULL_CLEARANCE, id, "bob")
        .await
        .unwrap());
    let w = warn::get(st, &matrix, FULL_CLEARANCE, id, now)
        .await
        .unwrap();
    assert_eq!(w.acknowledged.unwrap().by, "ana");
    let unknown = uuid::Uuid::nil();
    let action = warn::NewAction {
        owner: "POC officer".into(),
        component: "protection".into(),
        tier: Tier::I,
        option: "meet the chiefs".into(),
        due_hours: None,
    };
    assert_eq!(
        msg(
            warn::add_action(st, &matrix, FULL_CLEARANCE, unknown, action.clone(), "ana")
                .await
                .unwrap_err()
        ),
        format!("no stored warning with id {unknown}")
    );
    let a = warn::add_action(st, &matrix, FULL_CLEARANCE, id, action, "ana")
        .await
        .unwrap();
    assert_eq!(a.key(), format!("{id}/1"));
    let m = warn::metrics(st, &matrix, FULL_CLEARANCE, None, None, now)
        .await
        .unwrap();
    let region = board[0].warning.area.split('/').next().unwrap();
    assert_eq!(m.by_area[region].acknowledged, 1);
    assert_eq!(m.by_component["protection"].warnings, 1);
}

#[tokio::test]
async fn sqlite_desk_story() {
    let dir = tempfile::tempdir().unwrap();
    let s = Arc::new(SqliteStore::open(&dir.path().join("d.db")).await.unwrap());
    story(s).await;
}

#[tokio::test]
async fn postgres_desk_story() {
    let url = match std::env::var("VEILLE_TEST_DATABASE_URL") {
        Ok(u) if !u.trim().is_empty() => u,
        _ => {
            assert_ne!(
                std::env::var("VEILLE_REQUIRE_POSTGRES").as_deref(),
                Ok("1"),
                "VEILLE_REQUIRE_POSTGRES=1 but VEILLE_TEST_DATABASE_URL is not set"
            );
            println!("skipped: VEILLE_TEST_DATABASE_URL is not set");
            return;
        }
    };
    let schema = format!("vt_desk_{}", std::process::id());
    let pg = PgStore::connect_in_schema(&url, &schema).await.unwrap();
    story(Arc::new(pg.clone())).await;
    pg.drop_schema().await.unwrap();
}
