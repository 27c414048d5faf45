//! # veille-server
//!
//! `veille serve`: the JSON API over the [`Store`], with users, roles, sessions and
//! API tokens ([`auth`]), the caller's clearance enforced on every read path, victim
//! locations blurred for roles that may not see them ([`privacy`]), one typed error
//! shape ([`error`]) and the OpenAPI document ([`openapi`]).
//!
//! Routes live in [`router`]; each handler is in the module of its resource.

pub mod auth;
pub mod cache;
pub mod drafts;
pub mod error;
pub mod events;
pub mod merge;
pub mod openapi;
pub mod privacy;
pub mod protect;
pub mod reference;
pub mod roles;
pub mod ui;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::sync::Arc;
use veille_ingest::import::Enricher;
use veille_store::{AuthStore, Store};

pub use error::ApiError;
pub use roles::{Permission, Role};

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark the session cookie `Secure` (on by default; off only for plain-HTTP tests).
    pub secure_cookies: bool,
    /// Session lifetime.
    pub session_hours: i64,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Failed logins for one account, within the window, before logins are refused.
    pub login_max_failures: u64,
    /// The window of that count, in minutes.
    pub login_window_minutes: i64,
    /// Bytes of computed answers (map, lists, threat matrix) kept for reuse until the
    /// data changes ([`cache`]); 0 turns the cache off.
    pub response_cache_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            secure_cookies: true,
            session_hours: 12,
            max_body_bytes: 1024 * 1024,
            login_max_failures: 5,
            login_window_minutes: 15,
            response_cache_bytes: 64 * 1024 * 1024,
        }
    }
}

/// What every handler shares.
pub struct AppState {
    /// Events.
    pub store: Arc<dyn Store>,
    /// Users, sessions, tokens.
    pub auth: Arc<dyn AuthStore>,
    /// Enrichment of events created through the API (places, actors).
    pub enricher: Option<Arc<dyn Enricher>>,
    /// Location blurring.
    pub blur: privacy::Blurrer,
    /// Settings.
    pub config: Config,
    /// The actor registry and geography as edited (shipped data plus stored edits).
    pub reference: reference::ReferenceCache,
    /// Computed answers of the heavy reads, until the data changes.
    pub cache: cache::ResponseCache,
}

impl AppState {
    /// State over a store with the shipped geography and actor registry.
    pub fn new(
        store: Arc<dyn Store>,
        auth: Arc<dyn AuthStore>,
        config: Config,
    ) -> Result<Self, ApiError> {
        let geo = veille_ingest::enrich::shipped_geo().map_err(|e| ApiError::internal(&e))?;
        let enricher = veille_ingest::enrich::StandardEnricher::shipped()
            .map_err(|e| ApiError::internal(&e))?;
        Ok(AppState {
            blur: privacy::Blurrer::new(&geo.gazetteer),
            store,
            auth,
            enricher: Some(enricher),
            cache: cache::ResponseCache::new(config.response_cache_bytes),
            config,
            reference: reference::ReferenceCache::default(),
        })
    }
}

/// JSON body extractor whose failures answer in the API's error shape
/// (`invalid_json`, `unsupported_media_type`, `payload_too_large`).
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rej) => Err(json_rejection(rej)),
        }
    }
}

/// Query-string extractor whose failures answer `bad_request` in the API's error shape.
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(rej) => Err(ApiError::bad_request(rej.body_text())),
        }
    }
}

fn json_rejection(rej: JsonRejection) -> ApiError {
    match rej {
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the body as application/json",
        ),
        JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the request body is too large",
            )
        }
        JsonRejection::JsonDataError(e) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
            // serde's message names the field and expectation, never server internals.
            e.body_text(),
        ),
        other => ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            format!("the body is not valid JSON: {}", other.body_text()),
        ),
    }
}

async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

async fn readyz(State(state): State<Arc<AppState>>) -> Result<Json<serde_json::Value>, ApiError> {
    state.auth.user_by_name("").await?;
    Ok(Json(
        serde_json::json!({"status": "ready", "backend": format!("{:?}", state.store.backend())}),
    ))
}

async fn no_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no_route", "no such endpoint")
}

/// The application's routes.
pub fn router(state: Arc<AppState>) -> Router {
    let limit = state.config.max_body_bytes;
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/api/openapi.json", get(openapi::openapi_json))
        .route("/api/docs", get(openapi::docs_page))
        .route("/api/login", post(auth::login))
        .route("/api/logout", post(auth::logout))
        .route("/api/me", get(auth::whoami))
        .route("/api/tokens", post(auth::create_token))
        .route("/api/events", get(events::list).post(events::create))
        .route("/api/events/{id}", get(events::get))
        .route("/api/events/{id}/history", get(events::history))
        .route("/api/events/{id}/retract", post(events::retract))
        .route("/api/map/events.geojson", get(events::map))
        .route("/api/export/{name}", get(events::export))
        .route("/api/public/events.geojson", get(events::public_map))
        // Review queue, duplicates and merges, places and actors.
        .route("/api/drafts", get(drafts::list))
        .route("/api/drafts/{id}", get(drafts::get))
        .route("/api/drafts/{id}/accept", post(drafts::accept))
        .route("/api/drafts/{id}/reject", post(drafts::reject))
        .route("/api/events/{id}/duplicates", get(merge::duplicates))
        .route("/api/events/{id}/merge", post(merge::merge))
        .route("/api/events/{id}/unmerge", post(merge::unmerge))
        .route("/api/events/{id}/merges", get(merge::merges))
        .route("/api/places/resolve", get(reference::resolve_place))
        .route("/api/places/at", get(reference::place_at))
        .route("/api/actors", get(reference::list_actors))
        .route("/api/actors/{id}", get(reference::get_actor))
        // Protection desk.
        .route("/api/assessments", get(protect::assessments))
        .route("/api/assessments/cell", get(protect::cell))
        .route("/api/assessments/override", post(protect::override_cell))
        .route("/api/rollups", get(protect::rollups))
        .route("/api/warnings", get(protect::warnings))
        .route("/api/warnings/{id}", get(protect::warning))
        .route("/api/warnings/{id}/acknowledge", post(protect::acknowledge))
        .route("/api/warnings/{id}/actions", post(protect::add_action))
        .route("/api/actions/{warning}/{n}", post(protect::set_action))
        .route("/api/metrics/warning-to-action", get(protect::metrics))
        .route("/api/reports/region", post(protect::region_report))
        .route("/api/reports/{name}", get(protect::report_file))
        .merge(ui::routes())
        .fallback(no_route)
        .layer(DefaultBodyLimit::max(limit))
        // gzip for JSON, GeoJSON and CSV answers (field offices are on 3G or satellite);
        // the UI's assets arrive pre-compressed and are left alone.
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(state)
}

/// Runs `work` on a blocking thread (driving its own database calls there), so that
/// seconds of CPU (a model fit, an export) do not hold up the async workers that answer
/// every other request.
pub(crate) async fn off_runtime<T, F>(work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: Future<Output = Result<T, ApiError>> + Send + 'static,
{
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || handle.block_on(work))
        .await
        .map_err(|e| ApiError::internal(&e))?
}

/// Serves until `shutdown` resolves; requests in flight then finish before it returns.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
