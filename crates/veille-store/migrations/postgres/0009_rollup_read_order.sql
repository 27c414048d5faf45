-- The rollup cells' key in read order: unit kind, grain, perpetrator, victim, unit,
-- period, … What assessments read (one level's month cells with perpetrator and victim
-- "all") is then one range of the key's index instead of every cell of the level.
-- The SQLite dialect moves the cells into a clustered table with the same key.

ALTER TABLE rollup_cells DROP CONSTRAINT rollup_cells_pkey;
ALTER TABLE rollup_cells ADD PRIMARY KEY
    (unit_kind, grain, perp, victim, unit, period, event_type, poc, sensitivity);
DROP INDEX rollup_cells_grain_period;
CREATE INDEX rollup_cells_kind_grain_period ON rollup_cells (unit_kind, grain, period);
