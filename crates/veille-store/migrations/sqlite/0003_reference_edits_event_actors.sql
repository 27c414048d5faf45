-- Analyst edits to reference data (actor registry edits now; places, aliases, boundaries
-- later), append-only: one row per edit, numbered 1, 2, 3… per kind. The payload is the
-- edit as JSON text. Keep in step with the other dialect.
CREATE TABLE reference_edits (
    id       TEXT PRIMARY KEY NOT NULL,
    kind     TEXT NOT NULL,
    seq      BIGINT NOT NULL,
    edit_key TEXT NOT NULL,
    payload  TEXT NOT NULL,
    by_user  TEXT NOT NULL,
    at       TEXT NOT NULL,
    reason   TEXT,
    UNIQUE (kind, seq)
);

-- Which actors took part in which event, derived from the event document at write time
-- (veille_store common::event_actor_rows, next to EventRow::from_event). actor_id is NULL
-- for names not resolved to the registry; date_start copies the event's for the
-- family queries (actor_id, date_start).
CREATE TABLE event_actors (
    event_id   TEXT NOT NULL,
    actor_id   TEXT,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    date_start TEXT NOT NULL,
    date_end   TEXT NOT NULL
);

CREATE INDEX event_actors_actor_date ON event_actors (actor_id, date_start);
CREATE INDEX event_actors_event ON event_actors (event_id);
