//! The review queue, duplicates and merges, places and actors over real HTTP, on SQLite
//! and (with `VEILLE_TEST_DATABASE_URL`) PostgreSQL: drafts extracted from a real report
//! by veille-extract, accepted as proposed and edited, rejected; likely duplicates scored
//! by veille-dedup; merges checked before they happen and undone; place resolution and
//! reverse geocoding; the actor registry with its events counted within clearance; the
//! role × endpoint matrix; every refusal with its exact code and message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{NaiveDate, Utc};
use common::*;
use reqwest::header::{CONTENT_TYPE, COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uuid::Uuid;
use veille_model::{
    ActorParticipation, ActorRole, Attribution, Count, Credibility, Event, ExternalId,
    GeoPrecision, Reliability, Sensitivity, Source, SubEventType,
};
use veille_server::{Permission, Role};
use veille_store::NewDraft;

const REPORT: &str = "Le samedi 23 mars 2019, des hommes armés ont attaqué le village \
d'Ogossagou, dans le cercle de Bankass (région de Mopti), tuant 157 civils.";

/// Drafts of `REPORT` as `veille extract --queue` makes them: the real extractor over
/// the shipped geography and registry.
fn extracted(sensitivity: Sensitivity) -> NewDraft {
    let geo = veille_ingest::enrich::shipped_geo().unwrap();
    let reg = veille_actors::Registry::shipped().unwrap();
    let x = veille_extract::Extractor::new(geo, reg);
    let report = veille_extract::Report {
        id: Some("minusma-2019-03-25".into()),
        text: REPORT.into(),
        report_date: NaiveDate::from_ymd_opt(2019, 3, 25),
        country: Some("MLI".into()),
    };
    let out = x.extract(&report);
    let d = out
        .drafts()
        .first()
        .expect("the report reads as an incident");
    let source = Source {
        publisher: "MINUSMA".into(),
        reliability: Reliability::B,
        credibility: Credibility::ProbablyTrue,
        ..Source::default()
    };
    let mut nd = d.to_new_draft(&report.text, source).unwrap();
    nd.event.sensitivity = sensitivity;
    nd
}

async fn queue(s: &Server, sensitivity: Sensitivity) -> (Uuid, Uuid) {
    let d = s
        .store
        .create_draft(&extracted(sensitivity), "extractor")
        .await
        .unwrap();
    (d.id, d.event.id)
}

async fn post_raw(
    s: &Server,
    b: &Browser,
    path: &str,
    body: &'static str,
    ctype: Option<&'static str>,
) -> reqwest::Response {
    let mut r = client()
        .post(s.url(path))
        .header(COOKIE, &b.cookie)
        .header("x-csrf-token", &b.csrf);
    if let Some(c) = ctype {
        r = r.header(CONTENT_TYPE, c);
    }
    r.body(body).send().await.unwrap()
}

// ------------------------------------------------------------------- review queue

async fn review_queue(s: &Server) {
    s.user("ana", Role::Analyst).await;
    s.user("hro", Role::HumanRightsOfficer).await;
    s.user("vic", Role::Viewer).await;
    let ana = login(s, "ana").await;
    let hro = login(s, "hro").await;
    let vic = login(s, "vic").await;
    let (d1, e1) = queue(s, Sensitivity::Restricted).await;
    let (d2, _) = queue(s, Sensitivity::Confidential).await;
    let (d3, _) = queue(s, Sensitivity::Restricted).await;
    let (secret, _) = queue(s, Sensitivity::StrictlyConfidential).await;

    // The queue, within clearance: the analyst does not see the strictly confidential draft.
    let page = ok_json(ana.get("/api/drafts").await, StatusCode::OK).await;
    assert_eq!(page["total"], 3);
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [d1.to_string(), d2.to_string(), d3.to_string()],
        "oldest first"
    );
    let row = &page["items"][0];
    assert_eq!(row["status"], "draft");
    assert_eq!(row["grade"], "B2");
    assert_eq!(row["publisher"], "MINUSMA");
    assert_eq!(row["killed"], 157);
    assert_eq!(row["date_start"], "2019-03-23");
    assert!(row["excerpt"]
        .as_str()
        .unwrap()
        .starts_with("Le samedi 23 mars"));
    let page = ok_json(hro.get("/api/drafts").await, StatusCode::OK).await;
    assert_eq!(page["total"], 4, "strictly confidential for the HR officer");
    let (st, code, msg) = error(ana.get(&format!("/api/drafts/{secret}")).await).await;
    assert_eq!(
        (st, code.as_str(), msg),
        (
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no draft with id {secret}")
        ),
        "above clearance it does not exist"
    );
    // The viewer may not review.
    assert_eq!(
        error(vic.get("/api/drafts").await).await,
        (
            StatusCode::FORBIDDEN,
            "forbidden".into(),
            "your role or token may not read the review queue".into()
        )
    );

    // One draft: the report, its evidence spans located in it, the history.
    let d = ok_json(ana.get(&format!("/api/drafts/{d1}")).await, StatusCode::OK).await;
    assert_eq!(d["draft"]["report_text"], REPORT);
    let chars: Vec<char> = REPORT.chars().collect();
    let spans = d["spans"].as_array().unwrap();
    assert!(spans.len() >= 3, "{spans:?}");
    for sp in spans {
        let (a, b) = (
            sp["start"].as_u64().unwrap() as usize,
            sp["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            sp["text"].as_str().unwrap(),
            chars[a..b].iter().collect::<String>()
        );
    }
    let fields: Vec<&str> = spans.iter().map(|s| s["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"killed"), "{fields:?}");
    let place = spans
        .iter()
        .find(|s| s["field"] == "location")
        .expect("a location span");
    assert_eq!(place["text"], "Ogossagou", "{spans:?}");
    let killed = spans.iter().find(|s| s["field"] == "killed").unwrap();
    assert!(killed["text"].as_str().unwrap().contains("157"), "{killed}");
    assert_eq!(d["history"][0]["action"], "create");

    // Accept as proposed (empty body): the event exists and is listed.
    let e = ok_json(
        post_raw(s, &ana, &format!("/api/drafts/{d1}/accept"), "", None).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(e["id"], e1.to_string());
    assert_eq!(e["audit"]["created_by"], "ana");
    let got = ok_json(ana.get(&format!("/api/events/{e1}")).await, StatusCode::OK).await;
    assert!(
        got["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["publisher"] == "MINUSMA" && x["reliability"] == "b"),
        "the report's graded source is on the event: {}",
        got["sources"]
    );
    let h = ok_json(
        ana.get(&format!("/api/events/{e1}/history")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(h[0]["reason"], format!("accepted from draft {d1}"));
    let d = ok_json(ana.get(&format!("/api/drafts/{d1}")).await, StatusCode::OK).await;
    assert_eq!(d["draft"]["status"], "accepted");
    assert_eq!(d["draft"]["event_id"], e1.to_string());
    assert_eq!(d["history"][1]["action"], "accept");
    // Twice: the exact conflict.
    assert_eq!(
        error(
            ana.post(&format!("/api/drafts/{d1}/accept"), &json!({}))
                .await
        )
        .await,
        (
            StatusCode::CONFLICT,
            "conflict".into(),
            format!("draft {d1} is already accepted")
        )
    );
    let acc = ok_json(ana.get("/api/drafts?status=accepted").await, StatusCode::OK).await;
    assert_eq!(acc["total"], 1);

    // Accept edited: the analyst's change is kept, the id is the draft's, the place is
    // enriched again, and the accept revision lists the change.
    let d2v = ok_json(ana.get(&format!("/api/drafts/{d2}")).await, StatusCode::OK).await;
    let mut ev: Event = serde_json::from_value(d2v["draft"]["event"].clone()).unwrap();
    ev.notes = "Vérifié avec le rapport de la MINUSMA.".into();
    ev.id = Uuid::now_v7(); // forced back to the draft's event id
    let e2 = ok_json(
        ana.post(&format!("/api/drafts/{d2}/accept"), &json!({ "event": ev }))
            .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(e2["id"], d2v["draft"]["event"]["id"]);
    assert_eq!(e2["notes"], "Vérifié avec le rapport de la MINUSMA.");
    assert_eq!(e2["location"]["admin1"]["name"], "Mopti");
    let d2h = ok_json(ana.get(&format!("/api/drafts/{d2}")).await, StatusCode::OK).await;
    let changes = d2h["history"][1]["changes"].as_array().unwrap();
    assert!(changes.iter().any(|c| c["field"] == "notes"), "{changes:?}");

    // An edit above the analyst's clearance is refused, and changes nothing.
    let mut high: Event = serde_json::from_value(d2v["draft"]["event"].clone()).unwrap();
    high.sensitivity = Sensitivity::StrictlyConfidential;
    assert_eq!(
        error(
            ana.post(
                &format!("/api/drafts/{d3}/accept"),
                &json!({ "event": high })
            )
            .await
        )
        .await,
        (
            StatusCode::FORBIDDEN,
            "forbidden".into(),
            "your role or token may not create a record above your own clearance".into()
        )
    );

    // Reject: a reason is required; then rejected; then a conflict.
    assert_eq!(
        error(
            ana.post(
                &format!("/api/drafts/{d3}/reject"),
                &json!({"reason": "   "})
            )
            .await
        )
        .await,
        (
            StatusCode::BAD_REQUEST,
            "bad_request".into(),
            "a rejection needs a reason".into()
        )
    );
    let r = ok_json(
        ana.post(
            &format!("/api/drafts/{d3}/reject"),
            &json!({"reason": "same incident as an accepted draft"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(r["status"], "rejected");
    assert_eq!(
        error(post_raw(s, &ana, &format!("/api/drafts/{d3}/accept"), "", None).await).await,
        (
            StatusCode::CONFLICT,
            "conflict".into(),
            format!("draft {d3} is already rejected")
        )
    );
    let dh = ok_json(ana.get(&format!("/api/drafts/{d3}")).await, StatusCode::OK).await;
    assert_eq!(
        dh["history"][1]["reason"],
        "same incident as an accepted draft"
    );
    let all = ok_json(ana.get("/api/drafts?status=all").await, StatusCode::OK).await;
    assert_eq!(all["total"], 3);
    let waiting = ok_json(ana.get("/api/drafts").await, StatusCode::OK).await;
    assert_eq!(waiting["total"], 0);
    let waiting = ok_json(hro.get("/api/drafts").await, StatusCode::OK).await;
    assert_eq!(waiting["total"], 1);
}

#[tokio::test]
async fn sqlite_review_queue() {
    let s = Server::sqlite().await;
    review_queue(&s).await;
    s.finish().await;
}

#[tokio::test]
async fn postgres_review_queue() {
    let Some(s) = Server::postgres("review").await else {
        return;
    };
    review_queue(&s).await;
    s.finish().await;
}

#[tokio::test]
async fn review_bad_input() {
    let s = Server::sqlite().await;
    s.user("ana", Role::Analyst).await;
    let ana = login(&s, "ana").await;
    let (d, _) = queue(&s, Sensitivity::Restricted).await;
    let accept = format!("/api/drafts/{d}/accept");
    assert_eq!(
        error(post_raw(&s, &ana, &accept, "{not json", Some("application/json")).await).await,
        (
            StatusCode::BAD_REQUEST,
            "invalid_json".into(),
            "the body is not valid JSON: Failed to parse the request body as JSON: key must be a string at line 1 column 2".into()
        )
    );
    let (st, code, msg) = error(
        post_raw(
            &s,
            &ana,
            &accept,
            "{\"evnt\": {}}",
            Some("application/json"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (st, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_json")
    );
    assert!(msg.contains("unknown field `evnt`"), "{msg}");
    assert_eq!(
        error(post_raw(&s, &ana, &accept, "{}", Some("text/plain")).await).await,
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type".into(),
            "send the body as application/json".into()
        )
    );
    let (st, code, _) = error(
        post_raw(
            &s,
            &ana,
            &format!("/api/drafts/{d}/reject"),
            "{\"reason\": 5}",
            Some("application/json"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (st, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_json")
    );
    // Missing and forged CSRF tokens.
    for token in [None, Some("forged")] {
        let mut r = client()
            .post(s.url(&accept))
            .header(COOKIE, &ana.cookie)
            .json(&json!({}));
        if let Some(t) = token {
            r = r.header("x-csrf-token", t);
        }
        assert_eq!(
            error(r.send().await.unwrap()).await,
            (
                StatusCode::FORBIDDEN,
                "csrf_failed".into(),
                "missing or wrong X-CSRF-Token header".into()
            )
        );
    }
    // Unknown ids.
    let nobody = Uuid::now_v7();
    assert_eq!(
        error(ana.get(&format!("/api/drafts/{nobody}")).await).await,
        (
            StatusCode::NOT_FOUND,
            "not_found".into(),
            format!("no draft with id {nobody}")
        )
    );
    assert_eq!(
        error(post_raw(&s, &ana, "/api/drafts/..%2F..%2Fetc/accept", "", None).await).await,
        (
            StatusCode::NOT_FOUND,
            "not_found".into(),
            "no draft '../../etc'".into()
        )
    );
    assert_eq!(
        error(ana.get("/api/drafts?status=maybe").await).await,
        (
            StatusCode::BAD_REQUEST,
            "bad_request".into(),
            "status: 'maybe' is not one of draft, accepted, rejected, all".into()
        )
    );
    assert_eq!(
        error(ana.get("/api/drafts?limit=0").await).await,
        (
            StatusCode::BAD_REQUEST,
            "bad_request".into(),
            "limit must be between 1 and 500".into()
        )
    );
    // Nothing above was decided.
    let still = ok_json(ana.get(&format!("/api/drafts/{d}")).await, StatusCode::OK).await;
    assert_eq!(still["draft"]["status"], "draft");
    s.finish().await;
}

// ------------------------------------------------------------- duplicates and merges

fn incident(
    day: u32,
    lat: f64,
    lon: f64,
    killed: u32,
    ext: &str,
    sensitivity: Sensitivity,
) -> Event {
    let geo = veille_ingest::enrich::shipped_geo().unwrap();
    let mut e = Event::new(
        NaiveDate::from_ymd_opt(2020, 6, day).unwrap(),
        SubEventType::ArmedClash,
        "MLI",
        "test",
        Utc::now(),
    );
    let (scheme, local) = ext.split_once(':').unwrap();
    e.external_ids.push(ExternalId::new(scheme, local));
    e.location.latitude = Some(lat);
    e.location.longitude = Some(lon);
    e.location.geo_precision = GeoPrecision::Exact;
    geo.enrich(&mut e.location);
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
    e.sensitivity = sensitivity;
    e
}

async fn put(s: &Server, e: &Event) -> Uuid {
    s.store.create_event(e, "test", None).await.unwrap();
    e.id
}

async fn merges(s: &Server) {
    s.user("ana", Role::Analyst).await;
    s.user("hro", Role::HumanRightsOfficer).await;
    s.user("po", Role::ProtectionOfficer).await;
    s.user("vic", Role::Viewer).await;
    let ana = login(s, "ana").await;
    let hro = login(s, "hro").await;
    let po = login(s, "po").await;
    let vic = login(s, "vic").await;
    let p = Sensitivity::Restricted;
    // Bouka Weré, Niono cercle: GED and ACLED report the same ambush.
    let a = put(s, &incident(13, 14.50, -5.90, 24, "ged:900001", p)).await;
    let b = put(s, &incident(13, 14.51, -5.91, 24, "acled:MLI9001", p)).await;
    let far = put(s, &incident(13, 16.27, -0.04, 3, "acled:MLI9002", p)).await;
    let conf = put(
        s,
        &incident(
            14,
            14.50,
            -5.90,
            24,
            "acled:MLI9003",
            Sensitivity::Confidential,
        ),
    )
    .await;
    let secret = put(
        s,
        &incident(
            13,
            14.50,
            -5.90,
            24,
            "hrdb:42",
            Sensitivity::StrictlyConfidential,
        ),
    )
    .await;
    let gone = put(s, &incident(13, 14.50, -5.90, 24, "acled:MLI9004", p)).await;
    s.store
        .retract_event(gone, "test", "entered twice")
        .await
        .unwrap();

    // Candidates: scored and explained, within clearance, retracted events never offered.
    let dup = ok_json(
        ana.get(&format!("/api/events/{a}/duplicates")).await,
        StatusCode::OK,
    )
    .await;
    let ids: Vec<&str> = dup["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["event"]["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&b.to_string().as_str()), "{dup}");
    assert!(ids.contains(&conf.to_string().as_str()), "{dup}");
    for hidden in [far, secret, gone, a] {
        assert!(
            !ids.contains(&hidden.to_string().as_str()),
            "{hidden}: {dup}"
        );
    }
    let top = &dup["candidates"][0];
    assert_eq!(top["event"]["id"], b.to_string());
    assert!(top["score"].as_f64().unwrap() >= 0.9, "{top}");
    assert!(
        top["explanation"].as_str().unwrap().contains("same day"),
        "{top}"
    );
    assert_eq!(top["event"]["external_ids"][0], "acled:MLI9001");
    assert_eq!(dup["threshold"], 0.7);
    let hdup = ok_json(
        hro.get(&format!("/api/events/{a}/duplicates")).await,
        StatusCode::OK,
    )
    .await;
    assert!(
        hdup.to_string().contains(&secret.to_string()),
        "the HR officer sees the strictly confidential twin"
    );
    // The viewer sees candidates blurred: no place name, admin2 precision.
    let vdup = ok_json(
        vic.get(&format!("/api/events/{a}/duplicates")).await,
        StatusCode::OK,
    )
    .await;
    for c in vdup["candidates"].as_array().unwrap() {
        assert!(c["event"]["sensitivity"] != "confidential", "{c}");
    }

    // Refusals, each before anything is merged.
    let m = |id: Uuid| format!("/api/events/{id}/merge");
    assert_eq!(
        error(ana.post(&m(a), &json!({"absorb": [a.to_string()]})).await).await,
        (
            StatusCode::BAD_REQUEST,
            "bad_request".into(),
            format!("cannot merge event {a} with itself")
        )
    );
    assert_eq!(
        error(
            ana.post(&m(a), &json!({"absorb": [b.to_string(), gone.to_string()]}))
                .await
        )
        .await,
        (
            StatusCode::CONFLICT,
            "conflict".into(),
            format!("cannot merge event {gone}: it is retracted")
        )
    );
    assert_eq!(
        error(
            ana.post(&m(gone), &json!({"absorb": [b.to_string()]}))
                .await
        )
        .await,
        (
            StatusCode::CONFLICT,
            "conflict".into(),
            format!("cannot merge event {gone}: it is retracted")
        )
    );
    assert_eq!(
        error(
            ana.post(&m(a), &json!({"absorb": [conf.to_string()]}))
                .await
        )
        .await,
        (
            StatusCode::CONFLICT,
            "conflict".into(),
            format!(
                "event {conf} is confidential but event {a} is only restricted: the survivor \
                 would show its sources at a lower level; raise the survivor's sensitivity \
                 or merge the other way"
            )
        )
    );
    assert_eq!(
        error(
            ana.post(&m(a), &json!({"absorb": [secret.to_string()]}))
                .await
        )
        .await,
        (
            StatusCode::NOT_FOUND,
            "not_found".into(),
            format!("no event '{secret}'")
        ),
        "above clearance it does not exist"
    );
    let nobody = Uuid::now_v7();
    assert_eq!(
        error(
            ana.post(&m(nobody), &json!({"absorb": [b.to_string()]}))
                .await
        )
        .await,
        (
            StatusCode::NOT_FOUND,
            "not_found".into(),
            format!("no event '{nobody}'")
        )
    );
    assert_eq!(
        error(ana.post(&m(a), &json!({"absorb": []})).await).await,
        (
            StatusCode::BAD_REQUEST,
            "bad_request".into(),
            "absorb: name at least one event to merge into this one".into()
        )
    );
    assert_eq!(
        error(
            ana.post(&m(a), &json!({"absorb": [b.to_string(), b.to_string()]}))
                .await
        )
        .await,
        (
            StatusCode::BAD_REQUEST,
            "bad_request".into(),
            format!("absorb: event {b} is named twice")
        )
    );
    assert_eq!(
        error(po.post(&m(a), &json!({"absorb": [b.to_string()]})).await).await,
        (
            StatusCode::FORBIDDEN,
            "forbidden".into(),
            "your role or token may not merge events".into()
        )
    );
    let no_csrf = client()
        .post(s.url(&m(a)))
        .header(COOKIE, &ana.cookie)
        .json(&json!({"absorb": [b.to_string()]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error(no_csrf).await.1,
        "csrf_failed",
        "a merge needs the CSRF token"
    );
    assert!(s.store.merges_of(a).await.unwrap().is_empty());

    // The merge: the survivor carries both external ids, the absorbed one leaves the list.
    let before = ok_json(ana.get("/api/events?limit=100").await, StatusCode::OK).await;
    let merged = ok_json(
        ana.post(
            &m(a),
            &json!({"absorb": ["acled:MLI9001"], "reason": "same ambush in GED and ACLED"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(merged["merges"][0]["absorbed"], b.to_string());
    assert_eq!(merged["merges"][0]["by"], "ana");
    let ext: Vec<&str> = merged["survivor"]["external_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(
        ext.contains(&"ged:900001") && ext.contains(&"acled:MLI9001"),
        "{ext:?}"
    );
    let after = ok_json(ana.get("/api/events?limit=100").await, StatusCode::OK).await;
    assert_eq!(
        after["total"].as_u64().unwrap() + 1,
        before["total"].as_u64().unwrap()
    );
    let hist = ok_json(
        ana.get(&format!("/api/events/{a}/merges")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(hist["merged_into"], Value::Null);
    assert_eq!(hist["merges"][0]["other"]["id"], b.to_string());
    assert_eq!(
        hist["merges"][0]["merge"]["reason"],
        "same ambush in GED and ACLED"
    );
    let bh = ok_json(
        ana.get(&format!("/api/events/{b}/merges")).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(bh["merged_into"], a.to_string());
    assert_eq!(
        error(ana.post(&m(far), &json!({"absorb": [b.to_string()]})).await).await,
        (
            StatusCode::CONFLICT,
            "conflict".into(),
            format!("event {b} is already merged into another event")
        )
    );
    assert_eq!(
        error(vic.get(&format!("/api/events/{a}/merges")).await)
            .await
            .1,
        "forbidden",
        "merge history is history"
    );

    // Unmerge: only from its survivor; then both are as before.
    let um = |id: Uuid| format!("/api/events/{id}/unmerge");
    assert_eq!(
        error(
            ana.post(&um(far), &json!({"absorbed": b.to_string()}))
                .await
        )
        .await,
        (
            StatusCode::CONFLICT,
            "conflict".into(),
            format!("event {b} is not merged into {far}")
        )
    );
    let undone = ok_json(
        ana.post(
            &um(a),
            &json!({"absorbed": b.to_string(), "reason": "two ambushes after all"}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(undone["undone_at"].is_string(), "{undone}");
    let back = ok_json(ana.get("/api/events?limit=100").await, StatusCode::OK).await;
    assert_eq!(back["total"], before["total"]);
    let a_now = ok_json(ana.get(&format!("/api/events/{a}")).await, StatusCode::OK).await;
    assert_eq!(a_now["external_ids"], json!(["ged:900001"]));
    assert_eq!(
        error(ana.post(&um(a), &json!({"absorbed": b.to_string()})).await).await,
        (
            StatusCode::CONFLICT,
            "conflict".into(),
            format!("event {b} is not merged into another event")
        )
    );
    let (st, code, msg) =
        error(post_raw(s, &ana, &um(a), "{\"absorbed\": ", Some("application/json")).await).await;
    assert_eq!(
        (st, code.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_json"),
        "{msg}"
    );
    let hist = ok_json(
        ana.get(&format!("/api/events/{a}/merges")).await,
        StatusCode::OK,
    )
    .await;
    assert!(hist["merges"][0]["merge"]["undone_at"].is_string());
}

#[tokio::test]
async fn sqlite_duplicates_and_merges() {
    let s = Server::sqlite().await;
    merges(&s).await;
    s.finish().await;
}

#[tokio::test]
async fn postgres_duplicates_and_merges() {
    let Some(s) = Server::postgres("merges").await else {
        return;
    };
    merges(&s).await;
    s.finish().await;
}

// ----------------------------------------------------------------- places and actors

async fn places_and_actors(s: &Server) {
    s.user("ana", Role::Analyst).await;
    s.user("hro", Role::HumanRightsOfficer).await;
    s.user("vic", Role::Viewer).await;
    let ana = login(s, "ana").await;
    let hro = login(s, "hro").await;
    let vic = login(s, "vic").await;

    // Places: resolution and reverse geocoding through veille-geo.
    let r = ok_json(
        vic.get("/api/places/resolve?name=Ogossagou&admin1=Mopti&date=2019-03-23")
            .await,
        StatusCode::OK,
    )
    .await;
    let first = &r["resolution"]["candidates"][0];
    // GeoNames spells it Ogossogou: found by the fuzzy match, in Mopti.
    assert_eq!(first["place"]["name"], "Ogossogou", "{r}");
    assert_eq!(first["place"]["admin1"][1], "Mopti", "{r}");
    assert!(r["attribution"].as_str().unwrap().contains("GeoNames"));
    assert_eq!(
        error(vic.get("/api/places/resolve?admin1=Mopti").await).await,
        (
            StatusCode::BAD_REQUEST,
            "bad_request".into(),
            "name: give a place name".into()
        )
    );
    assert_eq!(
        error(vic.get("/api/places/resolve?name=x&date=2019-13-01").await).await,
        (
            StatusCode::BAD_REQUEST,
            "bad_request".into(),
            "date: '2019-13-01' is not a date (YYYY-MM-DD)".into()
        )
    );
    let long = "a".repeat(201);
    assert_eq!(
        error(vic.get(&format!("/api/places/resolve?name={long}")).await).await,
        (
            StatusCode::BAD_REQUEST,
            "bad_request".into(),
            "name: at most 200 characters".into()
        )
    );
    let at = ok_json(
        vic.get("/api/places/at?lat=14.1907&lon=-3.6396").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(at["admin1"]["name"], "Mopti", "{at}");
    assert_eq!(
        error(vic.get("/api/places/at?lat=95&lon=0").await).await,
        (
            StatusCode::BAD_REQUEST,
            "bad_request".into(),
            "latitude 95 outside ±90".into()
        )
    );
    assert_eq!(
        error(vic.get("/api/places/at?lat=NaN&lon=0").await).await,
        (
            StatusCode::BAD_REQUEST,
            "bad_request".into(),
            "latitude NaN outside ±90".into()
        )
    );
    assert_eq!(
        error_code(vic.get("/api/places/at?lat=north&lon=0").await).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );

    // Actors: search.
    let found = ok_json(vic.get("/api/actors?q=GSIM").await, StatusCode::OK).await;
    assert_eq!(found["items"][0]["id"], "jnim", "{found}");
    assert!(found["items"][0]["score"].as_f64().unwrap() > 0.5);
    let all = ok_json(vic.get("/api/actors?limit=5").await, StatusCode::OK).await;
    assert!(all["total"].as_u64().unwrap() > 50, "{}", all["total"]);
    assert_eq!(all["items"].as_array().unwrap().len(), 5);
    let none = ok_json(vic.get("/api/actors?q=zzqxw").await, StatusCode::OK).await;
    assert_eq!(none["total"], 0);

    // One actor, with its events counted within each caller's clearance.
    for (i, sens) in Sensitivity::ALL.iter().enumerate() {
        let e = incident(
            1 + i as u32,
            14.5,
            -5.9,
            1,
            &format!("acled:MLI80{i}"),
            *sens,
        );
        put(s, &e).await;
    }
    let j = ok_json(ana.get("/api/actors/jnim").await, StatusCode::OK).await;
    assert_eq!(j["actor"]["id"], "jnim");
    assert!(j["actor"]["aliases"].as_array().unwrap().len() > 3);
    assert!(!j["genealogy"]["timeline"].as_array().unwrap().is_empty());
    assert!(!j["designations"].as_array().unwrap().is_empty());
    assert_eq!(j["events"]["count"], 3, "public, restricted, confidential");
    let recent = j["events"]["recent"].as_array().unwrap();
    assert_eq!(recent.len(), 3);
    assert_eq!(recent[0]["date_start"], "2020-06-03", "newest first");
    let j = ok_json(hro.get("/api/actors/jnim").await, StatusCode::OK).await;
    assert_eq!(j["events"]["count"], 4);
    let j = ok_json(vic.get("/api/actors/jnim").await, StatusCode::OK).await;
    assert_eq!(j["events"]["count"], 2);
    for e in j["events"]["recent"].as_array().unwrap() {
        assert!(e["place_name"].is_null(), "victim places blurred: {e}");
    }
    // A name finds the actor too; an unknown one is a 404.
    let by_name = ok_json(vic.get("/api/actors/GSIM").await, StatusCode::OK).await;
    assert_eq!(by_name["actor"]["id"], "jnim");
    assert_eq!(
        error(vic.get("/api/actors/nobody-at-all").await).await,
        (
            StatusCode::NOT_FOUND,
            "not_found".into(),
            "no actor 'nobody-at-all'".into()
        )
    );

    // An analyst's stored edit is seen at once (the cache follows the edit log).
    let mut reg = veille_ingest::reference::load_registry(Some(s.store.as_ref()))
        .await
        .unwrap();
    reg.add_alias(
        "jnim",
        veille_actors::Alias {
            text: "Nusrat al-Islam wal-Muslimin du Macina".into(),
            lang: veille_actors::Lang::Fr,
            kind: veille_actors::AliasKind::Name,
            source: "test".into(),
            valid_from: None,
            valid_to: None,
        },
    )
    .unwrap();
    let edit = serde_json::to_value(reg.edits().last().unwrap()).unwrap();
    s.store
        .append_reference_edit(
            veille_ingest::reference::ACTOR_EDITS,
            "jnim",
            &edit,
            "ana",
            Some("test"),
        )
        .await
        .unwrap();
    let found = ok_json(
        vic.get("/api/actors?q=wal-Muslimin%20du%20Macina").await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(found["items"][0]["id"], "jnim", "{found}");
}

#[tokio::test]
async fn sqlite_places_and_actors() {
    let s = Server::sqlite().await;
    places_and_actors(&s).await;
    s.finish().await;
}

#[tokio::test]
async fn postgres_places_and_actors() {
    let Some(s) = Server::postgres("reference").await else {
        return;
    };
    places_and_actors(&s).await;
    s.finish().await;
}

// ------------------------------------------------------------ role × endpoint matrix

/// Every role on every new read endpoint: allowed exactly when its permissions say so.
#[tokio::test]
async fn roles_on_review_merge_and_reference_endpoints() {
    let s = Server::sqlite().await;
    let (d, _) = queue(&s, Sensitivity::Public).await;
    let e = put(
        &s,
        &incident(13, 14.5, -5.9, 2, "ged:1", Sensitivity::Public),
    )
    .await;
    let reads: &[(&str, Permission)] = &[
        ("/api/drafts", Permission::DraftsReview),
        ("/api/drafts/{d}", Permission::DraftsReview),
        ("/api/events/{e}/duplicates", Permission::EventsRead),
        ("/api/events/{e}/merges", Permission::EventsHistory),
        ("/api/places/resolve?name=Mopti", Permission::ReferenceRead),
        (
            "/api/places/at?lat=14.5&lon=-4.2",
            Permission::ReferenceRead,
        ),
        ("/api/actors?q=jnim", Permission::ReferenceRead),
        ("/api/actors/jnim", Permission::ReferenceRead),
    ];
    for role in Role::ALL {
        let name = format!("u_{}", role.code());
        s.user(&name, *role).await;
        let b = login(&s, &name).await;
        for (path, perm) in reads {
            let path = path
                .replace("{d}", &d.to_string())
                .replace("{e}", &e.to_string());
            let r = b.get(&path).await;
            if role.permissions().contains(perm) {
                assert_eq!(r.status(), StatusCode::OK, "{role:?} {path}");
            } else {
                assert_eq!(
                    error_code(r).await,
                    (StatusCode::FORBIDDEN, "forbidden".into()),
                    "{role:?} {path}"
                );
            }
        }
        // Writes: a role without the permission is refused before anything is read.
        let w = b
            .post(&format!("/api/drafts/{d}/reject"), &json!({"reason": "x"}))
            .await;
        if !role.permissions().contains(&Permission::DraftsReview) {
            assert_eq!(error_code(w).await.1, "forbidden", "{role:?}");
        }
        let w = b
            .post(
                &format!("/api/events/{e}/unmerge"),
                &json!({"absorbed": e.to_string()}),
            )
            .await;
        if role.permissions().contains(&Permission::EventsMerge) {
            assert_eq!(error_code(w).await.1, "conflict", "{role:?}");
        } else {
            assert_eq!(error_code(w).await.1, "forbidden", "{role:?}");
        }
    }
    s.finish().await;
}
