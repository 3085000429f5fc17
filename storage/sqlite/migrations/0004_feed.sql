-- Schema version 4: the change feed (storage.Feed).
--
-- events.feed_pos is an event's place in its tenant's feed: 1, 2, 3, ...
-- with no gaps. The store sets it in the INSERT itself, to one more than
-- the tenant's last place, inside the writing transaction: SQLite has one
-- writer per file, so no other transaction commits between that read and
-- this commit, and commit order is place order. A rolled-back transaction
-- gives its places back. Events stored before this migration get places
-- per tenant in the order of (at, id).
ALTER TABLE events ADD COLUMN feed_pos INTEGER CHECK (feed_pos >= 1);

UPDATE events SET feed_pos = r.n
FROM (SELECT rowid AS rid, row_number() OVER (PARTITION BY tenant_id ORDER BY at, id) AS n FROM events) AS r
WHERE events.rowid = r.rid;

CREATE UNIQUE INDEX events_feed ON events (tenant_id, feed_pos);

-- A writer of the file that does not set feed_pos (older code, a tool)
-- still gives the event the next place, in its own transaction.
CREATE TRIGGER events_feed_pos AFTER INSERT ON events WHEN NEW.feed_pos IS NULL
BEGIN
	UPDATE events SET feed_pos = (SELECT coalesce(max(feed_pos), 0) + 1 FROM events WHERE tenant_id = NEW.tenant_id)
	WHERE rowid = NEW.rowid;
END;

-- A consumer's position: it has handled the tenant's events up to place
-- pos (0 for none).
CREATE TABLE feed_consumers (
	tenant_id TEXT    NOT NULL,
	name      TEXT    NOT NULL,
	pos       INTEGER NOT NULL CHECK (pos >= 0),
	PRIMARY KEY (tenant_id, name)
) STRICT;

-- The events a consumer parked (gave up on), with the error text.
CREATE TABLE feed_parked (
	tenant_id TEXT    NOT NULL,
	consumer  TEXT    NOT NULL,
	pos       INTEGER NOT NULL CHECK (pos >= 1),
	event_id  BLOB    NOT NULL,
	reason    TEXT    NOT NULL,
	PRIMARY KEY (tenant_id, consumer, pos),
	FOREIGN KEY (tenant_id, consumer) REFERENCES feed_consumers (tenant_id, name),
	FOREIGN KEY (tenant_id, event_id) REFERENCES events (tenant_id, id)
) STRICT;

CREATE INDEX feed_parked_event ON feed_parked (tenant_id, consumer, event_id);
