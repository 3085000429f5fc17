-- crmkit schema version 4: probabilities and shares are fractions in [0, 1].
--
-- A deal's probability override (body->'probability') and the probability
-- in the payloads of its DealCreated and ProbabilityChanged events were
-- percentages, 0 to 100; from this version they are fractions (25 % is
-- 0.25), the one unit of every crmkit package. Each value is divided by 100
-- exactly (numeric * 0.01 keeps every digit) and written back as a JSON
-- string, the form shopspring/decimal writes; a null (no override) stays
-- null.
--
-- The revenue and overlay splits of deal teams (body->'team' of deals, the
-- team of DealCreated and TeamChanged payloads) were basis points (7000 is
-- 70 %); they are shares now (0.7), multiplied by 0.0001 exactly.
--
-- Quote line discounts (the lines of quote event payloads) and the
-- max_line_discount of submitted totals were percentages; they are
-- fractions now, divided by 100 exactly.
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

UPDATE deals
SET body = jsonb_set(body, '{team}', (
	SELECT jsonb_agg(
		CASE WHEN jsonb_typeof(m->'overlay') IN ('number', 'string')
			THEN m || jsonb_build_object('split', ((m->>'split')::numeric * 0.0001)::text,
			                             'overlay', ((m->>'overlay')::numeric * 0.0001)::text)
			ELSE m || jsonb_build_object('split', ((m->>'split')::numeric * 0.0001)::text)
		END ORDER BY i)
	FROM jsonb_array_elements(body->'team') WITH ORDINALITY AS t(m, i)))
WHERE jsonb_typeof(body->'team') = 'array' AND jsonb_array_length(body->'team') > 0;

UPDATE events
SET payload = jsonb_set(payload, '{team}', (
	SELECT jsonb_agg(
		CASE WHEN jsonb_typeof(m->'overlay') IN ('number', 'string')
			THEN m || jsonb_build_object('split', ((m->>'split')::numeric * 0.0001)::text,
			                             'overlay', ((m->>'overlay')::numeric * 0.0001)::text)
			ELSE m || jsonb_build_object('split', ((m->>'split')::numeric * 0.0001)::text)
		END ORDER BY i)
	FROM jsonb_array_elements(payload->'team') WITH ORDINALITY AS t(m, i)))
WHERE aggregate_kind = 'deal'
  AND type IN ('DealCreated', 'TeamChanged')
  AND jsonb_typeof(payload->'team') = 'array' AND jsonb_array_length(payload->'team') > 0;

UPDATE events
SET payload = jsonb_set(payload, '{lines}', (
	SELECT jsonb_agg(
		CASE WHEN jsonb_typeof(l->'discount') IN ('number', 'string')
			THEN l || jsonb_build_object('discount', ((l->>'discount')::numeric * 0.01)::text)
			ELSE l
		END ORDER BY i)
	FROM jsonb_array_elements(payload->'lines') WITH ORDINALITY AS t(l, i)))
WHERE aggregate_kind = 'quote'
  AND jsonb_typeof(payload->'lines') = 'array' AND jsonb_array_length(payload->'lines') > 0;

UPDATE events
SET payload = jsonb_set(payload, '{totals,max_line_discount}',
	to_jsonb(((payload->'totals'->>'max_line_discount')::numeric * 0.01)::text))
WHERE aggregate_kind = 'quote'
  AND jsonb_typeof(payload->'totals'->'max_line_discount') IN ('number', 'string');

UPDATE events
SET to_state = payload->>'kind'
WHERE aggregate_kind = 'deal'
  AND type = 'ActivityLogged'
  AND to_state = ''
  AND jsonb_typeof(payload->'kind') = 'string';
