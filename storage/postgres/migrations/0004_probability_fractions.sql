-- crmkit schema version 4: probabilities are fractions in [0, 1].
--
-- A deal's probability override (body->'probability') and the probability
-- in the payloads of its DealCreated and ProbabilityChanged events were
-- percentages, 0 to 100; from this version they are fractions (25 % is
-- 0.25), the one unit of every crmkit package. Each value is divided by 100
-- exactly (numeric * 0.01 keeps every digit) and written back as a JSON
-- string, the form shopspring/decimal writes; a null (no override) stays
-- null.
--
-- ActivityLogged events of deals now carry the activity's kind in to_state
-- ("visit", "call", ...), so that funnel counts visits only, as the deal's
-- visit cadence does; older events get it from their payload.

UPDATE deals
SET body = jsonb_set(body, '{probability}', to_jsonb(((body->>'probability')::numeric * 0.01)::text))
WHERE jsonb_typeof(body->'probability') IN ('string', 'number');

UPDATE events
SET payload = jsonb_set(payload, '{probability}', to_jsonb(((payload->>'probability')::numeric * 0.01)::text))
WHERE aggregate_kind = 'deal'
  AND type IN ('DealCreated', 'ProbabilityChanged')
  AND jsonb_typeof(payload->'probability') IN ('string', 'number');

UPDATE events
SET to_state = payload->>'kind'
WHERE aggregate_kind = 'deal'
  AND type = 'ActivityLogged'
  AND to_state = ''
  AND jsonb_typeof(payload->'kind') = 'string';
