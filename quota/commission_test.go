package quota_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/quota/quotatest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func eurs(s string) crmkit.Money { return crmkit.MustMoney(s, "EUR") }

// accelerated is a monthly plan on attainment with a decelerator below
// 50% (4%), the base rate to 100% (8%) and an accelerator above (12%,
// 1.5 times the base).
func accelerated() quota.CommissionPlan {
	return quota.CommissionPlan{Name: "AE 2025", Currency: crmkit.MustCurrency("EUR"), Basis: quota.OnAttainment, Method: quota.Marginal,
		Tiers: []quota.Tier{
			{From: d("0"), To: decimal.NewNullDecimal(d("0.5")), Rate: d("0.04"), Label: "decelerator"},
			{From: d("0.5"), To: decimal.NewNullDecimal(d("1")), Rate: d("0.08"), Label: "base"},
			{From: d("1"), Rate: d("0.12"), Label: "accelerator"},
		},
		Rounding: crmkit.RoundHalfEven, Calendar: quota.Fiscal(time.January, ""), Grain: quota.Months}
}

// TestAcceleratorHandComputed pays a rep with a 100,000.00 quota at 85%,
// 100% and 130% attainment.
//
// Marginal:
//
//	 85%: 50,000 x 4% = 2,000; 35,000 x 8% = 2,800;                   total 4,800
//	100%: 50,000 x 4% = 2,000; 50,000 x 8% = 4,000;                   total 6,000
//	130%: 50,000 x 4% = 2,000; 50,000 x 8% = 4,000; 30,000 x 12% = 3,600; total 9,600
//
// Retroactive (all credited revenue at the rate of the tier reached):
//
//	 85%:  85,000 x  8% =  6,800
//	100%: 100,000 x 12% = 12,000
//	130%: 130,000 x 12% = 15,600
//
// Marginal with a 9,000 cap: 130% pays 9,600 - 600 = 9,000.
func TestAcceleratorHandComputed(t *testing.T) {
	quota100k := eurs("100000")
	cases := []struct {
		credited, marginal, retro, capped string
		lines                             []string
	}{
		{"85000", "4800", "6800", "4800", []string{"2000", "2800"}},
		{"100000", "6000", "12000", "6000", []string{"2000", "4000"}},
		{"130000", "9600", "15600", "9000", []string{"2000", "4000", "3600"}},
	}
	for _, c := range cases {
		cp := accelerated()
		got, lines, err := cp.Commission(eurs(c.credited), quota100k)
		require.NoError(t, err)
		assert.Equal(t, eurs(c.marginal), got, "marginal at %s", c.credited)
		require.Len(t, lines, len(c.lines))
		for i, l := range lines {
			assert.Equal(t, eurs(c.lines[i]), l.Amount, "line %d at %s", i, c.credited)
			assert.Equal(t, quota.LineTier, l.Kind)
		}
		cp.Method = quota.Retroactive
		got, _, err = cp.Commission(eurs(c.credited), quota100k)
		require.NoError(t, err)
		assert.Equal(t, eurs(c.retro), got, "retroactive at %s", c.credited)
		cp.Method, cp.Cap = quota.Marginal, eurs("9000")
		got, lines, err = cp.Commission(eurs(c.credited), quota100k)
		require.NoError(t, err)
		assert.Equal(t, eurs(c.capped), got, "capped at %s", c.credited)
		if c.credited == "130000" {
			assert.Equal(t, quota.LineCap, lines[len(lines)-1].Kind)
			assert.Equal(t, eurs("-600"), lines[len(lines)-1].Amount)
		}
	}
	_, lines, err := accelerated().Commission(eurs("130000"), quota100k)
	require.NoError(t, err)
	assert.Equal(t, "accelerator (from 100% of quota 100000.00 EUR): 30000.00 EUR x 12% = 3600.00 EUR", lines[2].Text)
}

// TestStatements follows two reps through three months with deal splits,
// a cancellation in the month, a clawback, a recoverable draw and its
// recovery. Quota 100,000.00 a month each; the accelerated plan with a
// recoverable draw of 1,000.00 and a 90-day clawback window.
func TestStatements(t *testing.T) {
	cp := accelerated()
	cp.Draw = quota.Draw{Amount: eurs("1000"), Recoverable: true}
	cp.ClawbackDays = 90
	sales := []quota.Sale{
		{ID: "D1", Amount: eurs("60000"), Closed: day(2025, 1, 5), Cancelled: day(2025, 2, 10), Splits: []quota.SaleSplit{{Rep: "ana", Weight: 100}}},
		{ID: "D2", Amount: eurs("50000"), Closed: day(2025, 1, 12), Splits: []quota.SaleSplit{{Rep: "ana", Weight: 60}, {Rep: "ben", Weight: 40}}},
		{ID: "D3", Amount: eurs("20000"), Closed: day(2025, 1, 20), Cancelled: day(2025, 1, 25), Splits: []quota.SaleSplit{{Rep: "ana", Weight: 1}}},
		{ID: "D4", Amount: eurs("10000"), Closed: day(2025, 2, 2), Splits: []quota.SaleSplit{{Rep: "ben", Weight: 1}}},
		{ID: "D5", Amount: eurs("30000"), Closed: day(2025, 2, 14), Splits: []quota.SaleSplit{{Rep: "ana", Weight: 1}}},
		{ID: "D6", Amount: eurs("100000"), Closed: day(2025, 3, 3), Splits: []quota.SaleSplit{{Rep: "ana", Weight: 1}}},
	}
	quotas := func(string, crmkit.Period) (crmkit.Money, error) { return eurs("100000"), nil }

	// January. ana: D1 60,000 + 60% of D2 30,000 = 90,000 (D3 was
	// cancelled within the month): 2,000 + 40,000 x 8% = 5,200.00,
	// attributed 2:1 to D1 and D2: 3,466.666.. -> 3,466.67 (the larger
	// remainder takes the cent) and 1,733.33. ben: 40% of D2, 20,000 at
	// 4% = 800.00, topped up to the 1,000.00 draw, 200.00 owed.
	jan, err := cp.Statements(day(2025, 1, 31), slices.Values(sales), quotas, nil)
	require.NoError(t, err)
	require.Len(t, jan, 2)
	ana, ben := jan[0], jan[1]
	assert.Equal(t, eurs("90000"), ana.Credited)
	assertRatio(t, "0.9", ana.Attainment, "ana's January attainment")
	assert.Equal(t, eurs("5200"), ana.Earned)
	assert.Equal(t, eurs("5200"), ana.Payout)
	require.Len(t, ana.Credits, 2)
	assert.Equal(t, quota.DealCredit{Deal: "D1", Amount: eurs("60000"), Weight: 100, Credit: eurs("60000"), Commission: eurs("3466.67")}, ana.Credits[0])
	assert.Equal(t, quota.DealCredit{Deal: "D2", Amount: eurs("50000"), Weight: 60, Credit: eurs("30000"), Commission: eurs("1733.33")}, ana.Credits[1])
	assert.Equal(t, eurs("20000"), ben.Credited)
	assert.Equal(t, eurs("800"), ben.Earned)
	assert.Equal(t, eurs("1000"), ben.Payout)
	assert.Equal(t, eurs("200"), ben.Closing)
	assert.Equal(t, quota.LineDraw, ben.Lines[len(ben.Lines)-1].Kind)

	// February. ana: D5 30,000 at 4% = 1,200.00; D1 was cancelled 36 days
	// after closing: -3,466.67. 1,200 - 3,466.67 = -2,266.67, so the draw
	// pays 1,000.00 and ana owes 3,266.67. ben: D4 10,000 at 4% = 400.00,
	// less the 200.00 owed = 200.00, topped up to 1,000.00: owes 800.00.
	feb, err := cp.Statements(day(2025, 2, 28), slices.Values(sales), quotas, map[string]crmkit.Money{"ben": ben.Closing})
	require.NoError(t, err)
	ana, ben = feb[0], feb[1]
	assert.Equal(t, eurs("1200"), ana.Earned)
	assert.Equal(t, eurs("-3466.67"), ana.Clawback)
	assert.Equal(t, eurs("1000"), ana.Payout)
	assert.Equal(t, eurs("3266.67"), ana.Closing)
	kinds := []quota.LineKind{}
	for _, l := range ana.Lines {
		kinds = append(kinds, l.Kind)
	}
	assert.Equal(t, []quota.LineKind{quota.LineTier, quota.LineClawback, quota.LineDraw}, kinds)
	assert.Equal(t, "D1", ana.Lines[1].Deal)
	assert.Equal(t, eurs("400"), ben.Earned)
	assert.Equal(t, eurs("200"), ben.Opening)
	assert.Equal(t, eurs("1000"), ben.Payout)
	assert.Equal(t, eurs("800"), ben.Closing)

	// March. ana: D6 100,000 = 6,000.00, less the 3,266.67 owed: 2,733.33.
	mar, err := cp.Statement("ana", day(2025, 3, 31), slices.Values(sales), quotas, ana.Closing)
	require.NoError(t, err)
	assert.Equal(t, eurs("6000"), mar.Earned)
	assert.Equal(t, eurs("2733.33"), mar.Payout)
	assert.True(t, mar.Closing.IsZero())

	// Without a clawback window the cancellation costs nothing later.
	cp.ClawbackDays = 0
	feb, err = cp.Statements(day(2025, 2, 28), slices.Values(sales), quotas, nil)
	require.NoError(t, err)
	assert.Equal(t, eurs("1200"), feb[0].Payout)
	// A non-recoverable draw is forgiven.
	cp.Draw.Recoverable = false
	jan, err = cp.Statements(day(2025, 1, 31), slices.Values(sales), quotas, nil)
	require.NoError(t, err)
	assert.Equal(t, eurs("1000"), jan[1].Payout)
	assert.True(t, jan[1].Closing.IsZero())
}

func TestCommissionBadInput(t *testing.T) {
	open := decimal.NullDecimal{}
	to := decimal.NewNullDecimal
	for name, tiers := range map[string][]quota.Tier{
		"overlap":        {{From: d("0"), To: to(d("1")), Rate: d("0.1")}, {From: d("0.9"), Rate: d("0.2")}},
		"gap":            {{From: d("0"), To: to(d("1")), Rate: d("0.1")}, {From: d("1.1"), Rate: d("0.2")}},
		"gap below":      {{From: d("0.1"), Rate: d("0.1")}},
		"gap above":      {{From: d("0"), To: to(d("1")), Rate: d("0.1")}},
		"open in middle": {{From: d("0"), To: open, Rate: d("0.1")}, {From: d("1"), Rate: d("0.2")}},
		"empty band":     {{From: d("0"), To: to(d("0")), Rate: d("0.1")}, {From: d("0"), Rate: d("0.2")}},
		"negative rate":  {{From: d("0"), Rate: d("-0.1")}},
		"none":           nil,
	} {
		cp := accelerated()
		cp.Tiers = tiers
		assert.ErrorIs(t, cp.Validate(), crmkit.ErrInvalid, name)
		_, _, err := cp.Commission(eurs("1"), eurs("1"))
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	cp := accelerated()
	_, _, err := cp.Commission(crmkit.MustMoney("1", "USD"), eurs("1"))
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch, "credited in USD")
	_, _, err = cp.Commission(eurs("1"), crmkit.MustMoney("1", "USD"))
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch, "quota in USD")
	_, _, err = cp.Commission(eurs("1"), eurs("0"))
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no quota")
	cp.Cap = crmkit.MustMoney("1", "USD")
	assert.ErrorIs(t, cp.Validate(), crmkit.ErrCurrencyMismatch)
	cp = accelerated()
	cp.Draw.Amount = eurs("-1")
	assert.ErrorIs(t, cp.Validate(), crmkit.ErrInvalid)

	cp = accelerated()
	quotas := func(string, crmkit.Period) (crmkit.Money, error) { return eurs("100"), nil }
	for name, s := range map[string]quota.Sale{
		"usd":          {ID: "x", Amount: crmkit.MustMoney("1", "USD"), Closed: day(2025, 1, 2), Splits: []quota.SaleSplit{{Rep: "a", Weight: 1}}},
		"negative":     {ID: "x", Amount: eurs("-1"), Closed: day(2025, 1, 2), Splits: []quota.SaleSplit{{Rep: "a", Weight: 1}}},
		"no splits":    {ID: "x", Amount: eurs("1"), Closed: day(2025, 1, 2)},
		"zero weights": {ID: "x", Amount: eurs("1"), Closed: day(2025, 1, 2), Splits: []quota.SaleSplit{{Rep: "a"}}},
		"twice":        {ID: "x", Amount: eurs("1"), Closed: day(2025, 1, 2), Splits: []quota.SaleSplit{{Rep: "a", Weight: 1}, {Rep: "a", Weight: 1}}},
		"not closed":   {ID: "x", Amount: eurs("1"), Splits: []quota.SaleSplit{{Rep: "a", Weight: 1}}},
		"cancel first": {ID: "x", Amount: eurs("1"), Closed: day(2025, 1, 2), Cancelled: day(2025, 1, 1), Splits: []quota.SaleSplit{{Rep: "a", Weight: 1}}},
	} {
		_, err := cp.Statements(day(2025, 1, 31), slices.Values([]quota.Sale{s}), quotas, nil)
		assert.Error(t, err, name)
	}
	good := []quota.Sale{{ID: "x", Amount: eurs("1"), Closed: day(2025, 1, 2), Splits: []quota.SaleSplit{{Rep: "a", Weight: 1}}}}
	_, err = cp.Statements(day(2025, 1, 31), slices.Values(good), nil, nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no quotas on attainment")
	_, err = cp.Statements(day(2025, 1, 31), slices.Values(good), quotas, map[string]crmkit.Money{"a": eurs("-5")})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "negative balance")
}

func TestCommissionPlanJSON(t *testing.T) {
	cp := accelerated()
	cp.Cap = eurs("9000")
	cp.Draw = quota.Draw{Amount: eurs("1000"), Recoverable: true}
	b, err := json.Marshal(cp)
	require.NoError(t, err)
	var back quota.CommissionPlan
	require.NoError(t, json.Unmarshal(b, &back))
	require.NoError(t, back.Validate())
	for _, credited := range []string{"0", "85000", "100000", "130000", "1000000"} {
		a, _, err := cp.Commission(eurs(credited), eurs("100000"))
		require.NoError(t, err)
		c, _, err := back.Commission(eurs(credited), eurs("100000"))
		require.NoError(t, err)
		assert.Equal(t, a, c)
	}
	assert.False(t, back.Tiers[2].To.Valid, "the open end stays open")
}

func TestPropertyMarginalCommissionContinuousAndMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cp := quotatest.CommissionPlan().Draw(t, "plan")
		cp.Method = quota.Marginal
		q := crmkit.MustMoney("1", "EUR")
		if cp.Basis == quota.OnAttainment {
			q, _ = crmkit.NewMoney(rapid.Int64Range(1, 100_000_000).Draw(t, "quota"), q.Currency())
		}
		f := func(r int64) int64 {
			m, _ := crmkit.NewMoney(r, q.Currency())
			c, lines, err := cp.Commission(m, q)
			require.NoError(t, err)
			var s int64
			for _, l := range lines {
				s += l.Amount.Minor()
			}
			require.Equal(t, c.Minor(), s, "lines sum to the commission")
			return c.Minor()
		}
		// Every tier bound and its neighbours, plus random points.
		var pts []int64
		for _, tr := range cp.Tiers {
			scale := decimal.NewFromInt(q.Minor())
			if cp.Basis == quota.OnRevenue {
				scale = decimal.NewFromInt(100)
			}
			b := tr.From.Mul(scale).IntPart()
			pts = append(pts, b-1, b, b+1)
		}
		for range 5 {
			pts = append(pts, rapid.Int64Range(0, 1_000_000_000).Draw(t, "r"))
		}
		for _, r := range pts {
			if r < 0 {
				continue
			}
			a, b := f(r), f(r+1)
			if b < a {
				t.Fatalf("commission falls from %d to %d at %d", a, b, r)
			}
			if b-a > 1 { // rates are at most 30%: one more unit pays at most one
				t.Fatalf("commission jumps from %d to %d at %d", a, b, r)
			}
			r2 := r + rapid.Int64Range(0, 1_000_000).Draw(t, "delta")
			if f(r2) < a {
				t.Fatalf("commission at %d below commission at %d", r2, r)
			}
		}
	})
}

func TestPropertyStatementsExplainEveryAmount(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cp := quotatest.CommissionPlan().Draw(t, "plan")
		month := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		sales := quotatest.Sales(month, 30).Draw(t, "sales")
		quotas := func(string, crmkit.Period) (crmkit.Money, error) { return eurs("50000"), nil }
		sts, err := cp.Statements(month.Add(time.Hour), slices.Values(sales), quotas, nil)
		require.NoError(t, err)
		var credited int64
		for _, st := range sts {
			var lines, credits, commissions int64
			for _, l := range st.Lines {
				lines += l.Amount.Minor()
			}
			for _, c := range st.Credits {
				credits += c.Credit.Minor()
				commissions += c.Commission.Minor()
			}
			assert.Equal(t, st.Payout.Minor(), lines, "lines sum to the payout of %s", st.Rep)
			assert.Equal(t, st.Credited.Minor(), credits, "credits of %s", st.Rep)
			assert.Equal(t, st.Earned.Minor(), commissions, "commissions of %s", st.Rep)
			assert.GreaterOrEqual(t, st.Payout.Minor(), int64(0))
			assert.GreaterOrEqual(t, st.Closing.Minor(), int64(0))
			assert.LessOrEqual(t, st.Clawback.Minor(), int64(0))
			credited += credits
		}
		// Credit follows the splits: the reps' credits add up to the sales
		// credited in the month.
		per := crmkit.Period{Start: month, End: month.AddDate(0, 1, 0)}
		var want int64
		for _, s := range sales {
			if per.Contains(s.Closed) && (s.Cancelled.IsZero() || !s.Cancelled.Before(per.End)) {
				want += s.Amount.Minor()
			}
		}
		assert.Equal(t, want, credited)
	})
}
