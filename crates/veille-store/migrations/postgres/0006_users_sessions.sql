-- Users, browser sessions, API tokens and login attempts (veille serve).
-- Timestamps are RFC 3339 UTC text with microseconds, so they sort as text.
-- Secrets are never stored: passwords as argon2id PHC strings, session ids and API
-- tokens as SHA-256 hex digests.

CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    username      TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    language      TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      BIGINT NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    id_hash    TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id         TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id    TEXT NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL,
    scopes     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked    BIGINT NOT NULL
);

CREATE TABLE login_attempts (
    id       TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL,
    ok       BIGINT NOT NULL,
    remote   TEXT NOT NULL,
    at       TEXT NOT NULL
);

CREATE INDEX login_attempts_user_at ON login_attempts (username, at);
