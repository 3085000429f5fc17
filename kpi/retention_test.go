package kpi_test

import (
	"math"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/kpi"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestRetentionRate(t *testing.T) {
	tests := []struct {
		start, end, acquired int64
		want                 string
	}{
		{200, 190, 30, "0.8"}, // 160 of 200 stayed
		{100, 100, 0, "1"},
		{100, 120, 20, "1"}, // all 100 retained
		{100, 20, 20, "0"},
		{3, 1, 0, "0.3333333333333333"},
		{131072, 131071, 0, "0.9999923706054688"},
	}
	for _, tt := range tests {
		got, err := kpi.RetentionRate(tt.start, tt.end, tt.acquired)
		require.NoError(t, err)
		assertDec(t, tt.want, got, tt.start, tt.end, tt.acquired)
	}
	bad := []struct {
		start, end, acquired int64
		field                string
	}{
		{0, 10, 10, "start"},
		{-5, 10, 10, "start"},
		{100, -1, 0, "end"},
		{100, 10, -1, "acquired"},
		{100, 10, 20, "acquired"}, // more acquired than customers at end
		{100, 150, 20, "end"},     // 130 retained of 100
		{100, 121, 20, "end"},     // 101 retained of 100
		{0, 0, 0, "start"},
	}
	for _, tt := range bad {
		_, err := kpi.RetentionRate(tt.start, tt.end, tt.acquired)
		requireInvalid(t, err, tt.field)
	}
}

func TestLogoChurn(t *testing.T) {
	tests := []struct {
		start, lost int64
		want        string
	}{
		{200, 40, "0.2"},
		{3, 2, "0.6666666666666667"},
		{131072, 1, "0.0000076293945312"},
		{10, 0, "0"},
		{10, 10, "1"},
	}
	for _, tt := range tests {
		got, err := kpi.LogoChurn(tt.start, tt.lost)
		require.NoError(t, err)
		assertDec(t, tt.want, got, tt.start, tt.lost)
	}
	_, err := kpi.LogoChurn(10, 11)
	requireInvalid(t, err, "lost")
	_, err = kpi.LogoChurn(0, 0)
	requireInvalid(t, err, "start")
	_, err = kpi.LogoChurn(10, -1)
	requireInvalid(t, err, "lost")
}

func TestRetentionPlusChurnIsOne(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		start := rapid.OneOf(rapid.Int64Range(1, 300000), rapid.Int64Range(1, math.MaxInt64/2)).Draw(t, "start")
		lost := rapid.Int64Range(0, start).Draw(t, "lost")
		acquired := rapid.Int64Range(0, math.MaxInt64/2).Draw(t, "acquired")
		end := start - lost + acquired
		r, err := kpi.RetentionRate(start, end, acquired)
		if err != nil {
			t.Fatal(err)
		}
		c, err := kpi.LogoChurn(start, lost)
		if err != nil {
			t.Fatal(err)
		}
		if !inUnit(r) || !inUnit(c) {
			t.Fatalf("retention %s, churn %s outside [0, 1]", r, c)
		}
		if !r.Add(c).Equal(decimal.NewFromInt(1)) {
			t.Fatalf("retention %s + churn %s != 1 (start %d, lost %d)", r, c, start, lost)
		}
	})
}

var bridge = kpi.RevenueBridge{
	Start:       eur("100000"),
	Expansion:   eur("18000"),
	Contraction: eur("3000"),
	Churned:     eur("7000"),
}

func TestRevenueRetention(t *testing.T) {
	tests := []struct {
		name                              string
		b                                 kpi.RevenueBridge
		nrr, grr, revenueChurn, expansion string
	}{
		{"grown", bridge, "1.08", "0.9", "0.1", "0.18"},
		{"no movement", kpi.RevenueBridge{Start: eur("500")}, "1", "1", "0", "0"},
		{"thirds", kpi.RevenueBridge{Start: eur("300"), Contraction: eur("100")},
			"0.6666666666666667", "0.6666666666666667", "0.3333333333333333", "0"},
		{"all lost, some expansion first", kpi.RevenueBridge{Start: eur("1000"), Expansion: eur("250"), Contraction: eur("400"), Churned: eur("600")},
			"0.25", "0", "1", "0.25"},
		{"doubled", kpi.RevenueBridge{Start: eur("1000"), Expansion: eur("1500"), Churned: eur("500")},
			"2", "0.5", "0.5", "1.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nrr, err := kpi.NRR(tt.b)
			require.NoError(t, err)
			assertDec(t, tt.nrr, nrr, "nrr")
			grr, err := kpi.GRR(tt.b)
			require.NoError(t, err)
			assertDec(t, tt.grr, grr, "grr")
			rc, err := kpi.RevenueChurn(tt.b)
			require.NoError(t, err)
			assertDec(t, tt.revenueChurn, rc, "revenue churn")
			ex, err := kpi.ExpansionRate(tt.b)
			require.NoError(t, err)
			assertDec(t, tt.expansion, ex, "expansion")
		})
	}
}

func TestRevenueBridgeInvalid(t *testing.T) {
	fs := map[string]func(kpi.RevenueBridge) (decimal.Decimal, error){
		"NRR": kpi.NRR, "GRR": kpi.GRR, "RevenueChurn": kpi.RevenueChurn, "ExpansionRate": kpi.ExpansionRate,
	}
	bad := []struct {
		name  string
		b     kpi.RevenueBridge
		field string
	}{
		{"zero start", kpi.RevenueBridge{Start: eur("0")}, "Start"},
		{"no start", kpi.RevenueBridge{}, "Start"},
		{"negative start", kpi.RevenueBridge{Start: eur("-1")}, "Start"},
		{"negative expansion", kpi.RevenueBridge{Start: eur("10"), Expansion: eur("-1")}, "Expansion"},
		{"negative contraction", kpi.RevenueBridge{Start: eur("10"), Contraction: eur("-1")}, "Contraction"},
		{"negative churned", kpi.RevenueBridge{Start: eur("10"), Churned: eur("-1")}, "Churned"},
		{"lost more than start", kpi.RevenueBridge{Start: eur("10"), Contraction: eur("4"), Churned: eur("6.01")}, "Churned"},
	}
	for name, f := range fs {
		t.Run(name, func(t *testing.T) {
			for _, tt := range bad {
				_, err := f(tt.b)
				requireInvalid(t, err, tt.field)
			}
			_, err := f(kpi.RevenueBridge{Start: eur("10"), Expansion: usd("1")})
			requireMismatch(t, err)
		})
	}
}

func drawBridge(t *rapid.T) kpi.RevenueBridge {
	hi := rapid.SampledFrom([]int64{1000, 1e9, math.MaxInt64 / 2}).Draw(t, "scale")
	start := rapid.Int64Range(1, hi).Draw(t, "start")
	churned := rapid.Int64Range(0, start).Draw(t, "churned")
	contraction := rapid.Int64Range(0, start-churned).Draw(t, "contraction")
	expansion := rapid.Int64Range(0, hi).Draw(t, "expansion")
	return kpi.RevenueBridge{
		Start: minorEUR(start), Expansion: minorEUR(expansion),
		Contraction: minorEUR(contraction), Churned: minorEUR(churned),
	}
}

func TestRevenueRetentionProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		b := drawBridge(t)
		nrr, err1 := kpi.NRR(b)
		grr, err2 := kpi.GRR(b)
		rc, err3 := kpi.RevenueChurn(b)
		ex, err4 := kpi.ExpansionRate(b)
		for _, err := range []error{err1, err2, err3, err4} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if nrr.LessThan(grr) {
			t.Fatalf("nrr %s < grr %s", nrr, grr)
		}
		if !inUnit(grr) || !inUnit(rc) || ex.Sign() < 0 {
			t.Fatalf("grr %s, revenue churn %s, expansion %s out of range", grr, rc, ex)
		}
		if !grr.Add(rc).Equal(decimal.NewFromInt(1)) {
			t.Fatalf("grr %s + revenue churn %s != 1", grr, rc)
		}
		// NRR = GRR + expansion, up to one rounding in each of three terms.
		if diff := nrr.Sub(grr.Add(ex)).Abs(); diff.GreaterThan(ulp) {
			t.Fatalf("nrr %s vs grr %s + expansion %s", nrr, grr, ex)
		}
		// Without expansion NRR and GRR agree; more expansion never lowers NRR.
		noExp := b
		noExp.Expansion = crmkit.Money{}
		n0, err := kpi.NRR(noExp)
		if err != nil || !n0.Equal(grr) {
			t.Fatalf("nrr without expansion %s, grr %s, %v", n0, grr, err)
		}
		if n0.GreaterThan(nrr) {
			t.Fatalf("expansion lowered nrr: %s > %s", n0, nrr)
		}
	})
}
