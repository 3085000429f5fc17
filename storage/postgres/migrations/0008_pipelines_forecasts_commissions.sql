-- crmkit schema version 8: commission plans, pipeline definitions and
-- forecast snapshots. Commission plans (storage.CommissionPlanRepository),
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

-- Pipeline definitions (storage.PipelineRepository): the latest spec of
-- each pipeline, keyed by deal.PipelineAggregateID of its ID
-- (pipeline_key), and every version stored (pipeline_versions, written by
-- the definition's own Create and Save in the same statement). A deal
-- records the version it runs on; a non-zero version must be stored in
-- the deal's tenant, which the foreign key enforces for every writer.
-- Version 0 (a pipeline never stored) is NULL and not checked.

CREATE TABLE pipelines (
	tenant_id    text   NOT NULL,
	id           uuid   NOT NULL,
	version      bigint NOT NULL CHECK (version >= 1),
	create_key   text,
	pipeline_key text   NOT NULL,
	name         text   NOT NULL,
	body         jsonb  NOT NULL,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, pipeline_key)
);

CREATE UNIQUE INDEX pipelines_create_key ON pipelines (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX pipelines_name ON pipelines (tenant_id, name, id);

CREATE TABLE pipeline_versions (
	tenant_id text   NOT NULL,
	pipeline  text   NOT NULL,
	version   bigint NOT NULL CHECK (version >= 1),
	PRIMARY KEY (tenant_id, pipeline, version)
);

ALTER TABLE deals ADD COLUMN pipeline_version bigint;
UPDATE deals SET pipeline_version = nullif((body->>'pipeline_version')::bigint, 0)
	WHERE body ? 'pipeline_version';

DO $$
DECLARE
	n bigint;
	first text;
BEGIN
	SELECT count(*), min(tenant_id || '/' || id || ' (pipeline ' || pipeline || ' version ' || pipeline_version || ')') INTO n, first
	FROM deals WHERE pipeline_version IS NOT NULL;
	IF n > 0 THEN
		RAISE EXCEPTION 'crmkit migration 8: % deals run on a stored pipeline version, but no pipeline is stored yet, first tenant/deal %; correct the deals, then migrate again', n, first;
	END IF;
END
$$;

ALTER TABLE deals ADD CONSTRAINT deals_pipeline_fk FOREIGN KEY (tenant_id, pipeline, pipeline_version)
	REFERENCES pipeline_versions (tenant_id, pipeline, version) ON DELETE RESTRICT;

-- Forecast snapshots (storage.ForecastSnapshotRepository): immutable
-- records, put once at version 1, with the columns lists filter on.

CREATE TABLE forecast_snapshots (
	tenant_id    text        NOT NULL,
	id           uuid        NOT NULL,
	version      bigint      NOT NULL CHECK (version = 1),
	create_key   text,
	period_start timestamptz NOT NULL,
	period_end   timestamptz NOT NULL,
	figure       text        NOT NULL,
	owner        text        NOT NULL,
	pipeline     text        NOT NULL,
	body         jsonb       NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE UNIQUE INDEX forecast_snapshots_create_key ON forecast_snapshots (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX forecast_snapshots_period ON forecast_snapshots (tenant_id, period_start, id);
