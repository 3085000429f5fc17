-- crmkit schema version 1: leads, deals, the event log.
--
-- Every table is one tenant's rows under tenant_id, which leads every
-- primary key and every index, so the tables distribute by tenant_id on
-- Citus and keep a tenant's rows together on CockroachDB. Keys are UUIDs
-- made by the application (UUIDv7), never sequences. The columns lists
-- filter on are real columns; the aggregate itself is the JSONB body.

CREATE TABLE leads (
	tenant_id  text        NOT NULL,
	id         uuid        NOT NULL,
	version    bigint      NOT NULL CHECK (version >= 1),
	create_key text,
	stage      smallint    NOT NULL,
	source     text        NOT NULL,
	owner      text        NOT NULL,
	body       jsonb       NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

-- Idempotency keys are unique per tenant; rows without one (imports,
-- most creates) stay out of the index.
CREATE UNIQUE INDEX leads_create_key ON leads (tenant_id, create_key) WHERE create_key IS NOT NULL;

CREATE INDEX leads_owner ON leads (tenant_id, owner, id);
CREATE INDEX leads_stage ON leads (tenant_id, stage, id);

CREATE TABLE deals (
	tenant_id      text        NOT NULL,
	id             uuid        NOT NULL,
	version        bigint      NOT NULL CHECK (version >= 1),
	create_key     text,
	pipeline       text        NOT NULL,
	stage          smallint    NOT NULL,
	status         smallint    NOT NULL,
	owner          text        NOT NULL,
	expected_close timestamptz,
	body           jsonb       NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

-- Idempotency keys are unique per tenant; rows without one (imports,
-- most creates) stay out of the index.
CREATE UNIQUE INDEX deals_create_key ON deals (tenant_id, create_key) WHERE create_key IS NOT NULL;

CREATE INDEX deals_owner ON deals (tenant_id, owner, id);
CREATE INDEX deals_pipeline_stage ON deals (tenant_id, pipeline, stage, id);
CREATE INDEX deals_expected_close ON deals (tenant_id, expected_close);

CREATE TABLE events (
	tenant_id      text        NOT NULL,
	id             uuid        NOT NULL,
	aggregate_kind text        NOT NULL,
	aggregate_id   uuid        NOT NULL,
	type           text        NOT NULL,
	actor          text        NOT NULL,
	at             timestamptz NOT NULL,
	version        bigint      NOT NULL CHECK (version >= 1),
	from_state     text        NOT NULL,
	to_state       text        NOT NULL,
	reason         text        NOT NULL,
	payload        jsonb,
	PRIMARY KEY (tenant_id, id)
);

CREATE INDEX events_aggregate ON events (tenant_id, aggregate_id, version, at, id);
CREATE INDEX events_at ON events (tenant_id, at, id);
