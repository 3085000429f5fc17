-- crmkit schema version 17: smaller indexes (issue #24, storage per deal).
--
-- The events of one aggregate are found by (tenant_id, aggregate_id,
-- version): versions are consecutive, one event each, so at and id never
-- decide the order there; ByAggregate's ORDER BY version, at, id and its
-- cursor read the index in version order (the cursor as version >= $n, a
-- handful of rows to re-check). Dropping (at, id) takes each entry from 64
-- to 40 bytes. The same for the history stream of one kind.
DROP INDEX events_aggregate;
CREATE INDEX events_aggregate ON events (tenant_id, aggregate_id, version);
DROP INDEX events_kind_aggregate;
CREATE INDEX events_kind_aggregate ON events (tenant_id, aggregate_kind, aggregate_id, version);

-- The GIN indexes of custom values held an entry for every row without
-- any (the NULL of body->'custom'). Every custom filter is a containment
-- test body->'custom' @> $n (strict: it implies the predicate), so these
-- partial indexes still serve them.
DROP INDEX leads_custom;
CREATE INDEX leads_custom ON leads USING gin ((body->'custom') jsonb_path_ops) WHERE (body->'custom') IS NOT NULL;
DROP INDEX deals_custom;
CREATE INDEX deals_custom ON deals USING gin ((body->'custom') jsonb_path_ops) WHERE (body->'custom') IS NOT NULL;
DROP INDEX accounts_custom;
CREATE INDEX accounts_custom ON accounts USING gin ((body->'custom') jsonb_path_ops) WHERE (body->'custom') IS NOT NULL;
