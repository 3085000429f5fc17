-- Schema version 6: custom field schemas (storage.FieldSchemaRepository).
--
-- One row per tenant and aggregate kind: id is field.SchemaID(kind).
-- Custom values live in each aggregate's body ("custom"), where List
-- filters read them with json_each (see kinds_fields.go).
CREATE TABLE field_schemas (
	tenant_id  TEXT    NOT NULL,
	id         BLOB    NOT NULL CHECK (length(id) = 16),
	version    INTEGER NOT NULL CHECK (version >= 1),
	create_key TEXT,
	kind       TEXT    NOT NULL,
	body       TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, id)
) STRICT;

CREATE UNIQUE INDEX field_schemas_create_key ON field_schemas (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE UNIQUE INDEX field_schemas_kind ON field_schemas (tenant_id, kind);
