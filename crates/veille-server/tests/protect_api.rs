//! The protection desk API over real HTTP on SQLite and, when `VEILLE_TEST_DATABASE_URL`
//! is set, on PostgreSQL, with the shipped UCDP GED rows
//! imported: the threat matrix and its cells, overrides, rollups, the warnings board and
//! actions, metrics and reports. Aggregates count only what the caller may see (a
//! confidential event does not move a viewer's numbers); every bad input gets its exact
//! typed error.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::sync::Arc;
use veille_model::Sensitivity;
use veille_server::Role;
use veille_store::EventFilter;

mod common;

use common::{error as err, Browser, Server};

const FILES: [&str; 2] = [
    "ged231_sample1000_mali.csv",
    "ged_candidate_v26_0_7_mali_extract.csv",
];

/// The shared harness's server with the GED rows imported under the rollup contributor
/// `veille serve` attaches, and one user per role (named after it): on SQLite, or on
/// PostgreSQL (`None` when `VEILLE_TEST_DATABASE_URL` is not set).
async fn server(postgres: bool, name: &str) -> Option<Server> {
    let s = if postgres {
        Server::postgres(&format!("protect_{name}")).await?
    } else {
        Server::sqlite().await
    };
    // The threat matrix, cells and rollups below are read from the persisted rollup
    // tables (checked at the end of each story).
    s.store
        .attach_rollups(Arc::new(veille_protect::persist::PocRollups::new(
            veille_protect::RuleSet::shipped().unwrap(),
            Some(veille_actors::Registry::shipped().unwrap().clone()),
        )));
    let opts = veille_ingest::ImportOptions {
        by: "tester".into(),
        enricher: Some(veille_ingest::enrich::StandardEnricher::shipped().unwrap()),
        ..veille_ingest::ImportOptions::default()
    };
    for f in FILES {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data/ucdp")
            .join(f);
        veille_ingest::import_file(s.store.as_ref(), &p, &opts, &mut |_| {})
            .await
            .unwrap();
    }
    for r in Role::ALL {
        s.user(r.code(), *r).await;
    }
    Some(s)
}

async fn login(s: &Server, role: Role) -> Browser {
    common::login(s, role.code()).await
}

fn any_last(m: &Value) -> i64 {
    m["areas"][0]["categories"][0]["vs_previous"]["now"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn sqlite_a_confidential_event_does_not_change_a_viewers_numbers() {
    a_confidential_event_does_not_change_a_viewers_numbers(server(false, "numbers").await.unwrap())
        .await;
}

#[tokio::test]
async fn postgres_a_confidential_event_does_not_change_a_viewers_numbers() {
    if let Some(s) = server(true, "numbers").await {
        a_confidential_event_does_not_change_a_viewers_numbers(s).await;
    }
}

async fn a_confidential_event_does_not_change_a_viewers_numbers(s: Server) {
    let viewer = login(&s, Role::Viewer).await;
    let analyst = login(&s, Role::Analyst).await;
    let q = "/api/assessments?level=admin1&period=2026-08&area=Mopti";
    let cell = "/api/assessments/cell?area=Mopti&period=2026-08&category=any";
    let roll = "/api/rollups?level=admin1&grain=month&from=2026-07-01&to=2026-07-01";
    let (m1, c1, r1) = (
        viewer.json(q).await,
        viewer.json(cell).await,
        viewer.json(roll).await,
    );
    // The cell's drill-down lists exactly the events its "last period" counts.
    assert!(any_last(&m1) > 0);
    assert_eq!(c1["count"].as_i64().unwrap(), any_last(&m1));
    assert_eq!(c1["events"].as_array().unwrap().len() as i64, any_last(&m1));
    let mopti = |r: &Value| {
        r.as_array()
            .unwrap()
            .iter()
            .find(|x| x["area"] == "Mopti")
            .cloned()
            .unwrap()
    };
    assert_eq!(mopti(&r1)["events"].as_i64().unwrap(), any_last(&m1));

    // A confidential copy of a July 2026 Mopti event, with many dead.
    let july = s
        .store
        .list_events(&EventFilter {
            admin1: Some("Mopti".into()),
            date_from: Some(NaiveDate::from_ymd_opt(2026, 7, 1).unwrap()),
            date_to: Some(NaiveDate::from_ymd_opt(2026, 7, 31).unwrap()),
            ..EventFilter::default()
        })
        .await
        .unwrap();
    let mut secret = july
        .into_iter()
        .find(|e| e.date_start.format("%Y-%m").to_string() == "2026-07")
        .unwrap();
    secret.id = uuid::Uuid::now_v7();
    secret.external_ids.clear();
    secret.sensitivity = Sensitivity::Confidential;
    secret.casualties.killed.total = Some(veille_model::Count::exact(99));
    s.store.create_event(&secret, "test", None).await.unwrap();

    assert_eq!(
        viewer.json(q).await,
        m1,
        "the viewer's matrix must not move"
    );
    assert_eq!(viewer.json(cell).await, c1);
    assert_eq!(viewer.json(roll).await, r1);
    // The analyst (confidential clearance) counts it.
    let m2 = analyst.json(q).await;
    assert_eq!(any_last(&m2), any_last(&m1) + 1);
    let c2 = analyst.json(cell).await;
    assert!(c2["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["id"] == secret.id.to_string()));
    let r2 = analyst.json(roll).await;
    assert_eq!(
        mopti(&r2)["killed"].as_i64().unwrap(),
        mopti(&r1)["killed"].as_i64().unwrap() + 99
    );
    // Those numbers came from the persisted rollups: current, and built with the rules
    // and registry the desk reads with (otherwise it would have counted the events).
    let st = s.store.rollup_status().await.unwrap();
    assert!(!st.stale);
    assert_eq!(
        st.fingerprint,
        Some(veille_protect::persist::fingerprint_of(
            &veille_protect::RuleSet::shipped().unwrap(),
            Some(veille_actors::Registry::shipped().unwrap()),
        ))
    );
    s.finish().await;
}

#[tokio::test]
async fn sqlite_assessment_override_and_report_bad_input_is_refused_with_the_reason() {
    assessment_override_and_report_bad_input_is_refused_with_the_reason(
        server(false, "input").await.unwrap(),
    )
    .await;
}

#[tokio::test]
async fn postgres_assessment_override_and_report_bad_input_is_refused_with_the_reason() {
    if let Some(s) = server(true, "input").await {
        assessment_override_and_report_bad_input_is_refused_with_the_reason(s).await;
    }
}

async fn assessment_override_and_report_bad_input_is_refused_with_the_reason(s: Server) {
    let analyst = login(&s, Role::Analyst).await;
    let viewer = login(&s, Role::Viewer).await;
    let (st, code, msg) = err(analyst.get("/api/assessments?period=2019-3").await).await;
    assert_eq!(
        (st, code.as_str(), msg.as_str()),
        (
            StatusCode::BAD_REQUEST,
            "bad_request",
            "period must be YYYY-MM, got '2019-3'"
        )
    );
    let (st, code, msg) = err(analyst
        .get("/api/assessments?period=2026-08&area=Atlantis")
        .await)
    .await;
    assert_eq!((st, code.as_str()), (StatusCode::NOT_FOUND, "not_found"));
    assert!(
        msg.starts_with("no events in an area called 'Atlantis' (known: "),
        "{msg}"
    );
    let (st, _, msg) = err(analyst.get("/api/rollups?level=country").await).await;
    assert_eq!(
        (st, msg.as_str()),
        (
            StatusCode::BAD_REQUEST,
            "level must be admin1, admin2 or gid, got 'country'"
        )
    );
    let (st, _, msg) = err(analyst.get("/api/rollups?grain=year").await).await;
    assert_eq!(
        (st, msg.as_str()),
        (
            StatusCode::BAD_REQUEST,
            "grain must be day, week or month, got 'year'"
        )
    );
    // Every unit level and grain sums to the same number of events.
    let total = |v: &Value| -> i64 {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["events"].as_i64().unwrap())
            .sum()
    };
    let by_region = analyst
        .json("/api/rollups?level=admin1&grain=month&from=2026-07-01&to=2026-07-31")
        .await;
    let by_region_days = analyst
        .json("/api/rollups?level=admin1&grain=day&from=2026-07-01&to=2026-07-31")
        .await;
    assert!(total(&by_region) > 0);
    assert_eq!(total(&by_region), total(&by_region_days));
    let cells = analyst
        .json("/api/rollups?level=gid&grain=month&from=2026-07-01&to=2026-07-31")
        .await;
    assert!(cells[0]["area"].as_str().unwrap().starts_with("gid:"));
    let (st, _, msg) = err(analyst.get("/api/assessments?months=3").await).await;
    assert_eq!(
        (st, msg.as_str()),
        (StatusCode::BAD_REQUEST, "months must be 1 or 2, got 3")
    );
    // A period the data do not cover is explicit "no data", not a low risk.
    let m = analyst
        .json("/api/assessments?period=2027-01&area=Mopti")
        .await;
    assert_eq!(m["no_data"], true);
    assert_eq!(
        m["areas"][0]["no_data"],
        "the data cover 1991-05 to 2026-07; assessing 2027-01 needs 2026-12"
    );

    // Overrides.
    let ov = json!({"area": "Mopti", "period": "2026-08", "category": "6", "likelihood": "very high", "justification": " "});
    let (st, code, msg) = err(analyst.post("/api/assessments/override", &ov).await).await;
    assert_eq!(
        (st, code.as_str(), msg.as_str()),
        (
            StatusCode::BAD_REQUEST,
            "bad_request",
            "an override needs a justification"
        )
    );
    let mut bad_area = ov.clone();
    bad_area["area"] = json!("Atlantis");
    bad_area["justification"] = json!("x");
    let (st, _, msg) = err(analyst.post("/api/assessments/override", &bad_area).await).await;
    assert_eq!(
        (st, msg.as_str()),
        (
            StatusCode::NOT_FOUND,
            "no events in an area called 'Atlantis'"
        )
    );
    let (st, code, _) = err(viewer.post("/api/assessments/override", &bad_area).await).await;
    assert_eq!((st, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"));
    let mut good = ov.clone();
    good["justification"] = json!("FAMa operation announced");
    let (st, code, _) = err(analyst
        .post_no_csrf("/api/assessments/override", &good)
        .await)
    .await;
    assert_eq!((st, code.as_str()), (StatusCode::FORBIDDEN, "csrf_failed"));
    let r = analyst.post("/api/assessments/override", &good).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let o: Value = r.json().await.unwrap();
    assert_eq!(
        (o["area"].as_str(), o["version"].as_u64()),
        (Some("Mopti"), Some(1))
    );
    let m = analyst
        .json("/api/assessments?period=2026-08&area=Mopti")
        .await;
    let ovs = &m["areas"][0]["overrides"];
    assert_eq!(ovs[0]["by"], "analyst");
    assert_eq!(ovs[0]["likelihood"], "VeryHigh");
    assert_eq!(ovs[0]["reason"], "FAMa operation announced");

    // Reports.
    let (st, code, _) = err(viewer
        .post(
            "/api/reports/region",
            &json!({"admin1": "Mopti", "period": "2026-08"}),
        )
        .await)
    .await;
    assert_eq!((st, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"));
    let (st, code, _) = err(analyst
        .post_no_csrf(
            "/api/reports/region",
            &json!({"admin1": "Mopti", "period": "2026-08"}),
        )
        .await)
    .await;
    assert_eq!((st, code.as_str()), (StatusCode::FORBIDDEN, "csrf_failed"));
    let (st, _, msg) = err(analyst
        .post(
            "/api/reports/region",
            &json!({"admin1": "Atlantis", "period": "2026-08"}),
        )
        .await)
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(
        msg.starts_with("no events in a region called 'Atlantis' (known: "),
        "{msg}"
    );
    let r = analyst
        .post(
            "/api/reports/region",
            &json!({"admin1": "Mopti", "period": "2026-08"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let links: Value = r.json().await.unwrap();
    let html = analyst.get(links["html"].as_str().unwrap()).await;
    assert_eq!(html.status(), StatusCode::OK);
    assert_eq!(html.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(
        html.headers()["content-disposition"],
        "attachment; filename=\"Mopti-2026-08.html\""
    );
    let body = html.text().await.unwrap();
    assert!(body.contains("Regional threat assessment — Mopti — 2026-08"));
    assert!(body.contains("<svg") && !body.contains("<script"));
    assert!(
        body.contains("FAMa operation announced"),
        "the override is in the report"
    );
    let md = analyst.get(links["markdown"].as_str().unwrap()).await;
    assert_eq!(md.status(), StatusCode::OK);
    assert!(md
        .text()
        .await
        .unwrap()
        .starts_with("# Regional threat assessment — Mopti"));
    // Made at confidential clearance: a viewer cannot read it.
    let (st, _, msg) = err(viewer.get(links["html"].as_str().unwrap()).await).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert_eq!(msg, format!("no report {}", links["id"].as_str().unwrap()));
    // Export names resist path traversal.
    for (path, name) in [
        ("/api/reports/..%2F..%2FCargo.toml", "../../Cargo.toml"),
        (
            "/api/reports/%2e%2e%2fetc%2fpasswd.html",
            "../etc/passwd.html",
        ),
        ("/api/reports/Mopti-2026-08.html", "Mopti-2026-08.html"),
    ] {
        let (st, code, msg) = err(analyst.get(path).await).await;
        assert_eq!(
            (st, code.as_str()),
            (StatusCode::NOT_FOUND, "not_found"),
            "{path}"
        );
        assert_eq!(
            msg,
            format!("no report named '{name}'; names are <id>.html or <id>.md")
        );
    }
    let other_ext = format!("/api/reports/{}.txt", links["id"].as_str().unwrap());
    let (st, _, _) = err(analyst.get(&other_ext).await).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    s.finish().await;
}

#[tokio::test]
async fn sqlite_the_warning_board_acknowledges_acts_and_measures() {
    the_warning_board_acknowledges_acts_and_measures(server(false, "board").await.unwrap()).await;
}

#[tokio::test]
async fn postgres_the_warning_board_acknowledges_acts_and_measures() {
    if let Some(s) = server(true, "board").await {
        the_warning_board_acknowledges_acts_and_measures(s).await;
    }
}

async fn the_warning_board_acknowledges_acts_and_measures(s: Server) {
    let rules = veille_protect::RuleSet::shipped().unwrap();
    let reg = veille_actors::Registry::shipped().unwrap();
    let cfg = veille_protect::warnings::WarningConfig::default();
    veille_desk::warn::detect_and_save(s.store.as_ref(), &rules, reg, &cfg, "tester")
        .await
        .unwrap();
    let analyst = login(&s, Role::Analyst).await;
    let viewer = login(&s, Role::Viewer).await;
    let all = analyst.json("/api/warnings").await;
    let all = all.as_array().unwrap();
    assert!(all.len() > 2);
    let id = all[0]["warning"]["id"].as_str().unwrap().to_string();

    // A warning with a confidential evidence event disappears for the viewer.
    let hidden = all[1]["warning"].clone();
    let hid = hidden["id"].as_str().unwrap().to_string();
    let ev: uuid::Uuid = hidden["evidence"][0].as_str().unwrap().parse().unwrap();
    let mut e = s.store.get_event(ev).await.unwrap().unwrap();
    e.sensitivity = Sensitivity::Confidential;
    s.store
        .update_event(&e, "test", Some("source protection"))
        .await
        .unwrap();
    veille_desk::warn::detect_and_save(s.store.as_ref(), &rules, reg, &cfg, "tester")
        .await
        .unwrap();
    let seen = viewer.json("/api/warnings").await;
    assert!(!seen
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["warning"]["id"] == hid.as_str()));
    // Every warning citing that event is hidden from the viewer, and only those.
    let now_all = analyst.json("/api/warnings").await;
    let citing = now_all
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| {
            w["warning"]["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x == &json!(ev.to_string()))
        })
        .count();
    assert!(citing >= 1);
    assert_eq!(now_all.as_array().unwrap().len(), all.len());
    assert_eq!(seen.as_array().unwrap().len(), all.len() - citing);
    let (st, _, msg) = err(viewer.get(&format!("/api/warnings/{hid}")).await).await;
    assert_eq!(
        (st, msg),
        (
            StatusCode::NOT_FOUND,
            format!("no stored warning with id {hid}")
        )
    );
    let d = analyst.json(&format!("/api/warnings/{hid}")).await;
    assert!(d["evidence_events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == ev.to_string()));

    // The detail: evidence, explanation, the matrix's entry.
    let d = viewer.json(&format!("/api/warnings/{id}")).await;
    assert!(!d["evidence_events"].as_array().unwrap().is_empty());
    assert!(!d["warning"]["explanation"].as_str().unwrap().is_empty());
    assert_eq!(
        d["status"], "open",
        "just issued: within its time to acknowledge"
    );

    // Acknowledge: role, CSRF, once.
    let ack = format!("/api/warnings/{id}/acknowledge");
    let (st, code, msg) = err(viewer.post(&ack, &json!({})).await).await;
    assert_eq!(
        (st, code.as_str(), msg.as_str()),
        (
            StatusCode::FORBIDDEN,
            "forbidden",
            "your role or token may not acknowledge warnings"
        )
    );
    let (st, code, _) = err(analyst.post_no_csrf(&ack, &json!({})).await).await;
    assert_eq!((st, code.as_str()), (StatusCode::FORBIDDEN, "csrf_failed"));
    let r = analyst.post(&ack, &json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    let w: Value = r.json().await.unwrap();
    assert_eq!(w["acknowledged"]["by"], "analyst");
    let (st, code, msg) = err(analyst.post(&ack, &json!({})).await).await;
    assert_eq!(
        (st, code.as_str(), msg),
        (
            StatusCode::CONFLICT,
            "conflict",
            format!("warning {id} is already acknowledged")
        )
    );

    // Actions.
    let unknown = "0190a0a0-0000-7000-8000-000000000000";
    let act = json!({"owner": "POC officer Mopti", "component": "protection", "tier": "I", "option": "meet the chiefs"});
    let (st, _, msg) = err(analyst
        .post(&format!("/api/warnings/{unknown}/actions"), &act)
        .await)
    .await;
    assert_eq!(
        (st, msg),
        (
            StatusCode::NOT_FOUND,
            format!("no stored warning with id {unknown}")
        )
    );
    let mut bad = act.clone();
    bad["tier"] = json!("IV");
    let (st, _, msg) = err(analyst
        .post(&format!("/api/warnings/{id}/actions"), &bad)
        .await)
    .await;
    assert_eq!(
        (st, msg.as_str()),
        (
            StatusCode::BAD_REQUEST,
            "tier must be I, II or III, got 'IV'"
        )
    );
    let mut bad = act.clone();
    bad["component"] = json!("army");
    let (_, _, msg) = err(analyst
        .post(&format!("/api/warnings/{id}/actions"), &bad)
        .await)
    .await;
    assert_eq!(msg, "unknown component 'army' (the matrix has: civil_affairs, human_rights, humanitarian, police, protection, security)");
    let r = analyst
        .post(&format!("/api/warnings/{id}/actions"), &act)
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let a: Value = r.json().await.unwrap();
    assert_eq!(
        (a["n"].as_u64(), a["status"].as_str()),
        (Some(1), Some("assigned"))
    );
    let set = format!("/api/actions/{id}/1");
    let (st, _, msg) = err(analyst.post(&set, &json!({"status": "done"})).await).await;
    assert_eq!(
        (st, msg.as_str()),
        (
            StatusCode::BAD_REQUEST,
            "closing an action as done needs an outcome note"
        )
    );
    let (st, _, msg) = err(analyst
        .post(
            &format!("/api/actions/{id}/9"),
            &json!({"status": "done", "outcome": "x"}),
        )
        .await)
    .await;
    assert_eq!(
        (st, msg),
        (StatusCode::NOT_FOUND, format!("no action {id}/9"))
    );
    let r = analyst
        .post(
            &set,
            &json!({"status": "done", "outcome": "chiefs reached"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (st, code, msg) = err(analyst
        .post(&set, &json!({"status": "declined", "reason": "x"}))
        .await)
    .await;
    assert_eq!(
        (st, code.as_str(), msg),
        (
            StatusCode::CONFLICT,
            "conflict",
            format!("action {id}/1 is already closed (done)")
        )
    );
    // Acknowledged, every action closed: done.
    let done = analyst.json("/api/warnings?status=done").await;
    assert_eq!(done.as_array().unwrap().len(), 1);
    assert_eq!(done[0]["warning"]["id"], id.as_str());
    let (st, _, msg) = err(analyst.get("/api/warnings?status=bogus").await).await;
    assert_eq!(
        (st, msg.as_str()),
        (
            StatusCode::BAD_REQUEST,
            "status must be open, overdue or done, got 'bogus'"
        )
    );
    let m = analyst.json("/api/metrics/warning-to-action").await;
    let area = all[0]["warning"]["area"]
        .as_str()
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    assert_eq!(m["by_area"][area]["acknowledged"], 1);
    assert_eq!(m["by_component"]["protection"]["warnings"], 1);
    let (st, _, msg) = err(analyst
        .get("/api/metrics/warning-to-action?from=2026-02-01&to=2026-01-01")
        .await)
    .await;
    assert_eq!(
        (st, msg.as_str()),
        (
            StatusCode::BAD_REQUEST,
            "from (2026-02-01) is after to (2026-01-01)"
        )
    );
    s.finish().await;
}
