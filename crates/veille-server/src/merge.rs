//! Duplicates and merges of events: the likely duplicates of an event (scored and
//! explained by `veille-dedup`, the one scorer), merging events into a survivor, undoing a
//! merge, and an event's merge history. The store keeps everything
//! ([`veille_store::Store::merge_events`] hides the absorbed event, never deletes it).
//!
//! Clearance: candidates, merge partners and merge records above the caller's clearance
//! are left out (they do not exist for the caller). An event may only be absorbed by a
//! survivor at least as sensitive as itself, or the survivor would show the absorbed
//! event's sources and external ids at a lower level.

use crate::auth::Caller;
use crate::error::ApiError;
use crate::events::{redact, visible};
use crate::roles::Permission;
use crate::{ApiJson, ApiQuery, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use uuid::Uuid;
use veille_dedup::{DedupConfig, Parts};
use veille_model::Event;
use veille_store::{DedupRecord, MergeRecord};

/// Default number of candidates.
pub const DEFAULT_CANDIDATES: usize = 10;
/// Most candidates one call returns.
pub const MAX_CANDIDATES: usize = 50;
/// Most events one merge call absorbs.
pub const MAX_ABSORB: usize = 50;

/// An event in one line: what lists of related events show.
#[derive(Debug, Clone, Serialize)]
pub struct EventBrief {
    /// Event id.
    pub id: Uuid,
    /// External ids, e.g. `ged:12989`.
    pub external_ids: Vec<String>,
    /// First day.
    pub date_start: NaiveDate,
    /// Last day.
    pub date_end: NaiveDate,
    /// Event type code.
    pub event_type: &'static str,
    /// Sub-event type code.
    pub sub_event_type: &'static str,
    /// Place name (none when blurred for the caller).
    pub place_name: Option<String>,
    /// Admin1 name.
    pub admin1: Option<String>,
    /// Admin2 name.
    pub admin2: Option<String>,
    /// Best estimate of people killed.
    pub killed: u32,
    /// Actor names.
    pub actors: Vec<String>,
    /// Verification status code.
    pub verification: &'static str,
    /// Sensitivity code.
    pub sensitivity: &'static str,
}

impl EventBrief {
    /// The brief of `e`, blurred as the caller must see it.
    pub fn of(state: &AppState, caller: &Caller, mut e: Event) -> Self {
        redact(state, caller, &mut e);
        let l = &e.location;
        EventBrief {
            id: e.id,
            external_ids: e.external_ids.iter().map(|x| x.to_string()).collect(),
            date_start: e.date_start,
            date_end: e.date_end,
            event_type: e.event_type.code(),
            sub_event_type: e.sub_event_type.code(),
            place_name: l.place_name.clone(),
            admin1: l.admin1.as_ref().map(|a| a.name.clone()),
            admin2: l.admin2.as_ref().map(|a| a.name.clone()),
            killed: e.killed_best(),
            actors: e.actors.iter().map(|a| a.name.clone()).collect(),
            verification: e.verification.code(),
            sensitivity: e.sensitivity.code(),
        }
    }
}

/// Query of `GET /api/events/{id}/duplicates`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuplicatesQuery {
    /// Smallest score proposed, 0–1 (default: the scorer's threshold, 0.7).
    pub threshold: Option<f64>,
    /// At most this many candidates (default 10, at most 50).
    pub limit: Option<usize>,
}

/// One likely duplicate.
#[derive(Debug, Serialize)]
pub struct Candidate {
    /// Weighted score, 0–1.
    pub score: f64,
    /// Plain-language reasons, e.g. "same day ±1, 3 km apart, both Armed clash".
    pub explanation: String,
    /// The measured parts (date, place, kind, killed, actors).
    pub parts: Parts,
    /// The candidate event.
    pub event: EventBrief,
}

/// Answer of `GET /api/events/{id}/duplicates`.
#[derive(Debug, Serialize)]
pub struct Duplicates {
    /// The event.
    pub event: Uuid,
    /// The threshold used.
    pub threshold: f64,
    /// The days searched.
    pub window: (NaiveDate, NaiveDate),
    /// Live events in the window (all sensitivities: a count, no content).
    pub searched: usize,
    /// The candidates visible to the caller, best first.
    pub candidates: Vec<Candidate>,
}

/// `GET /api/events/{id}/duplicates?threshold=&limit=`.
pub async fn duplicates(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<DuplicatesQuery>,
) -> Result<Json<Duplicates>, ApiError> {
    caller.require(Permission::EventsRead, "read events")?;
    let mut config = DedupConfig::default();
    if let Some(t) = q.threshold {
        if !(0.0..=1.0).contains(&t) {
            return Err(ApiError::bad_request(format!(
                "threshold must be between 0 and 1, not {t}"
            )));
        }
        config.threshold = t;
    }
    let limit = q.limit.unwrap_or(DEFAULT_CANDIDATES);
    if limit == 0 || limit > MAX_CANDIDATES {
        return Err(ApiError::bad_request(format!(
            "limit must be between 1 and {MAX_CANDIDATES}"
        )));
    }
    let e = visible(&state, &caller, &id).await?;
    let registry = state.reference.registry(state.store.as_ref()).await?;
    let target = DedupRecord::from_event(&e);
    let found = veille_dedup::store_candidates(
        state.store.as_ref(),
        &registry,
        &target,
        config,
        usize::MAX,
    )
    .await?;
    let clearance = caller.role.clearance();
    let mut candidates = Vec::new();
    for p in found.candidates {
        if candidates.len() >= limit {
            break;
        }
        // Candidates above the caller's clearance are left out.
        let Some(other) = state.store.get_event(p.b).await? else {
            continue;
        };
        if other.sensitivity > clearance {
            continue;
        }
        candidates.push(Candidate {
            score: p.score,
            explanation: p.explanation,
            parts: p.parts,
            event: EventBrief::of(&state, &caller, other),
        });
    }
    Ok(Json(Duplicates {
        event: e.id,
        threshold: config.threshold,
        window: found.window,
        searched: found.pool.len(),
        candidates,
    }))
}

/// Body of `POST /api/events/{id}/merge`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The events merged into this one (ids or external ids).
    pub absorb: Vec<String>,
    /// Why (kept in both histories).
    #[serde(default)]
    pub reason: Option<String>,
}

/// Answer of a merge.
#[derive(Debug, Serialize)]
pub struct MergeAnswer {
    /// The survivor after the merge.
    pub survivor: Event,
    /// One record per absorbed event, in the order given.
    pub merges: Vec<MergeRecord>,
}

fn clean_reason(r: Option<String>) -> Option<String> {
    r.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn conflict(message: String) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, "conflict", message)
}

/// Refuses a retracted event, or one already merged into another.
async fn check_mergeable(state: &AppState, e: &Event) -> Result<(), ApiError> {
    if e.is_retracted() {
        return Err(conflict(format!(
            "cannot merge event {}: it is retracted",
            e.id
        )));
    }
    if state.store.merged_into(e.id).await?.is_some() {
        return Err(conflict(format!(
            "event {} is already merged into another event",
            e.id
        )));
    }
    Ok(())
}

/// `POST /api/events/{id}/merge`: merges every event of `absorb` into this one. All are
/// checked before the first merge, so a refused request changes nothing.
pub async fn merge(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<MergeRequest>,
) -> Result<Json<MergeAnswer>, ApiError> {
    caller.require(Permission::EventsMerge, "merge events")?;
    if req.absorb.is_empty() {
        return Err(ApiError::bad_request(
            "absorb: name at least one event to merge into this one",
        ));
    }
    if req.absorb.len() > MAX_ABSORB {
        return Err(ApiError::bad_request(format!(
            "absorb: at most {MAX_ABSORB} events per merge"
        )));
    }
    let survivor = visible(&state, &caller, &id).await?;
    check_mergeable(&state, &survivor).await?;
    let mut absorbed: Vec<Event> = Vec::with_capacity(req.absorb.len());
    for a in &req.absorb {
        let e = visible(&state, &caller, a).await?;
        if e.id == survivor.id {
            return Err(ApiError::bad_request(format!(
                "cannot merge event {} with itself",
                e.id
            )));
        }
        if absorbed.iter().any(|x| x.id == e.id) {
            return Err(ApiError::bad_request(format!(
                "absorb: event {} is named twice",
                e.id
            )));
        }
        check_mergeable(&state, &e).await?;
        if e.sensitivity > survivor.sensitivity {
            return Err(conflict(format!(
                "event {} is {} but event {} is only {}: the survivor would show its sources \
                 at a lower level; raise the survivor's sensitivity or merge the other way",
                e.id,
                e.sensitivity.code(),
                survivor.id,
                survivor.sensitivity.code()
            )));
        }
        absorbed.push(e);
    }
    let reason = clean_reason(req.reason);
    let mut merges = Vec::with_capacity(absorbed.len());
    for a in &absorbed {
        merges.push(
            state
                .store
                .merge_events(survivor.id, a.id, &caller.user.username, reason.as_deref())
                .await?,
        );
    }
    let mut after = state
        .store
        .get_event(survivor.id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no event with id {}", survivor.id)))?;
    redact(&state, &caller, &mut after);
    Ok(Json(MergeAnswer {
        survivor: after,
        merges,
    }))
}

/// Body of `POST /api/events/{id}/unmerge`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnmergeRequest {
    /// The absorbed event (its UUID: while merged, its external ids lead to the survivor).
    pub absorbed: String,
    /// Why (kept in both histories).
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /api/events/{id}/unmerge`: undoes the merge of `absorbed` into this event.
pub async fn unmerge(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UnmergeRequest>,
) -> Result<Json<MergeRecord>, ApiError> {
    caller.require(Permission::EventsMerge, "undo merges")?;
    let survivor = visible(&state, &caller, &id).await?;
    let absorbed = visible(&state, &caller, &req.absorbed).await?;
    match state.store.merged_into(absorbed.id).await? {
        Some(into) if into == survivor.id => {}
        Some(_) => {
            return Err(conflict(format!(
                "event {} is not merged into {}",
                absorbed.id, survivor.id
            )))
        }
        None => {
            return Err(conflict(format!(
                "event {} is not merged into another event",
                absorbed.id
            )))
        }
    }
    let m = state
        .store
        .unmerge_event(
            absorbed.id,
            &caller.user.username,
            clean_reason(req.reason).as_deref(),
        )
        .await?;
    Ok(Json(m))
}

/// One merge touching an event, with the other event of the pair.
#[derive(Debug, Serialize)]
pub struct MergeEntry {
    /// The record (survivor, absorbed, who, when, why, undone when).
    pub merge: MergeRecord,
    /// The other event of the pair.
    pub other: EventBrief,
}

/// Answer of `GET /api/events/{id}/merges`.
#[derive(Debug, Serialize)]
pub struct Merges {
    /// The survivor this event is merged into now, if it is (and visible to the caller).
    pub merged_into: Option<Uuid>,
    /// Every merge touching the event whose other side the caller may see, oldest first.
    pub merges: Vec<MergeEntry>,
}

/// `GET /api/events/{id}/merges`.
pub async fn merges(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Merges>, ApiError> {
    caller.require(Permission::EventsHistory, "read merge history")?;
    let e = visible(&state, &caller, &id).await?;
    let clearance = caller.role.clearance();
    let mut out = Vec::new();
    let mut merged_into = None;
    for m in state.store.merges_of(e.id).await? {
        let other_id = if m.survivor == e.id {
            m.absorbed
        } else {
            m.survivor
        };
        let Some(other) = state.store.get_event(other_id).await? else {
            continue;
        };
        if other.sensitivity > clearance {
            continue;
        }
        if m.absorbed == e.id && m.undone_at.is_none() {
            merged_into = Some(m.survivor);
        }
        out.push(MergeEntry {
            merge: m,
            other: EventBrief::of(&state, &caller, other),
        });
    }
    Ok(Json(Merges {
        merged_into,
        merges: out,
    }))
}
