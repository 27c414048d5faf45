//! Who is calling: a browser session (cookie `veille_session`, with a CSRF token that
//! must be echoed in `X-CSRF-Token` on every unsafe request) or a machine's API token
//! (`Authorization: Bearer vt_…`, scoped). Passwords are argon2id hashes; session ids
//! and tokens are stored as SHA-256 digests. Failed logins are recorded, and more than
//! [`crate::Config::login_max_failures`] within the window answer `rate_limited`.

use crate::error::ApiError;
use crate::roles::{Permission, Role};
use crate::AppState;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use uuid::Uuid;
use veille_store::{ApiToken, Session, User};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "veille_session";
/// The header carrying the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Hashes a password with argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| ApiError::internal(&e))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(&e))
}

/// True when `password` matches the stored PHC hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random secret as hex (32 bytes).
pub fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// SHA-256 hex digest (how session ids and tokens are stored).
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Creates an API token for a user; returns the token (shown once) and its record.
pub async fn issue_token(
    auth: &dyn veille_store::AuthStore,
    user: &User,
    name: &str,
    scopes: &[Permission],
    days: Option<i64>,
) -> Result<(String, ApiToken), ApiError> {
    let token = format!("vt_{}", random_secret());
    let now = Utc::now();
    let rec = ApiToken {
        id: Uuid::now_v7(),
        token_hash: digest(&token),
        user_id: user.id,
        name: name.to_string(),
        scopes: scopes.iter().map(|p| p.code().to_string()).collect(),
        created_at: now,
        expires_at: days.map(|d| now + Duration::days(d)),
        revoked: false,
    };
    auth.create_token(&rec).await?;
    Ok((token, rec))
}

/// How the caller authenticated.
#[derive(Debug, Clone, PartialEq)]
pub enum Via {
    /// A browser session, with its CSRF token.
    Session {
        /// The token unsafe requests must echo.
        csrf: String,
    },
    /// An API token with these scopes.
    Token(Vec<Permission>),
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user.
    pub user: User,
    /// The user's role.
    pub role: Role,
    /// Session or token.
    pub via: Via,
}

impl Caller {
    /// Errors with `forbidden` unless the role, and the token's scopes if any, allow `p`.
    pub fn require(&self, p: Permission, what: &str) -> Result<(), ApiError> {
        let by_role = self.role.permissions().contains(&p);
        let by_scope = match &self.via {
            Via::Session { .. } => true,
            Via::Token(scopes) => scopes.contains(&p),
        };
        if by_role && by_scope {
            Ok(())
        } else {
            Err(ApiError::forbidden(what))
        }
    }
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let auth = state.auth.as_ref();
        // 1. API token.
        if let Some(h) = parts.headers.get(header::AUTHORIZATION) {
            let t = h
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(ApiError::unauthorized)?;
            let rec = auth
                .token_by_hash(&digest(t.trim()))
                .await?
                .ok_or_else(ApiError::unauthorized)?;
            if rec.revoked || rec.expires_at.is_some_and(|e| e < Utc::now()) {
                return Err(ApiError::unauthorized());
            }
            let user = auth
                .user_by_id(rec.user_id)
                .await?
                .filter(|u| !u.disabled)
                .ok_or_else(ApiError::unauthorized)?;
            let role = Role::from_code(&user.role).ok_or_else(ApiError::unauthorized)?;
            let scopes = rec
                .scopes
                .iter()
                .filter_map(|s| Permission::from_code(s))
                .collect();
            return Ok(Caller {
                user,
                role,
                via: Via::Token(scopes),
            });
        }
        // 2. Session cookie.
        let sid =
            cookie_value(&parts.headers, SESSION_COOKIE).ok_or_else(ApiError::unauthorized)?;
        let session = auth
            .session(&digest(sid))
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        if session.expires_at < Utc::now() {
            auth.delete_session(&session.id_hash).await?;
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "session_expired",
                "the session has expired; log in again",
            ));
        }
        if is_unsafe(&parts.method) {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if sent != Some(session.csrf_token.as_str()) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf_failed",
                    "missing or wrong X-CSRF-Token header",
                ));
            }
        }
        let user = auth
            .user_by_id(session.user_id)
            .await?
            .filter(|u| !u.disabled)
            .ok_or_else(ApiError::unauthorized)?;
        let role = Role::from_code(&user.role).ok_or_else(ApiError::unauthorized)?;
        Ok(Caller {
            user,
            role,
            via: Via::Session {
                csrf: session.csrf_token,
            },
        })
    }
}

/// Login body.
#[derive(Debug, Deserialize)]
pub struct LoginRequest {
    /// Username.
    pub username: String,
    /// Password.
    pub password: String,
}

/// What login and `/api/me` answer.
#[derive(Debug, Serialize)]
pub struct Me {
    /// The user (never its password hash).
    pub user: User,
    /// The role's permissions.
    pub permissions: Vec<&'static str>,
    /// The most sensitive records this user may read.
    pub clearance: &'static str,
    /// Echo this in `X-CSRF-Token` on unsafe requests (session callers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

fn me(user: User, role: Role, csrf: Option<String>) -> Me {
    Me {
        permissions: role.permissions().iter().map(|p| p.code()).collect(),
        clearance: role.clearance().code(),
        user,
        csrf_token: csrf,
    }
}

/// `POST /api/login`.
pub async fn login(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    crate::ApiJson(req): crate::ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let auth = state.auth.as_ref();
    let cfg = &state.config;
    let remote = headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("direct")
        .chars()
        .take(64)
        .collect::<String>();
    let name: String = req.username.trim().chars().take(128).collect();
    let since = Utc::now() - Duration::minutes(cfg.login_window_minutes);
    if auth.failed_logins_since(&name, since).await? >= cfg.login_max_failures {
        auth.record_login(&name, false, &remote).await?;
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!(
                "too many failed logins for this account; retry in {} minutes",
                cfg.login_window_minutes
            ),
        ));
    }
    let user = auth.user_by_name(&name).await?;
    let ok = user
        .as_ref()
        .is_some_and(|u| !u.disabled && verify_password(&req.password, &u.password_hash));
    auth.record_login(&name, ok, &remote).await?;
    let (Some(user), true) = (user, ok) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "wrong username or password",
        ));
    };
    let role = Role::from_code(&user.role).ok_or_else(ApiError::unauthorized)?;
    let sid = random_secret();
    let csrf = random_secret();
    let now = Utc::now();
    auth.create_session(&Session {
        id_hash: digest(&sid),
        user_id: user.id,
        csrf_token: csrf.clone(),
        created_at: now,
        expires_at: now + Duration::hours(cfg.session_hours),
    })
    .await?;
    let cookie = format!(
        "{SESSION_COOKIE}={sid}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
        cfg.session_hours * 3600,
        if cfg.secure_cookies { "; Secure" } else { "" }
    );
    let mut resp = axum::Json(me(user, role, Some(csrf))).into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(|e| ApiError::internal(&e))?,
    );
    Ok(resp)
}

/// `POST /api/logout`: ends the session (CSRF-checked like any unsafe request).
pub async fn logout(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if matches!(caller.via, Via::Session { .. }) {
        if let Some(sid) = cookie_value(&headers, SESSION_COOKIE) {
            state.auth.delete_session(&digest(sid)).await?;
        }
    }
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("veille_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    Ok(resp)
}

/// `GET /api/me`. Session callers get their CSRF token again (a new tab of the same
/// session needs it); it is readable only by same-origin pages.
pub async fn whoami(caller: Caller) -> axum::Json<Me> {
    let csrf = match caller.via {
        Via::Session { csrf } => Some(csrf),
        Via::Token(_) => None,
    };
    axum::Json(me(caller.user, caller.role, csrf))
}

/// Body of `POST /api/tokens`.
#[derive(Debug, Deserialize)]
pub struct TokenRequest {
    /// The user the token acts as.
    pub username: String,
    /// A label.
    pub name: String,
    /// Scopes (permission codes); the token can never exceed its user's role.
    pub scopes: Vec<String>,
    /// Lifetime in days (none: until revoked).
    #[serde(default)]
    pub days: Option<i64>,
}

/// `POST /api/tokens` (users:manage): the token is in the answer once, never again.
pub async fn create_token(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    crate::ApiJson(req): crate::ApiJson<TokenRequest>,
) -> Result<(StatusCode, axum::Json<serde_json::Value>), ApiError> {
    caller.require(Permission::UsersManage, "manage API tokens")?;
    let mut scopes = Vec::new();
    for s in &req.scopes {
        scopes.push(
            Permission::from_code(s)
                .ok_or_else(|| ApiError::bad_request(format!("unknown scope '{s}'")))?,
        );
    }
    let user = state
        .auth
        .user_by_name(&req.username)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no user named '{}'", req.username)))?;
    let (token, rec) =
        issue_token(state.auth.as_ref(), &user, &req.name, &scopes, req.days).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(serde_json::json!({ "token": token, "record": rec })),
    ))
}
