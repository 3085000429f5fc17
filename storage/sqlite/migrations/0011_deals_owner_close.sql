-- crmkit schema version 11: a rep's deals by close date ("my deals closing
-- this quarter") read a page, not the window: a List with an owner and a
-- close-date range is in date order (storage.Repository.List), served
-- by (tenant_id, owner, expected_close, id) from the cursor on, as on
-- PostgreSQL (its schema version 19).
CREATE INDEX deals_owner_expected_close ON deals (tenant_id, owner, expected_close, id);
