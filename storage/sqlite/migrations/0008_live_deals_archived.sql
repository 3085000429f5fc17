-- crmkit schema version 8: archived deals are out of the live deal
-- summary, as they are out of List and the funnel.Source
-- (storage.DealFilter.IncludeArchived): the triggers of version 5 with a
-- row of an archived deal left out, and the summary recounted from the
-- deals not archived. Every tenant's live_deals_version (version 7) moves,
-- so no cached summary survives the recount.

DROP TRIGGER live_deals_insert;
DROP TRIGGER live_deals_delete;
DROP TRIGGER live_deals_update;

CREATE TRIGGER live_deals_insert AFTER INSERT ON deals
WHEN json_extract(NEW.body, '$.archived_at') IS NULL BEGIN
	INSERT INTO live_deals (tenant_id, stage, status, owner, month, currency, deals, amount)
	VALUES (NEW.tenant_id, NEW.stage, NEW.status, NEW.owner, coalesce(substr(json_extract(NEW.body, '$.created_at'), 1, 7), '0001-01'),
		coalesce(json_extract(NEW.body, '$.amount.currency'), ''), 1,
		coalesce(CAST(replace(json_extract(NEW.body, '$.amount.amount'), '.', '') AS INTEGER), 0))
	ON CONFLICT (tenant_id, stage, status, owner, month, currency)
	DO UPDATE SET deals = deals + excluded.deals, amount = amount + excluded.amount;
END;

CREATE TRIGGER live_deals_delete AFTER DELETE ON deals
WHEN json_extract(OLD.body, '$.archived_at') IS NULL BEGIN
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

-- An update takes the old row out (unless it was archived) and puts the
-- new one in (unless it is archived): archive and restore move a deal out
-- of the summary and back.
CREATE TRIGGER live_deals_update AFTER UPDATE ON deals BEGIN
	UPDATE live_deals SET deals = deals - 1,
		amount = amount - coalesce(CAST(replace(json_extract(OLD.body, '$.amount.amount'), '.', '') AS INTEGER), 0)
	WHERE json_extract(OLD.body, '$.archived_at') IS NULL
		AND tenant_id = OLD.tenant_id AND stage = OLD.stage AND status = OLD.status AND owner = OLD.owner
		AND month = coalesce(substr(json_extract(OLD.body, '$.created_at'), 1, 7), '0001-01')
		AND currency = coalesce(json_extract(OLD.body, '$.amount.currency'), '');
	DELETE FROM live_deals
	WHERE tenant_id = OLD.tenant_id AND stage = OLD.stage AND status = OLD.status AND owner = OLD.owner
		AND month = coalesce(substr(json_extract(OLD.body, '$.created_at'), 1, 7), '0001-01')
		AND currency = coalesce(json_extract(OLD.body, '$.amount.currency'), '') AND deals = 0;
	INSERT INTO live_deals (tenant_id, stage, status, owner, month, currency, deals, amount)
	SELECT NEW.tenant_id, NEW.stage, NEW.status, NEW.owner, coalesce(substr(json_extract(NEW.body, '$.created_at'), 1, 7), '0001-01'),
		coalesce(json_extract(NEW.body, '$.amount.currency'), ''), 1,
		coalesce(CAST(replace(json_extract(NEW.body, '$.amount.amount'), '.', '') AS INTEGER), 0)
	WHERE json_extract(NEW.body, '$.archived_at') IS NULL
	ON CONFLICT (tenant_id, stage, status, owner, month, currency)
	DO UPDATE SET deals = deals + excluded.deals, amount = amount + excluded.amount;
END;

DELETE FROM live_deals;

INSERT INTO live_deals (tenant_id, stage, status, owner, month, currency, deals, amount)
SELECT tenant_id, stage, status, owner, coalesce(substr(json_extract(body, '$.created_at'), 1, 7), '0001-01'),
	coalesce(json_extract(body, '$.amount.currency'), ''), count(*),
	coalesce(sum(CAST(replace(json_extract(body, '$.amount.amount'), '.', '') AS INTEGER)), 0)
FROM deals WHERE json_extract(body, '$.archived_at') IS NULL GROUP BY 1, 2, 3, 4, 5, 6;

UPDATE live_deals_version SET version = version + 1;
