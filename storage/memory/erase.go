package memory

import (
	"context"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/erasure"
	"github.com/google/uuid"
)

var _ erasure.EventScrubber = (*txn)(nil)

// ScrubEvents replaces the Reason and Payload of stored events (see
// erasure.EventScrubber): events of the transaction at once, stored ones
// at commit, under the write lock.
func (tx *txn) ScrubEvents(ctx context.Context, events ...crmkit.Event) error {
	if err := storage.CheckContext(ctx); err != nil {
		return err
	}
	if err := tx.lock(); err != nil {
		return err
	}
	defer tx.mu.Unlock()
	found := make([]crmkit.Event, len(events))
	tx.st.mu.RLock()
	for i, e := range events {
		var ok bool
		found[i], ok = tx.st.events.byID(e.ID, e.AggregateID)
		if !ok {
			for _, p := range tx.events {
				if p.ID == e.ID {
					found[i], ok = p, true
				}
			}
		}
		if !ok {
			tx.st.mu.RUnlock()
			return storage.NotFound("event", e.ID)
		}
	}
	tx.st.mu.RUnlock()
	for i, e := range events {
		if err := erasure.CheckScrub(found[i], e); err != nil {
			return err
		}
	}
	for _, e := range cloneEvents(events) {
		pending := false
		for i := range tx.events {
			if tx.events[i].ID == e.ID {
				tx.events[i].Reason, tx.events[i].Payload = e.Reason, e.Payload
				pending = true
			}
		}
		if !pending {
			if tx.scrubs == nil {
				tx.scrubs = make(map[uuid.UUID]crmkit.Event)
			}
			tx.scrubs[e.ID] = e
		}
	}
	return nil
}

// byID returns the stored event id of aggregate agg. l's lock is held.
func (l *eventLog) byID(id, agg uuid.UUID) (crmkit.Event, bool) {
	for _, p := range l.byAgg[agg] {
		if l.all[p].ID == id {
			return l.all[p], true
		}
	}
	return crmkit.Event{}, false
}

// scrub replaces the Reason and Payload of stored events by those of
// scrubs (checked by ScrubEvents). The write lock is held. Readers copy
// events out under the read lock, so a replaced element is never seen
// half-written.
func (l *eventLog) scrub(scrubs map[uuid.UUID]crmkit.Event) {
	for _, e := range scrubs {
		for _, p := range l.byAgg[e.AggregateID] {
			if l.all[p].ID == e.ID {
				s := l.all[p]
				s.Reason, s.Payload = e.Reason, e.Payload
				l.all[p] = s
			}
		}
	}
}
