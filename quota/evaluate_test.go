package quota_test

import (
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

func day(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 12, 0, 0, 0, time.UTC) }

// twoReps is 1,200,000.00 EUR over ana and ben (600,000.00 each), each
// split equally over the months (50,000.00 a month).
func twoReps(t *testing.T) quota.Plan {
	t.Helper()
	p, _, err := newPlan(t, "1200000").Split(byAna,
		quota.Split{Dim: "rep", Members: []string{"ana", "ben"}, Weights: quota.EqualWeights()},
		quota.Split{Key: "rep=ana", Grain: quota.Months, Weights: quota.EqualWeights()},
		quota.Split{Key: "rep=ben", Grain: quota.Months, Weights: quota.EqualWeights()},
	)
	require.NoError(t, err)
	return p
}

func assertRatio(t *testing.T, want string, got decimal.NullDecimal, what string) {
	t.Helper()
	if want == "" {
		assert.False(t, got.Valid, "%s should be undefined, is %s", what, got.Decimal)
		return
	}
	require.True(t, got.Valid, "%s undefined", what)
	assert.True(t, d(want).Equal(got.Decimal), "%s: want %s, got %s", what, want, got.Decimal)
}

func TestEvaluate(t *testing.T) {
	p := twoReps(t)
	recs := []quota.Record{
		sale(day(2025, 1, 10), "40000", "rep", "ana"),
		sale(day(2025, 2, 10), "60000", "rep", "ana"),
		sale(day(2025, 3, 10), "50000", "rep", "ana"),
		sale(day(2025, 4, 10), "45000", "rep", "ana"),
		sale(day(2025, 5, 10), "30000", "rep", "ana"),
		sale(day(2025, 5, 20), "99999", "rep", "ana"), // after AsOf
		sale(day(2025, 1, 10), "50000", "rep", "ben"),
		sale(day(2025, 2, 10), "50000", "rep", "ben"),
		sale(day(2025, 3, 10), "50000", "rep", "ben"),
		sale(day(2025, 4, 10), "50000", "rep", "ben"),
		sale(day(2025, 5, 3), "20000", "rep", "ben"),
		sale(day(2025, 3, 10), "10000", "rep", "zed"), // not in the plan
		sale(day(2024, 1, 10), "100000", "rep", "ana"),
		sale(day(2024, 5, 5), "20000", "rep", "ana"),
		sale(day(2024, 8, 5), "70000", "rep", "ben"),
		sale(day(2023, 8, 5), "70000", "rep", "ben"), // two years ago
	}
	lyPlan, _, err := quota.NewPlan(quota.PlanSpec{FiscalYear: 2024, Target: quota.Amount(crmkit.MustMoney("1000000", "EUR")), Rounding: crmkit.RoundHalfEven}, byAna)
	require.NoError(t, err)
	lyPlan, _, err = lyPlan.Split(byAna, quota.Split{Dim: "rep", Members: []string{"ana", "ben"}, Weights: quota.EqualWeights()})
	require.NoError(t, err)

	// As of 16 May 2025 00:00 UTC: 15 of May's 31 days have passed.
	asOf := time.Date(2025, 5, 16, 0, 0, 0, 0, time.UTC)
	ev, err := p.Evaluate(slices.Values(recs), quota.EvalOptions{AsOf: asOf, LastYear: &lyPlan})
	require.NoError(t, err)

	ana, ok := ev.Find("rep=ana")
	require.True(t, ok)
	assert.Equal(t, "225000.00 EUR", ana.Actual.String(), "40+60+50+45+30 thousand")
	assertRatio(t, "0.375", ana.Attainment, "attainment 225,000 / 600,000")
	assert.Equal(t, "120000.00 EUR", ana.LastYearActual.String())
	assert.Equal(t, "120000.00 EUR", ana.LastYearToDate.String(), "January and 5 May last year")
	assertRatio(t, "0.875", ana.Growth, "225,000 against 120,000")
	assertRatio(t, "4", ana.TargetVsLastYear, "600,000 against 120,000")
	assertRatio(t, "0.2", ana.TargetChange, "600,000 against last year's 500,000")

	// Month to date: target 50,000.00, expected 50,000 x 15/31 =
	// 24,193.548... -> 2,419,355 cents; 30,000.00 done; run rate 30,000 x
	// 31/15 = 62,000.00; pacing 3,000,000 / 2,419,355.
	m := ana.MTD
	assert.True(t, m.Window.Start.Equal(time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, "50000.00 EUR", m.Target.String())
	assert.Equal(t, "24193.55 EUR", m.Expected.String())
	assert.Equal(t, "30000.00 EUR", m.Actual.String())
	assert.Equal(t, "62000.00 EUR", m.Projected.String())
	assert.Equal(t, "20000.00 EUR", m.Gap.String())
	assert.Equal(t, "20000.00 EUR", m.LastYear.String())
	assertRatio(t, "0.6", m.Attainment, "MTD attainment")
	assertRatio(t, "1.2399999173333388", m.Pacing, "MTD pacing")
	assertRatio(t, "0.5", m.Growth, "MTD growth 30,000 vs 20,000")

	// Quarter to date: April whole (50,000) plus May's expected part;
	// run rate 75,000 x 91 / 45 days = 151,666.666... -> 15,166,667 cents.
	q := ana.QTD
	assert.Equal(t, "150000.00 EUR", q.Target.String())
	assert.Equal(t, "74193.55 EUR", q.Expected.String())
	assert.Equal(t, "75000.00 EUR", q.Actual.String())
	assert.Equal(t, "151666.67 EUR", q.Projected.String())
	assertRatio(t, "0.5", q.Attainment, "QTD attainment")
	assertRatio(t, "1.0108695432419665", q.Pacing, "QTD pacing")
	assertRatio(t, "2.75", q.Growth, "75,000 against 20,000 on 5 May last year")

	// Year to date: 225,000 x 365 / 135 days = 608,333.33 -> 60,833,333.
	y := ana.YTD
	assert.Equal(t, "600000.00 EUR", y.Target.String())
	assert.Equal(t, "224193.55 EUR", y.Expected.String())
	assert.Equal(t, "608333.33 EUR", y.Projected.String())
	assert.Equal(t, "375000.00 EUR", y.Gap.String())
	assertRatio(t, "1.0035971150820351", y.Pacing, "YTD pacing")

	// The root rolls up ana, ben and the 10,000.00 of rep zed.
	assert.Equal(t, "455000.00 EUR", ev.Actual.String())
	assert.Equal(t, "10000.00 EUR", ev.Unplanned.String())
	assertRatio(t, "0.3791666666666667", ev.Attainment, "root attainment")
	assertRatio(t, "0.2", ev.TargetChange, "1,200,000 against 1,000,000")
	assert.Equal(t, "190000.00 EUR", ev.LastYearActual.String())
	assert.Equal(t, "120000.00 EUR", ev.LastYearToDate.String())

	// Horizontal: ana (37.5%) ahead of ben (36.67%).
	peers, err := ev.Peers("")
	require.NoError(t, err)
	require.Len(t, peers, 2)
	assert.Equal(t, 1, peers[0].Rank)
	assert.Equal(t, 2, peers[1].Rank)
	assertRatio(t, "0.0041666666666666", peers[0].VsAverage, "ana vs average")
	assertRatio(t, "-0.0041666666666667", peers[1].VsAverage, "ben vs average")
	assertRatio(t, "0.5056179775280899", peers[0].Share, "225,000 of 445,000")

	// Vertical: ana month by month.
	trend, err := ev.Trend("rep=ana")
	require.NoError(t, err)
	require.Len(t, trend, 12)
	assert.Equal(t, "M01", trend[0].Member)
	assertRatio(t, "0.8", trend[0].Attainment, "January 40,000 / 50,000")
	assertRatio(t, "-0.6", trend[0].Growth, "January 40,000 vs 100,000")
	assertRatio(t, "1.2", trend[1].Attainment, "February")
	assertRatio(t, "0", trend[6].Attainment, "July has not happened")
	_, err = ev.Trend("")
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "the root is split by rep")
	_, err = ev.Peers("rep=nobody")
	assert.ErrorIs(t, err, crmkit.ErrNotFound)

	// After the year's end the whole year counts.
	end, err := p.Evaluate(slices.Values(recs), quota.EvalOptions{AsOf: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.Equal(t, "554999.00 EUR", end.Actual.String())
	assert.Equal(t, "1200000.00 EUR", end.YTD.Target.String())
	assert.Equal(t, "1200000.00 EUR", end.YTD.Expected.String())
	assert.False(t, end.TargetChange.Valid, "no last year's plan")
}

func TestEvaluateBadInput(t *testing.T) {
	p := twoReps(t)
	asOf := time.Date(2025, 5, 16, 0, 0, 0, 0, time.UTC)
	usd := []quota.Record{sale(day(2025, 1, 10), "1", "rep", "ana"), {At: day(2025, 2, 1), Amount: quota.Amount(crmkit.MustMoney("5", "USD"))}}
	_, err := p.Evaluate(slices.Values(usd), quota.EvalOptions{AsOf: asOf})
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	assert.Contains(t, err.Error(), "record 1")
	_, err = p.Evaluate(slices.Values(usd[:1]), quota.EvalOptions{AsOf: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "AsOf at the year's start")
	other, _, err := quota.NewPlan(quota.PlanSpec{FiscalYear: 2024, Target: quota.Amount(crmkit.MustMoney("1", "USD")), Rounding: crmkit.RoundHalfEven}, byAna)
	require.NoError(t, err)
	_, err = p.Evaluate(slices.Values(usd[:1]), quota.EvalOptions{AsOf: asOf, LastYear: &other})
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	counts, _, err := quota.NewPlan(quota.PlanSpec{FiscalYear: 2025, Target: quota.Count(10, "meetings"), Rounding: crmkit.RoundHalfEven}, byAna)
	require.NoError(t, err)
	_, err = counts.Evaluate(slices.Values([]quota.Record{{At: day(2025, 2, 1), Amount: quota.Count(-1, "meetings")}}), quota.EvalOptions{AsOf: asOf})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = p.Evaluate(slices.Values(usd[:1]), quota.EvalOptions{AsOf: asOf, LastYear: &counts})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestEvaluateCounts(t *testing.T) {
	p, _, err := quota.NewPlan(quota.PlanSpec{FiscalYear: 2025, Target: quota.Count(48, "meetings"), Rounding: crmkit.RoundHalfEven}, byAna)
	require.NoError(t, err)
	p, _, err = p.Split(byAna, quota.Split{Grain: quota.Quarters, Weights: quota.EqualWeights()})
	require.NoError(t, err)
	var recs []quota.Record
	for i := range 10 {
		recs = append(recs, quota.Record{At: day(2025, 1, 1+i), Amount: quota.Count(1, "meetings")})
	}
	// As of 1 February: 10 meetings against January's 12 x 31/90 days of
	// Q1 (4.13 -> 4 expected).
	ev, err := p.Evaluate(slices.Values(recs), quota.EvalOptions{AsOf: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.Equal(t, quota.Count(10, "meetings"), ev.Actual)
	assert.Equal(t, quota.Count(12, "meetings"), ev.QTD.Target)
	assert.Equal(t, quota.Count(4, "meetings"), ev.QTD.Expected)
	assert.Equal(t, "29 meetings", ev.QTD.Projected.String(), "10 x 90 / 31 = 29.03")
	_, err = ev.QTD.Gap.Money()
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "meetings are not money")
	assertRatio(t, "2.5", ev.QTD.Pacing, "10 / 4")
	_, err = p.Evaluate(slices.Values([]quota.Record{{At: day(2025, 1, 5), Amount: quota.Count(1, "deals")}}),
		quota.EvalOptions{AsOf: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "deals are not meetings")
	_, err = p.Evaluate(slices.Values([]quota.Record{{At: day(2025, 1, 5), Amount: quota.Amount(eurs("1"))}}),
		quota.EvalOptions{AsOf: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "money is not meetings")
}

func TestPropertyRollUpsEqualSumsOfLeaves(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := quotatest.Plan().Draw(t, "plan")
		recs := quotatest.History(p, 40).Draw(t, "records")
		start := p.Root.Period.Start
		asOf := start.Add(time.Duration(rapid.Int64Range(1, int64(p.Root.Period.Duration()/time.Hour)+500).Draw(t, "hours")) * time.Hour)
		if len(recs) > 0 && rapid.Bool().Draw(t, "as of a record's time") {
			// As of exactly a record's time: that record counts.
			if at := recs[rapid.IntRange(0, len(recs)-1).Draw(t, "record")].At; at.After(start) {
				asOf = at
			}
		}
		ev, err := p.Evaluate(slices.Values(recs), quota.EvalOptions{AsOf: asOf})
		require.NoError(t, err)
		cal := p.CalendarValue()
		end := asOf
		if end.After(p.Root.Period.End) {
			end = p.Root.Period.End
		}
		// sum adds the records' amounts the independent way: crmkit.Sum
		// of their Money in a money plan, an integer sum of their counts
		// in a count plan.
		sum := func(rs []quota.Record) quota.Quantity {
			if p.Unit.IsMoney() {
				ms := make([]crmkit.Money, len(rs))
				for i, r := range rs {
					m, err := r.Amount.Money()
					require.NoError(t, err)
					ms[i] = m
				}
				m, err := crmkit.Sum(p.Unit.Currency, ms...)
				require.NoError(t, err)
				return quota.Amount(m)
			}
			var n int64
			for _, r := range rs {
				c, err := r.Amount.Count()
				require.NoError(t, err)
				n += c
			}
			return quota.Count(n, p.Unit.Count)
		}
		// naive sums the records of a leaf by testing each record against
		// the leaf's members and period: an independent model of Evaluate.
		naive := func(c quota.Cell, lastYear bool) quota.Quantity {
			segs, _ := quota.ParseKey(c.Key)
			per := c.Period
			if lastYear {
				per = cal.LastYear(per)
			}
			var in []quota.Record
		next:
			for _, r := range recs {
				if !per.Contains(r.At) || (!lastYear && r.At.After(end)) {
					continue
				}
				for _, sg := range segs {
					if sg.Dim != quota.DimPeriod && r.Dims[sg.Dim] != sg.Member {
						continue next
					}
				}
				in = append(in, r)
			}
			return sum(in)
		}
		leaves := map[string]quota.Cell{}
		for c := range p.Leaves() {
			leaves[c.Key] = c
		}
		var check func(e quota.Evaluation)
		check = func(e quota.Evaluation) {
			if len(e.Children) == 0 {
				c := leaves[e.Key]
				assert.Equal(t, naive(c, false), e.Actual, "actual of leaf %q", e.Key)
				assert.Equal(t, naive(c, true), e.LastYearActual, "last year's actual of leaf %q", e.Key)
				assert.Equal(t, e.Actual, e.YTD.Actual)
				return
			}
			// Roll-ups in the typed values: each amount of a parent is
			// the Quantity sum of its children's (plus Unplanned actuals).
			sums := make([]quota.Quantity, 6)
			for i := range sums {
				sums[i] = p.Unit.Zero()
			}
			for _, c := range e.Children {
				check(c)
				for i, v := range []quota.Quantity{c.Actual, c.MTD.Target, c.QTD.Target, c.YTD.Target, c.YTD.Expected, c.Target} {
					s, err := sums[i].Add(v)
					require.NoError(t, err)
					sums[i] = s
				}
			}
			planned, err := e.Actual.Sub(e.Unplanned)
			require.NoError(t, err)
			got := []quota.Quantity{planned, e.MTD.Target, e.QTD.Target, e.YTD.Target, e.YTD.Expected, e.Target}
			assert.Equal(t, sums, got, "roll-up of %q", e.Key)
		}
		check(ev)
		// The root holds every record of the year at or before AsOf.
		var in []quota.Record
		for _, r := range recs {
			if p.Root.Period.Contains(r.At) && !r.At.After(end) {
				in = append(in, r)
			}
		}
		assert.Equal(t, sum(in), ev.Actual)
		root, err := p.Target("")
		require.NoError(t, err)
		assert.Equal(t, root, ev.YTD.Target)
	})
}

// TestEvaluateCountsRecordsAtExactlyAsOf: as of t means at or before t, in
// this year and at t's counterpart last year, for the year, the month and
// the year to date alike.
func TestEvaluateCountsRecordsAtExactlyAsOf(t *testing.T) {
	p := twoReps(t)
	asOf := time.Date(2025, 5, 16, 0, 0, 0, 0, time.UTC)
	lyAsOf := time.Date(2024, 5, 16, 0, 0, 0, 0, time.UTC) // the same date last year
	recs := []quota.Record{
		sale(asOf, "100", "rep", "ana"),                         // at as of: counts
		sale(asOf.Add(time.Nanosecond), "99999", "rep", "ana"),  // after: ignored
		sale(lyAsOf, "200", "rep", "ana"),                       // at the counterpart: to date
		sale(lyAsOf.Add(time.Nanosecond), "3000", "rep", "ana"), // after it: the full year only
	}
	ev, err := p.Evaluate(slices.Values(recs), quota.EvalOptions{AsOf: asOf})
	require.NoError(t, err)
	ana, ok := ev.Find("rep=ana")
	require.True(t, ok)
	// By hand: this year 100.00 EUR (10,000 cents), last year 200.00 to
	// date and 200.00 + 3,000.00 in the whole year.
	for _, e := range []quota.Evaluation{ev, ana} {
		assert.Equal(t, "100.00 EUR", e.Actual.String(), "%s actual", e.Key)
		assert.Equal(t, "100.00 EUR", e.MTD.Actual.String(), "%s MTD", e.Key)
		assert.Equal(t, "100.00 EUR", e.YTD.Actual.String(), "%s YTD", e.Key)
		assert.Equal(t, "200.00 EUR", e.LastYearToDate.String(), "%s last year to date", e.Key)
		assert.Equal(t, "200.00 EUR", e.MTD.LastYear.String(), "%s MTD last year", e.Key)
		assert.Equal(t, "3200.00 EUR", e.LastYearActual.String(), "%s last year", e.Key)
	}
}
