package crmkit_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestRateTableAndConvert(t *testing.T) {
	ctx := context.Background()
	var rt crmkit.RateTable
	require.NoError(t, rt.Set(eur, usd, day(2026, 1, 1), decimal.RequireFromString("1.10")))
	require.NoError(t, rt.Set(eur, usd, day(2026, 3, 1), decimal.RequireFromString("1.20")))
	require.NoError(t, rt.Set(usd, jpy, day(2026, 1, 1), decimal.RequireFromString("150")))

	hundred := crmkit.MustMoney("100.00", "EUR")
	got, err := crmkit.Convert(ctx, &rt, hundred, usd, day(2026, 2, 15), crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, "110.00 USD", got.String(), "the January rate is in force in February")

	got, err = crmkit.Convert(ctx, &rt, hundred, usd, day(2026, 3, 1), crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, "120.00 USD", got.String(), "a rate is in force from its own date")

	// Reverse pair answered by the inverse: 120 USD at 1/1.2 = 100 EUR.
	got, err = crmkit.Convert(ctx, &rt, crmkit.MustMoney("120", "USD"), eur, day(2026, 4, 1), crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, "100.00 EUR", got.String())

	// Minor-unit digits differ: 1.23 USD * 150 = 184.5 JPY -> 184 (half-even).
	got, err = crmkit.Convert(ctx, &rt, crmkit.MustMoney("1.23", "USD"), jpy, day(2026, 1, 2), crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, "184 JPY", got.String())

	same, err := crmkit.Convert(ctx, &rt, hundred, eur, day(2000, 1, 1), crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.True(t, same.Equal(hundred))

	_, err = crmkit.Convert(ctx, &rt, hundred, usd, day(2025, 12, 31), crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrNotFound, "no rate before the first one")
	_, err = crmkit.Convert(ctx, &rt, hundred, kwd, day(2026, 5, 1), crmkit.RoundHalfEven)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	_, err = crmkit.Convert(ctx, &rt, hundred, usd, day(2026, 5, 1), 0)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = crmkit.Convert(cancelled, &rt, hundred, usd, day(2026, 5, 1), crmkit.RoundHalfEven)
	assert.True(t, errors.Is(err, context.Canceled))
}

func TestRateTableRejects(t *testing.T) {
	var rt crmkit.RateTable
	assert.ErrorIs(t, rt.Set(eur, eur, day(2026, 1, 1), decimal.NewFromInt(1)), crmkit.ErrInvalid)
	assert.ErrorIs(t, rt.Set(eur, usd, day(2026, 1, 1), decimal.Zero), crmkit.ErrInvalid)
	assert.ErrorIs(t, rt.Set(eur, usd, day(2026, 1, 1), decimal.NewFromInt(-2)), crmkit.ErrInvalid)
	assert.ErrorIs(t, rt.Set(crmkit.Currency{}, usd, day(2026, 1, 1), decimal.NewFromInt(2)), crmkit.ErrInvalid)
	assert.ErrorIs(t, rt.Set(eur, usd, time.Time{}, decimal.NewFromInt(2)), crmkit.ErrInvalid)
	_, err := rt.Rate(context.Background(), eur, usd, day(2026, 1, 1))
	assert.ErrorIs(t, err, crmkit.ErrNotFound, "nothing was stored by the rejected calls")
}

func TestRateTableConcurrent(t *testing.T) {
	var rt crmkit.RateTable
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range 50 {
				_ = rt.Set(eur, usd, day(2026, 1, 1+d), decimal.NewFromInt(int64(i+1)))
				_, _ = rt.Rate(context.Background(), usd, eur, day(2026, 2, 1))
			}
		}()
	}
	wg.Wait()
	r, err := rt.Rate(context.Background(), eur, usd, day(2026, 1, 50))
	require.NoError(t, err)
	assert.True(t, r.IsPositive())
}

// A cancelled context stops Rate with an error matching both the context's
// error and ErrUnavailable (one root sentinel), as a store's does.
func TestRateCancelledContext(t *testing.T) {
	var rt crmkit.RateTable
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := rt.Rate(ctx, crmkit.MustCurrency("EUR"), crmkit.MustCurrency("USD"), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, crmkit.ErrUnavailable)
	require.NotErrorIs(t, err, crmkit.ErrInvalid)
}
