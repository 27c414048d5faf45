-- veille storage, PostgreSQL dialect. Keep in step with ../sqlite/0001_init.sql.
-- Ids are UUIDv7 text, timestamps RFC 3339 UTC text, dates ISO 8601 text.
-- Every scalar column of `events` is derived from `doc` (the full Event as JSON) at
-- write time by one Rust function (veille_store::row::EventRow::from_event).
-- Text columns use COLLATE "C" so that ORDER BY and comparisons are byte-wise, as in SQLite.

CREATE TABLE events (
    id              TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    date_start      TEXT COLLATE "C" NOT NULL,
    date_end        TEXT COLLATE "C" NOT NULL,
    country         TEXT COLLATE "C" NOT NULL,
    admin1          TEXT COLLATE "C",
    admin1_lc       TEXT COLLATE "C",
    admin2          TEXT COLLATE "C",
    event_type      TEXT COLLATE "C" NOT NULL,
    sub_event_type  TEXT COLLATE "C" NOT NULL,
    latitude        DOUBLE PRECISION,
    longitude       DOUBLE PRECISION,
    killed_best     BIGINT NOT NULL,
    verification    TEXT COLLATE "C" NOT NULL,
    sensitivity     TEXT COLLATE "C" NOT NULL,
    actor_text      TEXT COLLATE "C" NOT NULL,
    search_text     TEXT COLLATE "C" NOT NULL,
    import_batch_id TEXT COLLATE "C",
    created_at      TEXT COLLATE "C" NOT NULL,
    updated_at      TEXT COLLATE "C" NOT NULL,
    doc             TEXT COLLATE "C" NOT NULL
);

CREATE INDEX events_date_start_id ON events (date_start, id);
CREATE INDEX events_admin1_lc ON events (admin1_lc);
CREATE INDEX events_event_type ON events (event_type);
CREATE INDEX events_country ON events (country);

CREATE TABLE event_external_ids (
    external_id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    event_id    TEXT COLLATE "C" NOT NULL REFERENCES events (id)
);

CREATE INDEX event_external_ids_event ON event_external_ids (event_id);

CREATE TABLE revisions (
    id       TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    event_id TEXT COLLATE "C" NOT NULL REFERENCES events (id),
    seq      BIGINT NOT NULL,
    action   TEXT COLLATE "C" NOT NULL,
    by_user  TEXT COLLATE "C" NOT NULL,
    at       TEXT COLLATE "C" NOT NULL,
    reason   TEXT COLLATE "C",
    batch_id TEXT COLLATE "C",
    changes  TEXT COLLATE "C" NOT NULL,
    UNIQUE (event_id, seq)
);

CREATE TABLE import_batches (
    id             TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    file_name      TEXT COLLATE "C" NOT NULL,
    sha256         TEXT COLLATE "C" NOT NULL,
    format         TEXT COLLATE "C" NOT NULL,
    rows_read      BIGINT NOT NULL,
    rows_created   BIGINT NOT NULL,
    rows_updated   BIGINT NOT NULL,
    rows_unchanged BIGINT NOT NULL,
    rows_rejected  BIGINT NOT NULL,
    by_user        TEXT COLLATE "C" NOT NULL,
    at             TEXT COLLATE "C" NOT NULL
);
