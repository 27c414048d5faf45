//! The response cache over real HTTP, on SQLite and PostgreSQL: an answer cached for one
//! role never reaches another (a viewer gets blurred victims after an analyst saw exact
//! ones, and the other way round), ETags answer `304` until the data changes, and a write
//! by the API or by another process (straight into the store, as the CLI does) is seen
//! at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{NaiveDate, Utc};
use common::*;
use reqwest::header::{CACHE_CONTROL, CONTENT_ENCODING, COOKIE, ETAG, IF_NONE_MATCH};
use reqwest::StatusCode;
use serde_json::{json, Value};
use veille_model::{Count, Event, GeoPrecision, Sensitivity, SubEventType};
use veille_server::Role;

const VILLAGE_LAT: f64 = 14.1907;

/// A victim-related event at Ogossagou (exact point), enriched with its admin units.
fn attack(day: u32, sensitivity: Sensitivity) -> Event {
    let geo = veille_ingest::enrich::shipped_geo().unwrap();
    let mut e = Event::new(
        NaiveDate::from_ymd_opt(2019, 3, day).unwrap(),
        SubEventType::Attack,
        "MLI",
        "test",
        Utc::now(),
    );
    e.location.place_name = Some("Ogossagou".into());
    e.location.latitude = Some(VILLAGE_LAT);
    e.location.longitude = Some(-3.6396);
    e.location.geo_precision = GeoPrecision::Exact;
    geo.enrich(&mut e.location);
    e.casualties.killed.total = Some(Count::exact(12));
    e.sensitivity = sensitivity;
    e
}

fn latitudes(map: &Value) -> Vec<f64> {
    map["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["geometry"]["coordinates"][1].as_f64().unwrap())
        .collect()
}

async fn get_with(s: &Server, b: &Browser, path: &str, etag: Option<&str>) -> reqwest::Response {
    let mut r = client().get(s.url(path)).header(COOKIE, &b.cookie);
    if let Some(e) = etag {
        r = r.header(IF_NONE_MATCH, e);
    }
    r.send().await.unwrap()
}

async fn story(s: &Server) {
    s.store
        .create_event(&attack(23, Sensitivity::Public), "test", None)
        .await
        .unwrap();
    s.store
        .create_event(&attack(24, Sensitivity::Confidential), "test", None)
        .await
        .unwrap();
    s.user("ana", Role::Analyst).await;
    s.user("vic", Role::Viewer).await;
    let analyst = login(s, "ana").await;
    let viewer = login(s, "vic").await;
    let map = "/api/map/events.geojson?date_from=2019-03-01&date_to=2019-03-31";

    // The analyst first: both events, exact points. Then the viewer on the same URL: the
    // public event only, blurred. Then the analyst again: still exact.
    let a1 = ok_json(analyst.get(map).await, StatusCode::OK).await;
    assert_eq!(latitudes(&a1), vec![VILLAGE_LAT, VILLAGE_LAT]);
    let v1 = ok_json(viewer.get(map).await, StatusCode::OK).await;
    let lats = latitudes(&v1);
    assert_eq!(lats.len(), 1, "the confidential event is not the viewer's");
    assert!((lats[0] - VILLAGE_LAT).abs() > 0.01, "blurred: {lats:?}");
    assert_eq!(v1["features"][0]["properties"]["geo_precision"], "admin2");
    let a2 = ok_json(analyst.get(map).await, StatusCode::OK).await;
    assert_eq!(a2, a1, "the analyst's answer, not the viewer's");

    // Lists carry an ETag; the same request revalidates with 304 while nothing changed.
    let list = "/api/events?limit=10";
    let r = analyst.get(list).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers().get(CACHE_CONTROL).unwrap(),
        "private, no-cache",
        "per user, always revalidated"
    );
    let etag = r.headers().get(ETAG).unwrap().to_str().unwrap().to_string();
    let version = |r: &reqwest::Response| -> u64 {
        r.headers()
            .get("x-veille-data-version")
            .expect("cached answers say which data version they show")
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    let v1 = version(&r);
    assert!(r.headers().get("x-veille-stale").is_none());
    let page: Value = r.json().await.unwrap();
    assert_eq!(
        (page["total"].clone(), page["total_exact"].clone()),
        (json!(2), json!(true))
    );
    let r = get_with(s, &analyst, list, Some(&etag)).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    // The viewer's answer to the same URL is another one (another ETag).
    let r = get_with(s, &viewer, list, Some(&etag)).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(ok_json(r, StatusCode::OK).await["total"], json!(1));

    // Compressed once, sent compressed to clients that accept gzip.
    let r = client()
        .get(s.url(list))
        .header(COOKIE, &analyst.cookie)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers().get(CONTENT_ENCODING).unwrap(), "gzip");
    assert_eq!(&r.bytes().await.unwrap()[..2], &[0x1f, 0x8b]);

    // A write through the API: the old ETag no longer matches and the event is listed.
    let mut e = attack(25, Sensitivity::Public);
    e.id = uuid::Uuid::now_v7();
    let created = ok_json(
        analyst
            .post("/api/events", &serde_json::to_value(&e).unwrap())
            .await,
        StatusCode::CREATED,
    )
    .await;
    let r = get_with(s, &analyst, list, Some(&etag)).await;
    assert_eq!(r.status(), StatusCode::OK, "stale ETag after a write");
    let etag2 = r.headers().get(ETAG).unwrap().to_str().unwrap().to_string();
    assert_ne!(etag2, etag);
    assert!(version(&r) > v1, "the write moved the data version");
    let page: Value = r.json().await.unwrap();
    assert_eq!(page["total"], json!(3));
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["id"] == created["id"]));

    // A write by another process, straight into the database: seen at once.
    s.store
        .create_event(&attack(26, Sensitivity::Public), "cli", None)
        .await
        .unwrap();
    let page = ok_json(analyst.get(list).await, StatusCode::OK).await;
    assert_eq!(page["total"], json!(4));
    // The map may lag only while another request recomputes it: a lone reader after a
    // write gets the new answer, not the previous one.
    let r = analyst.get(map).await;
    assert!(r.headers().get("x-veille-stale").is_none());
    let a3 = ok_json(r, StatusCode::OK).await;
    assert_eq!(latitudes(&a3).len(), 4);
    assert_eq!(
        (a3["truncated"].clone(), a3["limit"].clone()),
        (json!(false), json!(5000))
    );

    // The map lists the most recent first, so a capped answer keeps the latest events.
    let dates = |m: &Value| -> Vec<String> {
        m["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["properties"]["date"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        dates(&a3),
        vec!["2019-03-26", "2019-03-25", "2019-03-24", "2019-03-23"]
    );
    let two = ok_json(analyst.get(&format!("{map}&limit=2")).await, StatusCode::OK).await;
    assert_eq!(dates(&two), vec!["2019-03-26", "2019-03-25"]);
    assert_eq!(two["truncated"], json!(true));
}

#[tokio::test]
async fn sqlite_cache_separates_callers_and_follows_writes() {
    let s = Server::sqlite().await;
    story(&s).await;
    s.finish().await;
}

#[tokio::test]
async fn postgres_cache_separates_callers_and_follows_writes() {
    let Some(s) = Server::postgres("cache").await else {
        return;
    };
    story(&s).await;
    s.finish().await;
}
