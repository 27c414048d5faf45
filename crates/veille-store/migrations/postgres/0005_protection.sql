-- Protection records written by veille-protect: early warnings now (kind 'warning',
-- keyed by the warning's stable id); response actions and analyst overrides use the same
-- tables with their own kinds. One current row per (kind, record_key); every change is
-- also appended to protection_history with its version, so nothing is lost.
-- Keep in step with the other dialect.
CREATE TABLE protection_records (
    kind       TEXT COLLATE "C" NOT NULL,
    record_key TEXT COLLATE "C" NOT NULL,
    doc        TEXT COLLATE "C" NOT NULL,
    version    BIGINT NOT NULL,
    by_user    TEXT COLLATE "C" NOT NULL,
    at         TEXT COLLATE "C" NOT NULL,
    reason     TEXT COLLATE "C",
    PRIMARY KEY (kind, record_key)
);

CREATE TABLE protection_history (
    kind       TEXT COLLATE "C" NOT NULL,
    record_key TEXT COLLATE "C" NOT NULL,
    version    BIGINT NOT NULL,
    doc        TEXT COLLATE "C" NOT NULL,
    by_user    TEXT COLLATE "C" NOT NULL,
    at         TEXT COLLATE "C" NOT NULL,
    reason     TEXT COLLATE "C",
    PRIMARY KEY (kind, record_key, version)
);
