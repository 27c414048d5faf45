-- Reading one level's month cells (the threat matrix) must be a range of the cells' key.
-- Two things kept PostgreSQL from it at a million events:
-- - the planner multiplied the selectivities of unit_kind, grain, perp and victim as if
--   independent and expected seven times the rows, so it scanned the whole table; these
--   statistics record how the four go together;
-- - upserts scattered a key range over the heap. With room left on each page, a cell's
--   update stays on its page (no indexed column changes), so the order `settle` restores
--   after bulk writes (CLUSTER on the key) lasts.
-- SQLite keeps the cells in a clustered WITHOUT ROWID table (0009): no counterpart.
CREATE STATISTICS rollup_cells_facets (dependencies, mcv)
    ON unit_kind, grain, perp, victim FROM rollup_cells;
ALTER TABLE rollup_cells SET (fillfactor = 85);
