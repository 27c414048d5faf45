-- Analyst edits to reference data (actor registry edits now; places, aliases, boundaries
-- later), append-only: one row per edit, numbered 1, 2, 3… per kind. The payload is the
-- edit as JSON text. Keep in step with the other dialect.
CREATE TABLE reference_edits (
    id       TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    kind     TEXT COLLATE "C" NOT NULL,
    seq      BIGINT NOT NULL,
    edit_key TEXT COLLATE "C" NOT NULL,
    payload  TEXT COLLATE "C" NOT NULL,
    by_user  TEXT COLLATE "C" NOT NULL,
    at       TEXT COLLATE "C" NOT NULL,
    reason   TEXT COLLATE "C",
    UNIQUE (kind, seq)
);

-- Which actors took part in which event, derived from the event document at write time
-- (veille_store common::event_actor_rows, next to EventRow::from_event). actor_id is NULL
-- for names not resolved to the registry; date_start copies the event's for the
-- family queries (actor_id, date_start).
CREATE TABLE event_actors (
    event_id   TEXT COLLATE "C" NOT NULL,
    actor_id   TEXT COLLATE "C",
    name       TEXT COLLATE "C" NOT NULL,
    role       TEXT COLLATE "C" NOT NULL,
    date_start TEXT COLLATE "C" NOT NULL,
    date_end   TEXT COLLATE "C" NOT NULL
);

CREATE INDEX event_actors_actor_date ON event_actors (actor_id, date_start);
CREATE INDEX event_actors_event ON event_actors (event_id);
