//! Event endpoints: list and search, get, history, create, retract, the map GeoJSON,
//! exports and the published (public) map. Every read path filters by the caller's
//! clearance in SQL ([`EventFilter::max_sensitivity`]) and blurs victim locations for
//! roles without exact-location rights.

use crate::auth::Caller;
use crate::cache::{cached, Freshness};
use crate::error::ApiError;
use crate::roles::Permission;
use crate::{ApiJson, ApiQuery, AppState};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use uuid::Uuid;
use veille_ingest::export::{export_mapped, ExportFormat};
use veille_model::{Event, EventType, Revision, Sensitivity};
use veille_store::{EventFilter, MapPoint};

/// Default page size of `GET /api/events`.
pub const DEFAULT_PAGE: u64 = 50;
/// Largest page of `GET /api/events`.
pub const MAX_PAGE: u64 = 500;
/// The GeoJSON media type.
const GEOJSON: &str = "application/geo+json";
/// Largest map answer (`limit`).
pub const MAX_MAP: u64 = 20_000;
/// The map's answer without a `limit`: the 5,000 most recent matching events (about
/// 250 kB gzipped, a minute at 256 kbit/s; a field office narrows the filter first).
pub const DEFAULT_MAP: u64 = 5_000;
/// Lists count their matches up to this many; beyond, `total_exact` is false and the
/// total reads "at least". An exact count over a million events would read every index
/// entry on every page; `veille stats` and the rollups give exact totals.
pub const COUNT_CAP: u64 = 10_000;
/// The cap of a text search's count: each match counted is looked up in the table, so
/// "more than 1,000" is where counting stops being worth its cost.
pub const TEXT_COUNT_CAP: u64 = 1_000;

/// Filters shared by the list, map and export endpoints.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// Events ending on or after this day.
    pub date_from: Option<String>,
    /// Events starting on or before this day.
    pub date_to: Option<String>,
    /// ISO3 country.
    pub country: Option<String>,
    /// Admin1 name.
    pub admin1: Option<String>,
    /// Event type code or label.
    pub event_type: Option<String>,
    /// Actor name substring.
    pub actor: Option<String>,
    /// Free-text search.
    pub q: Option<String>,
    /// Page size.
    pub limit: Option<u64>,
    /// Offset.
    pub offset: Option<u64>,
    /// `oldest` (the default) or `newest` first, by start date (the map is always newest
    /// first).
    pub order: Option<String>,
}

fn date(field: &str, v: &Option<String>) -> Result<Option<NaiveDate>, ApiError> {
    v.as_deref()
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                ApiError::bad_request(format!("{field}: '{s}' is not a date (YYYY-MM-DD)"))
            })
        })
        .transpose()
}

impl EventQuery {
    /// The store filter, capped by the caller's clearance and a page limit.
    pub fn filter(
        &self,
        clearance: Sensitivity,
        default_limit: u64,
        max_limit: u64,
    ) -> Result<EventFilter, ApiError> {
        let event_type = self
            .event_type
            .as_deref()
            .map(|t| {
                t.parse::<EventType>()
                    .map_err(|e| ApiError::bad_request(format!("event_type: {e}")))
            })
            .transpose()?;
        let newest_first = match self.order.as_deref() {
            None | Some("oldest") => false,
            Some("newest") => true,
            Some(o) => {
                return Err(ApiError::bad_request(format!(
                    "order: '{o}' is not one of oldest, newest"
                )))
            }
        };
        let limit = self.limit.unwrap_or(default_limit);
        if limit == 0 || limit > max_limit {
            return Err(ApiError::bad_request(format!(
                "limit must be between 1 and {max_limit}"
            )));
        }
        Ok(EventFilter {
            date_from: date("date_from", &self.date_from)?,
            date_to: date("date_to", &self.date_to)?,
            country: self.country.clone(),
            admin1: self.admin1.clone(),
            event_type,
            actor_text: self.actor.clone(),
            text: self.q.clone(),
            include_retracted: false,
            include_merged: false,
            max_sensitivity: Some(clearance),
            limit: Some(limit),
            offset: self.offset,
            newest_first,
        })
    }
}

/// One page of events.
#[derive(Debug, Serialize)]
pub struct Page {
    /// Matching events visible to the caller, counted up to [`COUNT_CAP`] (a text search:
    /// [`TEXT_COUNT_CAP`]).
    pub total: u64,
    /// False when the count stopped at its cap: there are at least `total`.
    pub total_exact: bool,
    /// Page size.
    pub limit: u64,
    /// Offset.
    pub offset: u64,
    /// The events.
    pub items: Vec<Event>,
}

/// Blurs `e`'s victim location unless the caller's role sees exact locations.
pub(crate) fn redact(state: &AppState, caller: &Caller, e: &mut Event) {
    if !caller.role.exact_locations() {
        state.blur.blur(e);
    }
}

/// `GET /api/events`. Answers are cached until the data changes ([`crate::cache`]).
pub async fn list(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> Result<Response, ApiError> {
    caller.require(Permission::EventsRead, "read events")?;
    let f = q.filter(caller.role.clearance(), DEFAULT_PAGE, MAX_PAGE)?;
    let cap = if f.text.is_some() {
        TEXT_COUNT_CAP
    } else {
        COUNT_CAP
    };
    cached(
        &state,
        &caller,
        "events",
        uri.query(),
        &headers,
        "application/json",
        Freshness::Exact,
        || async {
            let total = state
                .store
                .count_events_upto(
                    &EventFilter {
                        limit: None,
                        offset: None,
                        ..f.clone()
                    },
                    cap,
                )
                .await?;
            let mut items = state.store.list_events(&f).await?;
            for e in &mut items {
                redact(&state, &caller, e);
            }
            json_bytes(&Page {
                total,
                total_exact: total < cap,
                limit: f.limit.unwrap_or(DEFAULT_PAGE),
                offset: f.offset.unwrap_or(0),
                items,
            })
        },
    )
    .await
}

/// A value as JSON bytes.
pub(crate) fn json_bytes<T: Serialize>(v: &T) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(v).map_err(|e| ApiError::internal(&e))
}

/// Resolves a path id (UUID or external id like `ged:12989`) to a visible event.
pub(crate) async fn visible(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<Event, ApiError> {
    let uuid = match Uuid::parse_str(id) {
        Ok(u) => Some(u),
        Err(_) => state.store.find_by_external_id(id).await?,
    };
    let not_found = || ApiError::not_found(format!("no event '{id}'"));
    let e = match uuid {
        Some(u) => state.store.get_event(u).await?.ok_or_else(not_found)?,
        None => return Err(not_found()),
    };
    // Above the caller's clearance it does not exist for them.
    if e.sensitivity > caller.role.clearance() {
        return Err(not_found());
    }
    Ok(e)
}

/// `GET /api/events/{id}`.
pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Event>, ApiError> {
    caller.require(Permission::EventsRead, "read events")?;
    let mut e = visible(&state, &caller, &id).await?;
    redact(&state, &caller, &mut e);
    Ok(Json(e))
}

/// `GET /api/events/{id}/history`.
pub async fn history(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Vec<Revision>>, ApiError> {
    caller.require(Permission::EventsHistory, "read revision history")?;
    let e = visible(&state, &caller, &id).await?;
    Ok(Json(state.store.history(e.id).await?))
}

/// `POST /api/events`: creates an event from its JSON (the model's shape). The
/// server sets the id (unless given), the audit and the enrichment.
pub async fn create(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiJson(mut e): ApiJson<Event>,
) -> Result<(StatusCode, Json<Event>), ApiError> {
    caller.require(Permission::EventsWrite, "create events")?;
    if e.sensitivity > caller.role.clearance() {
        return Err(ApiError::forbidden(
            "create a record above your own clearance",
        ));
    }
    let now = Utc::now();
    e.audit = veille_model::Audit::new(&caller.user.username, now);
    if let Some(enricher) = &state.enricher {
        enricher.enrich(&mut e);
    }
    state
        .store
        .create_event(&e, &caller.user.username, Some("created through the API"))
        .await?;
    let stored = state
        .store
        .get_event(e.id)
        .await?
        .ok_or_else(|| ApiError::not_found("the event vanished after creation"))?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// Body of `POST /api/events/{id}/retract`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetractRequest {
    /// Why (required).
    pub reason: String,
}

/// `POST /api/events/{id}/retract`.
pub async fn retract(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RetractRequest>,
) -> Result<Json<Revision>, ApiError> {
    caller.require(Permission::EventsRetract, "retract events")?;
    let e = visible(&state, &caller, &id).await?;
    let rev = state
        .store
        .retract_event(e.id, &caller.user.username, req.reason.trim())
        .await?;
    Ok(Json(rev))
}

fn map_feature(p: &MapPoint) -> serde_json::Value {
    serde_json::json!({
        "type": "Feature",
        "id": p.id,
        "geometry": {"type": "Point", "coordinates": [p.longitude, p.latitude]},
        "properties": {
            "id": p.id,
            "date": p.date_start,
            "event_type": p.event_type.code(),
            "sub_event_type": p.sub_event_type.code(),
            "killed": p.killed,
            "geo_precision": p.geo_precision.code(),
            "admin1": p.admin1,
            "admin2": p.admin2,
            "verification": p.verification.code(),
        }
    })
}

/// A GeoJSON FeatureCollection of the points, as bytes. Foreign members say whether the
/// answer stopped at its limit (`truncated`: the most recent `limit` events are drawn).
fn feature_collection(points: &[MapPoint], limit: u64) -> Result<Vec<u8>, ApiError> {
    let features: Vec<serde_json::Value> = points.iter().map(map_feature).collect();
    json_bytes(&serde_json::json!({
        "type": "FeatureCollection",
        "features": features,
        "limit": limit,
        "truncated": points.len() as u64 >= limit,
    }))
}

/// The map's filter: newest first, [`DEFAULT_MAP`] unless a `limit` is given.
fn map_filter(q: &EventQuery, clearance: Sensitivity) -> Result<EventFilter, ApiError> {
    Ok(EventFilter {
        newest_first: true,
        ..q.filter(clearance, DEFAULT_MAP, MAX_MAP)?
    })
}

/// `GET /api/map/events.geojson`: points for the map, the most recent first (events
/// without coordinates are left out; a victim-related point is blurred to its cercle for
/// roles without exact-location rights), read from the map projection
/// ([`veille_store::Store::map_points`]), not the documents; cached until the data
/// changes.
pub async fn map(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> Result<Response, ApiError> {
    caller.require(Permission::EventsRead, "read events")?;
    let f = map_filter(&q, caller.role.clearance())?;
    cached(
        &state,
        &caller,
        "map",
        uri.query(),
        &headers,
        GEOJSON,
        Freshness::WhileRecomputing,
        || async {
            let mut points = state.store.map_points(&f).await?;
            if !caller.role.exact_locations() {
                points.retain_mut(|p| state.blur.blur_point(p));
            }
            feature_collection(&points, f.limit.unwrap_or(DEFAULT_MAP))
        },
    )
    .await
}

/// `GET /api/public/events.geojson`: published output, no login. Only public records,
/// victim locations always blurred to admin2.
pub async fn public_map(
    State(state): State<Arc<AppState>>,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> Result<Response, ApiError> {
    let f = map_filter(&q, Sensitivity::Public)?;
    let mut points = state.store.map_points(&f).await?;
    points.retain_mut(|p| state.blur.blur_point(p));
    let mut r = feature_collection(&points, f.limit.unwrap_or(DEFAULT_MAP))?.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(GEOJSON));
    Ok(r)
}

/// The exports by file name: (name, format, content type).
pub const EXPORTS: &[(&str, &str, &str)] = &[
    ("events.csv", "veille-csv", "text/csv; charset=utf-8"),
    ("events.geojson", "geojson", "application/geo+json"),
    ("events.hxl.csv", "hxl", "text/csv; charset=utf-8"),
    ("events.acled.csv", "acled", "text/csv; charset=utf-8"),
];

/// `GET /api/export/{name}`: the caller's visible events in one of [`EXPORTS`].
pub async fn export(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(name): Path<String>,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> Result<Response, ApiError> {
    caller.require(Permission::Export, "download exports")?;
    let Some((file, fmt, ctype)) = EXPORTS.iter().find(|(n, _, _)| *n == name) else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_export",
            format!(
                "no export named '{}'; try {}",
                name.chars().take(80).collect::<String>(),
                EXPORTS.iter().map(|e| e.0).collect::<Vec<_>>().join(", ")
            ),
        ));
    };
    let format: ExportFormat = fmt.parse().map_err(|e: String| ApiError::internal(&e))?;
    let mut f = q.filter(caller.role.clearance(), u64::MAX, u64::MAX)?;
    if q.limit.is_none() {
        f.limit = None;
    }
    let exact = caller.role.exact_locations();
    // The export writers are synchronous (`dyn Write`), so the export runs on a blocking
    // thread that drives its own store calls.
    let st = state.clone();
    let handle = tokio::runtime::Handle::current();
    let buf = tokio::task::spawn_blocking(move || {
        let mut buf: Vec<u8> = Vec::new();
        let redactor = |e: &mut Event| {
            if !exact {
                st.blur.blur(e);
            }
        };
        handle
            .block_on(export_mapped(
                st.store.as_ref(),
                &f,
                format,
                &mut buf,
                &redactor,
            ))
            .map(|_| buf)
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
    .map_err(|e| ApiError::internal(&e))?;
    let mut r = buf.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    let disp = format!("attachment; filename=\"veille-{file}\"");
    if let Ok(v) = HeaderValue::from_str(&disp) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}
