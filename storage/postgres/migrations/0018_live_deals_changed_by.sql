-- crmkit schema version 18: the live deal summary's rows marked with the
-- transaction that last changed them, so that a read after a write reads
-- the groups changed since the reader's last read only.
--
-- Each live_deals row holds in changed_by the id (pg_current_xact_id())
-- of the transaction whose trigger statement last changed it; rows are
-- never deleted (version 15). A DB keeps, beside the summary it last
-- read, the snapshot its read statement ran in (pg_current_snapshot());
-- its next read returns, in one statement, the current snapshot and the
-- rows changed by a transaction that snapshot did not see:
-- NOT pg_visible_in_snapshot(changed_by, cached). Sound whatever order
-- writers commit in: a row whose value differs between the two reads was
-- last written, as the later read sees it, by a committed transaction W;
-- were W visible to the earlier snapshot, that snapshot would have seen
-- this same version (a later version it saw would be visible now too),
-- so the value would not differ. A writer in progress at the earlier read
-- is in that snapshot's in-progress list, however long after it commits.
-- xid8 does not wrap around, and every id not visible to a snapshot is
-- at least its xmin: an index on (tenant_id, changed_by) finds them. The
-- change counter of version 15 (rev) is no longer read, and goes.
--
-- The trigger function now upserts the groups of deletes too (the groups
-- exist: rows are never deleted), in key order like the others, so every
-- statement locks its groups in one order.

ALTER TABLE live_deals ADD COLUMN changed_by xid8 NOT NULL DEFAULT pg_current_xact_id();
ALTER TABLE live_deals ALTER COLUMN changed_by DROP DEFAULT;
ALTER TABLE live_deals DROP COLUMN rev;
CREATE INDEX live_deals_changed_by ON live_deals (tenant_id, changed_by);

CREATE OR REPLACE FUNCTION crmkit_live_deals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO live_deals AS l (tenant_id, stage, status, owner, month, currency, deals, amount, changed_by)
		SELECT tenant_id, stage, status, owner, coalesce(left(body->>'created_at', 7), '0001-01'), coalesce(body->'amount'->>'currency', ''),
			count(*), coalesce(sum(replace(body->'amount'->>'amount', '.', '')::bigint), 0), pg_current_xact_id()
		FROM new_rows WHERE NOT (body ? 'archived_at') GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
		ON CONFLICT (tenant_id, stage, status, owner, month, currency)
		DO UPDATE SET deals = l.deals + EXCLUDED.deals, amount = l.amount + EXCLUDED.amount, changed_by = EXCLUDED.changed_by;
	ELSIF TG_OP = 'UPDATE' THEN
		INSERT INTO live_deals AS l (tenant_id, stage, status, owner, month, currency, deals, amount, changed_by)
		SELECT tenant_id, stage, status, owner, month, currency, sum(n), sum(a), pg_current_xact_id()
		FROM (SELECT tenant_id, stage, status, owner, coalesce(left(body->>'created_at', 7), '0001-01') AS month,
				coalesce(body->'amount'->>'currency', '') AS currency, 1 AS n,
				coalesce(replace(body->'amount'->>'amount', '.', '')::bigint, 0) AS a FROM new_rows
			WHERE NOT (body ? 'archived_at')
			UNION ALL
			SELECT tenant_id, stage, status, owner, coalesce(left(body->>'created_at', 7), '0001-01'),
				coalesce(body->'amount'->>'currency', ''), -1,
				-coalesce(replace(body->'amount'->>'amount', '.', '')::bigint, 0) FROM old_rows
			WHERE NOT (body ? 'archived_at')) AS d
		GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0 OR sum(a) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
		ON CONFLICT (tenant_id, stage, status, owner, month, currency)
		DO UPDATE SET deals = l.deals + EXCLUDED.deals, amount = l.amount + EXCLUDED.amount, changed_by = EXCLUDED.changed_by;
	ELSE
		INSERT INTO live_deals AS l (tenant_id, stage, status, owner, month, currency, deals, amount, changed_by)
		SELECT tenant_id, stage, status, owner, coalesce(left(body->>'created_at', 7), '0001-01'), coalesce(body->'amount'->>'currency', ''),
			-count(*), -coalesce(sum(replace(body->'amount'->>'amount', '.', '')::bigint), 0), pg_current_xact_id()
		FROM old_rows WHERE NOT (body ? 'archived_at') GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
		ON CONFLICT (tenant_id, stage, status, owner, month, currency)
		DO UPDATE SET deals = l.deals + EXCLUDED.deals, amount = l.amount + EXCLUDED.amount, changed_by = EXCLUDED.changed_by;
	END IF;
	RETURN NULL;
END $$;
