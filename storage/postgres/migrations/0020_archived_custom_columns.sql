-- crmkit schema version 20: the archived state of leads, deals and
-- accounts, and the custom values of deals, as columns of their own, so
-- that List's archived condition, the funnel.Source's scan and the
-- funnel.Aggregator's GROUP BY never read the JSON body (issue 19: at
-- 1,000,000 deals, the server's time for the Source's statement, EXPLAIN
-- (ANALYZE, TIMING off), went from 1,271 ms reading the body twice per
-- row to 789 ms on these columns; see BENCHMARKS.md, section 8).
--
--   archived  true when the body holds archived_at (ArchivedAt is omitted
--             from the JSON while zero); List's condition is NOT archived
--             (notArchived in archive.go);
--   custom    deals only: the body's custom values, NULL for a deal
--             without any; the Source reads them.
--
-- Both are STORED generated columns: PostgreSQL computes them from the
-- body on every INSERT and UPDATE (COPY included), so no write path sets
-- them and they cannot drift from the body. The boolean fits in the row's
-- alignment padding and a NULL custom costs a null-bitmap bit: the deals
-- heap measured the same size with and without them. Adding them rewrites
-- each table (about 30 s per million deals here).
--
-- The GIN indexes of custom values stay on body->'custom' (version 17):
-- customWhere serves leads, deals and accounts with one expression, and
-- leads and accounts have no custom column.
ALTER TABLE leads ADD COLUMN archived boolean NOT NULL GENERATED ALWAYS AS (body ? 'archived_at') STORED;
ALTER TABLE deals
	ADD COLUMN archived boolean NOT NULL GENERATED ALWAYS AS (body ? 'archived_at') STORED,
	ADD COLUMN custom   jsonb            GENERATED ALWAYS AS (body->'custom') STORED;
ALTER TABLE accounts ADD COLUMN archived boolean NOT NULL GENERATED ALWAYS AS (body ? 'archived_at') STORED;
