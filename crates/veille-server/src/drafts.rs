//! The review queue: drafts proposed by extraction (or queued by an analyst) are listed,
//! read with their evidence spans, accepted (as proposed or edited) or rejected with a
//! reason. The store does the work ([`veille_store::Store::accept_draft`] and friends);
//! this module checks permissions and clearance and shapes the answers.
//!
//! A draft is as sensitive as its proposed event: above the caller's clearance it is not
//! listed and answers `not_found`. Every role with `drafts:review` sees exact locations,
//! so drafts are never blurred.

use crate::auth::Caller;
use crate::error::ApiError;
use crate::roles::Permission;
use crate::{ApiJson, ApiQuery, AppState};
use axum::body::Body;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use uuid::Uuid;
use veille_model::Event;
use veille_store::{Draft, DraftRevision, DraftStatus};

/// Default page size of `GET /api/drafts`.
pub const DEFAULT_PAGE: usize = 100;
/// Largest page of `GET /api/drafts`.
pub const MAX_PAGE: usize = 500;
/// Characters of the report shown in a list row.
const EXCERPT_CHARS: usize = 160;

/// Query of `GET /api/drafts`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftQuery {
    /// `draft` (default), `accepted`, `rejected` or `all`.
    pub status: Option<String>,
    /// Page size.
    pub limit: Option<usize>,
    /// Offset.
    pub offset: Option<usize>,
}

/// One row of the queue.
#[derive(Debug, Serialize)]
pub struct DraftSummary {
    /// Draft id.
    pub id: Uuid,
    /// Where it is in the queue.
    pub status: DraftStatus,
    /// Who queued it, and when.
    pub created_by: String,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// Proposed first day.
    pub date_start: NaiveDate,
    /// Proposed event type code.
    pub event_type: &'static str,
    /// Proposed sub-event type code.
    pub sub_event_type: &'static str,
    /// Proposed place (place name, else admin2, else admin1).
    pub place: Option<String>,
    /// Proposed admin1.
    pub admin1: Option<String>,
    /// Proposed best estimate of people killed.
    pub killed: u32,
    /// The report's publisher.
    pub publisher: String,
    /// The report's Admiralty grade, e.g. `B2`.
    pub grade: String,
    /// The extractor's overall confidence, when it gave one.
    pub confidence: Option<f64>,
    /// The first characters of the report.
    pub excerpt: String,
    /// The event created by accepting it.
    pub event_id: Option<Uuid>,
}

impl DraftSummary {
    fn of(d: &Draft) -> Self {
        let e = &d.event;
        let l = &e.location;
        let mut excerpt: String = d.report_text.chars().take(EXCERPT_CHARS).collect();
        if d.report_text.chars().count() > EXCERPT_CHARS {
            excerpt.push('…');
        }
        DraftSummary {
            id: d.id,
            status: d.status,
            created_by: d.created_by.clone(),
            created_at: d.created_at,
            date_start: e.date_start,
            event_type: e.event_type.code(),
            sub_event_type: e.sub_event_type.code(),
            place: l
                .place_name
                .clone()
                .or_else(|| l.admin2.as_ref().map(|a| a.name.clone()))
                .or_else(|| l.admin1.as_ref().map(|a| a.name.clone())),
            admin1: l.admin1.as_ref().map(|a| a.name.clone()),
            killed: e.killed_best(),
            publisher: d.source.publisher.clone(),
            grade: d.source.grade(),
            confidence: d.evidence.get("confidence").and_then(|c| c.as_f64()),
            excerpt,
            event_id: d.event_id,
        }
    }
}

/// A page of the queue.
#[derive(Debug, Serialize)]
pub struct DraftPage {
    /// Drafts with this status visible to the caller.
    pub total: usize,
    /// Page size.
    pub limit: usize,
    /// Offset.
    pub offset: usize,
    /// The rows, oldest first.
    pub items: Vec<DraftSummary>,
}

/// One piece of evidence located in the report: characters `start..end` (Unicode scalar
/// values, as the extractor counts them) support `field = value`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceSpan {
    /// The field, e.g. `date`, `location`, `perpetrator`, `killed`.
    pub field: String,
    /// The value filled, as text.
    pub value: String,
    /// Confidence 0–1, when given.
    pub confidence: Option<f64>,
    /// First character (inclusive).
    pub start: usize,
    /// Last character (exclusive).
    pub end: usize,
    /// The report's characters `start..end`.
    pub text: String,
}

/// The evidence spans of a draft that point inside its report, sorted by start. The
/// evidence is the extractor's document (`{"evidence": [{field, value, confidence, span:
/// [start, end], text}, …], …}`) or a bare array of such items; anything else (a draft
/// queued by hand may carry any JSON) yields no spans. Spans outside the report, empty
/// ones, and ones whose `text` disagrees with the report are left out.
pub fn evidence_spans(evidence: &serde_json::Value, report: &str) -> Vec<EvidenceSpan> {
    let items = match evidence {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(o) => match o.get("evidence") {
            Some(serde_json::Value::Array(a)) => a,
            _ => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    let chars: Vec<char> = report.chars().collect();
    let mut out: Vec<EvidenceSpan> = items
        .iter()
        .filter_map(|it| {
            let span = it.get("span")?.as_array()?;
            let (start, end) = match span.as_slice() {
                [a, b] => (
                    usize::try_from(a.as_u64()?).ok()?,
                    usize::try_from(b.as_u64()?).ok()?,
                ),
                _ => return None,
            };
            if start >= end || end > chars.len() {
                return None;
            }
            let text: String = chars[start..end].iter().collect();
            if let Some(claimed) = it.get("text").and_then(|t| t.as_str()) {
                if claimed != text {
                    return None;
                }
            }
            Some(EvidenceSpan {
                field: it.get("field")?.as_str()?.to_string(),
                value: it
                    .get("value")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string(),
                confidence: it.get("confidence").and_then(|c| c.as_f64()),
                start,
                end,
                text,
            })
        })
        .collect();
    out.sort_by_key(|s| (s.start, s.end));
    out
}

/// `GET /api/drafts/{id}`: the draft, its evidence spans and its history.
#[derive(Debug, Serialize)]
pub struct DraftDetail {
    /// The draft (proposed event, evidence, report text, graded source).
    pub draft: Draft,
    /// The evidence located in the report text.
    pub spans: Vec<EvidenceSpan>,
    /// Create / accept / reject, oldest first.
    pub history: Vec<DraftRevision>,
}

fn parse_status(s: Option<&str>) -> Result<Option<DraftStatus>, ApiError> {
    match s.map(str::trim) {
        None | Some("") => Ok(Some(DraftStatus::Draft)),
        Some("all") => Ok(None),
        Some(x) => DraftStatus::from_code(x).map(Some).ok_or_else(|| {
            ApiError::bad_request(format!(
                "status: '{}' is not one of draft, accepted, rejected, all",
                x.chars().take(40).collect::<String>()
            ))
        }),
    }
}

fn parse_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id.trim()).map_err(|_| {
        ApiError::not_found(format!(
            "no draft '{}'",
            id.chars().take(80).collect::<String>()
        ))
    })
}

/// The draft with this id, if the caller may see it (else `not_found`, as if absent).
async fn visible_draft(state: &AppState, caller: &Caller, id: &str) -> Result<Draft, ApiError> {
    let uuid = parse_id(id)?;
    match state.store.get_draft(uuid).await? {
        Some(d) if d.event.sensitivity <= caller.role.clearance() => Ok(d),
        _ => Err(ApiError::not_found(format!("no draft with id {uuid}"))),
    }
}

/// `GET /api/drafts?status=&limit=&offset=`.
pub async fn list(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    ApiQuery(q): ApiQuery<DraftQuery>,
) -> Result<Json<DraftPage>, ApiError> {
    caller.require(Permission::DraftsReview, "read the review queue")?;
    let status = parse_status(q.status.as_deref())?;
    let limit = q.limit.unwrap_or(DEFAULT_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::bad_request(format!(
            "limit must be between 1 and {MAX_PAGE}"
        )));
    }
    let offset = q.offset.unwrap_or(0);
    let clearance = caller.role.clearance();
    let visible: Vec<Draft> = state
        .store
        .list_drafts(status)
        .await?
        .into_iter()
        .filter(|d| d.event.sensitivity <= clearance)
        .collect();
    Ok(Json(DraftPage {
        total: visible.len(),
        limit,
        offset,
        items: visible
            .iter()
            .skip(offset)
            .take(limit)
            .map(DraftSummary::of)
            .collect(),
    }))
}

/// `GET /api/drafts/{id}`.
pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<DraftDetail>, ApiError> {
    caller.require(Permission::DraftsReview, "read the review queue")?;
    let draft = visible_draft(&state, &caller, &id).await?;
    let history = state.store.draft_history(draft.id).await?;
    Ok(Json(DraftDetail {
        spans: evidence_spans(&draft.evidence, &draft.report_text),
        draft,
        history,
    }))
}

/// Body of `POST /api/drafts/{id}/accept` (the whole body is optional).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The event as the analyst edited it (its id is forced to the draft's event id).
    /// Absent: accepted as proposed.
    #[serde(default)]
    pub event: Option<Event>,
}

/// `POST /api/drafts/{id}/accept`: creates the event (201) and answers it. An empty body
/// accepts the draft as proposed; `{"event": {...}}` accepts the analyst's edit, which
/// is enriched (places, actors) like an event created through the API.
pub async fn accept(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    req: Request,
) -> Result<(StatusCode, Json<Event>), ApiError> {
    caller.require(Permission::DraftsReview, "accept drafts")?;
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, state.config.max_body_bytes)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the request body is too large",
            )
        })?;
    let body = if bytes.iter().all(u8::is_ascii_whitespace) {
        AcceptRequest::default()
    } else {
        let req = Request::from_parts(parts, Body::from(bytes));
        ApiJson::<AcceptRequest>::from_request(req, &()).await?.0
    };
    let draft = visible_draft(&state, &caller, &id).await?;
    let edited = match body.event {
        Some(mut e) => {
            if e.sensitivity > caller.role.clearance() {
                return Err(ApiError::forbidden(
                    "create a record above your own clearance",
                ));
            }
            e.id = draft.event.id;
            if let Some(enricher) = &state.enricher {
                enricher.enrich(&mut e);
            }
            Some(e)
        }
        None => None,
    };
    let event = state
        .store
        .accept_draft(draft.id, edited.as_ref(), &caller.user.username)
        .await?;
    Ok((StatusCode::CREATED, Json(event)))
}

/// Body of `POST /api/drafts/{id}/reject`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RejectRequest {
    /// Why (required; kept in the draft's history).
    pub reason: String,
}

/// `POST /api/drafts/{id}/reject`: answers the rejected draft.
pub async fn reject(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RejectRequest>,
) -> Result<Json<Draft>, ApiError> {
    caller.require(Permission::DraftsReview, "reject drafts")?;
    let draft = visible_draft(&state, &caller, &id).await?;
    let d = state
        .store
        .reject_draft(draft.id, req.reason.trim(), &caller.user.username)
        .await?;
    Ok(Json(d))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn spans_are_char_offsets_checked_against_the_report() {
        let report = "Émeute à Sévaré: 3 morts.";
        let ev = json!({"confidence": 0.8, "evidence": [
            {"field": "killed", "value": "3", "confidence": 0.9, "span": [17, 24], "text": "3 morts"},
            {"field": "location", "value": "Sévaré", "span": [9, 15], "text": "Sévaré"},
            {"field": "date", "value": "x", "span": [0, 0]},
            {"field": "actor", "value": "x", "span": [20, 99]},
            {"field": "lie", "value": "x", "span": [0, 6], "text": "not it"},
            {"value": "no field", "span": [0, 2]},
            "junk"
        ]});
        let s = evidence_spans(&ev, report);
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].field.as_str(), s[0].text.as_str()),
            ("location", "Sévaré")
        );
        assert_eq!(
            (s[1].start, s[1].end, s[1].text.as_str()),
            (17, 24, "3 morts")
        );
        assert_eq!(s[1].confidence, Some(0.9));
        // A bare array works; other shapes give nothing.
        let bare = json!([{"field": "f", "span": [0, 6]}]);
        assert_eq!(evidence_spans(&bare, report)[0].text, "Émeute");
        assert!(evidence_spans(&json!(null), report).is_empty());
        assert!(evidence_spans(&json!({"evidence": 3}), report).is_empty());
    }

    #[test]
    fn status_parsing() {
        assert_eq!(parse_status(None).unwrap(), Some(DraftStatus::Draft));
        assert_eq!(parse_status(Some("all")).unwrap(), None);
        assert_eq!(
            parse_status(Some("rejected")).unwrap(),
            Some(DraftStatus::Rejected)
        );
        assert_eq!(
            parse_status(Some("maybe")).unwrap_err().message,
            "status: 'maybe' is not one of draft, accepted, rejected, all"
        );
    }
}
