package crmkit_test

import (
	"errors"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
)

func TestCheckFraction(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"0", true}, {"0.25", true}, {"1", true}, {"1.000", true}, {"0.5e0", true},
		{"0.00000000000000000001", true},        // 20 places
		{"0.100000000000000000000000000", true}, // 27 places, 26 of them trailing zeros
		{"0.000000000000000000001", false},      // 21 significant places
		{"25", false}, {"1.0000000001", false}, {"-0.01", false}, {"10", false}, {"1e1", false},
		{"-0", true}, // decimal has no negative zero
	} {
		err := crmkit.CheckFraction("probability", decimal.RequireFromString(tc.in))
		if tc.ok {
			assert.NoError(t, err, tc.in)
			continue
		}
		require.ErrorIs(t, err, crmkit.ErrInvalid, tc.in)
		var ve *crmkit.ValidationError
		require.True(t, errors.As(err, &ve), tc.in)
		assert.Equal(t, "probability", ve.Field, tc.in)
	}
	// A huge negative exponent is refused without rescaling.
	assert.ErrorIs(t, crmkit.CheckFraction("p", decimal.New(1, -1_000_000_000)), crmkit.ErrInvalid)
	assert.ErrorIs(t, crmkit.CheckFraction("p", decimal.New(1, 1_000_000_000)), crmkit.ErrInvalid)
}

// TestPropertyCheckFraction: CheckFraction accepts exactly the decimals in
// [0, 1] with at most 20 significant places, judged here by exact rational
// arithmetic (big.Rat), a second method.
func TestPropertyCheckFraction(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		coef := rapid.Int64Range(-3_000_000, 3_000_000).Draw(t, "coefficient")
		exp := rapid.Int32Range(-30, 3).Draw(t, "exponent")
		d := decimal.New(coef, exp)
		r := new(big.Rat).SetInt64(coef)
		scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs32(exp))), nil))
		if exp < 0 {
			r.Quo(r, scale)
		} else {
			r.Mul(r, scale)
		}
		inRange := r.Sign() >= 0 && r.Cmp(big.NewRat(1, 1)) <= 0
		// At most 20 places: r * 10^20 is an integer.
		scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(20), nil)))
		err := crmkit.CheckFraction("rate", d)
		if inRange && scaled.IsInt() {
			if err != nil {
				t.Fatalf("%s refused: %v", d, err)
			}
		} else if !errors.Is(err, crmkit.ErrInvalid) {
			t.Fatalf("%s accepted (err %v)", d, err)
		}
	})
}

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}
