-- crmkit schema version 9: a List whose filter has a range is in date
-- order (storage.Repository.List): by the date, then by id, read from
-- the index (tenant_id, date, id) from the cursor's (date, id) on. The
-- close-date index of version 1 ended with the rowid, not the id, so a
-- page of deals closing in a window sorted the window; it now ends with
-- the id. contracts_renewal and forecast_snapshots_period have that order
-- already.

DROP INDEX deals_expected_close;
CREATE INDEX deals_expected_close ON deals (tenant_id, expected_close, id);
