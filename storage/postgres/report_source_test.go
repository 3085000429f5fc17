package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage/postgres"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The Source's one query holds a connection only while its loop runs: a
// loop that stops early gives it back, so a store with a pool of one
// connection serves the next call; a cancelled context ends the stream
// with an error; a zero Store yields an error and no opportunity.
func TestOpportunitiesConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := newDB(t, postgres.MaxConns(1)).Tenant("acme")
	require.NoError(t, err)
	storeTestAccount(t, s)
	p := deal.DefaultPipeline()
	var first deal.Deal
	for i := range 3 {
		d, e := testDeal(t, p, "ana", i)
		_, err := s.Deals().Create(ctx, d, "", e)
		require.NoError(t, err)
		if i == 0 {
			first = d
		}
	}
	n := 0
	for _, err := range s.Opportunities(ctx) {
		require.NoError(t, err)
		n++
		break
	}
	assert.Equal(t, 1, n)
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err = s.Deals().Get(tctx, first.ID)
	require.NoError(t, err, "the connection is back in the pool")

	cctx, cancelNow := context.WithCancel(ctx)
	var errs []error
	for _, err := range s.Opportunities(cctx) {
		errs = append(errs, err)
		if err == nil {
			cancelNow()
		}
	}
	cancelNow()
	require.NotEmpty(t, errs)
	assert.Error(t, errs[len(errs)-1], "a cancelled stream ends with an error")

	var zero postgres.Store
	got := 0
	for o, err := range zero.Opportunities(ctx) {
		got++
		assert.Error(t, err)
		assert.Equal(t, crmkit.Money{}, o.Amount)
	}
	assert.Equal(t, 1, got)
}
