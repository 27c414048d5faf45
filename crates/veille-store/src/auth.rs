//! Users, browser sessions, API tokens and login attempts, for `veille serve`.
//!
//! The [`AuthStore`] trait sits beside [`Store`](crate::Store) and is implemented once
//! (by [`impl_auth_store!`]) for both backends. No secret is stored in clear: passwords
//! arrive here already hashed (argon2id, by the server), session ids and API tokens as
//! SHA-256 digests. Roles are stored as their stable codes; what a role may do is the
//! server's business.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Errors of the user and session store.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// A user with this name already exists.
    #[error("user '{0}' already exists")]
    UserExists(String),
    /// No user has this name.
    #[error("no user named '{0}'")]
    NoSuchUser(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored record could not be read back.
    #[error("stored record {id} could not be decoded: {reason}")]
    Corrupt {
        /// The record id.
        id: String,
        /// Why.
        reason: String,
    },
}

/// Result alias for [`AuthStore`].
pub type AuthResult<T> = std::result::Result<T, AuthError>;

/// A person or machine account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// Id (UUIDv7).
    pub id: Uuid,
    /// Login name, unique.
    pub username: String,
    /// Role code, e.g. `analyst`.
    pub role: String,
    /// UI language, `en` or `fr`.
    pub language: String,
    /// The argon2id PHC string. Never serialised.
    #[serde(skip)]
    pub password_hash: String,
    /// A disabled user cannot log in, and its sessions and tokens stop working.
    pub disabled: bool,
    /// Who created it and when.
    pub created_by: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// Who changed it last.
    pub updated_by: String,
    /// When it was changed last.
    pub updated_at: DateTime<Utc>,
}

/// A browser session. The cookie holds the session id; the store only its digest.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// SHA-256 hex digest of the session id.
    pub id_hash: String,
    /// The user.
    pub user_id: Uuid,
    /// The CSRF token the page must echo on every unsafe request.
    pub csrf_token: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Expires.
    pub expires_at: DateTime<Utc>,
}

/// A scoped API token for machines (scripts, SMS gateways).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    /// Id.
    pub id: Uuid,
    /// SHA-256 hex digest of the token. Never serialised.
    #[serde(skip)]
    pub token_hash: String,
    /// The user it acts as.
    pub user_id: Uuid,
    /// A label ("sms-gateway").
    pub name: String,
    /// What it may do, e.g. `events:read`.
    pub scopes: Vec<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Expires, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// Revoked tokens stop working.
    pub revoked: bool,
}

/// The user, session and token store.
#[async_trait]
pub trait AuthStore: Send + Sync {
    /// Creates a user; [`AuthError::UserExists`] when the name is taken.
    async fn create_user(
        &self,
        username: &str,
        role: &str,
        language: &str,
        password_hash: &str,
        by: &str,
    ) -> AuthResult<User>;
    /// The user with this name.
    async fn user_by_name(&self, username: &str) -> AuthResult<Option<User>>;
    /// The user with this id.
    async fn user_by_id(&self, id: Uuid) -> AuthResult<Option<User>>;
    /// All users, by name.
    async fn list_users(&self) -> AuthResult<Vec<User>>;
    /// Replaces a user's password hash (and ends its sessions).
    async fn set_password(&self, username: &str, password_hash: &str, by: &str) -> AuthResult<()>;
    /// Changes a user's role.
    async fn set_role(&self, username: &str, role: &str, by: &str) -> AuthResult<()>;
    /// Disables or re-enables a user (disabling ends its sessions).
    async fn set_disabled(&self, username: &str, disabled: bool, by: &str) -> AuthResult<()>;
    /// Stores a new session.
    async fn create_session(&self, s: &Session) -> AuthResult<()>;
    /// The session with this id digest.
    async fn session(&self, id_hash: &str) -> AuthResult<Option<Session>>;
    /// Ends a session.
    async fn delete_session(&self, id_hash: &str) -> AuthResult<()>;
    /// Stores a new API token.
    async fn create_token(&self, t: &ApiToken) -> AuthResult<()>;
    /// The token with this digest.
    async fn token_by_hash(&self, token_hash: &str) -> AuthResult<Option<ApiToken>>;
    /// Records a login attempt (the name as typed, success, the remote address).
    async fn record_login(&self, username: &str, ok: bool, remote: &str) -> AuthResult<()>;
    /// Failed attempts for a name since a time.
    async fn failed_logins_since(&self, username: &str, since: DateTime<Utc>) -> AuthResult<u64>;
}

/// Formats a timestamp so that text order is time order.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Parses a timestamp written by [`ts`].
pub(crate) fn parse_ts(id: &str, s: &str) -> AuthResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| AuthError::Corrupt {
            id: id.to_string(),
            reason: format!("timestamp {s:?}: {e}"),
        })
}

pub(crate) fn parse_id(s: &str) -> AuthResult<Uuid> {
    Uuid::parse_str(s).map_err(|e| AuthError::Corrupt {
        id: s.to_string(),
        reason: e.to_string(),
    })
}

/// Expands [`AuthStore`] for one driver (same SQL on both: `$N` placeholders).
macro_rules! impl_auth_store {
    ($store:ident, $db:ty) => {
        const _: () = {
            use $crate::auth::{
                parse_id, parse_ts, ts, ApiToken, AuthError, AuthResult, AuthStore, Session, User,
            };
            use chrono::{DateTime, Utc};
            use sqlx::Row as _;
            use uuid::Uuid;

            const USER_COLUMNS: &str = "id, username, role, language, password_hash, disabled, \
                 created_by, created_at, updated_by, updated_at";

            fn user_of(r: &<$db as sqlx::Database>::Row) -> AuthResult<User> {
                let id: String = r.try_get("id")?;
                let created_at: String = r.try_get("created_at")?;
                let updated_at: String = r.try_get("updated_at")?;
                let disabled: i64 = r.try_get("disabled")?;
                Ok(User {
                    id: parse_id(&id)?,
                    username: r.try_get("username")?,
                    role: r.try_get("role")?,
                    language: r.try_get("language")?,
                    password_hash: r.try_get("password_hash")?,
                    disabled: disabled != 0,
                    created_by: r.try_get("created_by")?,
                    created_at: parse_ts(&id, &created_at)?,
                    updated_by: r.try_get("updated_by")?,
                    updated_at: parse_ts(&id, &updated_at)?,
                })
            }

            impl $store {
                /// Sets one column of a user (`password_hash`, or `disabled` as 0/1) and,
                /// when `end_sessions`, deletes the user's sessions in the same
                /// transaction. The column name is one of this file's constants, never input.
                async fn update_user_ending_sessions(
                    &self,
                    username: &str,
                    column: &'static str,
                    value: String,
                    end_sessions: bool,
                    by: &str,
                ) -> AuthResult<()> {
                    let user = self
                        .user_by_name(username)
                        .await?
                        .ok_or_else(|| AuthError::NoSuchUser(username.to_string()))?;
                    let mut tx = self.pool.begin().await?;
                    let sql = format!(
                        "UPDATE users SET {column} = {}, updated_by = $2, updated_at = $3 WHERE id = $4",
                        if column == "disabled" { "CAST($1 AS BIGINT)" } else { "$1" }
                    );
                    sqlx::query(&sql)
                        .bind(value)
                        .bind(by)
                        .bind(ts(Utc::now()))
                        .bind(user.id.to_string())
                        .execute(&mut *tx)
                        .await?;
                    if end_sessions {
                        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                            .bind(user.id.to_string())
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }
            }

            #[async_trait::async_trait]
            impl AuthStore for $store {
                async fn create_user(
                    &self,
                    username: &str,
                    role: &str,
                    language: &str,
                    password_hash: &str,
                    by: &str,
                ) -> AuthResult<User> {
                    if self.user_by_name(username).await?.is_some() {
                        return Err(AuthError::UserExists(username.to_string()));
                    }
                    let now = Utc::now();
                    let id = Uuid::now_v7();
                    let sql = format!(
                        "INSERT INTO users ({USER_COLUMNS}) \
                         VALUES ($1, $2, $3, $4, $5, 0, $6, $7, $6, $7)"
                    );
                    let res = sqlx::query(&sql)
                        .bind(id.to_string())
                        .bind(username)
                        .bind(role)
                        .bind(language)
                        .bind(password_hash)
                        .bind(by)
                        .bind(ts(now))
                        .execute(&self.pool)
                        .await;
                    match res {
                        Ok(_) => {}
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                            return Err(AuthError::UserExists(username.to_string()))
                        }
                        Err(e) => return Err(e.into()),
                    }
                    self.user_by_id(id)
                        .await?
                        .ok_or_else(|| AuthError::NoSuchUser(username.to_string()))
                }

                async fn user_by_name(&self, username: &str) -> AuthResult<Option<User>> {
                    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
                    let row = sqlx::query(&sql)
                        .bind(username)
                        .fetch_optional(&self.pool)
                        .await?;
                    row.as_ref().map(user_of).transpose()
                }

                async fn user_by_id(&self, id: Uuid) -> AuthResult<Option<User>> {
                    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
                    let row = sqlx::query(&sql)
                        .bind(id.to_string())
                        .fetch_optional(&self.pool)
                        .await?;
                    row.as_ref().map(user_of).transpose()
                }

                async fn list_users(&self) -> AuthResult<Vec<User>> {
                    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
                    let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
                    rows.iter().map(user_of).collect()
                }

                async fn set_password(
                    &self,
                    username: &str,
                    password_hash: &str,
                    by: &str,
                ) -> AuthResult<()> {
                    self.update_user_ending_sessions(username, "password_hash", password_hash.to_string(), true, by)
                        .await
                }

                async fn set_role(&self, username: &str, role: &str, by: &str) -> AuthResult<()> {
                    let n = sqlx::query(
                        "UPDATE users SET role = $1, updated_by = $2, updated_at = $3 \
                         WHERE username = $4",
                    )
                    .bind(role)
                    .bind(by)
                    .bind(ts(Utc::now()))
                    .bind(username)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                    if n == 0 {
                        return Err(AuthError::NoSuchUser(username.to_string()));
                    }
                    Ok(())
                }

                async fn set_disabled(
                    &self,
                    username: &str,
                    disabled: bool,
                    by: &str,
                ) -> AuthResult<()> {
                    let v = if disabled { "1" } else { "0" };
                    self.update_user_ending_sessions(username, "disabled", v.to_string(), disabled, by)
                        .await
                }

                async fn create_session(&self, s: &Session) -> AuthResult<()> {
                    sqlx::query(
                        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(&s.id_hash)
                    .bind(s.user_id.to_string())
                    .bind(&s.csrf_token)
                    .bind(ts(s.created_at))
                    .bind(ts(s.expires_at))
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn session(&self, id_hash: &str) -> AuthResult<Option<Session>> {
                    let row = sqlx::query(
                        "SELECT id_hash, user_id, csrf_token, created_at, expires_at \
                         FROM sessions WHERE id_hash = $1",
                    )
                    .bind(id_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some(r) = row else { return Ok(None) };
                    let user_id: String = r.try_get("user_id")?;
                    let created: String = r.try_get("created_at")?;
                    let expires: String = r.try_get("expires_at")?;
                    Ok(Some(Session {
                        id_hash: r.try_get("id_hash")?,
                        user_id: parse_id(&user_id)?,
                        csrf_token: r.try_get("csrf_token")?,
                        created_at: parse_ts("session", &created)?,
                        expires_at: parse_ts("session", &expires)?,
                    }))
                }

                async fn delete_session(&self, id_hash: &str) -> AuthResult<()> {
                    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                        .bind(id_hash)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                async fn create_token(&self, t: &ApiToken) -> AuthResult<()> {
                    sqlx::query(
                        "INSERT INTO api_tokens (id, token_hash, user_id, name, scopes, created_at, expires_at, revoked) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    )
                    .bind(t.id.to_string())
                    .bind(&t.token_hash)
                    .bind(t.user_id.to_string())
                    .bind(&t.name)
                    .bind(t.scopes.join(" "))
                    .bind(ts(t.created_at))
                    .bind(t.expires_at.map(ts))
                    .bind(i64::from(t.revoked))
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn token_by_hash(&self, token_hash: &str) -> AuthResult<Option<ApiToken>> {
                    let row = sqlx::query(
                        "SELECT id, token_hash, user_id, name, scopes, created_at, expires_at, revoked \
                         FROM api_tokens WHERE token_hash = $1",
                    )
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some(r) = row else { return Ok(None) };
                    let id: String = r.try_get("id")?;
                    let user_id: String = r.try_get("user_id")?;
                    let scopes: String = r.try_get("scopes")?;
                    let created: String = r.try_get("created_at")?;
                    let expires: Option<String> = r.try_get("expires_at")?;
                    let revoked: i64 = r.try_get("revoked")?;
                    Ok(Some(ApiToken {
                        id: parse_id(&id)?,
                        token_hash: r.try_get("token_hash")?,
                        user_id: parse_id(&user_id)?,
                        name: r.try_get("name")?,
                        scopes: scopes.split_whitespace().map(str::to_string).collect(),
                        created_at: parse_ts(&id, &created)?,
                        expires_at: expires.map(|e| parse_ts(&id, &e)).transpose()?,
                        revoked: revoked != 0,
                    }))
                }

                async fn record_login(
                    &self,
                    username: &str,
                    ok: bool,
                    remote: &str,
                ) -> AuthResult<()> {
                    sqlx::query(
                        "INSERT INTO login_attempts (id, username, ok, remote, at) \
                         VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(Uuid::now_v7().to_string())
                    .bind(username)
                    .bind(i64::from(ok))
                    .bind(remote)
                    .bind(ts(Utc::now()))
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                }

                async fn failed_logins_since(
                    &self,
                    username: &str,
                    since: DateTime<Utc>,
                ) -> AuthResult<u64> {
                    let row = sqlx::query(
                        "SELECT CAST(COUNT(*) AS BIGINT) FROM login_attempts \
                         WHERE username = $1 AND ok = 0 AND at >= $2",
                    )
                    .bind(username)
                    .bind(ts(since))
                    .fetch_one(&self.pool)
                    .await?;
                    let n: i64 = row.try_get(0)?;
                    Ok(u64::try_from(n).unwrap_or(0))
                }
            }
        };
    };
}
pub(crate) use impl_auth_store;
