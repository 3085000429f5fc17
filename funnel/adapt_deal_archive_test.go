package funnel_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDealEventsArchived: a deal whose history ends archived yields no
// record, as the stores' Sources and Lists leave it out; one archived and
// restored yields the records of one never archived.
func TestDealEventsArchived(t *testing.T) {
	p := deal.DefaultPipeline()
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	c := func(h int) deal.Cmd {
		return deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at.Add(time.Duration(h) * time.Hour)}}
	}
	var events []crmkit.Event
	create := func(name string) deal.Deal {
		d, e, err := deal.New(p, deal.NewDeal{Name: name, Type: deal.NewBusiness, Amount: crmkit.MustMoney("100.00", "EUR"), Owner: "ana",
			AccountID: uuid.MustParse("0190f3a0-0000-7000-8000-0000000000aa")}, c(0))
		require.NoError(t, err)
		events = append(events, e)
		return d
	}
	step := func(d deal.Deal, e crmkit.Event, err error) deal.Deal {
		t.Helper()
		require.NoError(t, err)
		events = append(events, e)
		return d
	}
	kept, gone, back := create("kept"), create("gone"), create("back")
	gone = step(gone.Archive(c(1)))
	back = step(back.Archive(c(1)))
	step(back.Restore(c(2)))
	slices.SortStableFunc(events, func(a, b crmkit.Event) int { return bytes.Compare(a.AggregateID[:], b.AggregateID[:]) })

	r := funnel.DealEvents(p).Reader(slices.Values(events))
	perEntity := map[uuid.UUID]int{}
	for rec := range r.Records() {
		perEntity[rec.Entity]++
	}
	require.NoError(t, r.Err())
	// Each deal created in the first stage: a Created and a StageEntered
	// record (as funnel.DealEvents documents); archive and restore map to
	// none.
	assert.Equal(t, map[uuid.UUID]int{kept.ID: 2, back.ID: 2}, perEntity)
	assert.NotContains(t, perEntity, gone.ID)
}
