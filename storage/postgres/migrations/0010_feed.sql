-- crmkit schema version 10: the change feed (storage.Feed).
--
-- Every event gets a place in its tenant's feed, feed_pos (1, 2, 3, ...
-- per tenant, no gaps), once it is committed: crmkit_feed_stamp gives
-- the next places to the committed events that have none, in the order
-- they were inserted (feed_seq, from a sequence), holding the tenant's
-- feed_heads row so stampers take turns. An event a transaction still
-- in flight inserted is not visible to the stamper, so it gets its
-- place later, after every place already given: a consumer reading
-- feed_pos in order can never pass an event that is still to commit.
-- (See the Feed section of the package documentation for the proof.)
--
-- Existing events get their places per tenant in the order of (at, id).
--
-- Consumers are woken by a NOTIFY on channel crmkit_feed that the store
-- sends after a commit with events, in a transaction of its own: a NOTIFY
-- inside the writing transaction would hold PostgreSQL's notify lock
-- through the commit's WAL flush and so make every writer's commit wait
-- for the one before (measured: a quarter of the write rate).

CREATE SEQUENCE events_feed_seq;
ALTER TABLE events ADD COLUMN feed_seq bigint, ADD COLUMN feed_pos bigint;

WITH o AS (SELECT tenant_id, id, row_number() OVER (PARTITION BY tenant_id ORDER BY at, id) AS n FROM events)
UPDATE events e SET feed_pos = o.n, feed_seq = 0 FROM o WHERE e.tenant_id = o.tenant_id AND e.id = o.id;

ALTER TABLE events ALTER COLUMN feed_seq SET DEFAULT nextval('events_feed_seq'),
	ALTER COLUMN feed_seq SET NOT NULL;
ALTER SEQUENCE events_feed_seq OWNED BY events.feed_seq;

CREATE UNIQUE INDEX events_feed ON events (tenant_id, feed_pos);
CREATE INDEX events_unstamped ON events (tenant_id, feed_seq) WHERE feed_pos IS NULL;

-- The place of each tenant's last stamped event.
CREATE TABLE feed_heads (
	tenant_id text   PRIMARY KEY,
	last      bigint NOT NULL CHECK (last >= 0)
);
INSERT INTO feed_heads (tenant_id, last) SELECT tenant_id, count(*) FROM events GROUP BY tenant_id;

-- Named consumers and the place of the last event each has handled.
CREATE TABLE feed_consumers (
	tenant_id text   NOT NULL,
	name      text   NOT NULL,
	pos       bigint NOT NULL CHECK (pos >= 0),
	PRIMARY KEY (tenant_id, name)
);

-- Events a consumer gave up on, with the error text.
CREATE TABLE feed_parked (
	tenant_id text   NOT NULL,
	consumer  text   NOT NULL,
	pos       bigint NOT NULL,
	event_id  uuid   NOT NULL,
	reason    text   NOT NULL,
	PRIMARY KEY (tenant_id, consumer, pos),
	FOREIGN KEY (tenant_id, consumer) REFERENCES feed_consumers (tenant_id, name) ON DELETE CASCADE
);
CREATE UNIQUE INDEX feed_parked_event ON feed_parked (tenant_id, consumer, event_id);

-- crmkit_feed_stamp places up to lim committed, unplaced events of
-- tenant t and returns the tenant's head. Each statement of a volatile
-- function sees a new snapshot under READ COMMITTED: the UPDATE sees
-- every stamp committed by a stamper that held the head row before.
CREATE FUNCTION crmkit_feed_stamp(t text, lim integer) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	h bigint;
	n bigint;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM events WHERE tenant_id = t AND feed_pos IS NULL) THEN
		SELECT last INTO h FROM feed_heads WHERE tenant_id = t;
		RETURN coalesce(h, 0);
	END IF;
	INSERT INTO feed_heads AS f (tenant_id, last) VALUES (t, 0)
		ON CONFLICT (tenant_id) DO NOTHING;
	SELECT last INTO h FROM feed_heads WHERE tenant_id = t FOR UPDATE;
	WITH pick AS (
		SELECT c.id, h + row_number() OVER (ORDER BY c.feed_seq) AS pos
		FROM (SELECT id, feed_seq FROM events WHERE tenant_id = t AND feed_pos IS NULL
			ORDER BY feed_seq LIMIT lim) c)
	UPDATE events e SET feed_pos = pick.pos FROM pick WHERE e.tenant_id = t AND e.id = pick.id;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n > 0 THEN
		UPDATE feed_heads SET last = h + n WHERE tenant_id = t;
	END IF;
	RETURN h + n;
END
$$;
