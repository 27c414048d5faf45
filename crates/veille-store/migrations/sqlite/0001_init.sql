-- veille storage, SQLite dialect. Keep in step with ../postgres/0001_init.sql.
-- Ids are UUIDv7 text, timestamps RFC 3339 UTC text, dates ISO 8601 text.
-- Every scalar column of `events` is derived from `doc` (the full Event as JSON) at
-- write time by one Rust function (veille_store::row::EventRow::from_event).

CREATE TABLE events (
    id              TEXT PRIMARY KEY NOT NULL,
    date_start      TEXT NOT NULL,
    date_end        TEXT NOT NULL,
    country         TEXT NOT NULL,
    admin1          TEXT,
    admin1_lc       TEXT,
    admin2          TEXT,
    event_type      TEXT NOT NULL,
    sub_event_type  TEXT NOT NULL,
    latitude        REAL,
    longitude       REAL,
    killed_best     BIGINT NOT NULL,
    verification    TEXT NOT NULL,
    sensitivity     TEXT NOT NULL,
    actor_text      TEXT NOT NULL,
    search_text     TEXT NOT NULL,
    import_batch_id TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    doc             TEXT NOT NULL
);

CREATE INDEX events_date_start_id ON events (date_start, id);
CREATE INDEX events_admin1_lc ON events (admin1_lc);
CREATE INDEX events_event_type ON events (event_type);
CREATE INDEX events_country ON events (country);

CREATE TABLE event_external_ids (
    external_id TEXT PRIMARY KEY NOT NULL,
    event_id    TEXT NOT NULL REFERENCES events (id)
) WITHOUT ROWID;

CREATE INDEX event_external_ids_event ON event_external_ids (event_id);

CREATE TABLE revisions (
    id       TEXT PRIMARY KEY NOT NULL,
    event_id TEXT NOT NULL REFERENCES events (id),
    seq      BIGINT NOT NULL,
    action   TEXT NOT NULL,
    by_user  TEXT NOT NULL,
    at       TEXT NOT NULL,
    reason   TEXT,
    batch_id TEXT,
    changes  TEXT NOT NULL,
    UNIQUE (event_id, seq)
);

CREATE TABLE import_batches (
    id             TEXT PRIMARY KEY NOT NULL,
    file_name      TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    format         TEXT NOT NULL,
    rows_read      BIGINT NOT NULL,
    rows_created   BIGINT NOT NULL,
    rows_updated   BIGINT NOT NULL,
    rows_unchanged BIGINT NOT NULL,
    rows_rejected  BIGINT NOT NULL,
    by_user        TEXT NOT NULL,
    at             TEXT NOT NULL
);
