-- crmkit schema version 7: a version counter of the live deal summary.
-- (Reserved as 0007 in the plan of issue 19: renumbered at merge.)
--
-- live_deals_version counts, per tenant, the writes of the deals table
-- (each row inserted, updated or deleted adds one), in the transaction of
-- the write: so two reads that find the same count read the same
-- live_deals. A Store keeps the summary it last read with the count, and
-- its read asks for the groups only when the count differs, in the same
-- statement (see live.go). SQLite has one writer at a time, so the
-- counter row makes no writer wait that did not wait already. A tenant
-- without a row has count 0.

CREATE TABLE live_deals_version (
	tenant_id TEXT    NOT NULL PRIMARY KEY,
	version   INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER live_deals_version_insert AFTER INSERT ON deals BEGIN
	INSERT INTO live_deals_version (tenant_id, version) VALUES (NEW.tenant_id, 1)
	ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;

-- A row keeps its tenant (the store never changes tenant_id), so an
-- update counts once, for the new row's.
CREATE TRIGGER live_deals_version_update AFTER UPDATE ON deals BEGIN
	INSERT INTO live_deals_version (tenant_id, version) VALUES (NEW.tenant_id, 1)
	ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER live_deals_version_delete AFTER DELETE ON deals BEGIN
	INSERT INTO live_deals_version (tenant_id, version) VALUES (OLD.tenant_id, 1)
	ON CONFLICT (tenant_id) DO UPDATE SET version = version + 1;
END;
