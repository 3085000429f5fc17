-- crmkit schema version 16: archived deals are out of the live deal
-- summary, as they are out of List and the funnel.Source
-- (storage.DealFilter.IncludeArchived): the trigger function of version
-- 15 with every transition row of an archived deal left out, and the
-- summary recounted from the deals not archived. Rows are never deleted
-- (the change counters of version 15 must only grow): a group with no
-- deal left is set to zero.

CREATE OR REPLACE FUNCTION crmkit_live_deals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO live_deals AS l (tenant_id, stage, status, owner, month, currency, deals, amount)
		SELECT tenant_id, stage, status, owner, coalesce(left(body->>'created_at', 7), '0001-01'), coalesce(body->'amount'->>'currency', ''),
			count(*), coalesce(sum(replace(body->'amount'->>'amount', '.', '')::bigint), 0)
		FROM new_rows WHERE NOT (body ? 'archived_at') GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
		ON CONFLICT (tenant_id, stage, status, owner, month, currency)
		DO UPDATE SET deals = l.deals + EXCLUDED.deals, amount = l.amount + EXCLUDED.amount, rev = l.rev + 1;
	ELSIF TG_OP = 'UPDATE' THEN
		INSERT INTO live_deals AS l (tenant_id, stage, status, owner, month, currency, deals, amount)
		SELECT tenant_id, stage, status, owner, month, currency, sum(n), sum(a)
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
		DO UPDATE SET deals = l.deals + EXCLUDED.deals, amount = l.amount + EXCLUDED.amount, rev = l.rev + 1;
	ELSE
		UPDATE live_deals AS l SET deals = l.deals - d.n, amount = l.amount - d.a, rev = l.rev + 1
		FROM (SELECT tenant_id, stage, status, owner, coalesce(left(body->>'created_at', 7), '0001-01') AS month,
				coalesce(body->'amount'->>'currency', '') AS currency, count(*) AS n,
				coalesce(sum(replace(body->'amount'->>'amount', '.', '')::bigint), 0) AS a
			FROM old_rows WHERE NOT (body ? 'archived_at') GROUP BY 1, 2, 3, 4, 5, 6) AS d
		WHERE l.tenant_id = d.tenant_id AND l.stage = d.stage AND l.status = d.status AND l.owner = d.owner
			AND l.month = d.month AND l.currency = d.currency;
	END IF;
	RETURN NULL;
END $$;

UPDATE live_deals SET deals = 0, amount = 0, rev = rev + 1;

INSERT INTO live_deals AS l (tenant_id, stage, status, owner, month, currency, deals, amount)
SELECT tenant_id, stage, status, owner, coalesce(left(body->>'created_at', 7), '0001-01'), coalesce(body->'amount'->>'currency', ''),
	count(*), coalesce(sum(replace(body->'amount'->>'amount', '.', '')::bigint), 0)
FROM deals WHERE NOT (body ? 'archived_at') GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT (tenant_id, stage, status, owner, month, currency)
DO UPDATE SET deals = EXCLUDED.deals, amount = EXCLUDED.amount, rev = l.rev + 1;
