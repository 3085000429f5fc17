-- crmkit schema version 13: custom field schemas
-- (storage.FieldSchemaRepository) and the index of custom values.
--
-- A schema is laid out like the other kinds (see 0001_init.sql): one row
-- per tenant and aggregate kind, id field.SchemaID(kind). Custom values
-- live in each aggregate's body under "custom"; a List filter on them is
-- a JSONB containment test (body->'custom' @> ...), which a GIN index
-- with jsonb_path_ops answers. It was measured against an expression
-- index on one field's text (body->'custom'->>'tier'), the shape a
-- generated column takes: see BENCHMARKS.md. The GIN index serves every
-- declared field without DDL per field, which an expression index or a
-- generated column cannot (a tenant declares its fields at run time).

CREATE TABLE field_schemas (
	tenant_id  text   NOT NULL,
	id         uuid   NOT NULL,
	version    bigint NOT NULL CHECK (version >= 1),
	create_key text,
	kind       text   NOT NULL,
	body       jsonb  NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE UNIQUE INDEX field_schemas_create_key ON field_schemas (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE UNIQUE INDEX field_schemas_kind ON field_schemas (tenant_id, kind);

CREATE INDEX leads_custom ON leads USING gin ((body->'custom') jsonb_path_ops);
CREATE INDEX deals_custom ON deals USING gin ((body->'custom') jsonb_path_ops);
CREATE INDEX accounts_custom ON accounts USING gin ((body->'custom') jsonb_path_ops);
