package storagetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/deletion"
	"github.com/google/uuid"
	"pgregory.net/rapid"
)

// events drains an event stream, failing the check on an error.
func events(t *rapid.T, seq func(func(crmkit.Event, error) bool)) []crmkit.Event {
	var out []crmkit.Event
	for e, err := range seq {
		if err != nil {
			t.Fatalf("events: %v", err)
		}
		out = append(out, e)
	}
	return out
}

// testDeleteModel, for a store that implements deletion.Deleter: random
// sequences of lead creates, edits, archives and deletes, with a
// change-feed consumer reading at random points, checked against a model
// after every run: the stored leads are the model's; every live lead's
// events are its own, one per version; a deleted lead's ID yields exactly
// its tombstone; and the consumer, reading from the feed's start, has
// seen every event that is still in the log exactly once, in the order
// it was written, and no event of a lead deleted before it read it.
func testDeleteModel(t *testing.T, o Opener) {
	n := 0
	rapid.Check(t, func(t *rapid.T) {
		n++
		ctx := context.Background()
		s, err := o(fmt.Sprintf("delete-model-%d", n))
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		del, ok := s.(deletion.Deleter)
		if !ok {
			t.Skip("the store does not implement deletion.Deleter")
		}
		feed, hasFeed := s.(storage.Feed)
		if hasFeed {
			if err := feed.Register(ctx, "model", ""); err != nil {
				t.Fatalf("register: %v", err)
			}
		}
		live := map[uuid.UUID]lead.Lead{}
		var order []uuid.UUID // live and deleted leads, in creation order
		deleted := map[uuid.UUID]bool{}
		var written []uuid.UUID         // every event ID in write order
		removed := map[uuid.UUID]bool{} // event IDs a delete removed
		var seen []uuid.UUID            // what the consumer read
		hour := 0
		cmd := func() crmkit.Cmd {
			hour++
			return crmkit.Cmd{By: "model", At: base.Add(time.Duration(hour) * time.Hour)}
		}
		pickLive := func() (lead.Lead, bool) {
			var ids []uuid.UUID
			for _, id := range order {
				if !deleted[id] {
					ids = append(ids, id)
				}
			}
			if len(ids) == 0 {
				return lead.Lead{}, false
			}
			return live[rapid.SampledFrom(ids).Draw(t, "lead")], true
		}
		read := func() {
			for {
				k, err := feed.Consume(ctx, "model", 7, func(_ storage.Tx, events []crmkit.Event) error {
					for _, e := range events {
						seen = append(seen, e.ID)
					}
					return nil
				})
				if err != nil {
					t.Fatalf("consume: %v", err)
				}
				if k == 0 {
					return
				}
			}
		}
		for range rapid.IntRange(1, 14).Draw(t, "steps") {
			switch rapid.SampledFrom([]string{"create", "create", "edit", "archive", "delete", "read"}).Draw(t, "command") {
			case "create":
				l, ev := newLead(fmt.Sprintf("Lead %d", len(order)), "ana", lead.StageSuspect, lead.ChannelEmail)
				if _, err := s.Leads().Create(ctx, l, "", ev); err != nil {
					t.Fatalf("create: %v", err)
				}
				live[l.ID], order, written = l, append(order, l.ID), append(written, ev.ID)
			case "edit", "archive":
				l, ok := pickLive()
				if !ok {
					continue
				}
				c := cmd()
				var (
					next lead.Lead
					ev   crmkit.Event
					err  error
				)
				if l.Archived() {
					next, ev, err = l.Restore(c)
				} else if rapid.Bool().Draw(t, "archive?") {
					next, ev, err = l.Archive(c)
				} else {
					name := fmt.Sprintf("Renamed %d", hour)
					next, ev, err = l.Edit(lead.Patch{Name: &name}, c)
				}
				if err != nil {
					t.Fatalf("command: %v", err)
				}
				if err := s.Leads().Save(ctx, next, l.Version, ev); err != nil {
					t.Fatalf("save: %v", err)
				}
				live[l.ID], written = next, append(written, ev.ID)
			case "delete":
				l, ok := pickLive()
				if !ok {
					continue
				}
				for _, e := range events(t, s.Events().ByAggregate(ctx, l.ID)) {
					removed[e.ID] = true
				}
				if err := del.Delete(ctx, lead.LeadKind, l.ID, cmd()); err != nil {
					t.Fatalf("delete: %v", err)
				}
				tomb := events(t, s.Events().ByAggregate(ctx, l.ID))
				if len(tomb) != 1 || tomb[0].Type != deletion.EventRecordDeleted {
					t.Fatalf("after delete of %s: %d events, want its tombstone", l.ID, len(tomb))
				}
				deleted[l.ID], written = true, append(written, tomb[0].ID)
				delete(live, l.ID)
			case "read":
				if hasFeed {
					read()
				}
			}
		}

		// The stored leads are the model's, archived ones included.
		var want []uuid.UUID
		for id := range live {
			want = append(want, id)
		}
		var got []uuid.UUID
		for l, err := range storage.All(ctx, s.Leads(), storage.LeadFilter{IncludeArchived: true}, storage.MaxPageSize) {
			if err != nil {
				t.Fatalf("list: %v", err)
			}
			got = append(got, l.ID)
			if w := live[l.ID]; w.Version != l.Version || w.Who.Name != l.Who.Name || w.Archived() != l.Archived() {
				t.Fatalf("lead %s: stored version %d %q archived %v, model %d %q %v", l.ID, l.Version, l.Who.Name, l.Archived(), w.Version, w.Who.Name, w.Archived())
			}
		}
		slices.SortFunc(want, compareID)
		if !slices.Equal(want, got) {
			t.Fatalf("stored leads %v, model %v", got, want)
		}
		for id, l := range live {
			evs := events(t, s.Events().ByAggregate(ctx, id))
			if int64(len(evs)) != l.Version {
				t.Fatalf("lead %s: %d events at version %d", id, len(evs), l.Version)
			}
		}
		for id := range deleted {
			if evs := events(t, s.Events().ByAggregate(ctx, id)); len(evs) != 1 || evs[0].AggregateKind != deletion.Kind {
				t.Fatalf("deleted lead %s: %d events, want its tombstone", id, len(evs))
			}
		}
		if !hasFeed {
			return
		}
		read()
		// Every event still in the log, in write order, read exactly once;
		// removed events may have been read only before their delete.
		var kept, read2 []uuid.UUID
		for _, id := range written {
			if !removed[id] {
				kept = append(kept, id)
			}
		}
		for _, id := range seen {
			if !removed[id] {
				read2 = append(read2, id)
			}
		}
		if !slices.Equal(kept, read2) {
			t.Fatalf("the feed gave %v of the kept events, want %v", read2, kept)
		}
	})
}
