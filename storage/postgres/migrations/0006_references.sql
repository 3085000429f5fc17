-- crmkit schema version 6: references resolve.
--
-- A deal's account, and its contact when it has one, and a contract's
-- account, and its deal when it has one, exist in the same tenant: the
-- database enforces it with composite foreign keys on (tenant_id, id), so
-- it holds for writers outside the library too. tenant_id leads every
-- key, so a reference can never cross tenants, and the tables stay
-- co-located by tenant_id on Citus.
--
-- Contacts live inside their account's body; account_contacts keeps
-- (tenant_id, account_id, id) of each, written by the account's own
-- Create and Save in the same statement, so that a deal's contact can be
-- checked to belong to the deal's account. An account Save that drops a
-- contact a deal still refers to fails (ON DELETE RESTRICT).
--
-- Deleting is not supported yet: every reference is ON DELETE RESTRICT.
-- The constraints are checked at once, so inside one transaction the
-- record referred to is written first (as the memory store requires).
--
-- Existing rows that break a reference are not guessed at: the migration
-- fails, naming how many rows and the first of them, and changes
-- nothing. Store the missing accounts (or correct the deals and
-- contracts), then migrate again.

ALTER TABLE deals ADD COLUMN account_id uuid, ADD COLUMN contact_id uuid;
UPDATE deals SET account_id = (body->>'account_id')::uuid,
	contact_id = nullif(nullif(body->>'contact_id', ''), '00000000-0000-0000-0000-000000000000')::uuid;
ALTER TABLE deals ALTER COLUMN account_id SET NOT NULL;

CREATE TABLE account_contacts (
	tenant_id  text NOT NULL,
	account_id uuid NOT NULL,
	id         uuid NOT NULL,
	PRIMARY KEY (tenant_id, account_id, id),
	CONSTRAINT account_contacts_account_fk FOREIGN KEY (tenant_id, account_id)
		REFERENCES accounts (tenant_id, id) ON DELETE RESTRICT
);

INSERT INTO account_contacts (tenant_id, account_id, id)
SELECT a.tenant_id, a.id, (c->>'id')::uuid
FROM accounts a,
	jsonb_array_elements(CASE WHEN jsonb_typeof(a.body->'contacts') = 'array' THEN a.body->'contacts' ELSE '[]'::jsonb END) AS c
WHERE c->>'id' IS NOT NULL
ON CONFLICT DO NOTHING;

DO $$
DECLARE
	n bigint;
	first text;
BEGIN
	SELECT count(*), min(d.tenant_id || '/' || d.id || ' (account ' || d.account_id || ')') INTO n, first
	FROM deals d
	WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.tenant_id = d.tenant_id AND a.id = d.account_id);
	IF n > 0 THEN
		RAISE EXCEPTION 'crmkit migration 6: % deals refer to an account that does not exist in their tenant, first tenant/deal %; store the accounts or correct the deals, then migrate again', n, first;
	END IF;
	SELECT count(*), min(d.tenant_id || '/' || d.id || ' (contact ' || d.contact_id || ' of account ' || d.account_id || ')') INTO n, first
	FROM deals d
	WHERE d.contact_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM account_contacts c
		WHERE c.tenant_id = d.tenant_id AND c.account_id = d.account_id AND c.id = d.contact_id);
	IF n > 0 THEN
		RAISE EXCEPTION 'crmkit migration 6: % deals refer to a contact that is not a contact of their account, first tenant/deal %; add the contacts or correct the deals, then migrate again', n, first;
	END IF;
	SELECT count(*), min(k.tenant_id || '/' || k.id || ' (account ' || k.account_id || ')') INTO n, first
	FROM contracts k
	WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.tenant_id = k.tenant_id AND a.id = k.account_id);
	IF n > 0 THEN
		RAISE EXCEPTION 'crmkit migration 6: % contracts refer to an account that does not exist in their tenant, first tenant/contract %; store the accounts or correct the contracts, then migrate again', n, first;
	END IF;
	SELECT count(*), min(k.tenant_id || '/' || k.id || ' (deal ' || k.deal_id || ')') INTO n, first
	FROM contracts k
	WHERE k.deal_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.tenant_id = k.tenant_id AND d.id = k.deal_id);
	IF n > 0 THEN
		RAISE EXCEPTION 'crmkit migration 6: % contracts refer to a deal that does not exist in their tenant, first tenant/contract %; store the deals or correct the contracts, then migrate again', n, first;
	END IF;
END
$$;

ALTER TABLE deals ADD CONSTRAINT deals_account_fk FOREIGN KEY (tenant_id, account_id)
	REFERENCES accounts (tenant_id, id) ON DELETE RESTRICT;
ALTER TABLE deals ADD CONSTRAINT deals_contact_fk FOREIGN KEY (tenant_id, account_id, contact_id)
	REFERENCES account_contacts (tenant_id, account_id, id) ON DELETE RESTRICT;
ALTER TABLE contracts ADD CONSTRAINT contracts_account_fk FOREIGN KEY (tenant_id, account_id)
	REFERENCES accounts (tenant_id, id) ON DELETE RESTRICT;
ALTER TABLE contracts ADD CONSTRAINT contracts_deal_fk FOREIGN KEY (tenant_id, deal_id)
	REFERENCES deals (tenant_id, id) ON DELETE RESTRICT;

-- The referring side, for the checks of an account's and a deal's writes.
CREATE INDEX deals_account ON deals (tenant_id, account_id, contact_id);
