-- crmkit schema version 15: a change counter on the live deal summary.
-- (numbered 0014 on its branch, renumbered at merge.)
--
-- Each live_deals row counts in rev the trigger statements that changed
-- it (1 when inserted, plus one per upsert or update). Rows are never
-- deleted (a group fallen to 0 deals stays), so sum(rev) over a tenant's
-- rows grows with every committed write that changes its summary, and a
-- snapshot sees every transaction an earlier snapshot saw: two reads that
-- find the same sum read the same groups. A DB keeps the summary it last
-- read with that sum, and its read asks for the groups only when the sum
-- differs, in the same statement (see live.go). A counter per group, not
-- one per tenant, so that writers of deals in different groups still do
-- not wait for each other.

ALTER TABLE live_deals ADD COLUMN rev bigint NOT NULL DEFAULT 1;

CREATE OR REPLACE FUNCTION crmkit_live_deals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO live_deals AS l (tenant_id, stage, status, owner, month, currency, deals, amount)
		SELECT tenant_id, stage, status, owner, coalesce(left(body->>'created_at', 7), '0001-01'), coalesce(body->'amount'->>'currency', ''),
			count(*), coalesce(sum(replace(body->'amount'->>'amount', '.', '')::bigint), 0)
		FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
		ON CONFLICT (tenant_id, stage, status, owner, month, currency)
		DO UPDATE SET deals = l.deals + EXCLUDED.deals, amount = l.amount + EXCLUDED.amount, rev = l.rev + 1;
	ELSIF TG_OP = 'UPDATE' THEN
		INSERT INTO live_deals AS l (tenant_id, stage, status, owner, month, currency, deals, amount)
		SELECT tenant_id, stage, status, owner, month, currency, sum(n), sum(a)
		FROM (SELECT tenant_id, stage, status, owner, coalesce(left(body->>'created_at', 7), '0001-01') AS month,
				coalesce(body->'amount'->>'currency', '') AS currency, 1 AS n,
				coalesce(replace(body->'amount'->>'amount', '.', '')::bigint, 0) AS a FROM new_rows
			UNION ALL
			SELECT tenant_id, stage, status, owner, coalesce(left(body->>'created_at', 7), '0001-01'),
				coalesce(body->'amount'->>'currency', ''), -1,
				-coalesce(replace(body->'amount'->>'amount', '.', '')::bigint, 0) FROM old_rows) AS d
		GROUP BY 1, 2, 3, 4, 5, 6 HAVING sum(n) <> 0 OR sum(a) <> 0 ORDER BY 1, 2, 3, 4, 5, 6
		ON CONFLICT (tenant_id, stage, status, owner, month, currency)
		DO UPDATE SET deals = l.deals + EXCLUDED.deals, amount = l.amount + EXCLUDED.amount, rev = l.rev + 1;
	ELSE
		UPDATE live_deals AS l SET deals = l.deals - d.n, amount = l.amount - d.a, rev = l.rev + 1
		FROM (SELECT tenant_id, stage, status, owner, coalesce(left(body->>'created_at', 7), '0001-01') AS month,
				coalesce(body->'amount'->>'currency', '') AS currency, count(*) AS n,
				coalesce(sum(replace(body->'amount'->>'amount', '.', '')::bigint), 0) AS a
			FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6) AS d
		WHERE l.tenant_id = d.tenant_id AND l.stage = d.stage AND l.status = d.status AND l.owner = d.owner
			AND l.month = d.month AND l.currency = d.currency;
	END IF;
	RETURN NULL;
END $$;
