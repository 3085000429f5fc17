-- crmkit SQLite schema version 2: quotes, approval requests and service
-- interactions (storage.Tx's Quotes, Approvals and Interactions), laid
-- out like the other kinds (see 0001_init.sql) and like PostgreSQL's
-- schema version 8. References resolve (storage.QuoteReferences,
-- InteractionReferences): the store checks them before each write, and
-- composite foreign keys refuse any other writer's quote of a missing
-- deal or interaction of a missing account.

CREATE TABLE quotes (
	tenant_id  TEXT    NOT NULL,
	id         BLOB    NOT NULL CHECK (length(id) = 16),
	version    INTEGER NOT NULL CHECK (version >= 1), -- the quote's Seq
	create_key TEXT,
	deal_id    BLOB    NOT NULL,
	status     TEXT    NOT NULL,
	created_by TEXT    NOT NULL,
	body       TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, id),
	FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id)
) STRICT;

CREATE UNIQUE INDEX quotes_create_key ON quotes (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX quotes_deal ON quotes (tenant_id, deal_id, id);

CREATE TABLE approvals (
	tenant_id   TEXT    NOT NULL,
	id          BLOB    NOT NULL CHECK (length(id) = 16),
	version     INTEGER NOT NULL CHECK (version >= 1),
	create_key  TEXT,
	subject     TEXT    NOT NULL,
	requester   TEXT    NOT NULL,
	status      TEXT    NOT NULL,
	waiting_for TEXT    NOT NULL, -- the current step's role while pending, '' otherwise (storage.WaitingRole)
	body        TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, id)
) STRICT;

CREATE UNIQUE INDEX approvals_create_key ON approvals (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX approvals_subject ON approvals (tenant_id, subject, id);
CREATE INDEX approvals_waiting_for ON approvals (tenant_id, waiting_for, id) WHERE waiting_for <> '';

CREATE TABLE interactions (
	tenant_id  TEXT    NOT NULL,
	id         BLOB    NOT NULL CHECK (length(id) = 16),
	version    INTEGER NOT NULL CHECK (version >= 1),
	create_key TEXT,
	account_id BLOB    NOT NULL,
	contact_id BLOB,             -- NULL for an interaction without contact
	outcome    TEXT    NOT NULL,
	channel    TEXT    NOT NULL,
	body       TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, id),
	FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
) STRICT;

CREATE UNIQUE INDEX interactions_create_key ON interactions (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX interactions_account ON interactions (tenant_id, account_id, contact_id, id);
