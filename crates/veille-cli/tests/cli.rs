//! End-to-end tests of the `veille` binary: real files, a real SQLite database, the
//! real exit codes and messages a user sees.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{data, json, ok, veille};

const MALI: &str = "data/ucdp/ged231_sample1000_mali.csv";
const CANDIDATE: &str = "data/ucdp/ged_candidate_v26_0_7_mali_extract.csv";

#[test]
fn demo_builds_an_enriched_database_from_the_shipped_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = veille(&db, &["demo", "--out", db.to_str().unwrap()]);
    let text = ok(&out);
    assert!(
        text.contains("imported ged231_sample1000_mali.csv: 7 rows → 7 events"),
        "{text}"
    );
    assert!(
        text.contains("imported ged_candidate_v26_0_7_mali_extract.csv: 126 rows → 126 events"),
        "{text}"
    );
    assert!(
        text.contains("0 created, 0 updated, 126 unchanged"),
        "{text}"
    );
    // The database it leaves behind is usable by every other command.
    let stats = json(&veille(&db, &["--json", "stats"]));
    assert_eq!(stats["events"], 133);
    let events = json(&veille(&db, &["--json", "list", "--limit", "1000"]));
    for e in events["events"].as_array().unwrap() {
        let loc = &e["location"];
        assert!(
            loc["priogrid_gid"].is_u64(),
            "every demo event has a PRIO-GRID cell: {e}"
        );
        assert!(
            loc["admin1"]["name"].is_string(),
            "every demo event has an admin1: {e}"
        );
    }
}

#[test]
fn bad_file_imports_nothing_and_says_exactly_why() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let bad = data("crates/veille-ingest/tests/fixtures/bad/ged_low_gt_best.csv");
    let out = veille(&db, &["import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "{}:3: low: low (9) is greater than best (6)",
            bad.display()
        )),
        "{err}"
    );
    assert!(err.contains("nothing imported"), "{err}");
    let stats = json(&veille(&db, &["--json", "stats"]));
    assert_eq!(stats["events"], 0);
    assert_eq!(stats["import_batches"], 0);
}

#[test]
fn skip_invalid_imports_the_rest_and_writes_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let bad = data("crates/veille-ingest/tests/fixtures/bad/ged_two_bad_rows.csv");
    let rejects = dir.path().join("rejects.csv");
    let out = veille(
        &db,
        &[
            "import",
            "--skip-invalid",
            "--rejects",
            rejects.to_str().unwrap(),
            bad.to_str().unwrap(),
        ],
    );
    let text = ok(&out);
    assert!(text.contains("2 rejected"), "{text}");
    let rej = std::fs::read_to_string(&rejects).unwrap();
    assert!(rej.contains("_reason"), "{rej}");
    assert_eq!(rej.lines().count(), 3, "header + 2 rejected rows:\n{rej}");
}

#[test]
fn show_history_retract_and_list_filters() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    ok(&veille(
        &db,
        &["import", "--quiet", data(MALI).to_str().unwrap()],
    ));
    ok(&veille(
        &db,
        &["import", "--quiet", data(CANDIDATE).to_str().unwrap()],
    ));

    let show = ok(&veille(&db, &["show", "ged:12989"]));
    assert!(show.contains("Lere town"), "{show}");
    assert!(show.contains("Government of Mali"), "{show}");

    // Filters: every returned event matches, and the counts add up.
    let all = json(&veille(&db, &["--json", "list", "--limit", "1000"]));
    let total = all["total"].as_u64().unwrap();
    assert_eq!(total, 133);
    let mopti = json(&veille(
        &db,
        &["--json", "list", "--admin1", "mopti", "--limit", "1000"],
    ));
    assert!(mopti["total"].as_u64().unwrap() > 0);
    for e in mopti["events"].as_array().unwrap() {
        assert_eq!(
            e["location"]["admin1"]["name"]
                .as_str()
                .unwrap()
                .to_lowercase(),
            "mopti"
        );
    }
    let jnim = json(&veille(
        &db,
        &["--json", "list", "--actor", "jnim", "--limit", "1000"],
    ));
    for e in jnim["events"].as_array().unwrap() {
        assert!(e.to_string().contains("JNIM"));
    }
    let july = json(&veille(
        &db,
        &[
            "--json",
            "list",
            "--from",
            "2026-07-10",
            "--to",
            "2026-07-12",
            "--limit",
            "1000",
        ],
    ));
    for e in july["events"].as_array().unwrap() {
        assert!(e["date_end"].as_str().unwrap() >= "2026-07-10");
        assert!(e["date_start"].as_str().unwrap() <= "2026-07-12");
    }
    let vac = json(&veille(
        &db,
        &[
            "--json",
            "list",
            "--type",
            "Violence against civilians",
            "--limit",
            "1000",
        ],
    ));
    let battles = json(&veille(
        &db,
        &["--json", "list", "--type", "battles", "--limit", "1000"],
    ));
    assert_eq!(
        vac["total"].as_u64().unwrap() + battles["total"].as_u64().unwrap(),
        total,
        "GED rows are battles or violence against civilians"
    );

    // Retract: reason required, record kept, hidden from lists, in the history.
    let no_reason = veille(&db, &["retract", "ged:12989", "--reason", "  "]);
    assert!(!no_reason.status.success());
    assert!(String::from_utf8_lossy(&no_reason.stderr).contains("a retraction needs a reason"));
    ok(&veille(
        &db,
        &[
            "retract",
            "ged:12989",
            "--reason",
            "duplicate of a later report",
        ],
    ));
    let after = json(&veille(&db, &["--json", "list", "--limit", "1000"]));
    assert_eq!(after["total"].as_u64().unwrap(), total - 1);
    let shown = json(&veille(&db, &["--json", "show", "ged:12989"]));
    assert_eq!(shown["verification"], "retracted");
    let hist = json(&veille(&db, &["--json", "history", "ged:12989"]));
    let hist = hist.as_array().unwrap();
    assert_eq!(hist.len(), 2);
    assert_eq!(hist[0]["action"], "import");
    assert_eq!(hist[1]["action"], "retract");
    assert_eq!(hist[1]["by"], "tester");
    assert_eq!(hist[1]["reason"], "duplicate of a later report");
    assert_eq!(hist[1]["changes"][0]["field"], "verification");

    let missing = veille(&db, &["show", "ged:1"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no event with external id ged:1"));
}

#[test]
fn export_then_import_into_an_empty_database_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    ok(&veille(
        &a,
        &[
            "import",
            "--quiet",
            data(MALI).to_str().unwrap(),
            data(CANDIDATE).to_str().unwrap(),
        ],
    ));
    for (format, file) in [("veille", "out.csv"), ("geojson", "out.geojson")] {
        let path = dir.path().join(file);
        ok(&veille(
            &a,
            &["export", "--format", format, "-o", path.to_str().unwrap()],
        ));
        let b = dir.path().join(format!("b-{format}.db"));
        ok(&veille(&b, &["import", "--quiet", path.to_str().unwrap()]));
        let strip = |v: serde_json::Value| {
            let mut events = v["events"].as_array().unwrap().clone();
            for e in &mut events {
                // The importing batch is stamped by the database that imports.
                e["provenance"]["batch_id"] = serde_json::Value::Null;
            }
            events
        };
        let ea = strip(json(&veille(&a, &["--json", "list", "--limit", "1000"])));
        let eb = strip(json(&veille(&b, &["--json", "list", "--limit", "1000"])));
        assert_eq!(ea.len(), 133);
        assert_eq!(ea, eb, "{format} round trip");
    }
    // The ACLED-shaped and HXL exports are well-formed CSV with their own headers.
    let acled = dir.path().join("acled.csv");
    ok(&veille(
        &a,
        &["export", "--format", "acled", "-o", acled.to_str().unwrap()],
    ));
    let text = std::fs::read_to_string(&acled).unwrap();
    assert!(
        text.trim_start_matches('\u{feff}')
            .starts_with("event_id_cnty,"),
        "{}",
        &text[..80]
    );
    let hxl = dir.path().join("hxl.csv");
    ok(&veille(
        &a,
        &["export", "--format", "hxl", "-o", hxl.to_str().unwrap()],
    ));
    let text = std::fs::read_to_string(&hxl).unwrap();
    let second = text.lines().nth(1).unwrap();
    assert!(second.starts_with('#'), "HXL tag row: {second}");
}

#[test]
fn reimport_is_idempotent_and_acled_fixtures_import() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let first = ok(&veille(
        &db,
        &["import", "--quiet", data(CANDIDATE).to_str().unwrap()],
    ));
    assert!(first.contains("126 created"), "{first}");
    let again = ok(&veille(
        &db,
        &["import", "--quiet", data(CANDIDATE).to_str().unwrap()],
    ));
    assert!(
        again.contains("0 created, 0 updated, 126 unchanged"),
        "{again}"
    );
    for f in ["current.csv", "old.csv", "hdx.csv"] {
        let p = data(&format!("crates/veille-ingest/tests/fixtures/acled/{f}"));
        let out = ok(&veille(&db, &["import", "--quiet", p.to_str().unwrap()]));
        assert!(out.contains("0 rejected"), "{f}: {out}");
    }
}

#[test]
fn synth_is_deterministic_and_importable() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    let db = dir.path().join("v.db");
    ok(&veille(
        &db,
        &[
            "synth",
            "--events",
            "300",
            "--seed",
            "9",
            "-o",
            a.to_str().unwrap(),
        ],
    ));
    ok(&veille(
        &db,
        &[
            "synth",
            "--events",
            "300",
            "--seed",
            "9",
            "-o",
            b.to_str().unwrap(),
        ],
    ));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let out = ok(&veille(&db, &["import", "--quiet", a.to_str().unwrap()]));
    assert!(out.contains("300 rows read — 300 created"), "{out}");
    // Synthetic events sit at real places: every one resolves to a region and cell.
    let events = json(&veille(&db, &["--json", "list", "--limit", "300"]));
    for e in events["events"].as_array().unwrap() {
        assert!(e["location"]["priogrid_gid"].is_u64());
        assert!(
            e["actors"][0]["actor_id"].is_string(),
            "synthetic actors are real UCDP actors: {e}"
        );
    }
}

#[test]
fn unknown_type_filter_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let out = veille(&db, &["list", "--type", "Picnic"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown event_type 'Picnic'"), "{err}");
}
