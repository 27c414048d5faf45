//! Reference data over HTTP: place resolution and reverse geocoding (veille-geo, the one
//! place resolver) and the actor registry (veille-actors): search, and one actor with its
//! aliases, relations, designations, genealogy timeline and the events that involve it
//! within the caller's clearance.
//!
//! Places and actors are what veille ships plus every analyst edit stored in the
//! database, loaded by `veille_ingest::reference` (the one loader). [`ReferenceCache`]
//! keeps the loaded registry and geography until a new edit is stored.

use crate::auth::Caller;
use crate::error::ApiError;
use crate::merge::EventBrief;
use crate::roles::Permission;
use crate::{ApiQuery, AppState};
use axum::extract::{Path, State};
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use uuid::Uuid;
use veille_actors::{Actor, Designation, Genealogy, Registry, Relation};
use veille_geo::{Geo, Hints};
use veille_ingest::reference::{
    load_geo, load_registry, ReferenceError, ACTOR_EDITS, BOUNDARY_EDITS, PLACE_ALIAS_EDITS,
    PLACE_EDITS,
};
use veille_store::{ActorSpan, EventFilter, Store};

/// The last stored edit of each kind a loaded value depends on.
type EditKey = Vec<Option<Uuid>>;

/// The registry and geography as edited, reloaded only when a new edit was stored.
#[derive(Default)]
pub struct ReferenceCache {
    registry: Mutex<Option<(EditKey, Arc<Registry>)>>,
    geo: Mutex<Option<(EditKey, Arc<Geo>)>>,
}

fn reference_error(e: ReferenceError) -> ApiError {
    match e {
        ReferenceError::Store(s) => s.into(),
        other => ApiError::internal(&other),
    }
}

async fn edit_key(store: &dyn Store, kinds: &[&str]) -> Result<EditKey, ApiError> {
    let mut key = Vec::with_capacity(kinds.len());
    for k in kinds {
        key.push(store.reference_edits(k).await?.last().map(|e| e.id));
    }
    Ok(key)
}

fn cached<T>(slot: &Mutex<Option<(EditKey, Arc<T>)>>, key: &EditKey) -> Option<Arc<T>> {
    let guard = slot.lock().ok()?;
    guard
        .as_ref()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
}

fn store_in<T>(slot: &Mutex<Option<(EditKey, Arc<T>)>>, key: EditKey, v: &Arc<T>) {
    if let Ok(mut guard) = slot.lock() {
        *guard = Some((key, v.clone()));
    }
}

impl ReferenceCache {
    /// The actor registry with every stored actor edit applied.
    pub async fn registry(&self, store: &dyn Store) -> Result<Arc<Registry>, ApiError> {
        let key = edit_key(store, &[ACTOR_EDITS]).await?;
        if let Some(r) = cached(&self.registry, &key) {
            return Ok(r);
        }
        let r = Arc::new(load_registry(Some(store)).await.map_err(reference_error)?);
        store_in(&self.registry, key, &r);
        Ok(r)
    }

    /// The geography with every stored boundary layer, place and alias applied.
    pub async fn geo(&self, store: &dyn Store) -> Result<Arc<Geo>, ApiError> {
        let key = edit_key(store, &[BOUNDARY_EDITS, PLACE_EDITS, PLACE_ALIAS_EDITS]).await?;
        if let Some(g) = cached(&self.geo, &key) {
            return Ok(g);
        }
        let g = Arc::new(load_geo(Some(store)).await.map_err(reference_error)?);
        store_in(&self.geo, key, &g);
        Ok(g)
    }
}

/// Longest name or query accepted, in characters.
const MAX_TEXT: usize = 200;

fn text_param(field: &str, v: Option<&str>) -> Result<Option<String>, ApiError> {
    match v.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.chars().count() > MAX_TEXT => Err(ApiError::bad_request(format!(
            "{field}: at most {MAX_TEXT} characters"
        ))),
        Some(s) => Ok(Some(s.to_string())),
    }
}

fn date_param(field: &str, v: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    v.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                ApiError::bad_request(format!(
                    "{field}: '{}' is not a date (YYYY-MM-DD)",
                    s.chars().take(40).collect::<String>()
                ))
            })
        })
        .transpose()
}

/// Query of `GET /api/places/resolve`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolveQuery {
    /// The place name or phrase ("Ogossagou", "near Mopti").
    pub name: Option<String>,
    /// Admin1 (region) hint.
    pub admin1: Option<String>,
    /// Admin2 (cercle) hint.
    pub admin2: Option<String>,
    /// Country hint (MLI or ML).
    pub country: Option<String>,
    /// A place the event is near.
    pub near: Option<String>,
    /// The event's day (YYYY-MM-DD): admin names are read in the frame in force then.
    pub date: Option<String>,
    /// At most this many candidates (1–50, default 10).
    pub limit: Option<usize>,
}

/// `GET /api/places/resolve?name=&admin1=&admin2=&country=&near=&date=&limit=`: ranked
/// candidates from veille-geo, with the GeoNames attribution.
pub async fn resolve_place(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ResolveQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(Permission::ReferenceRead, "read reference data")?;
    let name = text_param("name", q.name.as_deref())?
        .ok_or_else(|| ApiError::bad_request("name: give a place name"))?;
    let limit = q.limit.unwrap_or(10);
    if limit == 0 || limit > 50 {
        return Err(ApiError::bad_request("limit must be between 1 and 50"));
    }
    let hints = Hints {
        admin1: text_param("admin1", q.admin1.as_deref())?,
        admin2: text_param("admin2", q.admin2.as_deref())?,
        country: text_param("country", q.country.as_deref())?,
        near: text_param("near", q.near.as_deref())?,
        limit: Some(limit),
        date: date_param("date", q.date.as_deref())?,
    };
    let geo = state.reference.geo(state.store.as_ref()).await?;
    let r = geo.resolve(&name, &hints);
    Ok(Json(serde_json::json!({
        "resolution": r,
        "attribution": veille_geo::GEONAMES_ATTRIBUTION,
    })))
}

/// Query of `GET /api/places/at`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtQuery {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// As of this day (YYYY-MM-DD): the boundary layers in force then.
    pub date: Option<String>,
}

/// `GET /api/places/at?lat=&lon=&date=`: admin1, admin2, nearest place, country and
/// PRIO-GRID cell of a point.
pub async fn place_at(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<AtQuery>,
) -> Result<Json<veille_geo::ReverseGeocode>, ApiError> {
    caller.require(Permission::ReferenceRead, "read reference data")?;
    let date = date_param("date", q.date.as_deref())?;
    let geo = state.reference.geo(state.store.as_ref()).await?;
    geo.at_on(q.lat, q.lon, date)
        .map(Json)
        .map_err(|e| match e {
            veille_geo::GeoError::Coordinate(m) => ApiError::bad_request(m),
            other => ApiError::internal(&other),
        })
}

/// Query of `GET /api/actors`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorQuery {
    /// Name, alias or acronym (any language); empty lists every actor by name.
    pub q: Option<String>,
    /// Page size (1–200, default 50).
    pub limit: Option<usize>,
    /// Offset.
    pub offset: Option<usize>,
}

/// One actor in a list.
#[derive(Debug, Serialize)]
pub struct ActorRow {
    /// Registry id.
    pub id: String,
    /// Canonical name.
    pub name: String,
    /// Finer type, e.g. `jihadist_group`.
    pub kind: String,
    /// ACLED inter code.
    pub inter: u8,
    /// Countries (ISO3).
    pub countries: Vec<String>,
    /// Active from.
    pub active_from: Option<NaiveDate>,
    /// Active to.
    pub active_to: Option<NaiveDate>,
    /// Number of aliases.
    pub aliases: usize,
    /// Resolution score for the query (absent for name matches and plain listing).
    pub score: Option<f32>,
    /// Why it matched.
    pub reason: Option<String>,
}

impl ActorRow {
    fn of(a: &Actor, score: Option<f32>, reason: Option<String>) -> Self {
        ActorRow {
            id: a.id.clone(),
            name: a.name.clone(),
            kind: a.kind.to_string(),
            inter: a.inter,
            countries: a.countries.clone(),
            active_from: a.active_from,
            active_to: a.active_to,
            aliases: a.aliases.len(),
            score,
            reason,
        }
    }
}

/// A page of actors.
#[derive(Debug, Serialize)]
pub struct ActorPage {
    /// Matching actors.
    pub total: usize,
    /// Page size.
    pub limit: usize,
    /// Offset.
    pub offset: usize,
    /// The actors.
    pub items: Vec<ActorRow>,
}

/// `GET /api/actors?q=&limit=&offset=`: with `q`, the registry's resolution candidates
/// (scored, best first), then every other actor whose id, name or an alias contains `q`
/// (accents and case folded); without, every actor by name.
pub async fn list_actors(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ActorQuery>,
) -> Result<Json<ActorPage>, ApiError> {
    caller.require(Permission::ReferenceRead, "read reference data")?;
    let limit = q.limit.unwrap_or(50);
    if limit == 0 || limit > 200 {
        return Err(ApiError::bad_request("limit must be between 1 and 200"));
    }
    let offset = q.offset.unwrap_or(0);
    let text = text_param("q", q.q.as_deref())?;
    let reg = state.reference.registry(state.store.as_ref()).await?;
    let mut rows: Vec<ActorRow> = Vec::new();
    match text {
        Some(t) => {
            let res = reg.resolve(&t, None);
            for c in &res.candidates {
                if let Some(a) = reg.get(&c.actor_id) {
                    rows.push(ActorRow::of(a, Some(c.score), Some(c.reason.clone())));
                }
            }
            let needle = veille_actors::normalize::normalize(&t);
            let mut named: Vec<&Actor> = reg
                .actors()
                .iter()
                .filter(|a| !rows.iter().any(|r| r.id == a.id))
                .filter(|a| {
                    !needle.is_empty()
                        && (a.id.contains(&needle)
                            || veille_actors::normalize::normalize(&a.name).contains(&needle)
                            || a.aliases.iter().any(|al| {
                                veille_actors::normalize::normalize(&al.text).contains(&needle)
                            }))
                })
                .collect();
            named.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
            rows.extend(
                named
                    .into_iter()
                    .map(|a| ActorRow::of(a, None, Some("name contains the query".into()))),
            );
        }
        None => {
            let mut all: Vec<&Actor> = reg.actors().iter().collect();
            all.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
            rows.extend(all.into_iter().map(|a| ActorRow::of(a, None, None)));
        }
    }
    let total = rows.len();
    Ok(Json(ActorPage {
        total,
        limit,
        offset,
        items: rows.into_iter().skip(offset).take(limit).collect(),
    }))
}

/// How many of an actor's latest events `GET /api/actors/{id}` lists.
pub const RECENT_EVENTS: u64 = 10;

/// The events that involve an actor, as the caller may see them.
#[derive(Debug, Serialize)]
pub struct ActorEvents {
    /// Events naming the actor within the caller's clearance (not retracted, not merged).
    pub count: u64,
    /// The latest of them, newest first.
    pub recent: Vec<EventBrief>,
}

/// Answer of `GET /api/actors/{id}`.
#[derive(Debug, Serialize)]
pub struct ActorDetail {
    /// The actor: names, aliases (with languages and dates), type, period, leaders.
    pub actor: Actor,
    /// Relations from and to it (member of, merged into, split from, allied with…).
    pub relations: Vec<Relation>,
    /// Dated designations (UN, US, EU, national lists).
    pub designations: Vec<Designation>,
    /// The genealogy: antecedent tree, successors and the dated timeline.
    pub genealogy: Genealogy,
    /// Its events.
    pub events: ActorEvents,
}

/// `GET /api/actors/{id}` (a registry id; a name or alias also finds it).
pub async fn get_actor(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ActorDetail>, ApiError> {
    caller.require(Permission::ReferenceRead, "read reference data")?;
    let reg = state.reference.registry(state.store.as_ref()).await?;
    let not_found = || {
        ApiError::not_found(format!(
            "no actor '{}'",
            id.chars().take(80).collect::<String>()
        ))
    };
    let a = reg
        .get(id.trim())
        .or_else(|| reg.lookup(id.trim()))
        .ok_or_else(not_found)?;
    let genealogy = reg.genealogy(&a.id).map_err(|e| ApiError::internal(&e))?;
    let relations: Vec<Relation> = reg
        .relations_from(&a.id)
        .into_iter()
        .chain(reg.relations_to(&a.id))
        .cloned()
        .collect();
    let designations: Vec<Designation> = reg.designations_of(&a.id).into_iter().cloned().collect();
    let events = if caller.require(Permission::EventsRead, "").is_ok() {
        let spans = [ActorSpan {
            actor_id: a.id.clone(),
            from: None,
            to: None,
        }];
        let filter = EventFilter {
            max_sensitivity: Some(caller.role.clearance()),
            ..EventFilter::default()
        };
        let count = state.store.count_events_for_actors(&spans, &filter).await?;
        // Listed oldest first: the newest are the last page.
        let last = state
            .store
            .list_events_for_actors(
                &spans,
                &EventFilter {
                    limit: Some(RECENT_EVENTS),
                    offset: Some(count.saturating_sub(RECENT_EVENTS)),
                    ..filter
                },
            )
            .await?;
        ActorEvents {
            count,
            recent: last
                .into_iter()
                .rev()
                .map(|e| EventBrief::of(&state, &caller, e))
                .collect(),
        }
    } else {
        ActorEvents {
            count: 0,
            recent: Vec::new(),
        }
    };
    Ok(Json(ActorDetail {
        actor: a.clone(),
        relations,
        designations,
        genealogy,
        events,
    }))
}
