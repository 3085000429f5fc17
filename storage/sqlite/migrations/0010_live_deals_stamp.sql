-- crmkit schema version 10: the live deal summary's rows stamped with the
-- write that last changed them, so that a read after a write reads the
-- groups changed since the reader's last read only.
--
-- Each live_deals row holds in stamp the tenant's live_deals_version
-- (version 7) after the deal write that last changed it, and rows are no
-- longer deleted (a group with no deal left stays, with 0 deals): a read
-- that last saw version v reads the rows with stamp > v beside the
-- current version, in one statement (see live.go), and gets every group
-- changed since. SQLite has one writer at a time per file, so writes
-- commit in the order of their version numbers: a row a later read finds
-- with stamp <= v was written by a transaction the read at v saw.
--
-- The triggers of versions 7 and 8 become one per statement kind, so that
-- the counter moves before the groups take its value (SQLite gives no
-- order among triggers of one event).

ALTER TABLE live_deals ADD COLUMN stamp INTEGER NOT NULL DEFAULT 0;
CREATE INDEX live_deals_stamp ON live_deals (tenant_id, stamp);

DROP TRIGGER live_deals_insert;
DROP TRIGGER live_deals_delete;
DROP TRIGGER live_deals_update;
DROP TRIGGER live_deals_version_insert;
DROP TRIGGER live_deals_version_update;
DROP TRIGGER live_deals_version_delete;

CREATE TRIGGER live_deals_insert AFTER INSERT ON deals BEGIN
	INSERT INTO live_deals_version (tenant_id, version) VALUES (NEW.tenant_id, 1)
	ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
	INSERT INTO live_deals (tenant_id, stage, status, owner, month, currency, deals, amount, stamp)
	SELECT NEW.tenant_id, NEW.stage, NEW.status, NEW.owner, coalesce(substr(json_extract(NEW.body, '$.created_at'), 1, 7), '0001-01'),
		coalesce(json_extract(NEW.body, '$.amount.currency'), ''), 1,
		coalesce(CAST(replace(json_extract(NEW.body, '$.amount.amount'), '.', '') AS INTEGER), 0),
		(SELECT version FROM live_deals_version WHERE tenant_id = NEW.tenant_id)
	WHERE json_extract(NEW.body, '$.archived_at') IS NULL
	ON CONFLICT (tenant_id, stage, status, owner, month, currency)
	DO UPDATE SET deals = deals + excluded.deals, amount = amount + excluded.amount, stamp = excluded.stamp;
END;

CREATE TRIGGER live_deals_delete AFTER DELETE ON deals BEGIN
	INSERT INTO live_deals_version (tenant_id, version) VALUES (OLD.tenant_id, 1)
	ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
	UPDATE live_deals SET deals = deals - 1,
		amount = amount - coalesce(CAST(replace(json_extract(OLD.body, '$.amount.amount'), '.', '') AS INTEGER), 0),
		stamp = (SELECT version FROM live_deals_version WHERE tenant_id = OLD.tenant_id)
	WHERE json_extract(OLD.body, '$.archived_at') IS NULL
		AND tenant_id = OLD.tenant_id AND stage = OLD.stage AND status = OLD.status AND owner = OLD.owner
		AND month = coalesce(substr(json_extract(OLD.body, '$.created_at'), 1, 7), '0001-01')
		AND currency = coalesce(json_extract(OLD.body, '$.amount.currency'), '');
END;

-- An update takes the old row out (unless it was archived) and puts the
-- new one in (unless it is archived): archive and restore move a deal out
-- of the summary and back. A row keeps its tenant (the store never
-- changes tenant_id).
CREATE TRIGGER live_deals_update AFTER UPDATE ON deals BEGIN
	INSERT INTO live_deals_version (tenant_id, version) VALUES (NEW.tenant_id, 1)
	ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
	UPDATE live_deals SET deals = deals - 1,
		amount = amount - coalesce(CAST(replace(json_extract(OLD.body, '$.amount.amount'), '.', '') AS INTEGER), 0),
		stamp = (SELECT version FROM live_deals_version WHERE tenant_id = NEW.tenant_id)
	WHERE json_extract(OLD.body, '$.archived_at') IS NULL
		AND tenant_id = OLD.tenant_id AND stage = OLD.stage AND status = OLD.status AND owner = OLD.owner
		AND month = coalesce(substr(json_extract(OLD.body, '$.created_at'), 1, 7), '0001-01')
		AND currency = coalesce(json_extract(OLD.body, '$.amount.currency'), '');
	INSERT INTO live_deals (tenant_id, stage, status, owner, month, currency, deals, amount, stamp)
	SELECT NEW.tenant_id, NEW.stage, NEW.status, NEW.owner, coalesce(substr(json_extract(NEW.body, '$.created_at'), 1, 7), '0001-01'),
		coalesce(json_extract(NEW.body, '$.amount.currency'), ''), 1,
		coalesce(CAST(replace(json_extract(NEW.body, '$.amount.amount'), '.', '') AS INTEGER), 0),
		(SELECT version FROM live_deals_version WHERE tenant_id = NEW.tenant_id)
	WHERE json_extract(NEW.body, '$.archived_at') IS NULL
	ON CONFLICT (tenant_id, stage, status, owner, month, currency)
	DO UPDATE SET deals = deals + excluded.deals, amount = amount + excluded.amount, stamp = excluded.stamp;
END;

-- Caches of summaries read before this version hold no stamps: a new
-- version makes every read read all groups once.
UPDATE live_deals_version SET version = version + 1;
