-- crmkit schema version 5: enums are stored as text, never as numbers.
--
-- Up to version 4 the JSONB bodies held every enum as its position in its
-- const block (lead.Stage 2 for "mql"), so reordering a const block in Go
-- silently changed the meaning of stored rows; enums without text methods
-- were numbers in event payloads too. From this version every enum is its
-- text form (see crmkit.Enum): its name, or "unset" for a zero value that
-- is not a value. The tables below are the names in const order, index 1
-- for the number 0, as the Go code declared them at version 4.
--
-- The lead and campaign bodies also get the snake_case keys of their new
-- JSON tags (StageAt becomes stage_at, Who.CompanySize who.company_size);
-- only the keys crmkit wrote are renamed, never the keys of a lead's
-- Attributes map.
--
-- A crmkit.Period is {"start", "end"} now, not {"Start", "End"}: the
-- periods in contract, plan and campaign bodies and in contract event
-- payloads are rewritten.
--
-- The columns lead.stage and the status of deals, campaigns and contracts
-- become text; accounts.relations, a bit set, becomes the array of its
-- relation names.
--
-- A number with no name (a row no crmkit version could have written) is
-- an error (a NULL the NOT NULL columns refuse, or a raised exception):
-- the migration fails rather than store a guess.

-- crmkit_0005_set replaces the number at path in doc by its name in
-- names (names[1] for 0); anything else at path is left as it is.
-- A number without a name is an error.
CREATE FUNCTION crmkit_0005_set(doc jsonb, path text[], names text[]) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	name text;
BEGIN
	IF jsonb_typeof(doc #> path) IS DISTINCT FROM 'number' THEN
		RETURN doc;
	END IF;
	name := names[(doc #>> path)::int + 1];
	IF name IS NULL THEN
		RAISE EXCEPTION 'crmkit migration 5: % is not a value of %', doc #>> path, array_to_string(path, '.');
	END IF;
	RETURN jsonb_set(doc, path, to_jsonb(name));
END
$$;

-- crmkit_0005_each applies crmkit_0005_set to the field key of every
-- element of the array at path.
CREATE FUNCTION crmkit_0005_each(doc jsonb, path text[], key text, names text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN jsonb_typeof(doc #> path) = 'array' AND jsonb_array_length(doc #> path) > 0
		THEN jsonb_set(doc, path, (
			SELECT jsonb_agg(crmkit_0005_set(e, ARRAY[key], names) ORDER BY i)
			FROM jsonb_array_elements(doc #> path) WITH ORDINALITY AS t(e, i)))
		ELSE doc END
$$;

-- crmkit_0005_snake renames the top-level keys of an object to snake_case
-- as the Go JSON tags spell them (ID -> id, CompanySize -> company_size,
-- OpportunityID -> opportunity_id); snake_case keys stay as they are.
CREATE FUNCTION crmkit_0005_snake(doc jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN jsonb_typeof(doc) = 'object' THEN (
		SELECT coalesce(jsonb_object_agg(lower(regexp_replace(regexp_replace(key,
			'([a-z0-9])([A-Z])', '\1_\2', 'g'), '([A-Z]+)([A-Z][a-z])', '\1_\2', 'g')), value), '{}'::jsonb)
		FROM jsonb_each(doc))
		ELSE doc END
$$;

-- crmkit_0005_periods rewrites every object of exactly the keys Start and
-- End (a crmkit.Period) anywhere in doc to the keys start and end.
CREATE FUNCTION crmkit_0005_periods(doc jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	CASE jsonb_typeof(doc)
	WHEN 'object' THEN
		IF doc ?& ARRAY['Start', 'End'] AND (SELECT count(*) FROM jsonb_object_keys(doc)) = 2 THEN
			RETURN jsonb_build_object('start', doc->'Start', 'end', doc->'End');
		END IF;
		RETURN (SELECT coalesce(jsonb_object_agg(key, crmkit_0005_periods(value)), '{}'::jsonb) FROM jsonb_each(doc));
	WHEN 'array' THEN
		RETURN (SELECT coalesce(jsonb_agg(crmkit_0005_periods(e) ORDER BY i), '[]'::jsonb)
			FROM jsonb_array_elements(doc) WITH ORDINALITY AS t(e, i));
	ELSE
		RETURN doc;
	END CASE;
END
$$;

-- crmkit_0005_relations names the bits of an account.Relation.
CREATE FUNCTION crmkit_0005_relations(r int) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
	SELECT array_remove(ARRAY[
		CASE WHEN r & 1 <> 0 THEN 'prospect' END,
		CASE WHEN r & 2 <> 0 THEN 'customer' END,
		CASE WHEN r & 4 <> 0 THEN 'partner' END,
		CASE WHEN r & 8 <> 0 THEN 'competitor' END], NULL)
$$;

-- crmkit_0005_relation_text is account.Relation's text form:
-- "customer|partner", or "none" for the empty set.
CREATE FUNCTION crmkit_0005_relation_text(v jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN jsonb_typeof(v) = 'number'
		THEN to_jsonb(coalesce(nullif(array_to_string(crmkit_0005_relations((v #>> '{}')::int), '|'), ''), 'none'))
		ELSE v END
$$;

-- Leads: snake_case keys, then stage, temperature and nurtured_by.
UPDATE leads SET body = crmkit_0005_snake(body);
UPDATE leads SET body = jsonb_set(body, '{who}', crmkit_0005_snake(body->'who'))
WHERE jsonb_typeof(body->'who') = 'object';
UPDATE leads SET body = jsonb_set(body, '{conversion}', crmkit_0005_snake(body->'conversion'))
WHERE jsonb_typeof(body->'conversion') = 'object';
UPDATE leads SET body =
	crmkit_0005_set(crmkit_0005_set(crmkit_0005_set(body,
		'{stage}', ARRAY['unset', 'suspect', 'mql', 'sql', 'converted', 'nurture', 'disqualified']),
		'{temperature}', ARRAY['unset', 'cold', 'warm', 'hot']),
		'{nurtured_by}', ARRAY['unset', 'marketing', 'sales']);
ALTER TABLE leads ALTER COLUMN stage TYPE text USING
	(ARRAY['unset', 'suspect', 'mql', 'sql', 'converted', 'nurture', 'disqualified'])[stage + 1];

-- Deals: type and status.
UPDATE deals SET body =
	crmkit_0005_set(crmkit_0005_set(body,
		'{type}', ARRAY['unset', 'new_business', 'expansion', 'renewal', 'cross_sell']),
		'{status}', ARRAY['unset', 'open', 'won', 'lost', 'suspended', 'terminated']);
ALTER TABLE deals ALTER COLUMN status TYPE text USING
	(ARRAY['unset', 'open', 'won', 'lost', 'suspended', 'terminated'])[status + 1];

-- Plans: the periods of the tree, the rounding mode.
UPDATE plans SET body = crmkit_0005_set(crmkit_0005_periods(body),
	'{rounding}', ARRAY['unset', 'half-even', 'half-up', 'down', 'up', 'floor', 'ceiling']);

-- Campaigns: snake_case keys (the planned targets too), then the status,
-- whose zero is a real value (planned).
UPDATE campaigns SET body = crmkit_0005_snake(body);
UPDATE campaigns SET body = jsonb_set(body, '{planned}', crmkit_0005_snake(body->'planned'))
WHERE jsonb_typeof(body->'planned') = 'object';
UPDATE campaigns SET body = crmkit_0005_set(crmkit_0005_periods(body),
	'{status}', ARRAY['planned', 'pending approval', 'approved', 'running', 'completed', 'cancelled']);
ALTER TABLE campaigns ALTER COLUMN status TYPE text USING
	(ARRAY['planned', 'pending approval', 'approved', 'running', 'completed', 'cancelled'])[status + 1];

-- Accounts: the relations and the role of each contact.
UPDATE accounts SET body = jsonb_set(body, '{relations}', crmkit_0005_relation_text(body->'relations'))
WHERE jsonb_typeof(body->'relations') = 'number';
UPDATE accounts SET body = crmkit_0005_each(body, '{contacts}', 'role',
	ARRAY['unset', 'decision maker', 'influencer', 'user', 'gatekeeper', 'champion']);
ALTER TABLE accounts ALTER COLUMN relations TYPE text[] USING crmkit_0005_relations(relations);

-- Contracts: status, execution (zero is "not started") and the kind of
-- each version of the terms.
UPDATE contracts SET body =
	crmkit_0005_each(crmkit_0005_set(crmkit_0005_set(body,
		'{status}', ARRAY['unset', 'draft', 'approved', 'signed', 'active', 'completed', 'closed', 'terminated']),
		'{execution}', ARRAY['not started', 'planning', 'implementation started', 'implementation done']),
		'{terms}', 'kind', ARRAY['unset', 'original', 'amendment', 'renewal']);
UPDATE contracts SET body = crmkit_0005_periods(body);
ALTER TABLE contracts ALTER COLUMN status TYPE text USING
	(ARRAY['unset', 'draft', 'approved', 'signed', 'active', 'completed', 'closed', 'terminated'])[status + 1];

-- Event payloads that held enums as numbers: an account's relations
-- (AccountCreated) and a contact's role (ContactAdded); a contract's terms
-- kind (ContractDrafted's terms, the terms of ContractAmended and
-- ContractRenewed); an interaction's severity and outcome; a plan's
-- rounding mode (PlanCreated).
UPDATE events SET payload = jsonb_set(payload, '{relations}', crmkit_0005_relation_text(payload->'relations'))
WHERE aggregate_kind = 'account' AND type = 'AccountCreated'
  AND jsonb_typeof(payload->'relations') = 'number';
UPDATE events SET payload = crmkit_0005_set(payload,
	'{role}', ARRAY['unset', 'decision maker', 'influencer', 'user', 'gatekeeper', 'champion'])
WHERE aggregate_kind = 'account' AND type = 'ContactAdded';
UPDATE events SET payload = crmkit_0005_set(payload,
	'{terms,kind}', ARRAY['unset', 'original', 'amendment', 'renewal'])
WHERE aggregate_kind = 'contract' AND type = 'ContractDrafted';
UPDATE events SET payload = crmkit_0005_set(payload,
	'{kind}', ARRAY['unset', 'original', 'amendment', 'renewal'])
WHERE aggregate_kind = 'contract' AND type IN ('ContractAmended', 'ContractRenewed');
UPDATE events SET payload = crmkit_0005_periods(payload)
WHERE aggregate_kind = 'contract' AND jsonb_typeof(payload) = 'object';
UPDATE events SET payload =
	crmkit_0005_set(crmkit_0005_set(payload,
		'{severity}', ARRAY['unset', 'info', 'minor', 'major', 'critical']),
		'{outcome}', ARRAY['unset', 'pending', 'resolved', 'escalated', 'unresolved'])
WHERE aggregate_kind = 'interaction' AND type = 'InteractionRecorded';
UPDATE events SET payload = crmkit_0005_set(payload,
	'{rounding}', ARRAY['unset', 'half-even', 'half-up', 'down', 'up', 'floor', 'ceiling'])
WHERE aggregate_kind = 'plan' AND type = 'PlanCreated';

DROP FUNCTION crmkit_0005_relation_text(jsonb);
DROP FUNCTION crmkit_0005_relations(int);
DROP FUNCTION crmkit_0005_periods(jsonb);
DROP FUNCTION crmkit_0005_snake(jsonb);
DROP FUNCTION crmkit_0005_each(jsonb, text[], text, text[]);
DROP FUNCTION crmkit_0005_set(jsonb, text[], text[]);
