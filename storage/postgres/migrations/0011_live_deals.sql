-- crmkit schema version 11: the live deal summary (storage.Projections).
-- (Reserved as 0012 in the plan of issue 19: renumbered at merge.)
--
-- live_deals holds, per tenant, the number of deals and the sum of their
-- amounts in minor units for each (stage, status, owner, origin month,
-- currency): the groups of funnel.LiveSummary of funnel.OpportunityOf of
-- the deals. Statement-level triggers on deals keep it in the transaction
-- of every deal write (the Create and Save statements, COPY imports,
-- deletes): each folds the statement's transition tables into at most one
-- upsert per group touched, in key order (so two single-deal writes never
-- lock two groups in opposite orders). The stored body holds the amount
-- with exactly its currency's decimals ("12.30"), so dropping the point
-- gives minor units; created_at is UTC, so its first seven characters are
-- the UTC month (a body without one, written by old code, decodes to the
-- zero time: '0001-01'). A sum beyond bigint fails the write (22003) rather than
-- the summary going wrong. Groups whose count falls to 0 stay, with
-- amount 0, and are skipped when read.
--
-- Every write of a deal updates its group's row, so concurrent writers of
-- deals in the same group take turns on that row until they commit.

CREATE TABLE live_deals (
	tenant_id text     NOT NULL,
	stage     smallint NOT NULL,
	status    text     NOT NULL,
	owner     text     NOT NULL,
	month     text     NOT NULL, -- '2025-01': the UTC month of created_at
	currency  text     NOT NULL, -- ISO 4217 code, '' for a deal without amount
	deals     bigint   NOT NULL, -- no CHECK (deals >= 0): the upsert of a decrement proposes a negative row first
	amount    bigint   NOT NULL, -- minor units
	PRIMARY KEY (tenant_id, stage, status, owner, month, currency)
);

INSERT INTO live_deals (tenant_id, stage, status, owner, month, currency, deals, amount)
SELECT tenant_id, stage, status, owner, coalesce(left(body->>'created_at', 7), '0001-01'), coalesce(body->'amount'->>'currency', ''),
	count(*), coalesce(sum(replace(body->'amount'->>'amount', '.', '')::bigint), 0)
FROM deals GROUP BY 1, 2, 3, 4, 5, 6;

CREATE FUNCTION crmkit_live_deals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO live_deals AS l (tenant_id, stage, status, owner, month, currency, deals, amount)
		SELECT tenant_id, stage, status, owner, coalesce(left(body->>'created_at', 7), '0001-01'), coalesce(body->'amount'->>'currency', ''),
			count(*), coalesce(sum(replace(body->'amount'->>'amount', '.', '')::bigint), 0)
		FROM new_rows GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
		ON CONFLICT (tenant_id, stage, status, owner, month, currency)
		DO UPDATE SET deals = l.deals + EXCLUDED.deals, amount = l.amount + EXCLUDED.amount;
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
		DO UPDATE SET deals = l.deals + EXCLUDED.deals, amount = l.amount + EXCLUDED.amount;
	ELSE
		UPDATE live_deals AS l SET deals = l.deals - d.n, amount = l.amount - d.a
		FROM (SELECT tenant_id, stage, status, owner, coalesce(left(body->>'created_at', 7), '0001-01') AS month,
				coalesce(body->'amount'->>'currency', '') AS currency, count(*) AS n,
				coalesce(sum(replace(body->'amount'->>'amount', '.', '')::bigint), 0) AS a
			FROM old_rows GROUP BY 1, 2, 3, 4, 5, 6) AS d
		WHERE l.tenant_id = d.tenant_id AND l.stage = d.stage AND l.status = d.status AND l.owner = d.owner
			AND l.month = d.month AND l.currency = d.currency;
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER live_deals_insert AFTER INSERT ON deals
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION crmkit_live_deals();
CREATE TRIGGER live_deals_update AFTER UPDATE ON deals
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION crmkit_live_deals();
CREATE TRIGGER live_deals_delete AFTER DELETE ON deals
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION crmkit_live_deals();
