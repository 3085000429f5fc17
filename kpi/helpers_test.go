package kpi_test

import (
	"errors"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var (
	eurCur = crmkit.MustCurrency("EUR")
	// ulp is one unit in the last place of a ratio (crmkit.RatioPlaces = 16).
	ulp = decimal.New(1, -16)
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func eur(s string) crmkit.Money { return crmkit.MustMoney(s, "EUR") }

func usd(s string) crmkit.Money { return crmkit.MustMoney(s, "USD") }

func minorEUR(n int64) crmkit.Money {
	m, err := crmkit.NewMoney(n, eurCur)
	if err != nil {
		panic(err)
	}
	return m
}

// assertDec checks a decimal result by value (1.50 equals 1.5).
func assertDec(t testing.TB, want string, got decimal.Decimal, msgAndArgs ...any) {
	t.Helper()
	assert.Truef(t, d(want).Equal(got), "want %s, got %s %v", want, got, msgAndArgs)
}

// requireInvalid checks that err matches crmkit.ErrInvalid and names field.
func requireInvalid(t testing.TB, err error, field string) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	var ve *crmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, field, ve.Field, "error %q", err)
	assert.Contains(t, err.Error(), field)
}

// requireMismatch checks that err matches crmkit.ErrCurrencyMismatch and not ErrInvalid.
func requireMismatch(t testing.TB, err error) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	assert.False(t, errors.Is(err, crmkit.ErrInvalid), "error %q", err)
}

// drawEUR draws an amount of EUR minor units in [lo, hi].
func drawEUR(t *rapid.T, lo, hi int64, label string) crmkit.Money {
	return minorEUR(rapid.Int64Range(lo, hi).Draw(t, label))
}

// inUnit reports whether 0 <= r <= 1.
func inUnit(r decimal.Decimal) bool { return r.Sign() >= 0 && r.LessThanOrEqual(decimal.NewFromInt(1)) }
