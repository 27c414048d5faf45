//! End-to-end tests of `veille assess` and `veille backtest likelihood` on the real UCDP
//! GED rows shipped in data/ucdp: the rule shown for an event, an area assessment whose
//! counts agree with the CSV itself, explicit "no data", refused rules files and periods.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{data, err, import_ged, json, ok, veille, GED_FILES};

/// Rows of the GED files whose `adm_1` and `date_start` month match, counted with the
/// csv crate rather than veille's importer.
fn csv_count(adm1: &str, month: &str) -> i64 {
    let mut n = 0;
    for f in GED_FILES {
        let mut r = csv::Reader::from_path(data(f)).unwrap();
        let h = r.headers().unwrap().clone();
        let ia = h.iter().position(|c| c == "adm_1").unwrap();
        let id = h.iter().position(|c| c == "date_start").unwrap();
        for row in r.records() {
            let row = row.unwrap();
            if row[ia] == *adm1 && row[id].starts_with(month) {
                n += 1;
            }
        }
    }
    n
}

#[test]
fn categorise_shows_the_category_and_the_rule_that_fired() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    import_ged(&db);
    // GED 12989: the Government of Mali kills 20 civilians at Lere (1991): category 6.
    let out = ok(&veille(&db, &["assess", "categorise", "ged:12989"]));
    assert!(
        out.contains("perpetrators: Government of Mali (state)"),
        "{out}"
    );
    assert!(
        out.contains("6   State-actor violations and abuse of state authority"),
        "{out}"
    );
    assert!(
        out.contains("rule state-violence-against-civilians (data/poc/rules.toml:"),
        "{out}"
    );
    let j = json(&veille(
        &db,
        &["--json", "assess", "categorise", "ged:12989"],
    ));
    assert_eq!(j["categories"][0]["code"], "6");
    assert_eq!(
        j["categories"][0]["rule_id"],
        "state-violence-against-civilians"
    );
}

#[test]
fn area_assessment_counts_agree_with_the_csv_and_gaps_are_no_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    import_ged(&db);
    let j = json(&veille(
        &db,
        &[
            "--json", "assess", "--admin1", "Mopti", "--period", "2026-08",
        ],
    ));
    let a = &j[0];
    assert_eq!(a["area"], "Mopti");
    assert!(a["no_data"].is_null());
    let any = &a["categories"][0];
    assert!(any["category"].is_null());
    let july = csv_count("Mopti region", "2026-07");
    assert!(july > 10);
    assert_eq!(any["vs_previous"]["now"], july);
    assert_eq!(
        any["vs_previous"]["before"],
        csv_count("Mopti region", "2026-06")
    );
    assert_eq!(
        any["vs_last_year"]["before"],
        csv_count("Mopti region", "2025-07")
    );
    assert_eq!(any["vs_previous"]["significant"], true);
    let p = any["forecast"]["probability"].as_f64().unwrap();
    assert!(p > 0.5 && p < 1.0, "{p}");
    // Seven categories: any event, then 1–6.
    assert_eq!(a["categories"].as_array().unwrap().len(), 7);

    // The shipped sample has no event at all from 2018-02 to 2020-07: no data, not low.
    let out = ok(&veille(
        &db,
        &["assess", "--admin1", "Mopti", "--period", "2019-03"],
    ));
    assert!(
        out.contains("NO DATA: no event anywhere in the 3 months before 2019-03"),
        "{out}"
    );
    assert!(!out.contains("very low"), "{out}");
    // After the data end: no data either.
    let out = ok(&veille(
        &db,
        &["assess", "--admin1", "Mopti", "--period", "2027-01"],
    ));
    assert!(
        out.contains("NO DATA: the data cover 1991-05 to 2026-07; assessing 2027-01 needs 2026-12"),
        "{out}"
    );
    // The country matrix lists every region with events.
    let out = ok(&veille(&db, &["assess", "--period", "2026-08"]));
    for r in ["Mopti", "Kidal", "Gao", "Tombouctou"] {
        assert!(
            out.lines().any(|l| l.trim_start().starts_with(r)),
            "{r}: {out}"
        );
    }
}

#[test]
fn bad_rules_files_periods_and_areas_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    import_ged(&db);
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[rule]]\nid = \"x\"\ncategories = [\"9\"]\n").unwrap();
    let out = veille(
        &db,
        &[
            "assess",
            "categorise",
            "ged:12989",
            "--rules",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(
        err(&out),
        format!(
            "error: {}:3: unknown POC category '9' (expected 1, 2, 3, 4, 4a-4f, 5 or 6)",
            bad.display()
        )
    );
    let out = veille(&db, &["assess", "--admin1", "Mopti", "--period", "2019-3"]);
    assert_eq!(err(&out), "error: --period must be YYYY-MM, got '2019-3'");
    let out = veille(
        &db,
        &["assess", "--admin1", "Atlantis", "--period", "2026-08"],
    );
    assert!(err(&out).starts_with("error: no events in an area called 'Atlantis' (known: "));
    let out = veille(&db, &["backtest", "likelihood", "--category", "7"]);
    assert_eq!(
        err(&out),
        "error: --category must be any, all or a main category 1-6, got '7'"
    );
}

#[test]
fn backtest_beats_both_benchmarks_on_synthetic_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("unused.db");
    let f = dir.path().join("synth.csv");
    ok(&veille(
        &db,
        &[
            "synth",
            "--events",
            "8000",
            "--seed",
            "11",
            "-o",
            f.to_str().unwrap(),
        ],
    ));
    let j = json(&veille(
        &db,
        &[
            "--json",
            "backtest",
            "likelihood",
            "--file",
            f.to_str().unwrap(),
            "--level",
            "admin2",
        ],
    ));
    let m = j["brier_model"].as_f64().unwrap();
    let b = j["brier_base_rate"].as_f64().unwrap();
    let l = j["brier_last"].as_f64().unwrap();
    assert!(j["n"].as_u64().unwrap() > 1000, "{j}");
    assert!(m < b && m < l, "model {m}, base rate {b}, last {l}");
    assert!(!db.exists(), "reading files must not create a database");
}

#[test]
fn warnings_are_listed_with_evidence_and_the_spike_backtest_reports_its_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    import_ged(&db);
    let j = json(&veille(&db, &["--json", "warn", "list", "--limit", "1000"]));
    let ws = j.as_array().unwrap();
    assert!(!ws.is_empty());
    for w in ws {
        assert!(!w["evidence"].as_array().unwrap().is_empty(), "{w}");
        assert!(w["explanation"].as_str().unwrap().len() > 10);
    }
    // De-duplication: one warning per (kind, area, subject) situation start.
    let mut keys: Vec<String> = ws
        .iter()
        .map(|w| {
            format!(
                "{}|{}|{}|{}",
                w["kind"], w["area"], w["subject"], w["period_start"]
            )
        })
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n);
    // Severity: every event with at least 10 civilians killed is evidence of one.
    let sev: Vec<&serde_json::Value> = ws.iter().filter(|w| w["kind"] == "severity").collect();
    assert!(!sev.is_empty());
    let out = veille(&db, &["warn", "list", "--kind", "flood"]);
    assert_eq!(
        err(&out),
        "error: --kind must be one of spike, reprisal, new_actor, severity, atrocity, got 'flood'"
    );
    let j = json(&veille(&db, &["--json", "backtest", "warnings"]));
    let p = j["precision"].as_f64().unwrap();
    let r = j["recall"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p) && (0.0..=1.0).contains(&r));
    assert_eq!(j["horizon_days"], 30);
    assert!(j["severe_events"].as_u64().unwrap() > 0);
    // Persisted: a second save of the same situation writes nothing new.
    let first = ok(&veille(&db, &["warn", "save"]));
    assert_eq!(
        first.trim(),
        format!("{n} warnings: {n} new, 0 updated, 0 unchanged")
    );
    let again = ok(&veille(&db, &["warn", "save"]));
    assert_eq!(
        again.trim(),
        format!("{n} warnings: 0 new, 0 updated, {n} unchanged")
    );
    let stored = json(&veille(
        &db,
        &["--json", "warn", "list", "--stored", "--limit", "1000"],
    ));
    assert_eq!(stored.as_array().unwrap().len(), n);
    let out = veille(&db, &["warn", "list", "--spike-alpha", "2"]);
    assert_eq!(
        err(&out),
        "error: --spike-alpha must be between 0 and 1, got 2"
    );
}

#[test]
fn a_warning_gets_owners_deadlines_and_escalates_when_overdue() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    import_ged(&db);
    ok(&veille(&db, &["warn", "save"]));
    let ws = json(&veille(
        &db,
        &["--json", "warn", "list", "--stored", "--kind", "severity"],
    ));
    let w = &ws.as_array().unwrap()[0];
    let id = w["id"].as_str().unwrap().to_string();
    assert_eq!(w["level"], "high");
    let out = ok(&veille(&db, &["warn", "respond", &id]));
    assert!(
        out.contains("responsible: Protection / POC unit, Human rights, Humanitarian coordination"),
        "{out}"
    );
    assert!(out.contains("no action yet"));
    assert!(out.contains("tier II: "));
    ok(&veille(&db, &["warn", "ack", &id]));
    ok(&veille(
        &db,
        &[
            "warn",
            "action",
            "add",
            &id,
            "--owner",
            "head of office",
            "--component",
            "protection",
            "--tier",
            "I",
            "--option",
            "call chiefs",
        ],
    ));
    ok(&veille(
        &db,
        &[
            "warn",
            "action",
            "add",
            &id,
            "--owner",
            "sector commander",
            "--component",
            "security",
            "--tier",
            "II",
            "--option",
            "patrol",
            "--due-hours=-1",
        ],
    ));
    let k1 = format!("{id}/1");
    let k2 = format!("{id}/2");
    assert_eq!(
        err(&veille(
            &db,
            &["warn", "action", "set", &k2, "--status", "declined"]
        )),
        "error: declining an action needs a reason"
    );
    assert_eq!(
        err(&veille(&db, &["warn", "action", "set", &k1, "--status", "finished"])),
        "error: --status must be proposed, assigned, acknowledged, in_progress, done or declined, got 'finished'"
    );
    assert_eq!(
        err(&veille(&db, &["warn", "action", "add", &id, "--owner", "x", "--component", "army", "--tier", "I", "--option", "y"])),
        "error: unknown component 'army' (the matrix has: civil_affairs, human_rights, humanitarian, police, protection, security)"
    );
    ok(&veille(
        &db,
        &[
            "warn",
            "action",
            "set",
            &k1,
            "--status",
            "done",
            "--outcome",
            "chiefs reached",
        ],
    ));
    // Action 2 is past due: the warning escalates once, to the matrix's level.
    let out = ok(&veille(&db, &["warn", "overdue"]));
    assert!(out.contains(&format!("action {k2} overdue since")), "{out}");
    assert!(out.contains("escalated to critical"), "{out}");
    let out = ok(&veille(&db, &["warn", "overdue"]));
    assert!(!out.contains("escalated"), "{out}");
    // Re-running the detectors keeps the escalated level.
    ok(&veille(&db, &["warn", "save"]));
    let ws = json(&veille(
        &db,
        &["--json", "warn", "list", "--stored", "--kind", "severity"],
    ));
    let again = ws
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id.as_str())
        .unwrap();
    assert_eq!(again["level"], "critical");
    let m = json(&veille(&db, &["--json", "warn", "metrics"]));
    let area = w["area"].as_str().unwrap().split('/').next().unwrap();
    let a = &m["by_area"][area];
    assert_eq!(a["acknowledged"], 1);
    assert_eq!(a["overdue_actions"], 1);
    let n = a["warnings"].as_f64().unwrap();
    assert!((a["share_with_action"].as_f64().unwrap() - 1.0 / n).abs() < 1e-9);
    assert!((a["share_closed_with_outcome"].as_f64().unwrap() - 1.0 / n).abs() < 1e-9);
    assert_eq!(m["by_component"]["security"]["warnings"], 1);
}

#[test]
fn regional_report_writes_markdown_and_self_contained_html_and_tracks_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    import_ged(&db);
    ok(&veille(&db, &["warn", "save"]));
    let out = dir.path().join("reports");
    let o = out.to_str().unwrap();
    ok(&veille(
        &db,
        &[
            "report", "region", "Mopti", "--period", "2026-07", "--out", o,
        ],
    ));
    ok(&veille(
        &db,
        &[
            "report", "region", "Mopti", "--period", "2026-08", "--out", o,
        ],
    ));
    let md = std::fs::read_to_string(out.join("Mopti-2026-08.md")).unwrap();
    let html = std::fs::read_to_string(out.join("Mopti-2026-08.html")).unwrap();
    for section in [
        "## Risk matrix by POC threat category",
        "## Hotspots (cercles)",
        "## Trend",
        "## Events by perpetrator class",
        "## Notable events",
        "## Warnings issued and what was done",
        "## Overdue actions",
        "## Changes since the last report",
    ] {
        assert!(md.contains(section), "{section}");
    }
    assert!(md.contains("Compared with the report for 2026-07:"), "{md}");
    // July 2026 in the trend table equals the CSV's Mopti rows for that month.
    assert!(md.contains(&format!(
        "| 2026-07 | {} |",
        csv_count("Mopti region", "2026-07")
    )));
    // State forces are a row of their own.
    assert!(md.contains("| state |"), "{md}");
    assert!(html.contains("<svg") && html.contains("</html>"));
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "self-contained"
    );
    assert!(md.contains("NO ACTION") || !md.contains("| spike |"));
    let e = veille(
        &db,
        &[
            "report", "region", "Atlantis", "--period", "2026-08", "--out", o,
        ],
    );
    assert!(err(&e).starts_with("error: no events in a region called 'Atlantis'"));
}

#[test]
fn an_override_is_a_revision_that_keeps_the_rules_result_visible() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    import_ged(&db);
    assert_eq!(
        err(&veille(
            &db,
            &[
                "assess",
                "override",
                "ged:12989",
                "--categories",
                "6",
                "--reason",
                " "
            ]
        )),
        "error: an override needs a reason"
    );
    assert_eq!(
        err(&veille(
            &db,
            &[
                "assess",
                "override",
                "ged:12989",
                "--categories",
                "4z",
                "--reason",
                "x"
            ]
        )),
        "error: unknown POC category '4z' (expected 1, 2, 3, 4, 4a-4f, 5 or 6)"
    );
    let out = ok(&veille(
        &db,
        &[
            "assess",
            "override",
            "ged:12989",
            "--categories",
            "6,4a",
            "--reason",
            "20 civilians executed: mass killing",
        ],
    ));
    assert!(
        out.contains("categories set to 4a, 6 by tester (version 1)"),
        "{out}"
    );
    let out = ok(&veille(&db, &["assess", "categorise", "ged:12989"]));
    assert!(
        out.contains("4a  Massive and deliberate targeting of civilians"),
        "{out}"
    );
    assert!(out.contains("rule analyst override"), "{out}");
    assert!(
        out.contains("20 civilians executed: mass killing — the rules gave: 6"),
        "{out}"
    );
    let again = ok(&veille(
        &db,
        &[
            "assess",
            "override",
            "ged:12989",
            "--categories",
            "6",
            "--reason",
            "second look",
        ],
    ));
    assert!(again.contains("(version 2)"), "{again}");
}

#[test]
fn an_assessment_cell_override_is_shown_next_to_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    import_ged(&db);
    assert_eq!(
        err(&veille(
            &db,
            &[
                "assess",
                "override-cell",
                "--area",
                "Mopti",
                "--period",
                "2026-08",
                "--category",
                "6",
                "--likelihood",
                "huge",
                "--reason",
                "x"
            ]
        )),
        "error: --likelihood must be very low, low, medium, high or very high, got 'huge'"
    );
    assert_eq!(
        err(&veille(
            &db,
            &[
                "assess",
                "override-cell",
                "--area",
                "Mopti",
                "--period",
                "2026-08",
                "--category",
                "6",
                "--reason",
                "x"
            ]
        )),
        "error: give --likelihood, --impact or both"
    );
    ok(&veille(
        &db,
        &[
            "assess",
            "override-cell",
            "--area",
            "Mopti",
            "--period",
            "2026-08",
            "--category",
            "6",
            "--likelihood",
            "very high",
            "--reason",
            "FAMa operation announced in Djenné",
        ],
    ));
    let out = ok(&veille(
        &db,
        &["assess", "--admin1", "Mopti", "--period", "2026-08"],
    ));
    assert!(out.contains("OVERRIDE 6 State-actor violations and abuse of state authority: likelihood very high impact unchanged (model: "), "{out}");
    assert!(out.contains("by tester at "), "{out}");
    assert!(out.contains("FAMa operation announced in Djenné"));
    // The model's own line is still there.
    assert!(out
        .lines()
        .any(|l| l.trim_start().starts_with("6 State-actor violations")));
    let j = json(&veille(
        &db,
        &[
            "--json", "assess", "--admin1", "Mopti", "--period", "2026-08",
        ],
    ));
    assert_eq!(j[0]["overrides"][0]["likelihood"], "VeryHigh");
    assert_eq!(j[0]["overrides"][0]["by"], "tester");
    // Another period is not affected.
    let j = json(&veille(
        &db,
        &[
            "--json", "assess", "--admin1", "Mopti", "--period", "2026-07",
        ],
    ));
    assert!(j[0]["overrides"].as_array().unwrap().is_empty());
}

#[test]
fn demo_prints_the_threat_matrix_and_warnings_and_writes_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let text = ok(&veille(&db, &["demo", "--out", db.to_str().unwrap()]));
    assert!(text.contains("Threat matrix — 2026-08 (1 month)"), "{text}");
    assert!(
        text.lines().any(|l| l.trim_start().starts_with("Mopti ")),
        "{text}"
    );
    assert!(
        text.contains("current warnings (active in 2026-07): "),
        "{text}"
    );
    // Mopti has the most events in the shipped rows, so its report is written.
    let report = dir.path().join("veille-demo-report/Mopti-2026-08.md");
    let md = std::fs::read_to_string(&report).unwrap();
    assert!(md.starts_with("# Regional threat assessment — Mopti — 2026-08"));
}
