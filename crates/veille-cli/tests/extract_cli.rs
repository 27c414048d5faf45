//! End-to-end tests of `veille extract` and `veille bench extract`: plain text, JSONL,
//! stdin, human and JSON output, the evaluator, and the error paths.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{json, ok, veille, veille_with_stdin};

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

#[test]
fn plain_text_report_shows_fields_with_confidence_and_evidence() {
    let dir = tmp();
    let db = dir.path().join("none.db");
    let f = dir.path().join("r.txt");
    std::fs::write(
        &f,
        "Des hommes armés ont attaqué samedi le village d'Ogossagou, dans la région de Mopti, tuant au moins 31 civils.",
    )
    .unwrap();
    let out = ok(&veille(
        &db,
        &[
            "extract",
            f.to_str().unwrap(),
            "--report-date",
            "2020-02-16",
        ],
    ));
    assert!(out.contains("2020-02-15"), "{out}");
    assert!(out.contains("Violence against civilians / Attack"), "{out}");
    assert!(out.contains("«tuant au moins 31 civils»"), "{out}");
    assert!(out.contains("places          Ogossagou"), "{out}");
    // Read-only: no database file was created.
    assert!(!db.exists());
}

#[test]
fn jsonl_reports_give_machine_readable_drafts() {
    let dir = tmp();
    let db = dir.path().join("none.db");
    let f = dir.path().join("r.jsonl");
    std::fs::write(
        &f,
        concat!(
            r#"{"id":"r1","text":"JNIM claimed an IED attack that killed three soldiers near Boni on 10 February 2022.","country":"MLI"}"#,
            "\n",
            r#"{"id":"r2","text":"The weather was hot."}"#,
            "\n"
        ),
    )
    .unwrap();
    let v = json(&veille(&db, &["--json", "extract", f.to_str().unwrap()]));
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["id"], "r1");
    let d0 = &arr[0]["result"]["drafts"][0];
    assert_eq!(
        d0["event"]["sub_event_type"],
        "remote_explosive_landmine_ied"
    );
    assert_eq!(d0["event"]["date_start"], "2022-02-10");
    assert_eq!(d0["perpetrator"], "jnim");
    assert_eq!(d0["event"]["casualties"]["killed"]["total"]["best"], 3);
    assert_eq!(arr[1]["result"]["outcome"], "no_incident");
}

#[test]
fn stdin_and_split_paragraphs() {
    let dir = tmp();
    let db = dir.path().join("none.db");
    let out = veille_with_stdin(
        &db,
        &["--json", "extract", "-", "--split", "--report-date", "2021-03-10"],
        "Hier, 2 soldats ont été tués près de Gao.\n\nYesterday gunmen kidnapped 3 traders near Kadiolo.\n",
    );
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert_eq!(
        arr[0]["result"]["drafts"][0]["event"]["date_start"],
        "2021-03-09"
    );
    assert_eq!(
        arr[1]["result"]["drafts"][0]["event"]["casualties"]["abducted"]["total"]["best"],
        3
    );
}

#[test]
fn evaluate_prints_fields_confusion_and_misses() {
    let dir = tmp();
    let db = dir.path().join("none.db");
    let g = dir.path().join("g.jsonl");
    std::fs::write(
        &g,
        r#"{"id":"a1","text":"On June 13, 2020, unidentified gunmen killed 24 soldiers near Bouka Were, in the Segou region.","report_date":"2020-06-20","gold":{"date_start":"2020-06-13","admin1":"Ségou","event_type":"Battles","killed":25,"same_incident_as":[]}}"#,
    )
    .unwrap();
    let out = ok(&veille(
        &db,
        &["extract", "--evaluate", g.to_str().unwrap()],
    ));
    assert!(
        out.contains("date_start             1       1   100.0%"),
        "{out}"
    );
    assert!(
        out.contains("killed                 1       0     0.0%"),
        "{out}"
    );
    assert!(
        out.contains("Battles                      Battles: 1"),
        "{out}"
    );
    assert!(out.contains("killed: gold 25 | predicted 24"), "{out}");
    let v = json(&veille(
        &db,
        &["--json", "extract", "--evaluate", g.to_str().unwrap()],
    ));
    assert_eq!(v["items"], 1);
    assert_eq!(v["misses"][0]["diffs"][0]["field"], "killed");
}

#[test]
fn error_paths_say_what_is_wrong() {
    let dir = tmp();
    let db = dir.path().join("none.db");
    let out = veille(&db, &["extract"]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: give a report FILE (or - for stdin), or --evaluate GOLD.jsonl"
    );
    let f = dir.path().join("r.txt");
    std::fs::write(&f, "x").unwrap();
    let out = veille(
        &db,
        &[
            "extract",
            f.to_str().unwrap(),
            "--report-date",
            "13/06/2020",
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: --report-date \"13/06/2020\" is not a date (YYYY-MM-DD)"
    );
    let missing = dir.path().join("missing.txt");
    let out = veille(&db, &["extract", missing.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with(&format!("error: cannot read {}", missing.display())));
    let g = dir.path().join("g.jsonl");
    std::fs::write(&g, "{\"id\":\"a\"}\n").unwrap();
    let out = veille(&db, &["extract", "--evaluate", g.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        format!("error: {}:1: missing \"text\"", g.display())
    );
    let j = dir.path().join("r.jsonl");
    std::fs::write(&j, "{\"id\": 3}\n").unwrap();
    let out = veille(&db, &["extract", j.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with(&format!("error: {}:1: not a report object", j.display())),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bench_extract_reports_a_median() {
    let dir = tmp();
    let db = dir.path().join("none.db");
    let v = json(&veille(
        &db,
        &[
            "--json",
            "bench",
            "extract",
            "--runs",
            "3",
            "--min-per-run",
            "50",
        ],
    ));
    assert_eq!(v["runs"].as_array().unwrap().len(), 3);
    assert!(v["median"].as_f64().unwrap() > 0.0);
    assert!(v["reports"].as_u64().unwrap() >= 1);
}

#[test]
fn store_queues_drafts_for_review_with_the_graded_report_as_source() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let report = dir.path().join("r.txt");
    let text = "On June 13, 2020, unidentified gunmen ambushed a convoy near Bouka Were in \
                the Ségou region, killing at least 24 soldiers.";
    std::fs::write(&report, text).unwrap();
    let r = report.to_str().unwrap();
    let out = ok(&veille(
        &db,
        &[
            "extract",
            r,
            "--store",
            "--source",
            "AFP",
            "--grade",
            "B2",
            "--report-date",
            "2020-06-14",
        ],
    ));
    assert!(out.contains("1 drafts queued for review"), "{out}");
    let queue = json(&veille(&db, &["--json", "review", "list"]));
    let drafts = queue.as_array().unwrap();
    assert_eq!(drafts.len(), 1);
    let d = &drafts[0];
    assert_eq!(d["status"], "draft");
    assert_eq!(d["event"]["date_start"], "2020-06-13");
    assert_eq!(d["report_text"], text);
    assert_eq!(d["source"]["publisher"], "AFP");
    assert_eq!(d["source"]["reliability"], "b");
    assert_eq!(d["source"]["credibility"], "2");
    assert!(
        d["evidence"]["evidence"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "{d}"
    );

    let bad = veille(&db, &["extract", r, "--store", "--grade", "Z9"]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("--grade \"Z9\": reliability must be A–F"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let bad = veille(&db, &["extract", r, "--store", "--grade", "B"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains(
        "--grade \"B\": expected a reliability letter A–F and a credibility digit 1–6, e.g. B2"
    ));
    // Nothing more was queued by the refused runs.
    assert_eq!(
        json(&veille(&db, &["--json", "review", "list"]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
