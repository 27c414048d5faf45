//! The offline web UI: a single-page app in plain JavaScript with vendored Leaflet and
//! Leaflet.markercluster, every file embedded in the binary ([`ASSETS`]), plus the basemap
//! layer `GET /api/boundaries/admin1.geojson` (the shipped Natural Earth ADM1 layer, named
//! as the gazetteer names the events' admin1). Nothing is fetched from elsewhere: no CDN,
//! no tiles, no fonts.
//!
//! Text assets are gzip-compressed once, on first use, and sent compressed to clients that
//! accept gzip; every answer carries a strong `ETag` (a `304` answers a matching
//! `If-None-Match`). Vendored files are cached for a week; the app's own files revalidate.

use crate::error::ApiError;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::Write as _;
use std::sync::{Arc, OnceLock};

/// One embedded file: its path under `/assets/`, its bytes and its content type.
pub struct Asset {
    /// Path under `/assets/`, e.g. `app.js`.
    pub path: &'static str,
    /// The file.
    pub bytes: &'static [u8],
    /// `Content-Type`.
    pub content_type: &'static str,
}

macro_rules! asset {
    ($path:literal, $ctype:literal) => {
        Asset {
            path: $path,
            bytes: include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/", $path)),
            content_type: $ctype,
        }
    };
}

/// Every file of the UI. `index.html` is also served at `/`.
pub const ASSETS: &[Asset] = &[
    asset!("index.html", "text/html; charset=utf-8"),
    asset!("app.js", "text/javascript; charset=utf-8"),
    asset!("i18n.js", "text/javascript; charset=utf-8"),
    asset!("protect.js", "text/javascript; charset=utf-8"),
    asset!("app.css", "text/css; charset=utf-8"),
    // Review queue, duplicates and merges, actors.
    asset!("review.js", "text/javascript; charset=utf-8"),
    asset!("review.css", "text/css; charset=utf-8"),
    asset!(
        "vendor/leaflet/leaflet.js",
        "text/javascript; charset=utf-8"
    ),
    asset!("vendor/leaflet/leaflet.css", "text/css; charset=utf-8"),
    asset!("vendor/leaflet/LICENSE", "text/plain; charset=utf-8"),
    asset!("vendor/leaflet/images/layers.png", "image/png"),
    asset!("vendor/leaflet/images/layers-2x.png", "image/png"),
    asset!("vendor/leaflet/images/marker-icon.png", "image/png"),
    asset!("vendor/leaflet/images/marker-icon-2x.png", "image/png"),
    asset!("vendor/leaflet/images/marker-shadow.png", "image/png"),
    asset!(
        "vendor/leaflet.markercluster/leaflet.markercluster.js",
        "text/javascript; charset=utf-8"
    ),
    asset!(
        "vendor/leaflet.markercluster/MarkerCluster.css",
        "text/css; charset=utf-8"
    ),
    asset!(
        "vendor/leaflet.markercluster/MarkerCluster.Default.css",
        "text/css; charset=utf-8"
    ),
    asset!(
        "vendor/leaflet.markercluster/MIT-LICENCE.txt",
        "text/plain; charset=utf-8"
    ),
];

/// An answer ready to send: raw and (when worth it) gzip bytes, its ETag and headers.
/// The embedded assets are prepared once per process; the response cache
/// ([`crate::cache`]) prepares API answers the same way.
pub struct Prepared {
    /// `Content-Type`.
    pub content_type: &'static str,
    /// The uncompressed body.
    pub raw: Bytes,
    /// The gzip body, when smaller than the raw one.
    pub gzip: Option<Bytes>,
    /// Strong ETag, quoted.
    pub etag: String,
    /// `Cache-Control`.
    pub cache: &'static str,
}

impl Prepared {
    fn new(content_type: &'static str, raw: Vec<u8>, cache: &'static str) -> Self {
        let etag = format!("\"{}\"", &hex::encode(Sha256::digest(&raw))[..24]);
        Self::with_etag(content_type, raw, etag, cache, Compression::best())
    }

    /// An answer with a given (quoted) ETag, gzip-compressed at `level` unless it is an
    /// image or compression does not make it smaller.
    pub fn with_etag(
        content_type: &'static str,
        raw: Vec<u8>,
        etag: String,
        cache: &'static str,
        level: Compression,
    ) -> Self {
        let gzip = if content_type.starts_with("image/png") {
            None
        } else {
            gzip(&raw, level).filter(|g| g.len() < raw.len())
        };
        Prepared {
            content_type,
            raw: Bytes::from(raw),
            gzip: gzip.map(Bytes::from),
            etag,
            cache,
        }
    }

    /// Bytes held (raw and compressed).
    pub fn size(&self) -> usize {
        self.raw.len() + self.gzip.as_ref().map_or(0, Bytes::len)
    }

    /// The bytes a client sends `Accept-Encoding: gzip` receives.
    pub fn transfer_size(&self, accepts_gzip: bool) -> usize {
        match (&self.gzip, accepts_gzip) {
            (Some(g), true) => g.len(),
            _ => self.raw.len(),
        }
    }

    /// The answer to a request with these headers: `304` when its `If-None-Match` names
    /// the ETag, gzip when accepted.
    pub fn respond(&self, req: &HeaderMap) -> Response {
        let mut h = HeaderMap::new();
        let etag = HeaderValue::from_str(&self.etag).unwrap_or(HeaderValue::from_static("\"\""));
        h.insert(header::ETAG, etag);
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(self.cache));
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        h.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        let matches = req
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|t| t.trim() == self.etag || t.trim() == "*");
        if matches {
            return (StatusCode::NOT_MODIFIED, h).into_response();
        }
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        match (&self.gzip, accepts_gzip(req)) {
            (Some(g), true) => {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                (h, g.clone()).into_response()
            }
            _ => (h, self.raw.clone()).into_response(),
        }
    }
}

fn gzip(raw: &[u8], level: Compression) -> Option<Vec<u8>> {
    let mut enc = GzEncoder::new(Vec::with_capacity(raw.len() / 3), level);
    enc.write_all(raw).ok()?;
    enc.finish().ok()
}

/// True when the request's `Accept-Encoding` allows gzip (and does not refuse it with `q=0`).
pub fn accepts_gzip(req: &HeaderMap) -> bool {
    req.get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut it = part.split(';');
            let coding = it.next().unwrap_or("").trim();
            let refused = it.any(|p| {
                let p = p.trim().replace(' ', "");
                p == "q=0" || p == "q=0.0" || p == "q=0.00" || p == "q=0.000"
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

/// Cache policy: vendored libraries change only with a veille release.
const CACHE_VENDOR: &str = "public, max-age=604800";
/// The app's own files and the page: always revalidate (cheap with the ETag).
const CACHE_APP: &str = "no-cache";

static PREPARED: OnceLock<Vec<Prepared>> = OnceLock::new();

/// The embedded assets, compressed (done once per process).
pub fn prepared() -> &'static [Prepared] {
    PREPARED.get_or_init(|| {
        ASSETS
            .iter()
            .map(|a| {
                let cache = if a.path.starts_with("vendor/") {
                    CACHE_VENDOR
                } else {
                    CACHE_APP
                };
                Prepared::new(a.content_type, a.bytes.to_vec(), cache)
            })
            .collect()
    })
}

/// The prepared asset at `path` (under `/assets/`), if any. Only exact names of
/// [`ASSETS`] match, so `..` and other tricks find nothing.
pub fn find(path: &str) -> Option<&'static Prepared> {
    ASSETS
        .iter()
        .position(|a| a.path == path)
        .and_then(|i| prepared().get(i))
}

fn page_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    // Scripts only from this origin, nothing from anywhere else (offline by design);
    // Leaflet positions its panes with inline styles, hence style-src 'unsafe-inline'.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
             frame-ancestors 'none'; form-action 'self'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

async fn index(req: HeaderMap) -> Response {
    match find("index.html") {
        Some(p) => page_headers(p.respond(&req)),
        None => ApiError::internal(&"index.html is not embedded").into_response(),
    }
}

async fn asset(Path(path): Path<String>, req: HeaderMap) -> Response {
    match find(&path) {
        Some(p) if path == "index.html" => page_headers(p.respond(&req)),
        Some(p) => p.respond(&req),
        None => ApiError::new(StatusCode::NOT_FOUND, "no_route", "no such file").into_response(),
    }
}

fn round(v: &mut Value) {
    match v {
        Value::Array(a) => a.iter_mut().for_each(round),
        Value::Number(n) => {
            if let Some(f) = n.as_f64() {
                let r = (f * 1e4).round() / 1e4;
                if let Some(num) = serde_json::Number::from_f64(r) {
                    *n = num;
                }
            }
        }
        _ => {}
    }
}

/// The basemap layer: the shipped ADM1 polygons (coordinates rounded to 4 decimals,
/// about 11 m), each with `code` (GeoNames admin1 code, e.g. "04"), `name` (the name the
/// gazetteer gives that code, which is what events carry in `admin1`) and `name_ne`
/// (Natural Earth's).
pub fn admin1_geojson() -> Result<Value, ApiError> {
    let mut doc: Value = serde_json::from_slice(veille_geo::boundaries::MALI_ADM1_GEOJSON)
        .map_err(|e| ApiError::internal(&e))?;
    let geo = veille_ingest::enrich::shipped_geo().map_err(|e| ApiError::internal(&e))?;
    let spec = veille_geo::boundaries::LayerSpec::mali_ne_adm1();
    let mut out = Vec::new();
    if let Some(features) = doc.get_mut("features").and_then(Value::as_array_mut) {
        for f in features.iter_mut() {
            let props = f.get("properties").cloned().unwrap_or(Value::Null);
            let ne_name = props[spec.name_prop.as_str()]
                .as_str()
                .unwrap_or("")
                .to_string();
            let raw_code = props[spec.code_prop.as_str()].as_str().unwrap_or("");
            let code = spec
                .code_strip_prefix
                .as_deref()
                .and_then(|p| raw_code.strip_prefix(p))
                .unwrap_or(raw_code)
                .to_string();
            let name = geo
                .gazetteer
                .admin1_name("ML", &code)
                .map(str::to_string)
                .unwrap_or_else(|| ne_name.clone());
            let mut geometry = f.get("geometry").cloned().unwrap_or(Value::Null);
            if let Some(c) = geometry.get_mut("coordinates") {
                round(c);
            }
            out.push(json!({
                "type": "Feature",
                "properties": {"code": code, "name": name, "name_ne": ne_name},
                "geometry": geometry,
            }));
        }
    }
    Ok(json!({
        "type": "FeatureCollection",
        "source": "Natural Earth 1:10m admin-1 (public domain)",
        "features": out,
    }))
}

static ADMIN1: OnceLock<Prepared> = OnceLock::new();

/// `GET /api/boundaries/admin1.geojson` (public: public-domain boundaries, no records).
pub async fn admin1(req: HeaderMap) -> Result<Response, ApiError> {
    let p = match ADMIN1.get() {
        Some(p) => p,
        None => {
            let body =
                serde_json::to_vec(&admin1_geojson()?).map_err(|e| ApiError::internal(&e))?;
            ADMIN1.get_or_init(|| Prepared::new("application/geo+json", body, CACHE_VENDOR))
        }
    };
    Ok(p.respond(&req))
}

/// The UI's routes: `/` (the app), `/assets/{path}` and the basemap endpoint.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(index))
        .route("/assets/{*path}", get(asset))
        .route("/api/boundaries/admin1.geojson", get(admin1))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn hm(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn accept_encoding_parsing() {
        assert!(accepts_gzip(&hm(&[(
            "accept-encoding",
            "gzip, deflate, br"
        )])));
        assert!(accepts_gzip(&hm(&[(
            "accept-encoding",
            "br;q=1.0, GZIP;q=0.5"
        )])));
        assert!(accepts_gzip(&hm(&[("accept-encoding", "*")])));
        assert!(!accepts_gzip(&hm(&[("accept-encoding", "gzip;q=0")])));
        assert!(!accepts_gzip(&hm(&[("accept-encoding", "br, deflate")])));
        assert!(!accepts_gzip(&hm(&[])));
    }

    #[test]
    fn every_asset_is_found_only_by_its_exact_name() {
        for a in ASSETS {
            let p = find(a.path).unwrap();
            assert_eq!(p.raw, a.bytes, "{}", a.path);
        }
        for bad in [
            "../Cargo.toml",
            "vendor/../index.html",
            "/index.html",
            "app.js/",
            "",
            "vendor/leaflet/leaflet.js.map",
        ] {
            assert!(find(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn text_is_gzipped_and_round_trips_images_are_not() {
        use std::io::Read as _;
        for (a, p) in ASSETS.iter().zip(prepared()) {
            if a.content_type == "image/png" {
                assert!(p.gzip.is_none(), "{}", a.path);
                continue;
            }
            assert!(p.gzip.is_some(), "{} is not compressed", a.path);
            let g = p.gzip.as_ref().unwrap();
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&g[..])
                .read_to_end(&mut out)
                .unwrap();
            assert_eq!(out, a.bytes, "{}", a.path);
        }
    }

    fn asset_text(path: &str) -> &'static str {
        std::str::from_utf8(ASSETS.iter().find(|a| a.path == path).unwrap().bytes).unwrap()
    }

    /// The `"key":` names of one language block of i18n.js.
    fn keys(block: &str) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        for part in block.split('"').collect::<Vec<_>>().windows(2) {
            let (k, after) = (part[0], part[1]);
            if after.trim_start().starts_with(':')
                && k.contains('.')
                && k.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_')
            {
                out.insert(k.to_string());
            }
        }
        out
    }

    #[test]
    fn english_and_french_have_the_same_strings() {
        let src = asset_text("i18n.js");
        let en_at = src.find("en: {").unwrap();
        let fr_at = src.find("fr: {").unwrap();
        let end = src.find("window.VEILLE_TYPES").unwrap();
        let en = keys(&src[en_at..fr_at]);
        let fr = keys(&src[fr_at..end]);
        assert!(en.len() > 50, "{}", en.len());
        assert_eq!(en, fr);
        // Every key the app asks for exists.
        let app = asset_text("app.js");
        for piece in app.split("t(\"").skip(1) {
            let key = piece.split('"').next().unwrap();
            if key.contains('.') {
                assert!(en.contains(key), "app.js uses unknown string {key}");
            }
        }
    }

    #[test]
    fn review_screens_have_english_and_french_strings() {
        let src = asset_text("review.js");
        let en_at = src.find("Object.assign(window.VEILLE_I18N.en, {").unwrap();
        let fr_at = src.find("Object.assign(window.VEILLE_I18N.fr, {").unwrap();
        let end = src.find("const SCREENS").unwrap();
        let en = keys(&src[en_at..fr_at]);
        let fr = keys(&src[fr_at..end]);
        assert!(en.len() > 40, "{}", en.len());
        assert_eq!(en, fr);
        // Every key the screens ask for exists here or in i18n.js (built keys such as
        // "review.status." + s end with a dot and are checked by their parts).
        let app = asset_text("i18n.js");
        let shared = keys(&app[app.find("en: {").unwrap()..app.find("fr: {").unwrap()]);
        for piece in src.split("t(\"").skip(1) {
            let key = piece.split('"').next().unwrap();
            if key.contains('.') && !key.ends_with('.') {
                assert!(
                    en.contains(key) || shared.contains(key),
                    "review.js uses unknown string {key}"
                );
            }
        }
        for s in ["draft", "accepted", "rejected", "all"] {
            assert!(en.contains(&format!("review.status.{s}")), "{s}");
        }
    }

    #[test]
    fn protect_screens_have_english_and_french_strings_for_every_key_they_use() {
        let src = asset_text("protect.js");
        let en_at = src.find("Object.assign(window.VEILLE_I18N.en").unwrap();
        let fr_at = src.find("Object.assign(window.VEILLE_I18N.fr").unwrap();
        let (en, fr) = (keys(&src[en_at..fr_at]), keys(&src[fr_at..]));
        assert!(en.len() > 40, "{}", en.len());
        assert_eq!(en, fr);
        let base = asset_text("i18n.js");
        let base_en = keys(&base[base.find("en: {").unwrap()..base.find("fr: {").unwrap()]);
        for piece in src[..en_at].split("t(\"").skip(1) {
            let key = piece.split('"').next().unwrap();
            if !key.contains('.') {
                continue; // `get("period")`, not a string key
            }
            if let Some(prefix) = key.strip_suffix('_') {
                // A key built at run time (`protect.risk_` + risk): some key has the prefix.
                assert!(
                    en.iter().any(|k| k.starts_with(&format!("{prefix}_"))),
                    "{key}"
                );
                continue;
            }
            assert!(
                en.contains(key) || base_en.contains(key),
                "protect.js uses unknown string {key}"
            );
        }
        // Registered before app.js runs its router.
        let page = asset_text("index.html");
        let at = |s: &str| page.find(s).unwrap();
        assert!(at("/assets/i18n.js") < at("/assets/protect.js"));
        assert!(at("/assets/protect.js") < at("/assets/app.js"));
    }

    #[test]
    fn the_app_never_writes_html_from_strings() {
        for path in ["app.js", "i18n.js", "review.js", "protect.js"] {
            let src = asset_text(path);
            for sink in [
                "innerHTML",
                "outerHTML",
                "insertAdjacentHTML",
                "document.write",
                "eval(",
            ] {
                assert!(!src.contains(sink), "{path} uses {sink}");
            }
        }
        let page = asset_text("index.html");
        assert!(!page.contains("http://") && !page.contains("https://"));
    }

    #[test]
    fn admin1_layer_names_match_the_gazetteer_names_events_carry() {
        let doc = admin1_geojson().unwrap();
        let f = doc["features"].as_array().unwrap();
        assert_eq!(f.len(), 9);
        let geo = veille_ingest::enrich::shipped_geo().unwrap();
        // A point in Mopti region: the event's admin1 (from enrichment) must be a layer name.
        let rg = geo.at_on(14.1907, -3.6396, None).unwrap();
        let a1 = rg.admin1.unwrap();
        let hit = f
            .iter()
            .find(|x| x["properties"]["code"] == a1.code.as_str())
            .unwrap();
        assert_eq!(hit["properties"]["name"], a1.name.as_str());
        for x in f {
            assert!(x["geometry"]["coordinates"].is_array());
            assert!(!x["properties"]["name"].as_str().unwrap().is_empty());
        }
    }
}
