package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A reporting currency is converted by funnel with Go rates: the
// Aggregator declines it, and SummarizeSource scans instead.
func TestAggregateFunnelDeclinesReportingCurrency(t *testing.T) {
	s, err := newDB(t).Tenant("reporting")
	require.NoError(t, err)
	q := funnel.Query{AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Quantiles: crmkit.QuantilesNone,
		Reporting: funnel.Reporting{Currency: crmkit.MustCurrency("EUR"), Rates: &crmkit.RateTable{}, Rounding: crmkit.RoundHalfEven}}
	_, err = s.AggregateFunnel(context.Background(), deal.DefaultPipeline(), q)
	assert.True(t, errors.Is(err, errors.ErrUnsupported), "got %v", err)
	rep, err := funnel.SummarizeSource(context.Background(), deal.DefaultPipeline(), s, q)
	require.NoError(t, err, "scanned instead")
	assert.Equal(t, int64(0), rep.Total.Entities)
}
