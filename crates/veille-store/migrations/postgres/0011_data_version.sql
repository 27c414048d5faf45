-- A counter that moves whenever something a cached read depends on is written: events
-- (and with them the rollup cells, written in the same transaction), protection records
-- (category and cell overrides, warnings, actions), reference edits (actors, places) and
-- the rollup state (a rebuild). Readers key their caches by it (Store::data_version), so a
-- write by any process, this server or a CLI beside it, invalidates them. Statement-level
-- triggers: one bump per statement, not per row. Keep in step with the other dialect.

CREATE TABLE data_version (
    id      BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 1);

-- Unqualified names resolve through the caller's search_path, so stores confined to a
-- schema bump their own counter.
CREATE FUNCTION data_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER data_version_events AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();
CREATE TRIGGER data_version_protection AFTER INSERT OR UPDATE OR DELETE ON protection_records
    FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();
CREATE TRIGGER data_version_reference AFTER INSERT ON reference_edits
    FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();
CREATE TRIGGER data_version_rollup_state AFTER UPDATE ON rollup_state
    FOR EACH STATEMENT EXECUTE FUNCTION data_version_bump();
