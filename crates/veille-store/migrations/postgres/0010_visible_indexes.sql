-- Dashboard reads at a million events (see the architecture notes): pages, capped counts
-- and map points answered from indexes, with the table read only for the rows returned.
--
-- 1. More columns derived from the document at write time (EventRow::from_event):
--    span_days (date_end - date_start, which bounds date-range scans), and what the map
--    needs without parsing documents: geo_precision, victim_related (blurred for most
--    roles), admin1_code and admin2_code (the blurred point). NULL until the store
--    derives them for rows written before this migration (on open, in Rust).
-- 2. Partial indexes over the events every reader sees unless asked otherwise (not
--    retracted, not merged away), ordered like list pages (date_start, id) and carrying
--    the columns the filters test most (index-only scans for pages and capped counts);
--    one of them leads with admin1 for the map and regional lists.
-- 3. The plain admin1, event type and country indexes go: the partial indexes serve those
--    filters from their own columns, and with both a planner without statistics counted
--    through a plain one, reading the row of every match.
-- Keep in step with the other dialect.

ALTER TABLE events ADD COLUMN span_days BIGINT;
ALTER TABLE events ADD COLUMN geo_precision TEXT COLLATE "C";
ALTER TABLE events ADD COLUMN victim_related BIGINT;
ALTER TABLE events ADD COLUMN admin1_code TEXT COLLATE "C";
ALTER TABLE events ADD COLUMN admin2_code TEXT COLLATE "C";

CREATE INDEX events_span_days ON events (span_days);
CREATE INDEX events_visible_date ON events (date_start, id, sensitivity, date_end, event_type, country)
    WHERE verification <> 'retracted' AND merged_into IS NULL;
CREATE INDEX events_visible_admin1_date ON events (admin1_lc, date_start, id, sensitivity, date_end, event_type, country)
    WHERE verification <> 'retracted' AND merged_into IS NULL;
DROP INDEX events_admin1_lc;
DROP INDEX events_event_type;
DROP INDEX events_country;
