-- Persisted rollups (see src/rollup.rs). Maintained in the same transaction as every
-- event write; `veille rollup rebuild` recomputes them from the events with identical
-- numbers. Keep in step with the other dialect.

-- What each counted event contributed, so a revision, retraction or merge can take it
-- back exactly. Opaque text written by the rollup contributor (veille-protect).
CREATE TABLE rollup_facts (
    event_id    TEXT PRIMARY KEY,
    sensitivity TEXT NOT NULL,
    facts       TEXT NOT NULL
);

-- The cube: one row per unit × grain × period × event type × POC facet × perpetrator
-- facet × victim facet × sensitivity. Facets: '*' = all, '-' = none, else a code.
CREATE TABLE rollup_cells (
    unit_kind        TEXT NOT NULL,
    unit             TEXT NOT NULL,
    grain            TEXT NOT NULL,
    period           TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    poc              TEXT NOT NULL,
    perp             TEXT NOT NULL,
    victim           TEXT NOT NULL,
    sensitivity      TEXT NOT NULL,
    events           BIGINT NOT NULL,
    killed           BIGINT NOT NULL,
    civilians_killed BIGINT NOT NULL,
    injured          BIGINT NOT NULL,
    abducted         BIGINT NOT NULL,
    civilian_harm    BIGINT NOT NULL,
    lat_e6           BIGINT NOT NULL,
    lon_e6           BIGINT NOT NULL,
    located          BIGINT NOT NULL,
    PRIMARY KEY (unit_kind, unit, grain, period, event_type, poc, perp, victim, sensitivity)
);
CREATE INDEX rollup_cells_grain_period ON rollup_cells (grain, period);

-- One row: which rules built the cells, and whether a write happened that the cells do
-- not reflect (a store opened without a contributor, or with other rules).
CREATE TABLE rollup_state (
    id          BIGINT PRIMARY KEY,
    fingerprint TEXT,
    stale       BIGINT NOT NULL,
    rebuilt_at  TEXT
);
INSERT INTO rollup_state (id, fingerprint, stale, rebuilt_at)
SELECT 1, NULL, CASE WHEN EXISTS (SELECT 1 FROM events) THEN 1 ELSE 0 END, NULL;
