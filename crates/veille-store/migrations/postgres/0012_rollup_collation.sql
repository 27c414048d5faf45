-- The rollup tables (0007) were created without COLLATE "C", unlike every event table.
-- A join of rollup_facts.event_id with events.id then compares under "C" and the facts'
-- primary key, built for the default collation, cannot serve it: each rollup sync scanned
-- every stored fact (measured: 100-150 ms per revised event at 1M events, against about
-- 2 ms without rollups). Byte-wise like the rest (and like SQLite), so the index serves
-- the join and the cells sort in the same order as the Rust keys they are written in.
-- SQLite compares bytes anyway: it has no counterpart to this migration.
ALTER TABLE rollup_facts
    ALTER COLUMN event_id TYPE TEXT COLLATE "C",
    ALTER COLUMN sensitivity TYPE TEXT COLLATE "C",
    ALTER COLUMN facts TYPE TEXT COLLATE "C";

ALTER TABLE rollup_cells
    ALTER COLUMN unit_kind TYPE TEXT COLLATE "C",
    ALTER COLUMN unit TYPE TEXT COLLATE "C",
    ALTER COLUMN grain TYPE TEXT COLLATE "C",
    ALTER COLUMN period TYPE TEXT COLLATE "C",
    ALTER COLUMN event_type TYPE TEXT COLLATE "C",
    ALTER COLUMN poc TYPE TEXT COLLATE "C",
    ALTER COLUMN perp TYPE TEXT COLLATE "C",
    ALTER COLUMN victim TYPE TEXT COLLATE "C",
    ALTER COLUMN sensitivity TYPE TEXT COLLATE "C";

ALTER TABLE rollup_state ALTER COLUMN fingerprint TYPE TEXT COLLATE "C";

-- The data-version trigger function (0011) resolved `data_version` through the writer's
-- search_path: a write from a session with another path (psql, a maintenance script)
-- into a store kept in its own schema failed with "relation data_version does not
-- exist". Pin the path the store was migrated with.
ALTER FUNCTION data_version_bump() SET search_path FROM CURRENT;
