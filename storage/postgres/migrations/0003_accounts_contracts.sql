-- crmkit schema version 3: accounts (their contacts inside the body) and
-- contracts, the optional repositories storage.AccountStore and
-- storage.ContractStore, laid out like leads and deals (see 0001_init.sql).

CREATE TABLE accounts (
	tenant_id  text     NOT NULL,
	id         uuid     NOT NULL,
	version    bigint   NOT NULL CHECK (version >= 1),
	create_key text,
	owner      text     NOT NULL,
	segment    text     NOT NULL,
	parent     uuid,             -- NULL for an account without parent
	relations  smallint NOT NULL, -- account.Relation bit set
	body       jsonb    NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE UNIQUE INDEX accounts_create_key ON accounts (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX accounts_owner ON accounts (tenant_id, owner, id);
CREATE INDEX accounts_parent ON accounts (tenant_id, parent, id) WHERE parent IS NOT NULL;

CREATE TABLE contracts (
	tenant_id    text        NOT NULL,
	id           uuid        NOT NULL,
	version      bigint      NOT NULL CHECK (version >= 1),
	create_key   text,
	account_id   uuid        NOT NULL,
	deal_id      uuid,                 -- NULL for a contract without deal
	status       smallint    NOT NULL,
	renewal_date timestamptz NOT NULL, -- of the current terms
	body         jsonb       NOT NULL,
	PRIMARY KEY (tenant_id, id)
);

CREATE UNIQUE INDEX contracts_create_key ON contracts (tenant_id, create_key) WHERE create_key IS NOT NULL;
CREATE INDEX contracts_account ON contracts (tenant_id, account_id, id);
CREATE INDEX contracts_deal ON contracts (tenant_id, deal_id, id) WHERE deal_id IS NOT NULL;
CREATE INDEX contracts_renewal ON contracts (tenant_id, renewal_date, id);
