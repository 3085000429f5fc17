package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testArchivedLeadReports, for a store that is a storage.HistoryStreamer:
// the lead histories it streams, read through funnel.LeadEvents, leave
// out a lead while it is archived and count it again once restored, so a
// lead funnel report from the event log hides archived leads as Lists do.
// The stream itself still holds the archived lead's events (they are
// kept: an archive is no delete).
func testArchivedLeadReports(t *testing.T, o Opener) {
	ctx := context.Background()
	s := openBare(t, o, "acme")
	hs, ok := s.(storage.HistoryStreamer)
	if !ok {
		t.Skip("the store is no storage.HistoryStreamer")
	}
	c := func(h int) crmkit.Cmd { return crmkit.Cmd{By: actor, At: base.Add(time.Duration(h) * time.Hour)} }
	leads := make([]lead.Lead, 3)
	for i := range leads {
		l, ev, err := lead.New(lead.Capture{Who: lead.Person{Name: "Archive Test", Email: "arch" + string(rune('a'+i)) + "@example.com"},
			Source: lead.ChannelEmail, Owner: "ana"}, c(0))
		require.NoError(t, err)
		leads[i], err = s.Leads().Create(ctx, l, "", ev)
		require.NoError(t, err)
	}
	save := func(i int, next lead.Lead, ev crmkit.Event, err error) {
		t.Helper()
		require.NoError(t, err)
		require.NoError(t, s.Leads().Save(ctx, next, leads[i].Version, ev))
		leads[i] = next
	}
	// leads[1] archived; leads[2] archived and restored.
	next, ev, err := leads[1].Archive(c(1))
	save(1, next, ev, err)
	next, ev, err = leads[2].Archive(c(1))
	save(2, next, ev, err)
	next, ev, err = leads[2].Restore(c(2))
	save(2, next, ev, err)

	// reported returns the entities of the lead report's records and the
	// number of events streamed.
	reported := func() (map[uuid.UUID]bool, int) {
		t.Helper()
		var streamErr error
		n := 0
		seq := func(yield func(crmkit.Event) bool) {
			for e, err := range hs.Histories(ctx, lead.LeadKind) {
				if err != nil {
					streamErr = err
					return
				}
				n++
				if !yield(e) {
					return
				}
			}
		}
		r := funnel.LeadEvents().Reader(seq)
		got := map[uuid.UUID]bool{}
		for rec := range r.Records() {
			got[rec.Entity] = true
		}
		require.NoError(t, streamErr)
		require.NoError(t, r.Err())
		return got, n
	}
	got, n := reported()
	assert.Equal(t, map[uuid.UUID]bool{leads[0].ID: true, leads[2].ID: true}, got, "the archived lead is left out")
	// 3 captures, 2 archives, 1 restore: the archived lead's events are kept.
	assert.Equal(t, 6, n)
	rep, err := funnel.SummarizeRecords(funnel.LeadPipeline(), func(yield func(funnel.Record) bool) {
		seq := func(yield func(crmkit.Event) bool) {
			for e, err := range hs.Histories(ctx, lead.LeadKind) {
				if err != nil || !yield(e) {
					return
				}
			}
		}
		for rec := range funnel.LeadEvents().Reader(seq).Records() {
			if !yield(rec) {
				return
			}
		}
	}, funnel.Query{AsOf: base.Add(48 * time.Hour), Quantiles: crmkit.QuantilesNone})
	require.NoError(t, err)
	assert.Equal(t, int64(2), rep.Total.Entities)

	next, ev, err = leads[1].Restore(c(3))
	save(1, next, ev, err)
	got, _ = reported()
	assert.Equal(t, map[uuid.UUID]bool{leads[0].ID: true, leads[1].ID: true, leads[2].ID: true}, got, "restored, it counts again")
}
