//! One typed JSON error shape for every failure:
//! `{"error": {"code": "not_found", "message": "..."}}`. Codes are stable and
//! machine-readable; messages are for people and never carry internals or secrets
//! (database errors are logged server-side and answered with `internal`).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An API error: HTTP status, stable code, human message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code (see [`CODES`]).
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
}

/// Every error code the API answers with, and what it means (listed in the OpenAPI doc).
pub const CODES: &[(&str, &str)] = &[
    ("bad_request", "a query parameter or field is invalid"),
    (
        "invalid_json",
        "the body is not valid JSON for this endpoint",
    ),
    (
        "unsupported_media_type",
        "the body must be application/json",
    ),
    ("payload_too_large", "the body exceeds the size limit"),
    ("unauthorized", "no valid session or token"),
    ("session_expired", "the session has expired; log in again"),
    ("invalid_credentials", "wrong username or password"),
    (
        "forbidden",
        "the caller's role or token scope does not allow this",
    ),
    (
        "csrf_failed",
        "missing or wrong X-CSRF-Token header on a session request",
    ),
    ("not_found", "no such record (or not visible to the caller)"),
    ("no_route", "no such endpoint"),
    ("unknown_export", "no export with this name"),
    (
        "conflict",
        "the record already exists or is in a state that forbids this",
    ),
    ("validation_failed", "the record breaks a model rule"),
    ("rate_limited", "too many failed logins; wait and retry"),
    ("internal", "the server failed; details are in its log"),
];

#[derive(Serialize)]
struct Body<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    /// A new error.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 `bad_request`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 401 `unauthorized`.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "log in or send an API token",
        )
    }

    /// 403 `forbidden`.
    pub fn forbidden(what: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("your role or token may not {what}"),
        )
    }

    /// 404 `not_found`.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", what)
    }

    /// 500 `internal`; the cause goes to the log only.
    pub fn internal(cause: &dyn std::fmt::Display) -> Self {
        tracing::error!("internal error: {cause}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed; the error is in its log",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            error: Inner {
                code: self.code,
                message: &self.message,
            },
        };
        (self.status, axum::Json(body)).into_response()
    }
}

impl From<veille_store::StoreError> for ApiError {
    fn from(e: veille_store::StoreError) -> Self {
        use veille_store::StoreError as E;
        match e {
            E::NotFound(id) => ApiError::not_found(format!("no event with id {id}")),
            E::Invalid { errors, .. } => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                errors.to_string(),
            ),
            E::DuplicateExternalId { .. } | E::AlreadyExists(_) | E::AlreadyRetracted(_) => {
                ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string())
            }
            E::ReasonRequired => ApiError::bad_request(e.to_string()),
            // Review queue and merges.
            E::DraftNotFound(_) => ApiError::not_found(e.to_string()),
            E::RejectReasonRequired | E::MergeWithItself(_) => ApiError::bad_request(e.to_string()),
            E::DraftDecided { .. }
            | E::MergeRetracted(_)
            | E::AlreadyMerged { .. }
            | E::NotMerged(_)
            | E::SurvivorMerged { .. } => {
                ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string())
            }
            other => ApiError::internal(&other),
        }
    }
}

impl From<veille_store::AuthError> for ApiError {
    fn from(e: veille_store::AuthError) -> Self {
        use veille_store::AuthError as E;
        match e {
            E::UserExists(_) => ApiError::new(StatusCode::CONFLICT, "conflict", e.to_string()),
            E::NoSuchUser(_) => ApiError::not_found(e.to_string()),
            other => ApiError::internal(&other),
        }
    }
}

impl From<veille_desk::DeskError> for ApiError {
    fn from(e: veille_desk::DeskError) -> Self {
        use veille_desk::DeskError as E;
        match e {
            E::Invalid(m) => ApiError::bad_request(m),
            E::NotFound(m) => ApiError::not_found(m),
            E::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            E::Store(s) => s.into(),
            other => ApiError::internal(&other),
        }
    }
}
