package kpi_test

import (
	"math"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/kpi"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

type costFunc func(crmkit.Money, int64, crmkit.RoundingMode) (crmkit.Money, error)

func TestCostPer(t *testing.T) {
	tests := []struct {
		name  string
		f     costFunc
		spend crmkit.Money
		n     int64
		mode  crmkit.RoundingMode
		want  crmkit.Money
	}{
		{"CostPerLead", kpi.CostPerLead, eur("42000"), 1200, crmkit.RoundHalfEven, eur("35")},
		{"CostPerLead", kpi.CostPerLead, eur("1000"), 300, crmkit.RoundHalfEven, eur("3.33")},
		{"CostPerLead", kpi.CostPerLead, eur("1000"), 300, crmkit.RoundCeiling, eur("3.34")},
		{"CostPerLead", kpi.CostPerLead, eur("0"), 10, crmkit.RoundHalfEven, eur("0")},
		{"CostPerOpportunity", kpi.CostPerOpportunity, eur("5000"), 40, crmkit.RoundHalfEven, eur("125")},
		{"CostPerOpportunity", kpi.CostPerOpportunity, usd("1000"), 6, crmkit.RoundHalfUp, usd("166.67")},
		{"CAC", kpi.CAC, eur("42000"), 84, crmkit.RoundHalfEven, eur("500")},
		{"CAC", kpi.CAC, eur("100"), 8, crmkit.RoundHalfEven, eur("12.5")},
		{"CAC", kpi.CAC, eur("0.01"), 2, crmkit.RoundHalfEven, eur("0")}, // half a cent, to even
		{"CAC", kpi.CAC, eur("0.03"), 2, crmkit.RoundHalfEven, eur("0.02")},
		{"CAC", kpi.CAC, eur("0.01"), 2, crmkit.RoundCeiling, eur("0.01")},
		{"CAC", kpi.CAC, eur("0.01"), 2, crmkit.RoundDown, eur("0")},
	}
	for _, tt := range tests {
		got, err := tt.f(tt.spend, tt.n, tt.mode)
		require.NoError(t, err, tt.name)
		assert.True(t, got.Equal(tt.want), "%s(%s, %d, %s): want %s, got %s", tt.name, tt.spend, tt.n, tt.mode, tt.want, got)
	}
}

func TestCostPerInvalid(t *testing.T) {
	fs := []struct {
		name  string
		f     costFunc
		count string
	}{
		{"CostPerLead", kpi.CostPerLead, "leads"},
		{"CostPerOpportunity", kpi.CostPerOpportunity, "opportunities"},
		{"CAC", kpi.CAC, "newCustomers"},
	}
	for _, tt := range fs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.f(eur("100"), 0, crmkit.RoundHalfEven)
			requireInvalid(t, err, tt.count)
			_, err = tt.f(eur("100"), -1, crmkit.RoundHalfEven)
			requireInvalid(t, err, tt.count)
			_, err = tt.f(eur("-100"), 5, crmkit.RoundHalfEven)
			requireInvalid(t, err, "spend")
			_, err = tt.f(crmkit.Money{}, 5, crmkit.RoundHalfEven)
			requireInvalid(t, err, "spend")
			_, err = tt.f(eur("100"), 5, crmkit.RoundingMode(99))
			requireInvalid(t, err, "rounding mode")
		})
	}
}

func TestCostPerProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spend := drawEUR(t, 0, math.MaxInt64, "spend")
		n := rapid.Int64Range(1, math.MaxInt64).Draw(t, "n")
		floor, err := kpi.CAC(spend, n, crmkit.RoundFloor)
		if err != nil {
			t.Fatal(err)
		}
		ceil, err := kpi.CAC(spend, n, crmkit.RoundCeiling)
		if err != nil {
			t.Fatal(err)
		}
		near, err := kpi.CostPerLead(spend, n, crmkit.RoundHalfEven)
		if err != nil {
			t.Fatal(err)
		}
		// floor·n <= spend <= ceil·n, ceil − floor is 0 or 1 minor unit
		// (0 exactly when n divides spend), nearest is one of the two.
		exact := spend.Minor()%n == 0
		gap := ceil.Minor() - floor.Minor()
		if (exact && gap != 0) || (!exact && gap != 1) {
			t.Fatalf("%s/%d: floor %s, ceil %s", spend, n, floor, ceil)
		}
		if floor.Minor() != spend.Minor()/n {
			t.Fatalf("%s/%d: floor %s", spend, n, floor)
		}
		if near != floor && near != ceil {
			t.Fatalf("%s/%d: nearest %s not in {%s, %s}", spend, n, near, floor, ceil)
		}
	})
}

func TestCACPaybackMonths(t *testing.T) {
	tests := []struct {
		cac, mrr crmkit.Money
		margin   string
		want     string
	}{
		{eur("500"), eur("250"), "0.8", "2.5"},
		{eur("1000"), eur("100"), "1", "10"},
		{eur("100"), eur("30"), "1", "3.3333333333333333"},
		{eur("0"), eur("30"), "0.5", "0"},
		{eur("12000"), eur("1000"), "0.75", "16"},
	}
	for _, tt := range tests {
		got, err := kpi.CACPaybackMonths(tt.cac, tt.mrr, d(tt.margin))
		require.NoError(t, err)
		assertDec(t, tt.want, got, tt.cac, tt.mrr, tt.margin)
	}
	_, err := kpi.CACPaybackMonths(eur("500"), eur("250"), d("0"))
	requireInvalid(t, err, "grossMargin")
	_, err = kpi.CACPaybackMonths(eur("500"), eur("250"), d("-0.1"))
	requireInvalid(t, err, "grossMargin")
	_, err = kpi.CACPaybackMonths(eur("500"), eur("250"), d("1.01"))
	requireInvalid(t, err, "grossMargin")
	_, err = kpi.CACPaybackMonths(eur("500"), eur("0"), d("0.8"))
	requireInvalid(t, err, "monthlyRevenue")
	_, err = kpi.CACPaybackMonths(eur("500"), eur("-1"), d("0.8"))
	requireInvalid(t, err, "monthlyRevenue")
	_, err = kpi.CACPaybackMonths(eur("-500"), eur("250"), d("0.8"))
	requireInvalid(t, err, "cac")
	_, err = kpi.CACPaybackMonths(eur("500"), usd("250"), d("0.8"))
	requireMismatch(t, err)
}

func TestCampaignROI(t *testing.T) {
	tests := []struct {
		ret, cost crmkit.Money
		want      string
	}{
		{eur("15000"), eur("10000"), "0.5"},
		{eur("0"), eur("10000"), "-1"},
		{crmkit.Money{}, eur("10000"), "-1"},
		{eur("10000"), eur("10000"), "0"},
		{eur("1"), eur("3"), "-0.6666666666666667"},
		{eur("40000"), eur("8000"), "4"},
	}
	for _, tt := range tests {
		got, err := kpi.CampaignROI(tt.ret, tt.cost)
		require.NoError(t, err)
		assertDec(t, tt.want, got, tt.ret, tt.cost)
	}
	_, err := kpi.CampaignROI(eur("100"), eur("0"))
	requireInvalid(t, err, "cost")
	_, err = kpi.CampaignROI(eur("100"), crmkit.Money{})
	requireInvalid(t, err, "cost")
	_, err = kpi.CampaignROI(eur("-100"), eur("10"))
	requireInvalid(t, err, "attributedReturn")
	_, err = kpi.CampaignROI(usd("100"), eur("10"))
	requireMismatch(t, err)
}

func TestCampaignROIProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cost := drawEUR(t, 1, math.MaxInt64, "cost")
		ret := drawEUR(t, 0, math.MaxInt64, "return")
		roi, err := kpi.CampaignROI(ret, cost)
		if err != nil {
			t.Fatal(err)
		}
		// ROI >= −1, and its sign is the sign of return − cost.
		if roi.LessThan(decimal.NewFromInt(-1)) {
			t.Fatalf("roi %s < -1", roi)
		}
		cmp, _ := ret.Cmp(cost)
		if cost.Minor() < 1e15 && roi.Sign() != cmp {
			t.Fatalf("roi %s of %s on %s has the wrong sign", roi, ret, cost)
		}
		self, err := kpi.CampaignROI(cost, cost)
		if err != nil || !self.IsZero() {
			t.Fatalf("break-even roi %s %v", self, err)
		}
	})
}
