//! End-to-end tests of `veille actor …` on a real SQLite database: edits persisted as
//! revisions and seen by later processes, refused edits, family event counts and
//! unresolved names from the store.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{data, json, ok, veille};

const CANDIDATE: &str = "data/ucdp/ged_candidate_v26_0_7_mali_extract.csv";

/// A minimal RFC 4180 reader (quoted fields, doubled quotes, newlines inside quotes), so
/// the expectation below is computed without veille's own importer.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[test]
fn an_alias_is_persisted_and_seen_by_later_commands() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let mention = "Katiba Zorglub du Gourma";

    // Before: nothing resolves the mention to JNIM.
    let before = json(&veille(&db, &["--json", "actor", "resolve", mention]));
    let top = before["candidates"]
        .as_array()
        .unwrap()
        .first()
        .map(|c| c["actor_id"].as_str().unwrap().to_string());
    assert_ne!(top.as_deref(), Some("jnim"), "{before}");

    let out = ok(&veille(
        &db,
        &[
            "actor",
            "alias",
            "JNIM",
            mention,
            "--lang",
            "fr",
            "--source",
            "field report 12",
            "--reason",
            "seen in local radio",
        ],
    ));
    assert!(out.contains("saved: actor edit #1 by tester"), "{out}");

    // A second process sees it.
    let after = json(&veille(&db, &["--json", "actor", "resolve", mention]));
    assert_eq!(after["candidates"][0]["actor_id"], "jnim", "{after}");

    // And it is in the actor's history, with who and why.
    let h = json(&veille(&db, &["--json", "actor", "history", "JNIM"]));
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["seq"], 1);
    assert_eq!(h[0]["by"], "tester");
    assert_eq!(h[0]["key"], "jnim");
    assert_eq!(h[0]["reason"], "seen in local radio");
    assert_eq!(h[0]["payload"]["op"], "add_alias");
    assert_eq!(h[0]["payload"]["alias"]["text"], mention);
    let text = ok(&veille(&db, &["actor", "history", "JNIM"]));
    assert!(
        text.contains("by tester") && text.contains(mention),
        "{text}"
    );

    // A second edit gets the next number.
    let out = json(&veille(
        &db,
        &[
            "--json",
            "actor",
            "relate",
            "katiba-macina",
            "allied_with",
            "ansarul-islam",
            "--source",
            "test",
        ],
    ));
    assert_eq!(out["revision"]["seq"], 2, "{out}");
}

#[test]
fn a_refused_edit_exits_non_zero_and_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    // The shipped registry has mali-national-guard member_of fama: the reverse is a cycle.
    let out = veille(
        &db,
        &[
            "actor",
            "relate",
            "fama",
            "member_of",
            "mali-national-guard",
            "--source",
            "test",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refused") && err.contains("ancestor"), "{err}");
    for who in ["fama", "mali-national-guard"] {
        let h = json(&veille(&db, &["--json", "actor", "history", who]));
        assert_eq!(h, serde_json::json!([]), "{who}");
    }
    // Unknown alias kind: refused before anything is written.
    let out = veille(
        &db,
        &[
            "actor", "alias", "JNIM", "x", "--kind", "bogus", "--source", "t",
        ],
    );
    assert!(!out.status.success());
    let h = json(&veille(&db, &["--json", "actor", "history", "JNIM"]));
    assert_eq!(h, serde_json::json!([]));
}

#[test]
fn family_events_and_unresolved_names_come_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let csv = data(CANDIDATE);
    ok(&veille(&db, &["import", csv.to_str().unwrap()]));

    // Independently: GED rows naming JNIM on either side, starting in 2026.
    let rows = read_csv(&std::fs::read_to_string(&csv).unwrap());
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (a, b, start) = (col("side_a"), col("side_b"), col("date_start"));
    let expected = rows[1..]
        .iter()
        .filter(|r| r.len() == header.len())
        .filter(|r| r[a].contains("JNIM") || r[b].contains("JNIM"))
        .filter(|r| r[start].starts_with("2026"))
        .count();
    assert!(expected > 0);

    let fam = json(&veille(
        &db,
        &[
            "--json",
            "actor",
            "family",
            "JNIM",
            "--events",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
        ],
    ));
    assert_eq!(fam["events"], expected as u64, "{}", fam["spans"]);
    let first = fam["first_events"].as_array().unwrap();
    assert_eq!(first.len(), expected.min(10));

    // `list --actor JNIM` over the same days agrees.
    let listed = json(&veille(
        &db,
        &[
            "--json",
            "list",
            "--actor",
            "JNIM",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
        ],
    ));
    assert_eq!(listed["total"], expected as u64, "{listed}");

    // Every GED side resolves.
    let unresolved = json(&veille(&db, &["--json", "actor", "unresolved"]));
    assert_eq!(unresolved, serde_json::json!([]));
}

#[test]
fn an_unresolved_name_mapped_by_an_analyst_links_on_reimport() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let acled = data("crates/veille-ingest/tests/fixtures/acled/current.csv");
    ok(&veille(
        &db,
        &["import", "--quiet", acled.to_str().unwrap()],
    ));
    let before = json(&veille(&db, &["--json", "actor", "unresolved"]));
    let names: Vec<&str> = before
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Example Armed Group A"), "{before}");

    // The analyst adds the missing actor; the edit is a revision.
    ok(&veille(
        &db,
        &[
            "actor",
            "add",
            "--id",
            "example-armed-group-a",
            "--name",
            "Example Armed Group A",
            "--inter",
            "3",
            "--kind",
            "unidentified",
            "--source",
            "test fixture",
            "--reason",
            "mapping an unresolved name",
        ],
    ));
    // Re-importing the same file now links the name (an update, with a revision).
    let again = ok(&veille(
        &db,
        &["import", "--quiet", acled.to_str().unwrap()],
    ));
    assert!(!again.contains(" 0 updated"), "{again}");
    let after = json(&veille(&db, &["--json", "actor", "unresolved"]));
    assert!(
        after
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["name"] != "Example Armed Group A"),
        "{after}"
    );
    let events = json(&veille(
        &db,
        &["--json", "list", "--actor", "Example Armed Group A"],
    ));
    let e = &events["events"][0];
    let linked = e["actors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["actor_id"] == "example-armed-group-a");
    assert!(linked, "{e}");
    let id = e["id"].as_str().unwrap();
    let hist = json(&veille(&db, &["--json", "history", id]));
    assert_eq!(hist.as_array().unwrap().last().unwrap()["action"], "update");
}
