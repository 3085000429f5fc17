package crmkit_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"

	"github.com/crmkit/crmkit"
)

// TestNilReceivers: the root types with pointer methods answer a nil
// receiver with a zero answer or an error matching ErrInvalid, never a
// panic (issue 16; internal/harness sweeps every method the same way).
func TestNilReceivers(t *testing.T) {
	var e *crmkit.Enum[uint8]
	assert.False(t, e.Valid(1))
	assert.Nil(t, e.Values())
	assert.Nil(t, e.Index())
	assert.Equal(t, "Enum(3)", e.String(3))
	_, err := e.Parse("open")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = e.MarshalText(1)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	var v uint8
	assert.ErrorIs(t, e.UnmarshalText([]byte("open"), &v), crmkit.ErrInvalid)

	var f *crmkit.Flags[uint8]
	assert.True(t, f.Valid(0))
	assert.False(t, f.Valid(1))
	assert.Equal(t, crmkit.NoFlags, f.String(0))
	// Bit 0x5 is undeclared in a nil table: shown as Flags(0x5).
	assert.Equal(t, "Flags(0x5)", f.String(5))
	assert.Empty(t, f.Names(5))
	got, err := f.Parse(crmkit.NoFlags)
	assert.NoError(t, err)
	assert.Zero(t, got)
	_, err = f.Parse("customer")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = f.MarshalText(1)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.ErrorIs(t, f.UnmarshalText([]byte("customer"), &v), crmkit.ErrInvalid)

	var c *crmkit.FakeClock
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	c.Set(at)
	assert.True(t, c.Now().IsZero())
	assert.True(t, c.Advance(time.Hour).IsZero())

	var m *crmkit.Money
	assert.ErrorIs(t, m.Scan("1.00 EUR"), crmkit.ErrInvalid)

	var rt *crmkit.RateTable
	eur, usd := crmkit.MustCurrency("EUR"), crmkit.MustCurrency("USD")
	assert.ErrorIs(t, rt.Set(eur, usd, at, decimal.New(11, -1)), crmkit.ErrInvalid)
	_, err = rt.Rate(context.Background(), eur, usd, at)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	//lint:ignore SA1012 a nil context is the input under test
	_, err = new(crmkit.RateTable).Rate(nil, eur, usd, at)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	var ve *crmkit.ValidationError
	assert.Equal(t, "invalid input", ve.Error())
}
