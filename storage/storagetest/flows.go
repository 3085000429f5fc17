package storagetest

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testBulkHandover hands over a leaving rep's deals in one Update, and
// retries it when a concurrent change makes it stale.
func testBulkHandover(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	var leaving []deal.Deal
	for i := range 6 {
		d, ev := newDeal(t, dealSpec{name: "Deal", owner: "cy", close: base.AddDate(0, 1+i, 0)})
		_, err := s.Deals().Create(ctx, d, "", ev)
		require.NoError(t, err)
		leaving = append(leaving, d)
	}
	other, oev := newDeal(t, dealSpec{name: "Other", owner: "dy"})
	_, err := s.Deals().Create(ctx, other, "", oev)
	require.NoError(t, err)

	// First attempt: right after it read the deals, someone logs an
	// activity on one of them, so its save is stale and nothing of the
	// hand-over lands; Retry runs it again on fresh data.
	at := base.Add(2 * time.Hour)
	attempts := 0
	var res deal.HandoverResult
	err = storage.Retry(ctx, storage.Policy{MaxAttempts: 3}, func(ctx context.Context) error {
		attempts++
		return s.Update(ctx, func(tx storage.Tx) error {
			var afterRead func()
			if attempts == 1 {
				afterRead = func() {
					d := leaving[3]
					next, ev, err := d.LogActivity(deal.Activity{Kind: deal.ActivityCall, At: base.Add(time.Hour), By: "cy"}, deal.Cmd{Cmd: crmkit.Cmd{By: "cy", At: base.Add(time.Hour)}})
					require.NoError(t, err)
					require.NoError(t, s.Deals().Save(ctx, next, d.Version, ev), "the concurrent change, outside the tx")
				}
			}
			h, err := storage.Handover(ctx, hookTx{tx, afterRead}, deal.HandoverRequest{
				From: "cy",
				To:   []deal.Successor{{Rep: "ana", Capacity: 10}, {Rep: "bo", Capacity: 10}},
				Cmd:  deal.Cmd{Cmd: crmkit.Cmd{By: "manager", At: at, Reason: "rep left"}},
			})
			res = h.Deals
			if attempts == 1 {
				assert.True(t, storage.IsRetryable(err), "the first attempt is stale: %v", err)
			}
			return err
		})
	})
	require.NoError(t, err)
	assert.Equal(t, 2, attempts)
	require.Len(t, res.Deals, 6)

	left, _, err := s.Deals().List(ctx, storage.DealFilter{Owner: "cy"}, storage.Page{})
	require.NoError(t, err)
	assert.Empty(t, left, "cy owns nothing any more")
	ana, _, err := s.Deals().List(ctx, storage.DealFilter{Owner: "ana"}, storage.Page{})
	require.NoError(t, err)
	bo, _, err := s.Deals().List(ctx, storage.DealFilter{Owner: "bo"}, storage.Page{})
	require.NoError(t, err)
	assert.Equal(t, 6, len(ana)+len(bo))
	for _, d := range append(ana, bo...) {
		events := collect(t, s.Events().ByAggregate(ctx, d.ID))
		last := events[len(events)-1]
		assert.Equal(t, deal.EventDealTransferred, last.Type)
		assert.Equal(t, d.Version, last.Version)
		if d.ID == leaving[3].ID {
			assert.Equal(t, int64(3), d.Version, "created, activity, transferred")
		} else {
			assert.Equal(t, int64(2), d.Version, "created, transferred")
		}
	}
	got, err := s.Deals().Get(ctx, other.ID)
	require.NoError(t, err)
	same(t, other, got, "another rep's deal is untouched")
	assert.Len(t, allEvents(t, ctx, s), 7+1+6)
	verified(t, ctx, s)
}
