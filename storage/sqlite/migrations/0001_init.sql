-- crmkit SQLite schema version 1: every aggregate kind the other stores
-- hold, and the event log.
--
-- Laid out like the PostgreSQL schema (storage/postgres/migrations):
-- tenant_id leads every primary key, unique index and index; IDs are the
-- 16 bytes of the application's UUIDv7 (a BLOB, so they order as
-- PostgreSQL's uuid does); the columns lists filter on are real columns
-- and the aggregate itself is body, encoding/json's text of it. Times are
-- INTEGER microseconds since 1970-01-01 UTC (storage.Canonical keeps
-- whole microseconds); enums are their text names, never positions;
-- account relations are ",name,name," so that a filter finds each name;
-- an account's dedupe keys (storage.AccountKeys) are a domain column and
-- JSON arrays of its contacts' e-mail addresses and phones. References
-- resolve (storage.DealReferences, ContractReferences): the store checks
-- them before each write, and composite foreign keys on (tenant_id, id)
-- refuse any other writer's dangling reference to an account or a deal.
-- Tables are STRICT: a value of the wrong type is refused, not converted.

CREATE TABLE leads (
	tenant_id  TEXT    NOT NULL,
	id         BLOB    NOT NULL CHECK (length(id) = 16),
	version    INTEGER NOT NULL CHECK (version >= 1),
	create_key TEXT,
	stage      TEXT    NOT NULL,
	source     TEXT    NOT NULL,
	owner      TEXT    NOT NULL,
	body       TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, id)
) STRICT;

-- Idempotency keys are unique per tenant and kind; rows without one stay
-- out of the index.
CREATE UNIQUE INDEX leads_create_key ON leads (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX leads_owner ON leads (tenant_id, owner, id);
CREATE INDEX leads_stage ON leads (tenant_id, stage, id);

CREATE TABLE accounts (
	tenant_id  TEXT    NOT NULL,
	id         BLOB    NOT NULL CHECK (length(id) = 16),
	version    INTEGER NOT NULL CHECK (version >= 1),
	create_key TEXT,
	owner      TEXT    NOT NULL,
	segment    TEXT    NOT NULL,
	parent     BLOB,             -- NULL for an account without parent
	relations  TEXT    NOT NULL, -- ",customer,partner,": the relation names
	domain         TEXT NOT NULL, -- storage.AccountKeys: '' for none
	contact_emails TEXT NOT NULL, -- JSON array of the contacts' addresses
	contact_phones TEXT NOT NULL, -- JSON array of the contacts' phones
	body       TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, id)
) STRICT;

CREATE UNIQUE INDEX accounts_create_key ON accounts (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX accounts_owner ON accounts (tenant_id, owner, id);
CREATE INDEX accounts_parent ON accounts (tenant_id, parent, id) WHERE parent IS NOT NULL;

CREATE INDEX accounts_domain ON accounts (tenant_id, domain) WHERE domain <> '';

CREATE TABLE deals (
	tenant_id      TEXT    NOT NULL,
	id             BLOB    NOT NULL CHECK (length(id) = 16),
	version        INTEGER NOT NULL CHECK (version >= 1),
	create_key     TEXT,
	pipeline       TEXT    NOT NULL,
	stage          INTEGER NOT NULL,
	status         TEXT    NOT NULL,
	owner          TEXT    NOT NULL,
	expected_close INTEGER,          -- NULL for a deal without close date
	account_id     BLOB    NOT NULL,
	contact_id     BLOB,             -- NULL for a deal without contact
	body           TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, id),
	FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id)
) STRICT;

CREATE UNIQUE INDEX deals_create_key ON deals (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX deals_owner ON deals (tenant_id, owner, id);
CREATE INDEX deals_pipeline_stage ON deals (tenant_id, pipeline, stage, id);
CREATE INDEX deals_expected_close ON deals (tenant_id, expected_close);
CREATE INDEX deals_account ON deals (tenant_id, account_id, contact_id);

CREATE TABLE plans (
	tenant_id     TEXT    NOT NULL,
	id            BLOB    NOT NULL CHECK (length(id) = 16),
	version       INTEGER NOT NULL CHECK (version >= 1),
	create_key    TEXT,
	fiscal_year   INTEGER NOT NULL,
	unit_currency TEXT    NOT NULL, -- ISO 4217 code of a money plan, '' for a count plan
	unit_count    TEXT    NOT NULL, -- what a count plan counts, '' for a money plan
	body          TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, id)
) STRICT;

CREATE UNIQUE INDEX plans_create_key ON plans (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX plans_fiscal_year ON plans (tenant_id, fiscal_year, id);

CREATE TABLE campaigns (
	tenant_id      TEXT    NOT NULL,
	id             BLOB    NOT NULL CHECK (length(id) = 16),
	version        INTEGER NOT NULL CHECK (version >= 1),
	create_key     TEXT,
	status         TEXT    NOT NULL,
	owner          TEXT    NOT NULL,
	code           TEXT    NOT NULL,
	schedule_start INTEGER NOT NULL,
	schedule_end   INTEGER NOT NULL,
	body           TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, id)
) STRICT;

CREATE UNIQUE INDEX campaigns_create_key ON campaigns (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX campaigns_owner ON campaigns (tenant_id, owner, id);
CREATE INDEX campaigns_code ON campaigns (tenant_id, code, id);

CREATE TABLE contracts (
	tenant_id    TEXT    NOT NULL,
	id           BLOB    NOT NULL CHECK (length(id) = 16),
	version      INTEGER NOT NULL CHECK (version >= 1),
	create_key   TEXT,
	account_id   BLOB    NOT NULL,
	deal_id      BLOB,             -- NULL for a contract without deal
	status       TEXT    NOT NULL,
	renewal_date INTEGER,          -- of the current terms
	body         TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, id),
	FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id),
	FOREIGN KEY (tenant_id, deal_id) REFERENCES deals (tenant_id, id)
) STRICT;

CREATE UNIQUE INDEX contracts_create_key ON contracts (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX contracts_account ON contracts (tenant_id, account_id, id);
CREATE INDEX contracts_deal ON contracts (tenant_id, deal_id, id) WHERE deal_id IS NOT NULL;
CREATE INDEX contracts_renewal ON contracts (tenant_id, renewal_date, id);

CREATE TABLE events (
	tenant_id      TEXT    NOT NULL,
	id             BLOB    NOT NULL CHECK (length(id) = 16),
	aggregate_kind TEXT    NOT NULL,
	aggregate_id   BLOB    NOT NULL,
	type           TEXT    NOT NULL,
	actor          TEXT    NOT NULL,
	at             INTEGER NOT NULL,
	version        INTEGER NOT NULL CHECK (version >= 1),
	from_state     TEXT    NOT NULL,
	to_state       TEXT    NOT NULL,
	reason         TEXT    NOT NULL,
	payload        TEXT,             -- NULL for none
	PRIMARY KEY (tenant_id, id)
) STRICT;

CREATE INDEX events_aggregate ON events (tenant_id, aggregate_id, version, at, id);
CREATE INDEX events_at ON events (tenant_id, at, id);
