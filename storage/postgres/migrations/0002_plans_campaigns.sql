-- crmkit schema version 2: quota plans and marketing campaigns, the
-- optional repositories storage.PlanStore and storage.CampaignStore, laid
-- out like leads and deals (see 0001_init.sql).

CREATE TABLE plans (
	tenant_id     text     NOT NULL,
	id            uuid     NOT NULL,
	version       bigint   NOT NULL CHECK (version >= 1),
	create_key    text,
	fiscal_year   integer  NOT NULL,
	unit_currency text     NOT NULL, -- ISO 4217 code of a money plan, '' for a count plan
	unit_count    text     NOT NULL, -- what a count plan counts, '' for a money plan
	body          jsonb    NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE UNIQUE INDEX plans_create_key ON plans (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX plans_fiscal_year ON plans (tenant_id, fiscal_year, id);

CREATE TABLE campaigns (
	tenant_id      text        NOT NULL,
	id             uuid        NOT NULL,
	version        bigint      NOT NULL CHECK (version >= 1),
	create_key     text,
	status         smallint    NOT NULL,
	owner          text        NOT NULL,
	code           text        NOT NULL,
	schedule_start timestamptz NOT NULL,
	schedule_end   timestamptz NOT NULL,
	body           jsonb       NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE UNIQUE INDEX campaigns_create_key ON campaigns (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX campaigns_owner ON campaigns (tenant_id, owner, id);
CREATE INDEX campaigns_code ON campaigns (tenant_id, code, id);
