-- Text search over events: a pg_trgm GIN index on search_text, which serves
-- `search_text LIKE '%…%'` (substring matches) instead of a full scan. pg_trgm is a
-- trusted extension (PostgreSQL 13+): a database owner may create it. It lives in
-- `public` so that stores confined to a schema share it.
-- The SQLite dialect uses an FTS5 trigram index instead.
-- Concurrent first migrations (test schemas) would race on CREATE EXTENSION.
SELECT pg_advisory_xact_lock(7262011);
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE INDEX events_search_trgm ON events USING gin (search_text public.gin_trgm_ops);
