-- A counter that moves whenever something a cached read depends on is written: events
-- (and with them the rollup cells, written in the same transaction), protection records
-- (category and cell overrides, warnings, actions), reference edits (actors, places) and
-- the rollup state (a rebuild). Readers key their caches by it (Store::data_version), so a
-- write by any process, this server or a CLI beside it, invalidates them. SQLite triggers
-- run per row; the counter's one page stays in cache. Keep in step with the other dialect.

CREATE TABLE data_version (
    id      BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 1);

CREATE TRIGGER data_version_events_insert AFTER INSERT ON events BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_events_update AFTER UPDATE ON events BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_events_delete AFTER DELETE ON events BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_protection_insert AFTER INSERT ON protection_records BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_protection_update AFTER UPDATE ON protection_records BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_protection_delete AFTER DELETE ON protection_records BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_reference_insert AFTER INSERT ON reference_edits BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER data_version_rollup_state_update AFTER UPDATE ON rollup_state BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
END;
