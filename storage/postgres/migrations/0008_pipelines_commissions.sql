-- crmkit schema version 8: commission plans (storage.CommissionPlanRepository),
-- laid out like the other aggregates (see 0001_init.sql): the body as
-- JSONB beside the columns lists filter on.

CREATE TABLE commission_plans (
	tenant_id  text   NOT NULL,
	id         uuid   NOT NULL,
	version    bigint NOT NULL CHECK (version >= 1),
	create_key text,
	currency   text   NOT NULL, -- ISO 4217 code the plan pays in
	name       text   NOT NULL,
	body       jsonb  NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE UNIQUE INDEX commission_plans_create_key ON commission_plans (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX commission_plans_name ON commission_plans (tenant_id, name, id);
