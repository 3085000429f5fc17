package storage_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// A position decodes to the count it was made from, for its own tenant
// only; the zero Position is 0 for every tenant.
func TestPositionRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		tenant := rapid.StringN(1, 40, -1).Draw(t, "tenant")
		other := rapid.StringN(1, 40, -1).Filter(func(s string) bool { return s != tenant }).Draw(t, "other")
		n := rapid.Int64Range(0, 1<<62).Draw(t, "n")
		p := storage.EncodePosition(tenant, n)
		got, err := storage.DecodePosition(tenant, p)
		require.NoError(t, err)
		assert.Equal(t, n, got)
		_, err = storage.DecodePosition(other, p)
		if n == 0 {
			assert.NoError(t, err, "the start is every tenant's")
		} else {
			assert.ErrorIs(t, err, crmkit.ErrInvalid, "another tenant's position")
		}
	})
}

// Anything that is not a position EncodePosition made is refused: a
// decoded position always encodes back to itself.
func TestPositionMalformed(t *testing.T) {
	for _, p := range []storage.Position{"x", "AQ", "not a position at all!!", storage.EncodePosition("acme", 7) + "A"} {
		_, err := storage.DecodePosition("acme", p)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%q", p)
	}
	rapid.Check(t, func(t *rapid.T) {
		p := storage.Position(rapid.String().Draw(t, "p"))
		n, err := storage.DecodePosition("acme", p)
		if err == nil {
			assert.Equal(t, p, storage.EncodePosition("acme", n))
		} else {
			assert.ErrorIs(t, err, crmkit.ErrInvalid)
		}
	})
}

// EncodePosition of a negative count is the start.
func TestPositionNegative(t *testing.T) {
	assert.Equal(t, storage.Position(""), storage.EncodePosition("acme", -3))
}

// ParkReason keeps what a store can hold: valid UTF-8 without NUL, at
// most MaxTextLen bytes, and a prefix of the text otherwise unchanged.
func TestParkReason(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := rapid.StringN(0, storage.MaxTextLen+50, -1).Draw(t, "reason")
		got := storage.ParkReason(in)
		assert.True(t, utf8.ValidString(got))
		assert.NotContains(t, got, "\x00")
		assert.LessOrEqual(t, len(got), storage.MaxTextLen)
		clean := strings.ReplaceAll(in, "\x00", " ")
		if utf8.ValidString(in) {
			assert.True(t, strings.HasPrefix(clean, got), "a prefix of the text")
		}
	})
	// 4096 bytes of 2-byte runes and one more: cut at a rune boundary.
	long := strings.Repeat("é", storage.MaxTextLen/2) + "é"
	assert.Equal(t, strings.Repeat("é", storage.MaxTextLen/2), storage.ParkReason(long))
}

// ValidateBatch: 0 is the default page size, 1..MaxPageSize as given,
// anything else invalid.
func TestValidateBatch(t *testing.T) {
	for in, want := range map[int]int{0: storage.DefaultPageSize, 1: 1, storage.MaxPageSize: storage.MaxPageSize} {
		got, err := storage.ValidateBatch(in)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	for _, in := range []int{-1, storage.MaxPageSize + 1} {
		_, err := storage.ValidateBatch(in)
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
	}
}

// Guard turns a panic into a *PanicError matching crmkit.ErrInvalid.
func TestPanicError(t *testing.T) {
	err := storage.Guard(func() error { panic("boom") })
	var pe *storage.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "boom", pe.Value)
	assert.NotEmpty(t, pe.Stack)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, "feed handler panicked: boom", err.Error())
	assert.NoError(t, storage.Guard(func() error { return nil }))
}
