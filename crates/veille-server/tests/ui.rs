//! The embedded web UI over real HTTP: the page and its assets (content types, gzip,
//! ETag/304, cache headers, CSP), path tricks under `/assets/`, the basemap endpoint, and
//! the first-load transfer budget (≤ 1.5 MB compressed) computed from what the page loads.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG,
    IF_NONE_MATCH,
};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use std::sync::Arc;
use veille_server::{AppState, Config};
use veille_store::SqliteStore;

struct Srv {
    base: String,
    _dir: tempfile::TempDir,
}

async fn start() -> Srv {
    let dir = tempfile::tempdir().unwrap();
    let s = Arc::new(SqliteStore::open(&dir.path().join("ui.db")).await.unwrap());
    let state = Arc::new(
        AppState::new(
            s.clone(),
            s,
            Config {
                secure_cookies: false,
                ..Config::default()
            },
        )
        .unwrap(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(veille_server::serve(
        listener,
        state,
        std::future::pending::<()>(),
    ));
    Srv { base, _dir: dir }
}

fn client() -> Client {
    Client::builder().build().unwrap()
}

/// The `src`/`href` of every `<script>`/`<link>` in the page.
fn referenced(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["src=\"", "href=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(j) = rest.find('"') {
                let u = &rest[..j];
                if u.starts_with("/assets/") {
                    out.push(u.to_string());
                }
                rest = &rest[j..];
            }
        }
    }
    out
}

#[tokio::test]
async fn page_and_assets_are_served_compressed_with_etags() {
    let s = start().await;
    let c = client();
    let r = c
        .get(format!("{}/", s.base))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(r.headers()[CONTENT_ENCODING], "gzip");
    let csp = r.headers()[CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("default-src 'self'"));
    assert!(!csp.contains("http"), "no remote origin in the CSP: {csp}");

    // Without gzip the same page comes raw; it references only local assets.
    let raw = c
        .get(format!("{}/", s.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!raw.contains("http://") && !raw.contains("https://") && !raw.contains("//cdn"));
    let assets = referenced(&raw);
    assert!(
        assets.len() >= 6,
        "the page loads its css and js: {assets:?}"
    );
    for a in &assets {
        let r = c
            .get(format!("{}{a}", s.base))
            .header(ACCEPT_ENCODING, "gzip, br")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{a}");
        let ct = r.headers()[CONTENT_TYPE].to_str().unwrap().to_string();
        let want = if a.ends_with(".js") {
            "text/javascript; charset=utf-8"
        } else {
            "text/css; charset=utf-8"
        };
        assert_eq!(ct, want, "{a}");
        assert_eq!(r.headers()[CONTENT_ENCODING], "gzip", "{a}");
        let cache = r.headers()[CACHE_CONTROL].to_str().unwrap().to_string();
        if a.contains("/vendor/") {
            assert!(cache.contains("max-age="), "{a}: {cache}");
        } else {
            assert_eq!(cache, "no-cache", "{a}");
        }
        // Revalidation: the ETag answers 304 with no body.
        let etag = r.headers()[ETAG].to_str().unwrap().to_string();
        let again = c
            .get(format!("{}{a}", s.base))
            .header(IF_NONE_MATCH, &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{a}");
        assert!(again.bytes().await.unwrap().is_empty());
    }

    // Images of the vendored library come uncompressed, as PNG.
    let png = c
        .get(format!(
            "{}/assets/vendor/leaflet/images/marker-icon.png",
            s.base
        ))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(png.headers()[CONTENT_TYPE], "image/png");
    assert!(png.headers().get(CONTENT_ENCODING).is_none());
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG"));
}

#[tokio::test]
async fn unknown_and_traversal_asset_paths_are_404_in_the_error_shape() {
    let s = start().await;
    for p in [
        "/assets/nope.js",
        "/assets/..%2FCargo.toml",
        "/assets/vendor/..%2F..%2Fsrc%2Flib.rs",
        "/assets/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/vendor/leaflet/leaflet.js.map",
    ] {
        let r = client().get(format!("{}{p}", s.base)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{p}");
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "no_route", "{p}");
    }
}

#[tokio::test]
async fn admin1_basemap_is_public_geojson_named_like_events() {
    let s = start().await;
    let r = client()
        .get(format!("{}/api/boundaries/admin1.geojson", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CONTENT_TYPE], "application/geo+json");
    let v: Value = r.json().await.unwrap();
    let names: Vec<&str> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 9);
    // Events carry the gazetteer's (French) admin1 names, so the layer does too.
    assert!(names.contains(&"Tombouctou"), "{names:?}");
    assert!(names.contains(&"Mopti"), "{names:?}");
}

/// The first page load of a field office: the page, everything it references and the
/// basemap, compressed. The events GeoJSON depends on the database and is measured by the
/// browser test; this is the fixed part.
#[tokio::test]
async fn first_load_fixed_assets_fit_the_budget() {
    let s = start().await;
    let c = client();
    let mut total = 0usize;
    let page = c
        .get(format!("{}/", s.base))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    total += page.len();
    let raw = c
        .get(format!("{}/", s.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut urls = referenced(&raw);
    urls.push("/api/boundaries/admin1.geojson".into());
    let mut lines = Vec::new();
    for u in &urls {
        let b = c
            .get(format!("{}{u}", s.base))
            .header(ACCEPT_ENCODING, "gzip")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        lines.push(format!("{:>8} {u}", b.len()));
        total += b.len();
    }
    println!(
        "first load, fixed part (gzip bodies): {total} bytes\n  {:>8} /\n  {}",
        page.len(),
        lines.join("\n  ")
    );
    assert!(total < 1_500_000, "{total} bytes");
}

/// API answers (JSON, GeoJSON) are gzipped for clients that accept it; the UI's
/// pre-compressed assets are compressed exactly once.
#[tokio::test]
async fn api_answers_are_gzipped_once() {
    use std::io::Read as _;
    let s = start().await;
    let c = client();
    for p in ["/api/openapi.json", "/api/public/events.geojson"] {
        let r = c
            .get(format!("{}{p}", s.base))
            .header(ACCEPT_ENCODING, "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{p}");
        assert_eq!(r.headers()[CONTENT_ENCODING], "gzip", "{p}");
        let body = r.bytes().await.unwrap();
        let mut out = String::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_string(&mut out)
            .unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert!(v.is_object(), "{p}");
    }
    let plain = c
        .get(format!("{}/assets/app.js", s.base))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let gz = c
        .get(format!("{}/assets/app.js", s.base))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(
        gz.headers().get_all(CONTENT_ENCODING).iter().count(),
        1,
        "one Content-Encoding"
    );
    let gz = gz.bytes().await.unwrap();
    let mut once = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut once)
        .unwrap();
    assert_eq!(once, plain.to_vec(), "decompressing once gives the file");
}
