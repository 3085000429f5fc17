package funnel_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var (
	usd = crmkit.MustCurrency("USD")
	jpy = crmkit.MustCurrency("JPY")
)

func ymd(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// mixedRates: USD->EUR 0.90 from 2025-01-01 and 0.80 from 2025-02-01;
// JPY->EUR 0.006 from 2025-01-01.
func mixedRates(t *testing.T) *crmkit.RateTable {
	var rt crmkit.RateTable
	require.NoError(t, rt.Set(usd, eur, ymd(2025, 1, 1), dec("0.90")))
	require.NoError(t, rt.Set(usd, eur, ymd(2025, 2, 1), dec("0.80")))
	require.NoError(t, rt.Set(jpy, eur, ymd(2025, 1, 1), dec("0.006")))
	return &rt
}

// mixedDeals: A won 100.00 EUR on Jan 10 (reached 0,1); B open 50.00 USD
// in stage 0, expected to close Jan 31; C lost 10,000 JPY on Feb 5 in
// stage 0; D won 20.00 USD on Jan 20 (reached 0,1).
func mixedDeals() []funnel.Opportunity {
	m := crmkit.MustMoney
	return []funnel.Opportunity{
		{Entity: id(1), Stage: 1, Reached: 3, Status: funnel.ClosedWon, Amount: m("100.00", "EUR"), Origin: ymd(2025, 1, 2), Closed: ymd(2025, 1, 10)},
		{Entity: id(2), Stage: 0, Reached: 1, Status: funnel.Open, Amount: m("50.00", "USD"), Origin: ymd(2025, 1, 2), Entered: ymd(2025, 1, 2), CloseDate: ymd(2025, 1, 31)},
		{Entity: id(3), Stage: 0, Reached: 1, Status: funnel.ClosedLost, Amount: m("10000", "JPY"), Origin: ymd(2025, 1, 3), Closed: ymd(2025, 2, 5)},
		{Entity: id(4), Stage: 1, Reached: 3, Status: funnel.ClosedWon, Amount: m("20.00", "USD"), Origin: ymd(2025, 1, 3), Closed: ymd(2025, 1, 20)},
	}
}

func TestReportingCurrency(t *testing.T) {
	rates := mixedRates(t)
	asOf := ymd(2025, 3, 15)
	m := func(s string) crmkit.Money { return crmkit.MustMoney(s, "EUR") }
	// Hand-computed: at the report date (USD 0.80, JPY 0.006) A 100, B 40,
	// C 60, D 16; at the closes (B Jan 31 and D Jan 20 at 0.90, C Feb 5
	// at 0.006) and at Jan 15 alike A 100, B 45, C 60, D 18.
	cases := []struct {
		name                     string
		r                        funnel.Reporting
		won, open, lost, reached crmkit.Money
		stage1                   crmkit.Money
	}{
		{"report date", funnel.Reporting{Currency: eur, Rates: rates, Rounding: crmkit.RoundHalfEven},
			m("116.00"), m("40.00"), m("60.00"), m("216.00"), m("116.00")},
		{"close dates", funnel.Reporting{Currency: eur, Rates: rates, Rounding: crmkit.RoundHalfEven, AtClose: true},
			m("118.00"), m("45.00"), m("60.00"), m("223.00"), m("118.00")},
		{"chosen date", funnel.Reporting{Currency: eur, Rates: rates, Rounding: crmkit.RoundHalfEven, At: ymd(2025, 1, 15)},
			m("118.00"), m("45.00"), m("60.00"), m("223.00"), m("118.00")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := funnel.Summarize(testStages(), slices.Values(mixedDeals()), funnel.Query{AsOf: asOf, Reporting: c.r})
			require.NoError(t, err)
			s := rep.Total
			assert.Equal(t, eur, s.Currency)
			assert.Equal(t, c.won, s.WonAmount)
			assert.Equal(t, c.open, s.OpenAmount)
			assert.Equal(t, c.lost, s.LostAmount)
			assert.Equal(t, c.reached, s.Stages[0].ReachedAmount)
			assert.Equal(t, c.stage1, s.Stages[1].ReachedAmount)
			assert.Equal(t, int64(2), s.Won)
		})
	}
}

func TestReportingCurrencyRefuses(t *testing.T) {
	rates := mixedRates(t)
	q := funnel.Query{AsOf: ymd(2025, 3, 15)}
	_, err := funnel.Summarize(testStages(), slices.Values(mixedDeals()), q)
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch, "no reporting currency")

	q.Reporting = funnel.Reporting{Currency: eur, Rates: rates, Rounding: crmkit.RoundHalfEven, At: ymd(2024, 12, 31)}
	_, err = funnel.Summarize(testStages(), slices.Values(mixedDeals()), q)
	require.ErrorIs(t, err, crmkit.ErrNotFound, "no rate before 2025")
	assert.ErrorContains(t, err, "USD")
	assert.ErrorContains(t, err, "2024-12-31")

	for name, r := range map[string]funnel.Reporting{
		"no rates":         {Currency: eur, Rounding: crmkit.RoundHalfEven},
		"no rounding":      {Currency: eur, Rates: rates},
		"rates, no target": {Rates: rates, Rounding: crmkit.RoundHalfEven},
		"close and date":   {Currency: eur, Rates: rates, Rounding: crmkit.RoundHalfEven, AtClose: true, At: ymd(2025, 1, 1)},
	} {
		q.Reporting = r
		_, err := funnel.Summarize(testStages(), slices.Values(mixedDeals()), q)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
}

func TestReportingRounding(t *testing.T) {
	// 0.05 USD at 0.90 is 0.045 EUR: 0.04 half-even, 0.05 half-up.
	var rt crmkit.RateTable
	require.NoError(t, rt.Set(usd, eur, ymd(2025, 1, 1), dec("0.90")))
	o := []funnel.Opportunity{{Entity: id(1), Stage: -1, Status: funnel.ClosedWon, Amount: crmkit.MustMoney("0.05", "USD"),
		Origin: ymd(2025, 1, 2), Closed: ymd(2025, 1, 3)}}
	for mode, want := range map[crmkit.RoundingMode]string{crmkit.RoundHalfEven: "0.04", crmkit.RoundHalfUp: "0.05"} {
		rep, err := funnel.Summarize(testStages(), slices.Values(o), funnel.Query{AsOf: ymd(2025, 2, 1),
			Reporting: funnel.Reporting{Currency: eur, Rates: &rt, Rounding: mode}})
		require.NoError(t, err)
		assert.Equal(t, crmkit.MustMoney(want, "EUR"), rep.Total.WonAmount, mode.String())
	}
}

func TestReportingCurrencyRecords(t *testing.T) {
	// Records take the same path: two deals created and won, one in USD.
	m := crmkit.MustMoney
	recs := []funnel.Record{
		{Entity: id(1), Kind: funnel.Created, At: ymd(2025, 1, 2), Amount: m("10.00", "EUR")},
		{Entity: id(1), Kind: funnel.Won, At: ymd(2025, 1, 5)},
		{Entity: id(2), Kind: funnel.Created, At: ymd(2025, 1, 2), Amount: m("10.00", "USD")},
		{Entity: id(2), Kind: funnel.Won, At: ymd(2025, 2, 5)},
	}
	rep, err := funnel.SummarizeRecords(testStages(), slices.Values(recs), funnel.Query{AsOf: ymd(2025, 3, 1),
		Reporting: funnel.Reporting{Currency: eur, Rates: mixedRates(t), Rounding: crmkit.RoundHalfEven, AtClose: true}})
	require.NoError(t, err)
	assert.Equal(t, m("18.00", "EUR"), rep.Total.WonAmount, "10.00 + 10.00 USD at 0.80 (Feb 5)")
}

// drawMixed draws opportunities in EUR, USD and JPY, all closed or
// entered before 2025-06-01.
func drawMixed(t *rapid.T) []funnel.Opportunity {
	curs := []string{"EUR", "USD", "JPY"}
	n := rapid.IntRange(0, 40).Draw(t, "n")
	out := make([]funnel.Opportunity, n)
	for i := range out {
		stage := rapid.IntRange(-1, 3).Draw(t, "stage")
		o := funnel.Opportunity{Entity: id(byte(i + 1)), Stage: stage, Origin: ymd(2025, 1, 1)}
		if stage >= 0 {
			o.Reached = uint64(1)<<uint(stage+1) - 1
		}
		o.Status = funnel.Status(rapid.IntRange(0, 4).Draw(t, "status"))
		if o.Status.Closed() {
			o.Closed = ymd(2025, 1, 1+rapid.IntRange(0, 120).Draw(t, "closed"))
		} else {
			o.Entered = ymd(2025, 1, 1)
		}
		c := crmkit.MustCurrency(rapid.SampledFrom(curs).Draw(t, "currency"))
		o.Amount, _ = crmkit.NewMoney(rapid.Int64Range(0, 1_000_000_000).Draw(t, "amount"), c)
		out[i] = o
	}
	return out
}

// amounts lists the money figures of a summary that conversion touches.
func amounts(s funnel.Summary) []crmkit.Money {
	out := []crmkit.Money{s.WonAmount, s.OpenAmount, s.LostAmount}
	for _, st := range s.Stages {
		out = append(out, st.ReachedAmount, st.WonAmount, st.OpenAmount)
	}
	return out
}

// perCurrency is the second method: one report per currency, each money
// figure converted with crmkit.Convert, then added.
func perCurrency(t *rapid.T, opps []funnel.Opportunity, rates crmkit.RateSource, at time.Time) []crmkit.Money {
	var total []crmkit.Money
	for _, code := range []string{"EUR", "USD", "JPY"} {
		c := crmkit.MustCurrency(code)
		sub := slices.DeleteFunc(slices.Clone(opps), func(o funnel.Opportunity) bool { return o.Amount.Currency() != c })
		rep, err := funnel.Summarize(testStages(), slices.Values(sub), funnel.Query{AsOf: ymd(2025, 6, 1)})
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range amounts(rep.Total) {
			if m.Currency().IsZero() {
				m = crmkit.MustMoney("0", "EUR")
			}
			cm, err := crmkit.Convert(context.Background(), rates, m, eur, at, crmkit.RoundHalfEven)
			if err != nil {
				t.Fatal(err)
			}
			if i >= len(total) {
				total = append(total, crmkit.MustMoney("0", "EUR"))
			}
			if total[i], err = total[i].Add(cm); err != nil {
				t.Fatal(err)
			}
		}
	}
	return total
}

// TestReportingLinear: with all rates on one date and rates that convert
// exactly (integers between two-digit currencies, hundredths from JPY),
// converting each amount then summing equals summing per currency then
// converting; with any rates the two differ by at most half a minor unit
// per entity and currency (half-even rounding of each side).
func TestReportingLinear(t *testing.T) {
	at := ymd(2025, 3, 1)
	check := func(t *rapid.T, exact bool) {
		var rt crmkit.RateTable
		usdRate := decimal.NewFromInt(int64(rapid.IntRange(1, 50).Draw(t, "usd rate")))
		jpyRate := decimal.New(int64(rapid.IntRange(1, 500).Draw(t, "jpy rate")), -2)
		if !exact {
			usdRate = decimal.New(int64(rapid.IntRange(1, 5_000_000).Draw(t, "usd rate e-6")), -6)
			jpyRate = decimal.New(int64(rapid.IntRange(1, 5_000_000).Draw(t, "jpy rate e-8")), -8)
		}
		// The one date: a decoy rate before it must not be used.
		_ = rt.Set(usd, eur, ymd(2025, 1, 1), dec("7"))
		_ = rt.Set(usd, eur, at, usdRate)
		_ = rt.Set(jpy, eur, at, jpyRate)
		opps := drawMixed(t)
		rep, err := funnel.Summarize(testStages(), slices.Values(opps), funnel.Query{AsOf: ymd(2025, 6, 1),
			Reporting: funnel.Reporting{Currency: eur, Rates: &rt, Rounding: crmkit.RoundHalfEven, At: at}})
		if err != nil {
			t.Fatal(err)
		}
		got, want := amounts(rep.Total), perCurrency(t, opps, &rt, at)
		for i := range want {
			g := got[i]
			if g.Currency().IsZero() {
				g = crmkit.MustMoney("0", "EUR")
			}
			d := g.Minor() - want[i].Minor()
			if exact && d != 0 || !exact && 2*abs(d) > int64(len(opps))+3 {
				t.Fatalf("figure %d: converted then summed %s, summed then converted %s (%d entities)", i, g, want[i], len(opps))
			}
		}
	}
	t.Run("exact", func(t *testing.T) { rapid.Check(t, func(t *rapid.T) { check(t, true) }) })
	t.Run("rounded", func(t *testing.T) { rapid.Check(t, func(t *rapid.T) { check(t, false) }) })
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
