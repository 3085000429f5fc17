package memory_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/memory"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Imports of leads with IDs in any order, mixed with single Creates, keep
// the table in ID order: List pages every lead exactly once, in the order
// a plain sort of the IDs gives, and Get finds each.
func TestImportKeepsIDOrder(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rapid.Check(t, func(t *rapid.T) {
		s, err := memory.New().Tenant("acme")
		require.NoError(t, err)
		var want []uuid.UUID
		batches := rapid.SliceOfN(rapid.IntRange(0, 20), 1, 6).Draw(t, "batches")
		for bi, size := range batches {
			leads, events := make([]lead.Lead, size), make([]crmkit.Event, size)
			for i := range leads {
				l, ev, err := lead.New(lead.Capture{Who: lead.Person{Name: "Ada", Email: "ada@example.com"}, Source: lead.ChannelReferral},
					crmkit.Cmd{By: "test", At: at})
				require.NoError(t, err)
				l.ID = uuid.New() // random, not time-ordered: the merge path
				ev.AggregateID = l.ID
				leads[i], events[i] = l, ev
				want = append(want, l.ID)
			}
			if bi%2 == 1 && size > 0 { // one of them by Create instead
				_, err := s.Leads().Create(ctx, leads[0], "", events[0])
				require.NoError(t, err)
				leads, events = leads[1:], events[1:]
			}
			n, err := s.ImportLeads(ctx, leads, events)
			require.NoError(t, err)
			require.Equal(t, int64(len(leads)), n)
		}
		slices.SortFunc(want, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
		var got []uuid.UUID
		for l, err := range storage.All(ctx, s.Leads(), storage.LeadFilter{}, 7) {
			require.NoError(t, err)
			got = append(got, l.ID)
		}
		require.Equal(t, want, got)
		for _, id := range want {
			_, err := s.Leads().Get(ctx, id)
			require.NoError(t, err)
		}
	})
}
