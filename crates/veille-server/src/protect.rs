//! Protection desk endpoints: the threat matrix and its cells, analysts' cell overrides,
//! rollups, warnings and response actions, warning-to-action metrics, and regional
//! reports. Every handler calls `veille-desk` at the caller's clearance, so aggregates
//! count only what the caller may see; evidence and cell events are blurred like every
//! other event read.

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
use std::sync::{Arc, OnceLock};
use uuid::Uuid;
use veille_desk::assess::{self as desk_assess, CellOverrideRequest, RollupRow};
use veille_desk::report::{ReportRequest, Source};
use veille_desk::warn::{self as desk_warn, BoardStatus, NewAction, StoredWarning};
use veille_model::Event;
use veille_protect::assess::ModelParams;
use veille_protect::response::{MatrixEntry, ResponseMatrix};
use veille_protect::rollup::{Grain, Level};
use veille_protect::RuleSet;

/// The shipped rules and response matrix, loaded once. (The actor registry is the one
/// as edited: [`crate::reference::ReferenceCache::registry`].)
struct Shipped {
    rules: RuleSet,
    matrix: ResponseMatrix,
}

static SHIPPED: OnceLock<Shipped> = OnceLock::new();

fn config() -> Result<&'static Shipped, ApiError> {
    if let Some(c) = SHIPPED.get() {
        return Ok(c);
    }
    let c = Shipped {
        rules: RuleSet::shipped().map_err(|e| ApiError::internal(&e))?,
        matrix: ResponseMatrix::shipped().map_err(|e| ApiError::internal(&e))?,
    };
    Ok(SHIPPED.get_or_init(|| c))
}

fn redact(state: &AppState, caller: &Caller, events: &mut [Event]) {
    if !caller.role.exact_locations() {
        for e in events {
            state.blur.blur(e);
        }
    }
}

fn day(field: &str, v: &Option<String>) -> Result<Option<NaiveDate>, ApiError> {
    v.as_deref()
        .map(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                ApiError::bad_request(format!("{field}: '{s}' is not a date (YYYY-MM-DD)"))
            })
        })
        .transpose()
}

/// Query of `GET /api/assessments`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentQuery {
    /// `admin1` (default) or `admin2`.
    pub level: Option<String>,
    /// The period, YYYY-MM (default: the month after the data end).
    pub period: Option<String>,
    /// 1 (default) or 2 months.
    pub months: Option<u32>,
    /// One area only.
    pub area: Option<String>,
}

/// `GET /api/assessments`: the threat matrix.
pub async fn assessments(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    uri: Uri,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<AssessmentQuery>,
) -> Result<Response, ApiError> {
    caller.require(Permission::ProtectRead, "read the threat matrix")?;
    let c = config()?;
    let level = desk_assess::parse_level(q.level.as_deref().unwrap_or("admin1"))?;
    let period = q
        .period
        .as_deref()
        .map(desk_assess::parse_period)
        .transpose()?;
    // The matrix depends on the data (the version keys the cache) and on the shipped
    // rules, which do not change while the server runs. Its model fit is CPU work of
    // tenths of a second: it runs off the async workers, which go on serving others.
    let clearance = caller.role.clearance();
    let (months, area) = (q.months.unwrap_or(1), q.area.clone());
    let st = state.clone();
    cached(
        &state,
        &caller,
        "assessments",
        uri.query(),
        &headers,
        "application/json",
        Freshness::WhileRecomputing,
        || {
            crate::off_runtime(async move {
                let registry = st.reference.registry(st.store.as_ref()).await?;
                let m = desk_assess::matrix(
                    st.store.as_ref(),
                    &c.rules,
                    &registry,
                    clearance,
                    level,
                    period,
                    months,
                    area.as_deref(),
                    &ModelParams::default(),
                )
                .await?;
                crate::events::json_bytes(&m)
            })
        },
    )
    .await
}

/// Query of `GET /api/assessments/cell`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellQuery {
    /// The area label: Mopti or Mopti/Bankass.
    pub area: String,
    /// The period, YYYY-MM.
    pub period: String,
    /// 1 (default) or 2 months.
    pub months: Option<u32>,
    /// `any` (default) or a main category 1–6.
    pub category: Option<String>,
}

/// The events behind a cell.
#[derive(Debug, Serialize)]
pub struct CellEvents {
    /// The area.
    pub area: String,
    /// The period assessed.
    pub period: NaiveDate,
    /// The category (`None`: any event).
    pub category: Option<veille_protect::PocCode>,
    /// The events counted in the cell's last complete period.
    pub count: usize,
    /// Those events.
    pub events: Vec<Event>,
}

/// `GET /api/assessments/cell`: the events behind one cell of the matrix.
pub async fn cell(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<CellQuery>,
) -> Result<Json<CellEvents>, ApiError> {
    caller.require(Permission::ProtectRead, "read the threat matrix")?;
    let c = config()?;
    // The registry as edited, the one the store's rollup contributor was built with.
    let registry = state.reference.registry(state.store.as_ref()).await?;
    let period = desk_assess::parse_period(&q.period)?;
    let category = desk_assess::parse_category(q.category.as_deref().unwrap_or("any"))?;
    let mut events = desk_assess::cell_events(
        state.store.as_ref(),
        &c.rules,
        &registry,
        caller.role.clearance(),
        &q.area,
        period,
        q.months.unwrap_or(1),
        category,
    )
    .await?;
    redact(&state, &caller, &mut events);
    Ok(Json(CellEvents {
        area: q.area,
        period,
        category,
        count: events.len(),
        events,
    }))
}

/// `POST /api/assessments/override`: an analyst's override of one cell.
pub async fn override_cell(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiJson(req): ApiJson<CellOverrideRequest>,
) -> Result<(StatusCode, Json<desk_assess::StoredOverride>), ApiError> {
    caller.require(Permission::ProtectAssess, "override the threat assessment")?;
    let c = config()?;
    // The registry as edited, the one the store's rollup contributor was built with.
    let registry = state.reference.registry(state.store.as_ref()).await?;
    let o = desk_assess::override_cell(
        state.store.as_ref(),
        &c.rules,
        &registry,
        caller.role.clearance(),
        &req,
        &caller.user.username,
        "",
    )
    .await?;
    Ok((StatusCode::CREATED, Json(o)))
}

/// Query of `GET /api/rollups`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RollupQuery {
    /// `admin1` (default), `admin2` or `gid` (PRIO-GRID cells).
    pub level: Option<String>,
    /// `day`, `week` or `month` (default).
    pub grain: Option<String>,
    /// First period start, YYYY-MM-DD.
    pub from: Option<String>,
    /// Last period start, YYYY-MM-DD.
    pub to: Option<String>,
    /// `any` (default) or a main category 1–6.
    pub category: Option<String>,
}

/// `GET /api/rollups`: counts and casualties per area and period.
pub async fn rollups(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<RollupQuery>,
) -> Result<Json<Vec<RollupRow>>, ApiError> {
    caller.require(Permission::ProtectRead, "read rollups")?;
    let c = config()?;
    // The registry as edited, the one the store's rollup contributor was built with.
    let registry = state.reference.registry(state.store.as_ref()).await?;
    let level = desk_assess::parse_unit_level(q.level.as_deref().unwrap_or("admin1"))?;
    let grain = desk_assess::parse_grain(q.grain.as_deref().unwrap_or("month"))?;
    let category = desk_assess::parse_category(q.category.as_deref().unwrap_or("any"))?;
    let (from, to) = (day("from", &q.from)?, day("to", &q.to)?);
    let scope = veille_desk::Scope {
        grains: vec![match grain {
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
        }],
        unit_kind: Some(match level {
            desk_assess::UnitLevel::Admin(Level::Admin1) => "admin1",
            desk_assess::UnitLevel::Admin(Level::Admin2) => "admin2",
            desk_assess::UnitLevel::Gid => "gid",
        }),
        from,
        to,
        all_perp_victim: true,
        main_categories: false,
    };
    let r = veille_desk::rollup_in(
        state.store.as_ref(),
        &c.rules,
        &registry,
        caller.role.clearance(),
        &scope,
    )
    .await?;
    Ok(Json(desk_assess::rollup_table(
        &r, level, grain, from, to, category,
    )))
}

/// Query of `GET /api/warnings`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarningQuery {
    /// `open`, `overdue` or `done`.
    pub status: Option<String>,
}

/// `GET /api/warnings`: the board.
pub async fn warnings(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<WarningQuery>,
) -> Result<Json<Vec<StoredWarning>>, ApiError> {
    caller.require(Permission::ProtectRead, "read warnings")?;
    let status = q.status.as_deref().map(BoardStatus::parse).transpose()?;
    let ws = desk_warn::board(
        state.store.as_ref(),
        &config()?.matrix,
        caller.role.clearance(),
        status,
        Utc::now(),
    )
    .await?;
    Ok(Json(ws))
}

fn warning_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| {
        ApiError::not_found(format!(
            "no stored warning with id {}",
            id.chars().take(80).collect::<String>()
        ))
    })
}

/// One warning with its evidence and what the response matrix says.
#[derive(Debug, Serialize)]
pub struct WarningDetail {
    /// The warning and where it stands.
    #[serde(flatten)]
    pub stored: StoredWarning,
    /// Its evidence events visible to the caller.
    pub evidence_events: Vec<Event>,
    /// The response matrix's entry for its kind and level, if any.
    pub response: Option<MatrixEntry>,
    /// Component key → name.
    pub components: std::collections::BTreeMap<String, String>,
}

/// `GET /api/warnings/{id}`.
pub async fn warning(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<WarningDetail>, ApiError> {
    caller.require(Permission::ProtectRead, "read warnings")?;
    let c = config()?;
    let clearance = caller.role.clearance();
    let s = desk_warn::get(
        state.store.as_ref(),
        &c.matrix,
        clearance,
        warning_id(&id)?,
        Utc::now(),
    )
    .await?;
    let mut evidence = desk_warn::evidence(state.store.as_ref(), clearance, &s.warning).await?;
    redact(&state, &caller, &mut evidence);
    let response = c.matrix.lookup(s.warning.kind, s.warning.level).cloned();
    Ok(Json(WarningDetail {
        stored: s,
        evidence_events: evidence,
        response,
        components: c.matrix.components.clone(),
    }))
}

/// `POST /api/warnings/{id}/acknowledge`.
pub async fn acknowledge(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<StoredWarning>, ApiError> {
    caller.require(Permission::WarningsRespond, "acknowledge warnings")?;
    let id = warning_id(&id)?;
    let clearance = caller.role.clearance();
    let st = state.store.as_ref();
    if !desk_warn::acknowledge(st, clearance, id, &caller.user.username).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("warning {id} is already acknowledged"),
        ));
    }
    let s = desk_warn::get(st, &config()?.matrix, clearance, id, Utc::now()).await?;
    Ok(Json(s))
}

/// Body of `POST /api/warnings/{id}/actions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// Owner (a role or work title; never an informant).
    pub owner: String,
    /// Responsible component (a key of the response matrix's components).
    pub component: String,
    /// Tier: I, II or III.
    pub tier: String,
    /// The response option, in words.
    pub option: String,
    /// Hours until due (default: the matrix's time to act).
    pub due_hours: Option<i64>,
}

/// `POST /api/warnings/{id}/actions`.
pub async fn add_action(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ActionRequest>,
) -> Result<(StatusCode, Json<veille_protect::tracking::Action>), ApiError> {
    caller.require(Permission::WarningsRespond, "add response actions")?;
    let id = warning_id(&id)?;
    let tier = desk_warn::parse_tier("tier", &req.tier)?;
    if req.due_hours.is_some_and(|h| !(-8760..=8760).contains(&h)) {
        return Err(ApiError::bad_request(
            "due_hours must be between -8760 and 8760",
        ));
    }
    let a = desk_warn::add_action(
        state.store.as_ref(),
        &config()?.matrix,
        caller.role.clearance(),
        id,
        NewAction {
            owner: req.owner,
            component: req.component,
            tier,
            option: req.option,
            due_hours: req.due_hours,
        },
        &caller.user.username,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// Body of `POST /api/actions/{warning}/{n}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionUpdate {
    /// proposed, assigned, acknowledged, in_progress, done, declined.
    pub status: String,
    /// Why (required to decline).
    pub reason: Option<String>,
    /// What came of it (required for done).
    pub outcome: Option<String>,
}

/// `POST /api/actions/{warning}/{n}`: the action `WARNING_ID/N` changes status.
pub async fn set_action(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((warning, n)): Path<(String, String)>,
    ApiJson(req): ApiJson<ActionUpdate>,
) -> Result<Json<veille_protect::tracking::Action>, ApiError> {
    caller.require(Permission::WarningsRespond, "change response actions")?;
    let key = format!(
        "{}/{}",
        warning.chars().take(40).collect::<String>(),
        n.chars().take(10).collect::<String>()
    );
    let status = desk_warn::parse_status("status", &req.status)?;
    let a = desk_warn::set_action(
        state.store.as_ref(),
        caller.role.clearance(),
        &key,
        status,
        req.reason.as_deref(),
        req.outcome.as_deref(),
        &caller.user.username,
    )
    .await?;
    Ok(Json(a))
}

/// Query of `GET /api/metrics/warning-to-action`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsQuery {
    /// Warnings issued on or after this day (YYYY-MM-DD).
    pub from: Option<String>,
    /// Warnings issued on or before this day (YYYY-MM-DD).
    pub to: Option<String>,
}

/// `GET /api/metrics/warning-to-action`.
pub async fn metrics(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<MetricsQuery>,
) -> Result<Json<desk_warn::MetricsReport>, ApiError> {
    caller.require(Permission::ProtectRead, "read warning-to-action metrics")?;
    let m = desk_warn::metrics(
        state.store.as_ref(),
        &config()?.matrix,
        caller.role.clearance(),
        day("from", &q.from)?,
        day("to", &q.to)?,
        Utc::now(),
    )
    .await?;
    Ok(Json(m))
}

/// Body of `POST /api/reports/region`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionReportRequest {
    /// The region (admin1).
    pub admin1: String,
    /// The period, YYYY-MM.
    pub period: String,
    /// 1 (default) or 2 months.
    pub months: Option<u32>,
}

/// Where a generated report can be downloaded.
#[derive(Debug, Serialize)]
pub struct ReportLinks {
    /// The report id.
    pub id: Uuid,
    /// The region.
    pub region: String,
    /// The period.
    pub period: NaiveDate,
    /// `/api/reports/{id}.html`.
    pub html: String,
    /// `/api/reports/{id}.md`.
    pub markdown: String,
}

/// `POST /api/reports/region`: generates the regional threat assessment at the caller's
/// clearance and keeps it for download.
pub async fn region_report(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiJson(req): ApiJson<RegionReportRequest>,
) -> Result<(StatusCode, Json<ReportLinks>), ApiError> {
    caller.require(Permission::ReportsGenerate, "generate reports")?;
    let c = config()?;
    // The registry as edited, the one the store's rollup contributor was built with.
    let registry = state.reference.registry(state.store.as_ref()).await?;
    let period = desk_assess::parse_period(&req.period)?;
    let clearance = caller.role.clearance();
    let st = state.store.as_ref();
    let r = veille_desk::report::region_report(
        Some(st),
        Source::Store(clearance),
        &c.rules,
        &registry,
        &ReportRequest {
            admin1: req.admin1,
            period,
            months: req.months.unwrap_or(1),
            params: ModelParams::default(),
        },
        &caller.user.username,
    )
    .await?;
    let kept = veille_desk::report::keep(st, r, clearance, &caller.user.username).await?;
    Ok((
        StatusCode::CREATED,
        Json(ReportLinks {
            id: kept.id,
            region: kept.report.region,
            period: kept.report.period,
            html: format!("/api/reports/{}.html", kept.id),
            markdown: format!("/api/reports/{}.md", kept.id),
        }),
    ))
}

/// `GET /api/reports/{id}.html|.md`: a kept report, as an attachment. Any other name
/// (a path, a traversal, another extension) is not found.
pub async fn report_file(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    caller.require(Permission::ProtectRead, "read reports")?;
    let not_found = || {
        ApiError::not_found(format!(
            "no report named '{}'; names are <id>.html or <id>.md",
            name.chars().take(80).collect::<String>()
        ))
    };
    let (stem, ext) = name.rsplit_once('.').ok_or_else(not_found)?;
    let id = Uuid::parse_str(stem)
        .ok()
        .filter(|_| stem.len() == 36)
        .ok_or_else(not_found)?;
    let (ctype, html) = match ext {
        "html" => ("text/html; charset=utf-8", true),
        "md" => ("text/markdown; charset=utf-8", false),
        _ => return Err(not_found()),
    };
    let kept = veille_desk::report::kept(state.store.as_ref(), id, caller.role.clearance()).await?;
    let body = if html {
        kept.report.html
    } else {
        kept.report.markdown
    };
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    // The report is self-contained: no script, no remote resource.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    let file: String = kept
        .report
        .stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}.{ext}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}
