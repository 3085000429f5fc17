-- crmkit schema version 5: the live deal summary (storage.Projections).
-- (Reserved as 0006 in the plan of issue 19: renumbered at merge.)
--
-- live_deals holds, per tenant, the number of deals and the sum of their
-- amounts in minor units for each (stage, status, owner, origin month,
-- currency): the groups of funnel.LiveSummary of funnel.OpportunityOf of
-- the deals. Triggers on deals keep it in the transaction of every deal
-- write (Create, Save, bulk import, delete), so it can never disagree with
-- the committed deals. The stored body holds the amount with exactly its
-- currency's decimals ("12.30"), so dropping the point gives minor units;
-- created_at is UTC, so its first seven characters are the UTC month (a
-- body without one, written by old code, decodes to the zero time: '0001-01').
-- A sum beyond int64 turns into a REAL, which the STRICT table refuses:
-- the write fails instead of the summary going wrong.

CREATE TABLE live_deals (
	tenant_id TEXT    NOT NULL,
	stage     INTEGER NOT NULL,
	status    TEXT    NOT NULL,
	owner     TEXT    NOT NULL,
	month     TEXT    NOT NULL, -- "2025-01": the UTC month of created_at
	currency  TEXT    NOT NULL, -- ISO 4217 code, '' for a deal without amount
	deals     INTEGER NOT NULL,
	amount    INTEGER NOT NULL, -- minor units
	PRIMARY KEY (tenant_id, stage, status, owner, month, currency)
) STRICT, WITHOUT ROWID;

INSERT INTO live_deals (tenant_id, stage, status, owner, month, currency, deals, amount)
SELECT tenant_id, stage, status, owner, coalesce(substr(json_extract(body, '$.created_at'), 1, 7), '0001-01'),
	coalesce(json_extract(body, '$.amount.currency'), ''), count(*),
	coalesce(sum(CAST(replace(json_extract(body, '$.amount.amount'), '.', '') AS INTEGER)), 0)
FROM deals GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TRIGGER live_deals_insert AFTER INSERT ON deals BEGIN
	INSERT INTO live_deals (tenant_id, stage, status, owner, month, currency, deals, amount)
	VALUES (NEW.tenant_id, NEW.stage, NEW.status, NEW.owner, coalesce(substr(json_extract(NEW.body, '$.created_at'), 1, 7), '0001-01'),
		coalesce(json_extract(NEW.body, '$.amount.currency'), ''), 1,
		coalesce(CAST(replace(json_extract(NEW.body, '$.amount.amount'), '.', '') AS INTEGER), 0))
	ON CONFLICT (tenant_id, stage, status, owner, month, currency)
	DO UPDATE SET deals = deals + excluded.deals, amount = amount + excluded.amount;
END;

CREATE TRIGGER live_deals_delete AFTER DELETE ON deals BEGIN
	UPDATE live_deals SET deals = deals - 1,
		amount = amount - coalesce(CAST(replace(json_extract(OLD.body, '$.amount.amount'), '.', '') AS INTEGER), 0)
	WHERE tenant_id = OLD.tenant_id AND stage = OLD.stage AND status = OLD.status AND owner = OLD.owner
		AND month = coalesce(substr(json_extract(OLD.body, '$.created_at'), 1, 7), '0001-01')
		AND currency = coalesce(json_extract(OLD.body, '$.amount.currency'), '');
	DELETE FROM live_deals
	WHERE tenant_id = OLD.tenant_id AND stage = OLD.stage AND status = OLD.status AND owner = OLD.owner
		AND month = coalesce(substr(json_extract(OLD.body, '$.created_at'), 1, 7), '0001-01')
		AND currency = coalesce(json_extract(OLD.body, '$.amount.currency'), '') AND deals = 0;
END;

CREATE TRIGGER live_deals_update AFTER UPDATE ON deals BEGIN
	UPDATE live_deals SET deals = deals - 1,
		amount = amount - coalesce(CAST(replace(json_extract(OLD.body, '$.amount.amount'), '.', '') AS INTEGER), 0)
	WHERE tenant_id = OLD.tenant_id AND stage = OLD.stage AND status = OLD.status AND owner = OLD.owner
		AND month = coalesce(substr(json_extract(OLD.body, '$.created_at'), 1, 7), '0001-01')
		AND currency = coalesce(json_extract(OLD.body, '$.amount.currency'), '');
	DELETE FROM live_deals
	WHERE tenant_id = OLD.tenant_id AND stage = OLD.stage AND status = OLD.status AND owner = OLD.owner
		AND month = coalesce(substr(json_extract(OLD.body, '$.created_at'), 1, 7), '0001-01')
		AND currency = coalesce(json_extract(OLD.body, '$.amount.currency'), '') AND deals = 0;
	INSERT INTO live_deals (tenant_id, stage, status, owner, month, currency, deals, amount)
	VALUES (NEW.tenant_id, NEW.stage, NEW.status, NEW.owner, coalesce(substr(json_extract(NEW.body, '$.created_at'), 1, 7), '0001-01'),
		coalesce(json_extract(NEW.body, '$.amount.currency'), ''), 1,
		coalesce(CAST(replace(json_extract(NEW.body, '$.amount.amount'), '.', '') AS INTEGER), 0))
	ON CONFLICT (tenant_id, stage, status, owner, month, currency)
	DO UPDATE SET deals = deals + excluded.deals, amount = amount + excluded.amount;
END;
