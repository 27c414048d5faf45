-- Drafts (the review queue), their revisions, and merges of duplicate events.
-- Keep in step with ../postgres/0004_drafts_merges.sql.

-- A draft event waiting for an analyst: the proposed Event (JSON), the per-field
-- evidence (JSON), the report text it came from and that report's graded Source (JSON).
-- status is draft | accepted | rejected; event_id is the event an acceptance created.
CREATE TABLE drafts (
    id          TEXT PRIMARY KEY NOT NULL,
    status      TEXT NOT NULL,
    event_doc   TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    report_text TEXT NOT NULL,
    source      TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    event_id    TEXT
);

CREATE INDEX drafts_status ON drafts (status, created_at, id);

-- What happened to a draft: create, accept (changes = the analyst's edits) or reject
-- (reason mandatory), numbered 1, 2, 3… per draft.
CREATE TABLE draft_revisions (
    id       TEXT PRIMARY KEY NOT NULL,
    draft_id TEXT NOT NULL REFERENCES drafts (id),
    seq      BIGINT NOT NULL,
    action   TEXT NOT NULL,
    by_user  TEXT NOT NULL,
    at       TEXT NOT NULL,
    reason   TEXT,
    changes  TEXT NOT NULL,
    UNIQUE (draft_id, seq)
);

-- One merge of an absorbed event into a survivor. Both documents before the merge are
-- kept verbatim so that unmerge restores them; undone_* is set by unmerge.
CREATE TABLE event_merges (
    id              TEXT PRIMARY KEY NOT NULL,
    survivor_id     TEXT NOT NULL REFERENCES events (id),
    absorbed_id     TEXT NOT NULL REFERENCES events (id),
    by_user         TEXT NOT NULL,
    at              TEXT NOT NULL,
    reason          TEXT,
    survivor_before TEXT NOT NULL,
    absorbed_before TEXT NOT NULL,
    undone_by       TEXT,
    undone_at       TEXT,
    undone_reason   TEXT
);

CREATE INDEX event_merges_absorbed ON event_merges (absorbed_id);

-- The survivor an event was merged into; NULL for every live event. Merged events are
-- hidden from normal lists and stats, never deleted.
ALTER TABLE events ADD COLUMN merged_into TEXT;
