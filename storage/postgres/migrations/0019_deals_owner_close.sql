-- crmkit schema version 19: a rep's deals by close date ("my deals closing
-- this quarter", the commonest pipeline view) read a page, not the
-- window. A List with an owner and a close-date range is in date order
-- (storage.Repository.List); without this index PostgreSQL walks
-- deals_expected_close from the cursor and checks each row's owner, so a
-- page of one of n owners reads about n pages of the window. The index
-- leads with tenant_id (see docs/DISTRIBUTED.md) and costs about as much
-- as deals_owner: 100 MiB per million deals in the scale benchmark (pages
-- half empty after ID-ordered inserts within many owners; REINDEX compacts it).
CREATE INDEX deals_owner_expected_close ON deals (tenant_id, owner, expected_close, id);
