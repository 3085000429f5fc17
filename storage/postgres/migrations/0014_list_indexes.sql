-- crmkit schema version 14 (numbered 0015 in the plan of issue #24; renumbered at merge): every List filter answered from an index in
-- id order (see listQuery in list.go and the package documentation).
--
-- A List page is the next rows in id order after the cursor. An equality
-- filter on column c reads the index (tenant_id, c, id) from the cursor
-- on, so a page costs a page; a set filter reads one such index per
-- member; a range filter alone reads the window's ids from
-- (tenant_id, c, id), index only. Indexes that did not give id order
-- after their equality columns are replaced by ones that do.

CREATE INDEX leads_source ON leads (tenant_id, source, id);

-- (tenant_id, account_id, contact_id) served the account filter in
-- contact order; the account's deals in id order serve it and the
-- foreign key checks of account_contacts alike.
DROP INDEX deals_account;
CREATE INDEX deals_account_id ON deals (tenant_id, account_id, id);
CREATE INDEX deals_pipeline ON deals (tenant_id, pipeline, id);
-- Pipeline and stage together: the rarer of deals_pipeline and
-- deals_stage, the other checked on its rows (a tenant has a few
-- pipelines). (tenant_id, pipeline, stage, id) served only that and
-- cost 50-85 MiB per million deals (issue #24, storage per deal).
DROP INDEX deals_pipeline_stage;
CREATE INDEX deals_stage ON deals (tenant_id, stage, id);
CREATE INDEX deals_status ON deals (tenant_id, status, id);
-- The close-date window's ids, index only.
DROP INDEX deals_expected_close;
CREATE INDEX deals_expected_close ON deals (tenant_id, expected_close, id);

CREATE INDEX plans_unit ON plans (tenant_id, unit_currency, unit_count, id);

CREATE INDEX campaigns_status ON campaigns (tenant_id, status, id);

CREATE INDEX accounts_segment ON accounts (tenant_id, segment, id);

CREATE INDEX contracts_status ON contracts (tenant_id, status, id);

CREATE INDEX forecast_snapshots_figure ON forecast_snapshots (tenant_id, figure, id);
CREATE INDEX forecast_snapshots_owner ON forecast_snapshots (tenant_id, owner, id);
CREATE INDEX forecast_snapshots_pipeline ON forecast_snapshots (tenant_id, pipeline, id);

CREATE INDEX commission_plans_currency ON commission_plans (tenant_id, currency, id);

CREATE INDEX quotes_status ON quotes (tenant_id, status, id);
CREATE INDEX quotes_created_by ON quotes (tenant_id, created_by, id);

CREATE INDEX approvals_requester ON approvals (tenant_id, requester, id);
CREATE INDEX approvals_status ON approvals (tenant_id, status, id);

-- As for deals: the account's interactions in id order; a contact's
-- through its own index, which also serves account and contact together
-- and the foreign key checks of account_contacts.
DROP INDEX interactions_account;
CREATE INDEX interactions_account_id ON interactions (tenant_id, account_id, id);
CREATE INDEX interactions_contact ON interactions (tenant_id, contact_id, id) WHERE contact_id IS NOT NULL;
CREATE INDEX interactions_outcome ON interactions (tenant_id, outcome, id);
CREATE INDEX interactions_channel ON interactions (tenant_id, channel, id);

