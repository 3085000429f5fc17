package storage_test

import (
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLiveGroupOf(t *testing.T) {
	// Three won deals in stage 2 of ana's, created in March 2025, worth
	// 1,234.56 EUR in all: reached stages 0, 1 and 2 as OpportunityOf says.
	g, err := storage.LiveGroupOf(2, "won", "ana", "2025-03", "EUR", 3, 123456)
	require.NoError(t, err)
	assert.Equal(t, funnel.LiveGroup{Key: funnel.LiveKey{Reached: 7, Stage: 2, Status: funnel.ClosedWon, Owner: "ana",
		Month: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Currency: crmkit.MustCurrency("EUR")},
		Count: 3, Amount: crmkit.MustMoney("1234.56", "EUR")}, g)

	g, err = storage.LiveGroupOf(0, "suspended", "ben", "0001-01", "", 1, 0)
	require.NoError(t, err)
	assert.Equal(t, funnel.Paused, g.Key.Status)
	assert.True(t, g.Key.Currency.IsZero())

	for name, c := range map[string]struct {
		status, month, cur string
		minor              int64
	}{
		"status":              {"finished", "2025-03", "EUR", 1},
		"month":               {"won", "2025-13", "EUR", 1},
		"currency":            {"won", "2025-03", "EURO", 1},
		"amount, no currency": {"won", "2025-03", "", 5},
	} {
		_, err := storage.LiveGroupOf(1, c.status, "ana", c.month, c.cur, 1, c.minor)
		assert.ErrorIs(t, err, crmkit.ErrUnavailable, name)
	}
}
