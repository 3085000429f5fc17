package kpi_test

import (
	"math"
	"testing"

	"github.com/crmkit/crmkit/kpi"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestConversionRate(t *testing.T) {
	tests := []struct {
		converted, total int64
		want             string
	}{
		{84, 1200, "0.07"},
		{0, 5, "0"},
		{5, 5, "1"},
		{1, 3, "0.3333333333333333"},
		{2, 3, "0.6666666666666667"},
		// 1/2^17 = 0.00000762939453125 exactly: a tie at the 17th place;
		// half to even keeps the even 2.
		{1, 131072, "0.0000076293945312"},
		// 3/2^17 = 0.00002288818359375: a tie, the odd 7 rounds up to 8.
		{3, 131072, "0.0000228881835938"},
		{131071, 131072, "0.9999923706054688"},
		{math.MaxInt64, math.MaxInt64, "1"},
		{1, math.MaxInt64, "0.0000000000000000"},
	}
	for _, tt := range tests {
		got, err := kpi.ConversionRate(tt.converted, tt.total)
		require.NoError(t, err, "%d/%d", tt.converted, tt.total)
		assertDec(t, tt.want, got, tt.converted, tt.total)
	}
}

func TestConversionRateInvalid(t *testing.T) {
	tests := []struct {
		converted, total int64
		field            string
	}{
		{-1, 5, "converted"},
		{1, -5, "total"},
		{0, 0, "total"},
		{6, 5, "converted"},
		{math.MinInt64, 1, "converted"},
	}
	for _, tt := range tests {
		_, err := kpi.ConversionRate(tt.converted, tt.total)
		requireInvalid(t, err, tt.field)
	}
}

func TestWinRate(t *testing.T) {
	tests := []struct {
		won, lost int64
		want      string
	}{
		{3, 1, "0.75"},
		{0, 4, "0"},
		{4, 0, "1"},
		{1, 2, "0.3333333333333333"},
		{2, 1, "0.6666666666666667"},
		// won + lost overflows int64; the sum is taken exactly.
		{math.MaxInt64, math.MaxInt64, "0.5"},
	}
	for _, tt := range tests {
		got, err := kpi.WinRate(tt.won, tt.lost)
		require.NoError(t, err)
		assertDec(t, tt.want, got, tt.won, tt.lost)
	}
	_, err := kpi.WinRate(-1, 3)
	requireInvalid(t, err, "won")
	_, err = kpi.WinRate(3, -1)
	requireInvalid(t, err, "lost")
	_, err = kpi.WinRate(0, 0)
	requireInvalid(t, err, "won, lost")
}

func TestRepeatPurchaseRateAndCrossSellRatio(t *testing.T) {
	r, err := kpi.RepeatPurchaseRate(27, 90)
	require.NoError(t, err)
	assertDec(t, "0.3", r)
	_, err = kpi.RepeatPurchaseRate(91, 90)
	requireInvalid(t, err, "repeatCustomers")
	_, err = kpi.RepeatPurchaseRate(0, 0)
	requireInvalid(t, err, "customers")
	_, err = kpi.RepeatPurchaseRate(-2, 10)
	requireInvalid(t, err, "repeatCustomers")

	r, err = kpi.CrossSellRatio(320, 800)
	require.NoError(t, err)
	assertDec(t, "0.4", r)
	_, err = kpi.CrossSellRatio(801, 800)
	requireInvalid(t, err, "crossSold")
	_, err = kpi.CrossSellRatio(1, -800)
	requireInvalid(t, err, "customers")
}

// shares are the KPIs of the form part/whole with 0 <= part <= whole.
var shares = map[string]func(part, whole int64) (decimal.Decimal, error){
	"ConversionRate":     kpi.ConversionRate,
	"RepeatPurchaseRate": kpi.RepeatPurchaseRate,
	"CrossSellRatio":     kpi.CrossSellRatio,
	"LogoChurn":          func(part, whole int64) (decimal.Decimal, error) { return kpi.LogoChurn(whole, part) },
}

func TestSharesProperties(t *testing.T) {
	for name, f := range shares {
		t.Run(name, func(t *testing.T) {
			rapid.Check(t, func(t *rapid.T) {
				whole := rapid.OneOf(rapid.Int64Range(1, 1000), rapid.Int64Range(1, math.MaxInt64)).Draw(t, "whole")
				part := rapid.Int64Range(0, whole).Draw(t, "part")
				r, err := f(part, whole)
				if err != nil {
					t.Fatalf("%d/%d: %v", part, whole, err)
				}
				if !inUnit(r) {
					t.Fatalf("%d/%d = %s outside [0, 1]", part, whole, r)
				}
				// Below 10^15 items, part/whole > ulp whenever part > 0.
				if whole <= 1e15 && r.IsZero() != (part == 0) {
					t.Fatalf("%d/%d = %s: zero iff part is zero", part, whole, r)
				}
				if whole <= 1e15 && r.Equal(decimal.NewFromInt(1)) != (part == whole) {
					t.Fatalf("%d/%d = 1", part, whole)
				}
				// Correctly rounded: |r·whole − part| <= whole·ulp/2.
				errAbs := r.Mul(decimal.NewFromInt(whole)).Sub(decimal.NewFromInt(part)).Abs()
				if errAbs.GreaterThan(decimal.NewFromInt(whole).Mul(ulp).Div(decimal.NewFromInt(2))) {
					t.Fatalf("%d/%d = %s is not the nearest 16-place decimal", part, whole, r)
				}
				// Complement: part/whole + (whole−part)/whole = 1 exactly.
				c, err := f(whole-part, whole)
				if err != nil {
					t.Fatal(err)
				}
				if !r.Add(c).Equal(decimal.NewFromInt(1)) {
					t.Fatalf("%d/%d + %d/%d = %s + %s != 1", part, whole, whole-part, whole, r, c)
				}
				// Monotone in the part.
				if part < whole {
					next, err := f(part+1, whole)
					if err != nil {
						t.Fatal(err)
					}
					if next.LessThan(r) {
						t.Fatalf("(%d+1)/%d = %s < %s", part, whole, next, r)
					}
				}
				// A part above the whole is rejected.
				if whole < math.MaxInt64 {
					if _, err := f(whole+1, whole); err == nil {
						t.Fatalf("%d/%d accepted", whole+1, whole)
					}
				}
			})
		})
	}
}

func TestWinRateProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		won := rapid.Int64Range(0, math.MaxInt64).Draw(t, "won")
		lost := rapid.Int64Range(0, math.MaxInt64).Draw(t, "lost")
		if won == 0 && lost == 0 {
			lost = 1
		}
		w, err := kpi.WinRate(won, lost)
		if err != nil {
			t.Fatal(err)
		}
		l, err := kpi.WinRate(lost, won)
		if err != nil {
			t.Fatal(err)
		}
		if !inUnit(w) {
			t.Fatalf("win rate %s outside [0, 1]", w)
		}
		if !w.Add(l).Equal(decimal.NewFromInt(1)) {
			t.Fatalf("win rate %s + loss rate %s != 1", w, l)
		}
	})
}

func TestNegativeCountsRejected(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		neg := rapid.Int64Range(math.MinInt64, -1).Draw(t, "neg")
		pos := rapid.Int64Range(1, math.MaxInt64).Draw(t, "pos")
		for name, f := range shares {
			if _, err := f(neg, pos); err == nil {
				t.Fatalf("%s(%d, %d) accepted", name, neg, pos)
			}
			if _, err := f(0, neg); err == nil {
				t.Fatalf("%s(0, %d) accepted", name, neg)
			}
		}
		if _, err := kpi.WinRate(neg, pos); err == nil {
			t.Fatal("WinRate with negative won accepted")
		}
		if _, err := kpi.GrowthCount(neg, pos); err == nil {
			t.Fatal("GrowthCount with negative current accepted")
		}
		if _, err := kpi.AttainmentCount(neg, pos); err == nil {
			t.Fatal("AttainmentCount with negative actual accepted")
		}
		if _, err := kpi.RetentionRate(pos, neg, 0); err == nil {
			t.Fatal("RetentionRate with negative end accepted")
		}
	})
}
