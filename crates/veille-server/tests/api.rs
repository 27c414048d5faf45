//! The HTTP API over real HTTP (reqwest against a server on a loopback port), on SQLite
//! and, when `VEILLE_TEST_DATABASE_URL` is set, on PostgreSQL: sessions and CSRF,
//! tokens and scopes, the role × endpoint × sensitivity matrix, location blurring, and
//! the bad-input answers, each with its exact error code.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{Duration, NaiveDate, Utc};
use common::*;
use reqwest::header::{CONTENT_TYPE, COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use veille_model::{Count, Event, Sensitivity, SubEventType, VictimCategory};
use veille_server::{auth, Role};
use veille_store::{Session, Store};

/// One event per sensitivity level, all victim-related with exact coordinates (Ogossagou),
/// plus a public battle with no casualties.
async fn seed(store: &dyn Store) -> Vec<(Sensitivity, uuid::Uuid)> {
    let geo = veille_ingest::enrich::shipped_geo().unwrap();
    let mut out = Vec::new();
    for (i, s) in Sensitivity::ALL.iter().enumerate() {
        let mut e = Event::new(
            NaiveDate::from_ymd_opt(2019, 3, 23).unwrap(),
            SubEventType::Attack,
            "MLI",
            "test",
            Utc::now(),
        );
        e.location.place_name = Some("Ogossagou".into());
        e.location.latitude = Some(14.1907 + i as f64 * 0.001);
        e.location.longitude = Some(-3.6396);
        e.location.geo_precision = veille_model::GeoPrecision::Exact;
        geo.enrich(&mut e.location);
        e.casualties.killed.total = Some(Count::exact(10 + i as u32));
        e.casualties
            .killed
            .by_category
            .insert(VictimCategory::Civilians, Count::exact(10 + i as u32));
        e.notes = format!("<script>alert('x')</script> note {i}");
        e.sensitivity = *s;
        store.create_event(&e, "test", None).await.unwrap();
        out.push((*s, e.id));
    }
    let mut battle = Event::new(
        NaiveDate::from_ymd_opt(2019, 4, 1).unwrap(),
        SubEventType::ArmedClash,
        "MLI",
        "test",
        Utc::now(),
    );
    battle.location.latitude = Some(14.49);
    battle.location.longitude = Some(-4.19);
    battle.location.geo_precision = veille_model::GeoPrecision::Exact;
    geo.enrich(&mut battle.location);
    battle.sensitivity = Sensitivity::Public;
    store.create_event(&battle, "test", None).await.unwrap();
    out.push((Sensitivity::Public, battle.id));
    out
}

async fn matrix(s: &Server) {
    let seeded = seed(s.store.as_ref()).await;
    for role in Role::ALL {
        let name = format!("u_{}", role.code());
        s.user(&name, *role).await;
        let b = login(s, &name).await;
        let visible: Vec<_> = seeded
            .iter()
            .filter(|(sens, _)| *sens <= role.clearance())
            .collect();

        // List: total and items both within clearance; counts do not leak.
        let page: Value = b.get("/api/events?limit=100").await.json().await.unwrap();
        assert_eq!(page["total"], json!(visible.len()), "{role:?} total");
        assert_eq!(
            page["items"].as_array().unwrap().len(),
            visible.len(),
            "{role:?} items"
        );

        // Get: 404 above clearance (existence is not revealed), 200 within.
        for (sens, id) in &seeded {
            let r = b.get(&format!("/api/events/{id}")).await;
            if *sens <= role.clearance() {
                assert_eq!(r.status(), StatusCode::OK, "{role:?} get {sens:?}");
                let e: Value = r.json().await.unwrap();
                let killed = e["casualties"]["killed"]["total"].is_object();
                if killed && !role.exact_locations() {
                    assert_eq!(e["location"]["geo_precision"], "admin2", "{role:?} blurred");
                    assert_ne!(e["location"]["latitude"].as_f64(), Some(14.1907));
                    assert!(e["location"].get("place_name").is_none_or(|v| v.is_null()));
                    assert_eq!(e["notes"].as_str().unwrap_or(""), "", "notes removed");
                } else if killed {
                    assert!(e["location"]["latitude"].as_f64().unwrap() > 14.19);
                    assert_eq!(e["location"]["place_name"], "Ogossagou");
                }
            } else {
                assert_eq!(
                    error_code(r).await,
                    (StatusCode::NOT_FOUND, "not_found".into()),
                    "{role:?} get {sens:?}"
                );
            }
        }

        // Map: only visible points.
        let map: Value = b.get("/api/map/events.geojson").await.json().await.unwrap();
        assert_eq!(
            map["features"].as_array().unwrap().len(),
            visible.len(),
            "{role:?} map"
        );

        // History: by permission.
        let (_, first) = seeded[0];
        let h = b.get(&format!("/api/events/{first}/history")).await;
        if role
            .permissions()
            .contains(&veille_server::Permission::EventsHistory)
        {
            assert_eq!(h.status(), StatusCode::OK, "{role:?} history");
        } else {
            assert_eq!(
                error_code(h).await,
                (StatusCode::FORBIDDEN, "forbidden".into())
            );
        }

        // Export: by permission; rows within clearance.
        let x = b.get("/api/export/events.csv").await;
        if role
            .permissions()
            .contains(&veille_server::Permission::Export)
        {
            assert_eq!(x.status(), StatusCode::OK, "{role:?} export");
            let text = x.text().await.unwrap();
            let rows = csv::ReaderBuilder::new()
                .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
                .records()
                .count();
            assert_eq!(rows, visible.len(), "{role:?} export rows");
        } else {
            assert_eq!(
                error_code(x).await,
                (StatusCode::FORBIDDEN, "forbidden".into()),
                "{role:?} export"
            );
        }
    }

    // Published output: public records only, victims blurred, no login.
    let public: Value = client()
        .get(s.url("/api/public/events.geojson"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let feats = public["features"].as_array().unwrap();
    assert_eq!(feats.len(), 2);
    for f in feats {
        if f["properties"]["killed"].as_u64().unwrap() > 0 {
            assert_eq!(f["properties"]["geo_precision"], "admin2");
            let lat = f["geometry"]["coordinates"][1].as_f64().unwrap();
            assert!(
                (lat - 14.1907).abs() > 0.01,
                "blurred away from the village: {lat}"
            );
        }
    }
}

#[tokio::test]
async fn sqlite_role_sensitivity_matrix() {
    let s = Server::sqlite().await;
    matrix(&s).await;
    s.finish().await;
}

#[tokio::test]
async fn postgres_role_sensitivity_matrix() {
    let Some(s) = Server::postgres("matrix").await else {
        return;
    };
    matrix(&s).await;
    s.finish().await;
}

async fn sessions_csrf_and_tokens(s: &Server) {
    s.user("ana", Role::Analyst).await;
    s.user("admin", Role::Admin).await;

    // Wrong password, then the rate limit (3 failures in the window), recorded.
    for _ in 0..3 {
        let r = client()
            .post(s.url("/api/login"))
            .json(&json!({"username": "ana", "password": "nope"}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            error_code(r).await,
            (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
        );
    }
    let r = client()
        .post(s.url("/api/login"))
        .json(&json!({"username": "ana", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into())
    );
    assert!(
        s.auth
            .failed_logins_since("ana", Utc::now() - Duration::minutes(1))
            .await
            .unwrap()
            >= 4
    );

    let b = login(s, "admin").await;
    let me: Value = b.get("/api/me").await.json().await.unwrap();
    assert_eq!(me["user"]["role"], "admin");
    // A new tab of the session gets the same CSRF token back.
    assert_eq!(me["csrf_token"], b.csrf.as_str());

    // Unsafe requests need the CSRF token.
    let ev = json!(Event::new(
        NaiveDate::from_ymd_opt(2020, 6, 13).unwrap(),
        SubEventType::ArmedClash,
        "MLI",
        "x",
        Utc::now()
    ));
    let no_csrf = client()
        .post(s.url("/api/events"))
        .header(COOKIE, &b.cookie)
        .json(&ev)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(no_csrf).await,
        (StatusCode::FORBIDDEN, "csrf_failed".into())
    );
    let forged = client()
        .post(s.url("/api/events"))
        .header(COOKIE, &b.cookie)
        .header("x-csrf-token", "forged")
        .json(&ev)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(forged).await,
        (StatusCode::FORBIDDEN, "csrf_failed".into())
    );
    let ok = b.post("/api/events", &ev).await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let created: Value = ok.json().await.unwrap();
    assert_eq!(created["audit"]["created_by"], "admin");

    // Retract needs a reason.
    let id = created["id"].as_str().unwrap().to_string();
    let r = b
        .post(
            &format!("/api/events/{id}/retract"),
            &json!({"reason": "  "}),
        )
        .await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );

    // A scoped token: reads, may not write, needs no CSRF.
    let t = b
        .post(
            "/api/tokens",
            &json!({"username": "ana", "name": "script", "scopes": ["events:read"]}),
        )
        .await;
    assert_eq!(t.status(), StatusCode::CREATED);
    let token = t.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let tme: Value = client()
        .get(s.url("/api/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        tme.get("csrf_token").is_none(),
        "tokens carry no CSRF token: {tme}"
    );
    let read = client()
        .get(s.url("/api/events"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let write = client()
        .post(s.url("/api/events"))
        .bearer_auth(&token)
        .json(&ev)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(write).await,
        (StatusCode::FORBIDDEN, "forbidden".into()),
        "beyond scope"
    );
    let bad = client()
        .get(s.url("/api/events"))
        .bearer_auth("vt_forged")
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(bad).await,
        (StatusCode::UNAUTHORIZED, "unauthorized".into())
    );
    let unknown_scope = b
        .post(
            "/api/tokens",
            &json!({"username": "ana", "name": "s", "scopes": ["root"]}),
        )
        .await;
    assert_eq!(
        error_code(unknown_scope).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );

    // Disabling the user stops the token.
    s.auth.set_disabled("ana", true, "test").await.unwrap();
    let after = client()
        .get(s.url("/api/events"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(after).await,
        (StatusCode::UNAUTHORIZED, "unauthorized".into())
    );

    // An expired session.
    let user = s.auth.user_by_name("admin").await.unwrap().unwrap();
    s.auth
        .create_session(&Session {
            id_hash: auth::digest("old-session"),
            user_id: user.id,
            csrf_token: "c".into(),
            created_at: Utc::now() - Duration::hours(30),
            expires_at: Utc::now() - Duration::hours(1),
        })
        .await
        .unwrap();
    let old = client()
        .get(s.url("/api/me"))
        .header(COOKIE, "veille_session=old-session")
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(old).await,
        (StatusCode::UNAUTHORIZED, "session_expired".into())
    );

    // Logout ends the session.
    let out = client()
        .post(s.url("/api/logout"))
        .header(COOKIE, &b.cookie)
        .header("x-csrf-token", &b.csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let gone = b.get("/api/me").await;
    assert_eq!(
        error_code(gone).await,
        (StatusCode::UNAUTHORIZED, "unauthorized".into())
    );
}

#[tokio::test]
async fn sqlite_sessions_csrf_and_tokens() {
    let s = Server::sqlite().await;
    sessions_csrf_and_tokens(&s).await;
    s.finish().await;
}

#[tokio::test]
async fn postgres_sessions_csrf_and_tokens() {
    let Some(s) = Server::postgres("sessions").await else {
        return;
    };
    sessions_csrf_and_tokens(&s).await;
    s.finish().await;
}

#[tokio::test]
async fn bad_input_gets_typed_4xx() {
    let s = Server::sqlite().await;
    s.user("ana", Role::Analyst).await;
    let b = login(&s, "ana").await;
    let post = |body: reqwest::Body, ctype: &'static str| {
        client()
            .post(s.url("/api/events"))
            .header(COOKIE, &b.cookie)
            .header("x-csrf-token", &b.csrf)
            .header(CONTENT_TYPE, ctype)
            .body(body)
    };
    let big = "x".repeat(200 * 1024);
    let r = post(
        format!("{{\"notes\": \"{big}\"}}").into(),
        "application/json",
    )
    .send()
    .await
    .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large".into())
    );
    let r = post("{not json".into(), "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::BAD_REQUEST, "invalid_json".into())
    );
    let r = post("{\"date_start\": 5}".into(), "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_json".into())
    );
    let r = post("{}".into(), "text/plain").send().await.unwrap();
    assert_eq!(
        error_code(r).await,
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type".into()
        )
    );

    // SQL-looking search text is data, not SQL.
    let r = b
        .get("/api/events?q=%27%3B%20DROP%20TABLE%20events%3B%20--")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["total"], 0);
    assert!(s.store.count_events(&Default::default()).await.is_ok());
    let r = b.get("/api/events?date_from=yesterday").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
    let r = b.get("/api/events?limit=100000").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );
    let r = b.get("/api/events?order=sideways").await;
    assert_eq!(
        error(r).await,
        (
            StatusCode::BAD_REQUEST,
            "bad_request".into(),
            "order: 'sideways' is not one of oldest, newest".into()
        )
    );
    let r = b.get("/api/events?sneaky=1").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::BAD_REQUEST, "bad_request".into())
    );

    // Path traversal in an export name.
    for name in [
        "..%2F..%2Fetc%2Fpasswd",
        "..%2Fveille.db",
        "events.csv%00.sh",
    ] {
        let r = b.get(&format!("/api/export/{name}")).await;
        assert_eq!(
            error_code(r).await,
            (StatusCode::NOT_FOUND, "unknown_export".into()),
            "{name}"
        );
    }
    // Unknown routes and unknown events.
    let r = b.get("/api/nothing").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "no_route".into())
    );
    let r = b.get("/api/events/ged:999999999").await;
    assert_eq!(
        error_code(r).await,
        (StatusCode::NOT_FOUND, "not_found".into())
    );
    // No session at all.
    let r = client().get(s.url("/api/events")).send().await.unwrap();
    assert_eq!(
        error_code(r).await,
        (StatusCode::UNAUTHORIZED, "unauthorized".into())
    );
    s.finish().await;
}

/// The list is oldest first unless `order=newest`; the order spans every matching event,
/// not one page (the table's date column asks for it).
#[tokio::test]
async fn list_order_newest_or_oldest() {
    let s = Server::sqlite().await;
    seed(s.store.as_ref()).await;
    s.user("ana", Role::Analyst).await;
    let b = login(&s, "ana").await;
    let first = |v: &Value| v["items"][0]["date_start"].as_str().map(str::to_string);
    let oldest: Value = b.get("/api/events?limit=1").await.json().await.unwrap();
    assert_eq!(first(&oldest).as_deref(), Some("2019-03-23"));
    let newest: Value = b
        .get("/api/events?limit=1&order=newest")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first(&newest).as_deref(), Some("2019-04-01"));
    // Same total either way; the second page of newest-first goes back in time.
    assert_eq!(oldest["total"], newest["total"]);
    let page2: Value = b
        .get("/api/events?limit=1&offset=1&order=newest")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first(&page2).as_deref(), Some("2019-03-23"));
    // The CSV export follows the same order.
    let csv = b
        .get("/api/export/events.csv?order=newest")
        .await
        .text()
        .await
        .unwrap();
    let row1 = csv.lines().nth(1).unwrap_or_default();
    assert!(row1.contains("2019-04-01"), "{row1}");
    s.finish().await;
}

#[tokio::test]
async fn every_documented_route_is_served_and_health_answers() {
    let s = Server::sqlite().await;
    let doc: Value = client()
        .get(s.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let documented: std::collections::BTreeSet<&str> = veille_server::openapi::ROUTES
        .iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(paths.len(), documented.len());
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            let url = s.url(&path.replace("{id}", "x").replace("{name}", "x"));
            let req = match method.as_str() {
                "get" => client().get(url),
                "post" => client().post(url).json(&json!({})),
                m => panic!("unexpected method {m}"),
            };
            let r = req.send().await.unwrap();
            let (_, code) = error_code(r).await;
            assert_ne!(
                code, "no_route",
                "{method} {path} is documented but not routed"
            );
        }
    }
    let h: Value = client()
        .get(s.url("/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(h["status"], "ok");
    let r: Value = client()
        .get(s.url("/readyz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["status"], "ready");
    let page = client()
        .get(s.url("/api/docs"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("/api/events/{id}/history") && !page.contains("<script"),
        "self-contained, no script"
    );
    s.finish().await;
}
