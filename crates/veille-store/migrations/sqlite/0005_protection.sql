-- Protection records written by veille-protect: early warnings now (kind 'warning',
-- keyed by the warning's stable id); response actions and analyst overrides use the same
-- tables with their own kinds. One current row per (kind, record_key); every change is
-- also appended to protection_history with its version, so nothing is lost.
-- Keep in step with the other dialect.
CREATE TABLE protection_records (
    kind       TEXT NOT NULL,
    record_key TEXT NOT NULL,
    doc        TEXT NOT NULL,
    version    BIGINT NOT NULL,
    by_user    TEXT NOT NULL,
    at         TEXT NOT NULL,
    reason     TEXT,
    PRIMARY KEY (kind, record_key)
);

CREATE TABLE protection_history (
    kind       TEXT NOT NULL,
    record_key TEXT NOT NULL,
    version    BIGINT NOT NULL,
    doc        TEXT NOT NULL,
    by_user    TEXT NOT NULL,
    at         TEXT NOT NULL,
    reason     TEXT,
    PRIMARY KEY (kind, record_key, version)
);
