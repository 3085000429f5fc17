package funnel_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/lead"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLeadEventsArchived: a lead whose history ends archived yields no
// record; one archived and restored yields all of its records, as does
// one never archived.
func TestLeadEventsArchived(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	c := func(h int) crmkit.Cmd { return crmkit.Cmd{By: "ana", At: at.Add(time.Duration(h) * time.Hour)} }
	var events []crmkit.Event
	capture := func(i int) lead.Lead {
		l, e, err := lead.New(lead.Capture{Who: lead.Person{Name: "P", Email: "p" + string(rune('a'+i)) + "@x.example"},
			Source: lead.ChannelEmail, Owner: "ana"}, c(0))
		require.NoError(t, err)
		events = append(events, e)
		return l
	}
	step := func(l lead.Lead, e crmkit.Event, err error) lead.Lead {
		t.Helper()
		require.NoError(t, err)
		events = append(events, e)
		return l
	}
	kept, gone, back := capture(0), capture(1), capture(2)
	gone = step(gone.Archive(c(1)))
	back = step(back.Archive(c(1)))
	step(back.Restore(c(2)))
	slices.SortStableFunc(events, func(a, b crmkit.Event) int { return bytes.Compare(a.AggregateID[:], b.AggregateID[:]) })

	r := funnel.LeadEvents().Reader(slices.Values(events))
	perEntity := map[uuid.UUID]int{}
	for rec := range r.Records() {
		perEntity[rec.Entity]++
	}
	require.NoError(t, r.Err())
	// Each lead captured as a suspect: a Created and a StageEntered
	// record; archive and restore map to none.
	assert.Equal(t, map[uuid.UUID]int{kept.ID: 2, back.ID: 2}, perEntity)
	assert.NotContains(t, perEntity, gone.ID)

	// A consumer that stops early stops the reader.
	n := 0
	for range r.Records() {
		n++
		break
	}
	assert.Equal(t, 1, n)
	require.NoError(t, r.Err())
}
