-- crmkit schema version 9: quotes, approval requests and service
-- interactions (storage.Tx's Quotes, Approvals and Interactions), laid out
-- like the other kinds (see 0001_init.sql): the JSONB body, the columns
-- lists filter on, tenant_id leading every key.
--
-- References resolve (see 0006_references.sql): a quote's deal, an
-- interaction's account and, when it has one, its contact inside that
-- account exist in the same tenant, enforced by composite foreign keys.
-- An approval request refers to nothing (its subject is the host
-- application's text).

CREATE TABLE quotes (
	tenant_id  text   NOT NULL,
	id         uuid   NOT NULL,
	version    bigint NOT NULL CHECK (version >= 1), -- the quote's Seq
	create_key text,
	deal_id    uuid   NOT NULL,
	status     text   NOT NULL,
	created_by text   NOT NULL,
	body       jsonb  NOT NULL,
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT quotes_deal_fk FOREIGN KEY (tenant_id, deal_id)
		REFERENCES deals (tenant_id, id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX quotes_create_key ON quotes (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX quotes_deal ON quotes (tenant_id, deal_id, id);

CREATE TABLE approvals (
	tenant_id   text   NOT NULL,
	id          uuid   NOT NULL,
	version     bigint NOT NULL CHECK (version >= 1),
	create_key  text,
	subject     text   NOT NULL,
	requester   text   NOT NULL,
	status      text   NOT NULL,
	waiting_for text   NOT NULL, -- the current step's role while pending, '' otherwise (storage.WaitingRole)
	body        jsonb  NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE UNIQUE INDEX approvals_create_key ON approvals (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX approvals_subject ON approvals (tenant_id, subject, id);
CREATE INDEX approvals_waiting_for ON approvals (tenant_id, waiting_for, id) WHERE waiting_for <> '';

CREATE TABLE interactions (
	tenant_id  text   NOT NULL,
	id         uuid   NOT NULL,
	version    bigint NOT NULL CHECK (version >= 1),
	create_key text,
	account_id uuid   NOT NULL,
	contact_id uuid,           -- NULL for an interaction without contact
	outcome    text   NOT NULL,
	channel    text   NOT NULL,
	body       jsonb  NOT NULL,
	PRIMARY KEY (tenant_id, id),
	CONSTRAINT interactions_account_fk FOREIGN KEY (tenant_id, account_id)
		REFERENCES accounts (tenant_id, id) ON DELETE RESTRICT,
	CONSTRAINT interactions_contact_fk FOREIGN KEY (tenant_id, account_id, contact_id)
		REFERENCES account_contacts (tenant_id, account_id, id) ON DELETE RESTRICT
);

CREATE UNIQUE INDEX interactions_create_key ON interactions (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX interactions_account ON interactions (tenant_id, account_id, contact_id, id);
