//! End-to-end tests of `veille review …`, `veille dedup …`, `veille merge` and
//! `veille unmerge` on a real SQLite database: drafts queued from JSON, accepted (with an
//! edit) or rejected, candidates for a draft, whole-database clusters, merge and unmerge.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use chrono::{NaiveDate, TimeZone, Utc};
use common::{err, json, ok, veille};
use std::path::Path;
use veille_model::{
    ActorParticipation, ActorRole, AdminUnit, Attribution, Count, Credibility, Event, ExternalId,
    Reliability, Source, SubEventType,
};

/// The Bouka Were ambush of 13 June 2020 as one source reports it.
fn report(publisher: &str, killed: u32, lat: f64, ext: Option<&str>) -> Event {
    let day = NaiveDate::from_ymd_opt(2020, 6, 13).unwrap();
    let now = Utc.with_ymd_and_hms(2020, 6, 14, 8, 0, 0).unwrap();
    let mut e = Event::new(day, SubEventType::ArmedClash, "MLI", "extractor", now);
    e.location.place_name = Some("Bouka Were".into());
    e.location.admin1 = Some(AdminUnit::named("Ségou"));
    e.location.admin2 = Some(AdminUnit::named("Niono"));
    e.location.latitude = Some(lat);
    e.location.longitude = Some(-5.9);
    e.casualties.killed.total = Some(Count::exact(killed));
    e.actors.push(ActorParticipation {
        actor_id: Some("jnim".into()),
        name: "JNIM".into(),
        role: ActorRole::Perpetrator,
        side: None,
        attribution: Attribution::Claimed,
        inter_code: None,
        source_actor_id: None,
    });
    e.sources.push(Source {
        publisher: publisher.into(),
        ..Source::default()
    });
    e.external_ids = ext.map(|x| vec![ExternalId(x.into())]).unwrap_or_default();
    e
}

/// Writes a draft file for `event`, returns its path.
fn draft_file(dir: &Path, name: &str, event: &Event, text: &str) -> std::path::PathBuf {
    let draft = serde_json::json!({
        "event": event,
        "evidence": {"killed": {"span": [40, 42], "confidence": 0.9}},
        "report_text": text,
        "source": Source {
            publisher: "Studio Tamani".into(),
            reliability: Reliability::B,
            credibility: Credibility::ProbablyTrue,
            ..Source::default()
        },
    });
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(&draft).unwrap()).unwrap();
    p
}

fn add(db: &Path, file: &Path) -> String {
    let ids = json(&veille(
        db,
        &["--json", "review", "add", file.to_str().unwrap()],
    ));
    ids[0].as_str().unwrap().to_string()
}

#[test]
fn review_queue_accept_edit_reject() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let text = "Le 13 juin 2020, une embuscade près de Bouka Were a tué 24 soldats.";
    let f1 = draft_file(dir.path(), "d1.json", &report("x", 24, 14.5, None), text);
    let f2 = draft_file(dir.path(), "d2.json", &report("y", 3, 13.0, None), "autre");
    let d1 = add(&db, &f1);
    let d2 = add(&db, &f2);

    let list = ok(&veille(&db, &["review", "list"]));
    assert!(list.contains(&d1) && list.contains(&d2), "{list}");
    assert!(list.contains("2 drafts"), "{list}");
    assert!(list.contains("B2"), "{list}");
    let show = ok(&veille(&db, &["review", "show", &d1]));
    assert!(show.contains("Studio Tamani [B2]"), "{show}");
    assert!(show.contains("  | Le 13 juin 2020"), "{show}");
    assert!(show.contains("#1"), "{show}");

    // Accept with an edit: the analyst corrects the toll.
    let mut edited = report("x", 24, 14.5, None);
    let drafted = json(&veille(&db, &["--json", "review", "show", &d1]));
    edited.id = serde_json::from_value(drafted["draft"]["event"]["id"].clone()).unwrap();
    edited.casualties.killed.total = Some(Count::exact(26));
    let ef = dir.path().join("edit.json");
    std::fs::write(&ef, serde_json::to_string(&edited).unwrap()).unwrap();
    let out = ok(&veille(
        &db,
        &["review", "accept", &d1, "--edit", ef.to_str().unwrap()],
    ));
    assert!(
        out.starts_with(&format!("accepted draft {d1} (edited): created event ")),
        "{out}"
    );
    let event_id = out.trim().rsplit(' ').next().unwrap().to_string();
    let ev = json(&veille(&db, &["--json", "show", &event_id]));
    assert_eq!(ev["casualties"]["killed"]["total"]["best"], 26);
    let pubs: Vec<&str> = ev["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["publisher"].as_str().unwrap())
        .collect();
    assert_eq!(pubs, ["x", "Studio Tamani"]);
    let hist = ok(&veille(&db, &["history", &event_id]));
    assert!(
        hist.contains(&format!("accepted from draft {d1}")),
        "{hist}"
    );
    let shown = ok(&veille(&db, &["review", "show", &d1]));
    assert!(
        shown.contains("casualties.killed.total.best: 24 → 26"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!("accepted (event {event_id})")),
        "{shown}"
    );

    // Twice, and reject after accept: exact errors.
    assert_eq!(
        err(&veille(&db, &["review", "accept", &d1])),
        format!("error: draft {d1} is already accepted")
    );
    assert_eq!(
        err(&veille(&db, &["review", "reject", &d1, "--reason", "dup"])),
        format!("error: draft {d1} is already accepted")
    );
    // Reject needs a reason.
    assert_eq!(
        err(&veille(&db, &["review", "reject", &d2, "--reason", " "])),
        "error: a rejection needs a reason"
    );
    let out = ok(&veille(
        &db,
        &["review", "reject", &d2, "--reason", "not in Mali"],
    ));
    assert_eq!(out.trim(), format!("rejected draft {d2}: not in Mali"));
    assert!(ok(&veille(&db, &["review", "list"])).contains("0 drafts"));
    let rejected = ok(&veille(&db, &["review", "list", "--status", "rejected"]));
    assert!(rejected.contains(&d2), "{rejected}");

    // Bad input never panics.
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{\"event\": 3}").unwrap();
    let e = err(&veille(&db, &["review", "add", junk.to_str().unwrap()]));
    assert!(e.contains("draft 1: not a draft"), "{e}");
    assert_eq!(
        err(&veille(&db, &["review", "show", "nope"])),
        "error: 'nope' is not a draft id (UUID)"
    );
}

#[test]
fn dedup_candidates_clusters_merge_unmerge() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    // Two accepted reports of one ambush (from GED and ACLED), one unrelated event, and
    // a new draft of the same ambush.
    let mut ids = Vec::new();
    for (i, (publ, killed, lat, ext)) in [
        ("UCDP", 24, 14.50, "ged:1"),
        ("ACLED", 24, 14.527, "acled:TST1"),
        ("AFP", 5, 13.2, "ged:2"),
    ]
    .into_iter()
    .enumerate()
    {
        let f = draft_file(
            dir.path(),
            &format!("e{i}.json"),
            &report(publ, killed, lat, Some(ext)),
            "t",
        );
        let d = add(&db, &f);
        let ev = json(&veille(&db, &["--json", "review", "accept", &d]));
        ids.push(ev["id"].as_str().unwrap().to_string());
    }
    let mut new = report("Radio", 24, 14.51, None);
    new.date_start = NaiveDate::from_ymd_opt(2020, 6, 14).unwrap();
    new.date_end = new.date_start;
    let draft = add(&db, &draft_file(dir.path(), "new.json", &new, "t"));

    let out = ok(&veille(&db, &["dedup", "candidates", &draft]));
    assert!(out.starts_with(&format!("draft {draft}")), "{out}");
    assert!(
        out.contains(
            "same day ±1, 1 km apart, both Armed clash, killed 24 vs 24, same perpetrator"
        ),
        "{out}"
    );
    assert!(
        out.contains(&ids[0]) && out.contains(&ids[1]) && !out.contains(&ids[2]),
        "{out}"
    );
    let j = json(&veille(&db, &["--json", "dedup", "candidates", "ged:1"]));
    let c = j["candidates"].as_array().unwrap();
    assert_eq!(c.len(), 1, "{j}");
    assert_eq!(c[0]["b"], ids[1].as_str());

    // Whole database: one cluster of the two stored reports.
    let scan = json(&veille(&db, &["--json", "dedup"]));
    assert_eq!(scan["clusters_total"], 1, "{scan}");
    let members = scan["report"]["clusters"][0]["members"].as_array().unwrap();
    let mut want = vec![ids[0].clone(), ids[1].clone()];
    want.sort();
    assert_eq!(
        members
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect::<Vec<_>>(),
        want
    );

    // Merge by external ids, then undo.
    let before_a = json(&veille(&db, &["--json", "show", &ids[0]]));
    let before_b = json(&veille(&db, &["--json", "show", &ids[1]]));
    assert_eq!(
        err(&veille(&db, &["merge", "ged:1", "ged:1"])),
        format!("error: cannot merge event {} with itself", ids[0])
    );
    assert_eq!(
        err(&veille(&db, &["unmerge", &ids[1]])),
        format!(
            "error: event {} was never merged into another event",
            ids[1]
        )
    );
    let out = ok(&veille(
        &db,
        &["merge", "ged:1", "acled:TST1", "--reason", "same ambush"],
    ));
    assert!(
        out.starts_with(&format!("merged {} into {}", ids[1], ids[0])),
        "{out}"
    );
    let listed = json(&veille(&db, &["--json", "list"]));
    assert_eq!(listed["total"], 2);
    let a = json(&veille(&db, &["--json", "show", "acled:TST1"]));
    assert_eq!(a["id"], ids[0].as_str());
    assert_eq!(
        a["external_ids"],
        serde_json::json!(["ged:1", "acled:TST1"])
    );
    // The union: the shared report source once.
    let pubs: Vec<&str> = a["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["publisher"].as_str().unwrap())
        .collect();
    assert_eq!(pubs, ["UCDP", "Studio Tamani", "ACLED"]);
    // Merged events are not proposed again.
    assert_eq!(
        json(&veille(&db, &["--json", "dedup"]))["clusters_total"],
        0
    );
    let out = ok(&veille(
        &db,
        &["unmerge", &ids[1], "--reason", "two ambushes"],
    ));
    assert_eq!(
        out.trim(),
        format!("unmerged {} from {}: both restored", ids[1], ids[0])
    );
    let after_a = json(&veille(&db, &["--json", "show", &ids[0]]));
    let after_b = json(&veille(&db, &["--json", "show", &ids[1]]));
    let strip = |mut v: serde_json::Value| {
        v.as_object_mut().unwrap().remove("audit");
        v
    };
    assert_eq!(strip(after_a), strip(before_a));
    assert_eq!(strip(after_b), strip(before_b));
    let hist = ok(&veille(&db, &["history", &ids[1]]));
    assert!(
        hist.contains("merged into event") && hist.contains("unmerged from event"),
        "{hist}"
    );

    // A retracted event cannot be merged.
    ok(&veille(&db, &["retract", &ids[2], "--reason", "wrong"]));
    assert_eq!(
        err(&veille(&db, &["merge", &ids[0], &ids[2]])),
        format!("error: cannot merge event {}: it is retracted", ids[2])
    );
}
