//! End-to-end tests of `veille atrocity` on the real UCDP GED rows shipped in data/ucdp:
//! suggested scores with evidence, versions with author and reason, a rising score that
//! raises one atrocity warning and then updates it, the diff between versions, the
//! response matrix's entry for it, and refused input with exact messages.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{err, import_ged, json, ok, veille};
use std::path::Path;

fn atrocity_warnings(db: &Path) -> Vec<serde_json::Value> {
    json(&veille(db, &["--json", "warn", "list", "--stored"]))
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == "atrocity")
        .cloned()
        .collect()
}

#[test]
fn versions_suggestions_rise_warning_and_diff() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    import_ged(&db);

    // Suggested scores from the Mopti rows of the 12 months before 2026-08.
    let out = ok(&veille(
        &db,
        &[
            "atrocity", "assess", "--area", "Mopti", "--as-of", "2026-08", "--save",
        ],
    ));
    assert!(out.contains("saved version 1 of Mopti"), "{out}");
    // Factor 1 from deaths: the 2025-08..2026-07 Mopti rows of the GED extract.
    let v1 = json(&veille(
        &db,
        &["--json", "atrocity", "show", "--area", "mopti"],
    ));
    assert_eq!(v1["version"], 1);
    assert_eq!(v1["by"], "tester");
    assert_eq!(v1["reason"], "suggestions refreshed to 2026-08");
    let f1 = &v1["assessment"]["factors"][0];
    assert_eq!(f1["factor"], 1);
    assert!(
        f1["score"].is_null(),
        "suggestions are not analysts' scores"
    );
    let s1 = &f1["suggested"];
    let deaths = s1["value"].as_f64().unwrap();
    assert!(deaths >= 25.0, "{s1}");
    assert_eq!(s1["score"], 2);
    assert!(!s1["events"].as_array().unwrap().is_empty());
    // Factors without a measure stay unscored.
    assert!(v1["assessment"]["factors"][2]["suggested"].is_null());
    let overall1 = v1["overall"].as_u64().unwrap();
    assert!(overall1 < 17, "{v1}");
    // A first assessment in the lowest band raises nothing.
    assert!(atrocity_warnings(&db).is_empty());

    // An analyst scores factor 11 at 3 citing an event and a source: the score rises.
    let out = ok(&veille(
        &db,
        &[
            "atrocity",
            "set",
            "--area",
            "Mopti",
            "--factor",
            "11",
            "--score",
            "3",
            "--justification",
            "repeated attacks on villages by armed groups and militias",
            "--evidence",
            "ged:636941",
            "--evidence",
            "https://example.org/report",
        ],
    ));
    assert!(out.contains("saved version 2 of Mopti"), "{out}");
    assert!(out.contains("warning raised: ["), "{out}");
    let ws = atrocity_warnings(&db);
    assert_eq!(ws.len(), 1, "{ws:?}");
    let w = &ws[0];
    assert_eq!(w["area"], "Mopti");
    assert_eq!(w["updates"], 1);
    let expl = w["explanation"].as_str().unwrap();
    assert!(
        expl.contains("factor 11 Signs of a widespread or systematic attack"),
        "{expl}"
    );
    assert!(expl.contains("https://example.org/report"), "{expl}");
    assert_eq!(w["evidence"].as_array().unwrap().len(), 1);
    let id = w["id"].as_str().unwrap().to_string();

    // The stage rises to 9 (extermination, an emergency): the same warning is updated
    // to critical, not a second one.
    let out = ok(&veille(
        &db,
        &[
            "atrocity",
            "set",
            "--area",
            "Mopti",
            "--stage",
            "9",
            "--justification",
            "Genocide Watch emergency, August 2020",
        ],
    ));
    assert!(out.contains("warning updated: [critical]"), "{out}");
    let ws = atrocity_warnings(&db);
    assert_eq!(ws.len(), 1);
    assert_eq!(ws[0]["id"], id.as_str());
    assert_eq!(ws[0]["level"], "critical");
    assert_eq!(ws[0]["updates"], 2);

    // The response matrix answers the atrocity warning.
    let out = ok(&veille(&db, &["warn", "respond", &id]));
    assert!(
        out.contains("Special Adviser on the Prevention of Genocide"),
        "{out}"
    );

    // Confirming a suggestion at its own value changes no score: no new warning update.
    let out = ok(&veille(
        &db,
        &[
            "atrocity",
            "set",
            "--area",
            "Mopti",
            "--factor",
            "1",
            "--confirm",
            "--justification",
            "deaths confirmed against the GED rows",
        ],
    ));
    assert!(out.contains("saved version 4 of Mopti"), "{out}");
    assert!(!out.contains("warning"), "{out}");

    // History: four versions, with who and why.
    let h = json(&veille(
        &db,
        &["--json", "atrocity", "history", "--area", "Mopti"],
    ));
    let h = h.as_array().unwrap();
    assert_eq!(h.len(), 4);
    assert_eq!(h[2]["stage"], 9);
    assert_eq!(
        h[3]["reason"],
        "factor 1 confirmed at 2: deaths confirmed against the GED rows"
    );
    assert_eq!(
        h[3]["unconfirmed"].as_u64().unwrap() + 2,
        h[0]["unconfirmed"].as_u64().unwrap()
    );

    // Diff 1 → 3: factor 11 rose from its suggestion to the analyst's 3; stage set.
    let d = json(&veille(
        &db,
        &[
            "--json", "atrocity", "diff", "--area", "Mopti", "--from", "1", "--to", "3",
        ],
    ));
    assert_eq!(d["stage"], serde_json::json!([null, 9]));
    let f11 = d["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["factor"] == 11)
        .unwrap();
    assert_eq!(f11["to"], 3);
    assert_eq!(f11["to_status"], "changed");
    assert_eq!(
        d["overall"][1].as_u64().unwrap(),
        d["overall"][0].as_u64().unwrap() + 3 - f11["from"].as_u64().unwrap_or(0)
    );
    let text = ok(&veille(&db, &["atrocity", "diff", "--area", "Mopti"]));
    assert!(text.contains("factor  1 Situations of armed conflict or other forms of instability: 2 (suggested) → 2 (confirmed)"), "{text}");
}

#[test]
fn refused_input_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    import_ged(&db);
    assert_eq!(
        err(&veille(&db, &["atrocity", "show", "--area", "Mopti"])),
        "error: no atrocity-risk assessment stored for 'Mopti' (run veille atrocity assess --area Mopti --save, or veille atrocity set)"
    );
    assert_eq!(
        err(&veille(&db, &["atrocity", "assess", "--area", "Atlantis"])),
        "error: no event in area 'Atlantis': an area is 'country' or a region (admin1) name"
    );
    let set = |extra: &[&str]| {
        let mut a = vec![
            "atrocity",
            "set",
            "--area",
            "country",
            "--justification",
            "j",
        ];
        a.extend_from_slice(extra);
        err(&veille(&db, &a))
    };
    assert_eq!(
        set(&["--factor", "15", "--score", "1"]),
        "error: unknown risk factor 15 (expected 1 to 14)"
    );
    assert_eq!(
        set(&["--factor", "3", "--score", "4"]),
        "error: score 4 is outside the scale 0 to 3"
    );
    assert_eq!(
        set(&["--factor", "3", "--confirm"]),
        "error: factor 3 has no suggested score to confirm: give a score"
    );
    assert_eq!(
        set(&["--factor", "3"]),
        "error: give --score N or --confirm (to accept the suggested score)"
    );
    assert_eq!(
        set(&["--stage", "11"]),
        "error: unknown stage 11 (expected 1 to 10)"
    );
    assert_eq!(
        set(&["--factor", "2", "--score", "1", "--evidence", "ged:1"]),
        "error: no event with external id ged:1"
    );
    let bad = dir.path().join("fw.toml");
    std::fs::write(&bad, "[scale]\nmax = 3\nlevels = []\nbands = []\n").unwrap();
    assert_eq!(
        err(&veille(
            &db,
            &[
                "atrocity",
                "history",
                "--area",
                "country",
                "--framework",
                bad.to_str().unwrap()
            ]
        )),
        format!(
            "error: {}:3: scale levels must list the scores 0 to 3 in order, got []",
            bad.display()
        )
    );
    // Nothing was stored by the refused commands.
    assert!(
        err(&veille(&db, &["atrocity", "history", "--area", "country"]))
            .starts_with("error: no atrocity-risk assessment stored for 'country'")
    );
}
