-- Bulk imports pay for every index; external-id rows are deleted by external_id
-- (their primary key), so the index by event_id is not needed.
DROP INDEX event_external_ids_event;
