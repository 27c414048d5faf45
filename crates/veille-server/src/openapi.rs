//! The OpenAPI 3.1 document (`/api/openapi.json`) and a readable API page
//! (`/api/docs`), both built from [`ROUTES`], the one list of endpoints. The page is
//! plain server-rendered HTML: no CDN, no script. A test requests every listed route and
//! fails if the router does not know it.

use crate::error::CODES;
use axum::response::Html;
use axum::Json;
use serde_json::{json, Value};

/// One endpoint: method, path (OpenAPI template), summary, permission needed.
pub struct Route {
    /// HTTP method, lower case.
    pub method: &'static str,
    /// Path template, e.g. `/api/events/{id}`.
    pub path: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// The permission (or "public", "session").
    pub access: &'static str,
}

const FILTERS: &[(&str, &str)] = &[
    (
        "date_from",
        "events ending on or after this day (YYYY-MM-DD)",
    ),
    (
        "date_to",
        "events starting on or before this day (YYYY-MM-DD)",
    ),
    ("country", "ISO3 country code"),
    ("admin1", "admin1 (region) name"),
    ("event_type", "ACLED event type code or label"),
    ("actor", "actor name substring"),
    ("q", "free-text search"),
    ("limit", "page size"),
    ("offset", "offset"),
    (
        "order",
        "oldest (default) or newest first, by start date; the map is always newest first",
    ),
];

/// The GET routes answered through the response cache ([`crate::cache`]): they carry an
/// ETag and answer `304` to a current `If-None-Match`.
pub const CACHED: &[&str] = &["/api/events", "/api/map/events.geojson", "/api/assessments"];

/// Every endpoint of the API.
pub const ROUTES: &[Route] = &[
    Route {
        method: "get",
        path: "/healthz",
        summary: "Liveness: the process answers",
        access: "public",
    },
    Route {
        method: "get",
        path: "/readyz",
        summary: "Readiness: the database answers",
        access: "public",
    },
    Route {
        method: "get",
        path: "/api/openapi.json",
        summary: "This document",
        access: "public",
    },
    Route {
        method: "get",
        path: "/api/docs",
        summary: "The API reference as a page",
        access: "public",
    },
    Route {
        method: "post",
        path: "/api/login",
        summary: "Log in; sets the session cookie and returns the CSRF token",
        access: "public",
    },
    Route {
        method: "post",
        path: "/api/logout",
        summary: "End the session",
        access: "session",
    },
    Route {
        method: "get",
        path: "/api/me",
        summary: "The caller, role, permissions and clearance",
        access: "session",
    },
    Route {
        method: "post",
        path: "/api/tokens",
        summary: "Issue a scoped API token (shown once)",
        access: "users:manage",
    },
    Route {
        method: "get",
        path: "/api/events",
        summary: "List and search events (paged; within clearance; `total` counted up to 10,000, a text search's up to 1,000, `total_exact` false beyond)",
        access: "events:read",
    },
    Route {
        method: "post",
        path: "/api/events",
        summary: "Create an event",
        access: "events:write",
    },
    Route {
        method: "get",
        path: "/api/events/{id}",
        summary: "One event by UUID or external id (ged:123)",
        access: "events:read",
    },
    Route {
        method: "get",
        path: "/api/events/{id}/history",
        summary: "An event's revisions",
        access: "events:history",
    },
    Route {
        method: "post",
        path: "/api/events/{id}/retract",
        summary: "Retract an event (reason required)",
        access: "events:retract",
    },
    Route {
        method: "get",
        path: "/api/map/events.geojson",
        summary: "Event points for the map",
        access: "events:read",
    },
    Route {
        method: "get",
        path: "/api/export/{name}",
        summary: "Export: events.csv, events.geojson, events.hxl.csv, events.acled.csv",
        access: "export",
    },
    Route {
        method: "get",
        path: "/api/public/events.geojson",
        summary: "Published map: public records, victim locations blurred to admin2",
        access: "public",
    },
    // Review queue, duplicates and merges, places and actors.
    Route {
        method: "get",
        path: "/api/drafts",
        summary: "The review queue: drafts by status (?status=draft|accepted|rejected|all, limit, offset; within clearance)",
        access: "drafts:review",
    },
    Route {
        method: "get",
        path: "/api/drafts/{id}",
        summary: "One draft: proposed event, report text, graded source, evidence spans (character offsets) and history",
        access: "drafts:review",
    },
    Route {
        method: "post",
        path: "/api/drafts/{id}/accept",
        summary: "Accept a draft: empty body as proposed, or {\"event\": {...}} as edited; creates the event (201)",
        access: "drafts:review",
    },
    Route {
        method: "post",
        path: "/api/drafts/{id}/reject",
        summary: "Reject a draft: {\"reason\": \"...\"} (required)",
        access: "drafts:review",
    },
    Route {
        method: "get",
        path: "/api/events/{id}/duplicates",
        summary: "Likely duplicates of an event, scored and explained by veille-dedup (?threshold=0..1, limit; within clearance)",
        access: "events:read",
    },
    Route {
        method: "post",
        path: "/api/events/{id}/merge",
        summary: "Merge events into this one: {\"absorb\": [ids], \"reason\": \"...\"}; all are checked before any merge",
        access: "events:merge",
    },
    Route {
        method: "post",
        path: "/api/events/{id}/unmerge",
        summary: "Undo the merge of an event into this one: {\"absorbed\": id, \"reason\": \"...\"}",
        access: "events:merge",
    },
    Route {
        method: "get",
        path: "/api/events/{id}/merges",
        summary: "An event's merges (as survivor or absorbed) and what it is merged into now",
        access: "events:history",
    },
    Route {
        method: "get",
        path: "/api/places/resolve",
        summary: "Resolve a place name to ranked candidates (?name=, admin1, admin2, country, near, date, limit)",
        access: "reference:read",
    },
    Route {
        method: "get",
        path: "/api/places/at",
        summary: "Reverse-geocode a point (?lat=, lon=, date=): admin1, admin2, nearest place, PRIO-GRID",
        access: "reference:read",
    },
    Route {
        method: "get",
        path: "/api/actors",
        summary: "Search the actor registry (?q=, limit, offset): resolution candidates, then name matches",
        access: "reference:read",
    },
    Route {
        method: "get",
        path: "/api/actors/{id}",
        summary: "One actor: aliases, relations, designations, genealogy timeline, events within clearance",
        access: "reference:read",
    },
    Route {
        method: "get",
        path: "/api/boundaries/admin1.geojson",
        summary: "Basemap: the shipped admin1 polygons (Natural Earth), named as events name them",
        access: "public",
    },
    // Protection desk.
    Route {
        method: "get",
        path: "/api/assessments",
        summary: "Threat matrix: ?level=admin1|admin2&period=YYYY-MM&months=1|2&area= (explicit no data; counts only what the caller may see)",
        access: "protect:read",
    },
    Route {
        method: "get",
        path: "/api/assessments/cell",
        summary: "The events behind a cell: ?area=&period=YYYY-MM&months=&category=any|1-6",
        access: "protect:read",
    },
    Route {
        method: "post",
        path: "/api/assessments/override",
        summary: "Override a cell: {area, period, months, category, likelihood?, impact?, justification}",
        access: "protect:assess",
    },
    Route {
        method: "get",
        path: "/api/rollups",
        summary: "Counts and casualties per unit and period: ?level=admin1|admin2|gid&grain=day|week|month&from=&to=&category=",
        access: "protect:read",
    },
    Route {
        method: "get",
        path: "/api/warnings",
        summary: "The warnings board: ?status=open|overdue|done",
        access: "protect:read",
    },
    Route {
        method: "get",
        path: "/api/warnings/{id}",
        summary: "A warning: evidence events, explanation, response matrix entry, actions",
        access: "protect:read",
    },
    Route {
        method: "post",
        path: "/api/warnings/{id}/acknowledge",
        summary: "Acknowledge a warning (once)",
        access: "warnings:respond",
    },
    Route {
        method: "post",
        path: "/api/warnings/{id}/actions",
        summary: "Add a response action: {owner, component, tier, option, due_hours?}",
        access: "warnings:respond",
    },
    Route {
        method: "post",
        path: "/api/actions/{warning}/{n}",
        summary: "Change action WARNING_ID/N: {status, reason?, outcome?}",
        access: "warnings:respond",
    },
    Route {
        method: "get",
        path: "/api/metrics/warning-to-action",
        summary: "Warning-to-action metrics by area and component: ?from=&to= (YYYY-MM-DD, issue day)",
        access: "protect:read",
    },
    Route {
        method: "post",
        path: "/api/reports/region",
        summary: "Generate the regional threat assessment: {admin1, period, months?} → report id and links",
        access: "reports:generate",
    },
    Route {
        method: "get",
        path: "/api/reports/{name}",
        summary: "Download a generated report: {id}.html or {id}.md",
        access: "protect:read",
    },
];

/// The query parameters of the review, merge and reference endpoints.
fn route_query(path: &str) -> &'static [(&'static str, &'static str)] {
    match path {
        "/api/drafts" => &[
            ("status", "draft (default), accepted, rejected or all"),
            ("limit", "page size (1-500, default 100)"),
            ("offset", "offset"),
        ],
        "/api/events/{id}/duplicates" => &[
            ("threshold", "smallest score proposed, 0-1 (default 0.7)"),
            ("limit", "at most this many candidates (1-50, default 10)"),
        ],
        "/api/places/resolve" => &[
            ("name", "the place name or phrase (required)"),
            ("admin1", "admin1 (region) hint"),
            ("admin2", "admin2 (cercle) hint"),
            ("country", "country hint, MLI or ML"),
            ("near", "a place the event is near"),
            ("date", "the event's day (YYYY-MM-DD)"),
            ("limit", "at most this many candidates (1-50, default 10)"),
        ],
        "/api/places/at" => &[
            ("lat", "latitude (required)"),
            ("lon", "longitude (required)"),
            ("date", "as of this day (YYYY-MM-DD)"),
        ],
        "/api/actors" => &[
            ("q", "name, alias or acronym"),
            ("limit", "page size (1-200, default 50)"),
            ("offset", "offset"),
        ],
        _ => &[],
    }
}

fn operation(r: &Route) -> Value {
    let mut params: Vec<Value> = Vec::new();
    for seg in r.path.split('/') {
        if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            params.push(
                json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}),
            );
        }
    }
    if r.method == "get"
        && (r.path == "/api/events" || r.path.ends_with(".geojson") || r.path.contains("export"))
        && !r.path.starts_with("/api/boundaries")
    {
        for (n, d) in FILTERS {
            params.push(json!({"name": n, "in": "query", "required": false, "description": d, "schema": {"type": "string"}}));
        }
    }
    for (n, d) in route_query(r.path) {
        params.push(json!({"name": n, "in": "query", "required": false, "description": d, "schema": {"type": "string"}}));
    }
    let mut op = json!({
        "summary": r.summary,
        "description": format!("Access: {}", r.access),
        "parameters": params,
        "responses": {
            "2XX": {"description": "Success (200 OK, 201 Created or 204 No Content)"},
            "4XX": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "5XX": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
        }
    });
    if r.method == "get" && CACHED.contains(&r.path) {
        op["responses"]["304"] = json!({"description": "Not Modified: the If-None-Match ETag is still current (the answer is cached until the data changes)"});
    }
    if r.method == "post" {
        // Logout, accepting a draft as proposed and acknowledging a warning take no body.
        let optional = r.path == "/api/logout"
            || r.path.ends_with("/accept")
            || r.path.ends_with("/acknowledge");
        op["requestBody"] = json!({"required": !optional, "content": {"application/json": {"schema": {"type": "object"}}}});
    }
    op
}

/// The OpenAPI document.
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for r in ROUTES {
        let entry = paths.entry(r.path).or_insert_with(|| json!({}));
        entry[r.method] = operation(r);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "veille API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Early warning and protection of civilians. Sessions (cookie + X-CSRF-Token on unsafe requests) or API tokens (Authorization: Bearer). Every read is limited to the caller's clearance.",
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string", "enum": CODES.iter().map(|c| c.0).collect::<Vec<_>>()},
                            "message": {"type": "string"}
                        }
                    }}
                }
            },
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": crate::auth::SESSION_COOKIE},
                "token": {"type": "http", "scheme": "bearer"}
            }
        }
    })
}

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> Json<Value> {
    Json(document())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `GET /api/docs`: the reference as one self-contained page.
pub async fn docs_page() -> Html<String> {
    let mut rows = String::new();
    for r in ROUTES {
        rows.push_str(&format!(
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
            r.method.to_uppercase(),
            esc(r.path),
            esc(r.summary),
            esc(r.access)
        ));
    }
    let mut codes = String::new();
    for (c, d) in CODES {
        codes.push_str(&format!(
            "<tr><td><code>{c}</code></td><td>{}</td></tr>\n",
            esc(d)
        ));
    }
    Html(format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>veille API</title>\
<style>body{{font:15px system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}\
table{{border-collapse:collapse;width:100%}}td,th{{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}}</style>\
<h1>veille API {}</h1><p>Machine-readable: <a href=\"/api/openapi.json\">/api/openapi.json</a>. \
Errors are <code>{{\"error\":{{\"code\":…,\"message\":…}}}}</code>.</p>\
<h2>Endpoints</h2><table><tr><th>method</th><th>path</th><th>what</th><th>access</th></tr>{rows}</table>\
<h2>Error codes</h2><table>{codes}</table></html>",
        env!("CARGO_PKG_VERSION")
    ))
}
