-- crmkit SQLite schema version 3: commission plans, pipeline definitions
-- and forecast snapshots (storage.Tx's CommissionPlans, Pipelines and
-- ForecastSnapshots), laid out like the other kinds (see 0001_init.sql)
-- and like PostgreSQL's schema version 8.

CREATE TABLE commission_plans (
	tenant_id  TEXT    NOT NULL,
	id         BLOB    NOT NULL CHECK (length(id) = 16),
	version    INTEGER NOT NULL CHECK (version >= 1),
	create_key TEXT,
	currency   TEXT    NOT NULL, -- ISO 4217 code the plan pays in
	name       TEXT    NOT NULL,
	body       TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, id)
) STRICT;

CREATE UNIQUE INDEX commission_plans_create_key ON commission_plans (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX commission_plans_name ON commission_plans (tenant_id, name, id);

-- Pipeline definitions (storage.PipelineRepository): the latest spec of
-- each pipeline, keyed by deal.PipelineAggregateID of its ID
-- (pipeline_key), and every version stored (pipeline_versions, written by
-- the definition's own Create and Save in the same transaction).

CREATE TABLE pipelines (
	tenant_id    TEXT    NOT NULL,
	id           BLOB    NOT NULL CHECK (length(id) = 16),
	version      INTEGER NOT NULL CHECK (version >= 1),
	create_key   TEXT,
	pipeline_key TEXT    NOT NULL,
	name         TEXT    NOT NULL,
	body         TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, id),
	UNIQUE (tenant_id, pipeline_key)
) STRICT;

CREATE UNIQUE INDEX pipelines_create_key ON pipelines (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX pipelines_name ON pipelines (tenant_id, name, id);

CREATE TABLE pipeline_versions (
	tenant_id TEXT    NOT NULL,
	pipeline  TEXT    NOT NULL,
	version   INTEGER NOT NULL CHECK (version >= 1),
	PRIMARY KEY (tenant_id, pipeline, version)
) STRICT;

-- A deal records the version of its pipeline it runs on; a non-zero
-- version must be stored in the deal's tenant. Version 0 (a pipeline
-- never stored) is NULL and not checked. SQLite cannot add a table
-- constraint to an existing table without rebuilding it (which needs
-- foreign keys off, outside Migrate's transaction), so triggers stand for
-- PostgreSQL's deals_pipeline_fk, for every writer alike: a deal's
-- (tenant_id, pipeline, pipeline_version) must be in pipeline_versions,
-- and a version a deal runs on cannot be removed (ON DELETE RESTRICT).

ALTER TABLE deals ADD COLUMN pipeline_version INTEGER; -- NULL for 0, a pipeline never stored

CREATE TRIGGER deals_pipeline_fk_insert BEFORE INSERT ON deals
	WHEN NEW.pipeline_version IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pipeline_versions
		WHERE tenant_id = NEW.tenant_id AND pipeline = NEW.pipeline AND version = NEW.pipeline_version)
BEGIN
	SELECT RAISE(ABORT, 'deals_pipeline_fk: the deal''s pipeline version is not stored in its tenant');
END;

CREATE TRIGGER deals_pipeline_fk_update BEFORE UPDATE OF tenant_id, pipeline, pipeline_version ON deals
	WHEN NEW.pipeline_version IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pipeline_versions
		WHERE tenant_id = NEW.tenant_id AND pipeline = NEW.pipeline AND version = NEW.pipeline_version)
BEGIN
	SELECT RAISE(ABORT, 'deals_pipeline_fk: the deal''s pipeline version is not stored in its tenant');
END;

CREATE TRIGGER pipeline_versions_restrict_delete BEFORE DELETE ON pipeline_versions
	WHEN EXISTS (SELECT 1 FROM deals
		WHERE tenant_id = OLD.tenant_id AND pipeline = OLD.pipeline AND pipeline_version = OLD.version)
BEGIN
	SELECT RAISE(ABORT, 'deals_pipeline_fk: a deal runs on this pipeline version');
END;

CREATE TRIGGER pipeline_versions_restrict_update BEFORE UPDATE ON pipeline_versions
	WHEN EXISTS (SELECT 1 FROM deals
		WHERE tenant_id = OLD.tenant_id AND pipeline = OLD.pipeline AND pipeline_version = OLD.version)
BEGIN
	SELECT RAISE(ABORT, 'deals_pipeline_fk: a deal runs on this pipeline version');
END;

-- Deals stored before this version that run on a stored pipeline version
-- (none should: no pipeline was stored) fail the trigger, and with it
-- the migration, which changes nothing: correct them, then migrate again.
UPDATE deals SET pipeline_version = json_extract(body, '$.pipeline_version')
	WHERE json_extract(body, '$.pipeline_version') <> 0;

CREATE INDEX deals_pipeline_version ON deals (tenant_id, pipeline, pipeline_version) WHERE pipeline_version IS NOT NULL;

-- Forecast snapshots (storage.ForecastSnapshotRepository): immutable
-- records, put once at version 1, with the columns lists filter on.

CREATE TABLE forecast_snapshots (
	tenant_id    TEXT    NOT NULL,
	id           BLOB    NOT NULL CHECK (length(id) = 16),
	version      INTEGER NOT NULL CHECK (version = 1),
	create_key   TEXT,
	period_start INTEGER NOT NULL, -- microseconds since 1970 UTC
	period_end   INTEGER NOT NULL,
	figure       TEXT    NOT NULL,
	owner        TEXT    NOT NULL,
	pipeline     TEXT    NOT NULL,
	body         TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, id)
) STRICT;

CREATE UNIQUE INDEX forecast_snapshots_create_key ON forecast_snapshots (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX forecast_snapshots_period ON forecast_snapshots (tenant_id, period_start, id);
