package quota_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var (
	t0    = time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)
	byAna = crmkit.Cmd{By: "ana", At: t0, Reason: "initial plan"}
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func newPlan(t testing.TB, target string) quota.Plan {
	t.Helper()
	p, _, err := quota.NewPlan(quota.PlanSpec{Name: "FY2025", FiscalYear: 2025, Calendar: quota.Fiscal(time.January, ""),
		Target: quota.Amount(crmkit.MustMoney(target, "EUR")), Rounding: crmkit.RoundHalfEven}, byAna)
	require.NoError(t, err)
	return p
}

func month(y int, m time.Month) time.Time { return time.Date(y, m, 15, 12, 0, 0, 0, time.UTC) }

// sale is a record of amount EUR at t for the given dims.
func sale(t time.Time, amount string, dims ...string) quota.Record {
	r := quota.Record{At: t, Amount: quota.Amount(crmkit.MustMoney(amount, "EUR")), Dims: map[string]string{}}
	for i := 0; i+1 < len(dims); i += 2 {
		r.Dims[dims[i]] = dims[i+1]
	}
	return r
}

// minor returns a quantity's minor units (money) or count, to compare
// with integers computed by hand.
func minor(q quota.Quantity) int64 {
	if q.Unit().IsMoney() {
		m, _ := q.Money() // money in a money unit
		return m.Minor()
	}
	n, _ := q.Count() // a count in a count unit
	return n
}

func targets(t testing.TB, p quota.Plan, key string) []int64 {
	t.Helper()
	c, err := p.Cell(key)
	require.NoError(t, err)
	out := make([]int64, len(c.Children))
	for i, ch := range c.Children {
		out[i] = minor(ch.Target)
	}
	return out
}

// TestSplitByLastYearMonthlyShares splits an annual 1,200,000.00 EUR
// target by last year's monthly sales, computed by hand.
func TestSplitByLastYearMonthlyShares(t *testing.T) {
	t.Run("exact shares", func(t *testing.T) {
		// Last year's sales by month (thousands): 60 70 80 90 100 110 70 50
		// 90 90 100 90, total 1,000. Each month's share times 1,200,000 is
		// its sales x 1.2: 72,000 84,000 96,000 108,000 120,000 132,000
		// 84,000 60,000 108,000 108,000 120,000 108,000.
		ly := []string{"60000", "70000", "80000", "90000", "100000", "110000", "70000", "50000", "90000", "90000", "100000", "90000"}
		var recs []quota.Record
		for i, a := range ly {
			// two sales a month, plus one outside last year that must not count
			half := crmkit.MustMoney(a, "EUR")
			parts, err := half.Allocate(1, 1)
			require.NoError(t, err)
			recs = append(recs, quota.Record{At: month(2024, time.Month(i+1)), Amount: quota.Amount(parts[0])},
				quota.Record{At: month(2024, time.Month(i+1)).Add(24 * time.Hour), Amount: quota.Amount(parts[1])})
		}
		recs = append(recs, sale(month(2023, time.March), "999999"))
		p := newPlan(t, "1200000")
		p, _, err := p.Split(byAna, quota.Split{Grain: quota.Months, Weights: quota.ContributionWeights(recs, crmkit.Period{})})
		require.NoError(t, err)
		want := []int64{7200000, 8400000, 9600000, 10800000, 12000000, 13200000, 8400000, 6000000, 10800000, 10800000, 12000000, 10800000}
		assert.Equal(t, want, targets(t, p, ""))
		c, err := p.Cell("period=M03")
		require.NoError(t, err)
		assert.True(t, c.Period.Start.Equal(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)))
		assert.Equal(t, int64(2), p.Version)
	})
	t.Run("remainders", func(t *testing.T) {
		// January sold 2, every other month 1: shares 2/13 and 1/13 of
		// 120,000,000 cents. Floors 18,461,538 (remainder 6/13) and
		// 9,230,769 (remainder 3/13) sum to 119,999,997; the three cents
		// left go to January (largest remainder), then February and March
		// (ties go to the lower index).
		var recs []quota.Record
		for m := time.January; m <= time.December; m++ {
			recs = append(recs, sale(month(2024, m), "1"))
		}
		recs = append(recs, sale(month(2024, time.January), "1"))
		p, _, err := newPlan(t, "1200000").Split(byAna, quota.Split{Grain: quota.Months, Weights: quota.ContributionWeights(recs, crmkit.Period{})})
		require.NoError(t, err)
		want := []int64{18461539, 9230770, 9230770, 9230769, 9230769, 9230769, 9230769, 9230769, 9230769, 9230769, 9230769, 9230769}
		assert.Equal(t, want, targets(t, p, ""))
	})
}

func TestSplitTreeOverPeriodsAndDimensions(t *testing.T) {
	p := newPlan(t, "1000000")
	recs := []quota.Record{
		sale(month(2024, time.May), "300", "region", "EMEA", "rep", "ana"),
		sale(month(2024, time.June), "100", "region", "EMEA", "rep", "ben"),
		sale(month(2024, time.June), "5000", "region", "APAC", "rep", "ana"), // other region
		sale(month(2025, time.June), "5000", "region", "EMEA", "rep", "ben"), // outside the window
	}
	p, _, err := p.Split(byAna,
		quota.Split{Key: "", Dim: "region", Members: []string{"EMEA", "APAC", "AMER"}, Weights: quota.CustomWeights(d("50"), d("30"), d("20"))},
		quota.Split{Key: "region=EMEA", Dim: "rep", Members: []string{"ana", "ben"}, Weights: quota.ContributionWeights(recs, crmkit.Period{})},
		quota.Split{Key: "region=EMEA/rep=ana", Grain: quota.Halves, Weights: quota.EqualWeights()},
		quota.Split{Key: "region=EMEA/rep=ana/period=H1", Grain: quota.Quarters, Weights: quota.EqualWeights()},
		quota.Split{Key: "region=EMEA/rep=ana/period=H1/period=Q2", Grain: quota.Months,
			Weights: quota.SeasonalWeights([]decimal.Decimal{d("1"), d("1"), d("1"), d("1"), d("2"), d("1"), d("1"), d("1"), d("1"), d("1"), d("1"), d("1")})},
		quota.Split{Key: "region=APAC", Dim: "product", Members: []string{"a", "b", "c"}, Weights: quota.EqualWeights()},
	)
	require.NoError(t, err)
	require.NoError(t, p.Validate())
	assert.Equal(t, []int64{50000000, 30000000, 20000000}, targets(t, p, ""))
	// EMEA 500,000.00 by last year's 300 : 100.
	assert.Equal(t, []int64{37500000, 12500000}, targets(t, p, "region=EMEA"))
	assert.Equal(t, []int64{18750000, 18750000}, targets(t, p, "region=EMEA/rep=ana"))
	assert.Equal(t, []int64{9375000, 9375000}, targets(t, p, "region=EMEA/rep=ana/period=H1"))
	// Q2 9,375,000 cents over April, May, June as 1:2:1.
	assert.Equal(t, []int64{2343750, 4687500, 2343750}, targets(t, p, "region=EMEA/rep=ana/period=H1/period=Q2"))
	// 300,000.00 in thirds: 10,000,000 cents each.
	assert.Equal(t, []int64{10000000, 10000000, 10000000}, targets(t, p, "region=APAC"))
	c, err := p.Cell("region=EMEA/rep=ana/period=H1/period=Q2/period=M05")
	require.NoError(t, err)
	assert.Equal(t, "M05", c.Member)
	assert.True(t, c.Period.Start.Equal(time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)))

	// A fiscal year starting in July labels July M01.
	fy, _, err := quota.NewPlan(quota.PlanSpec{FiscalYear: 2025, Calendar: quota.Fiscal(time.July, "Europe/Budapest"),
		Target: quota.Count(120, "new logos"), Rounding: crmkit.RoundHalfUp}, byAna)
	require.NoError(t, err)
	fy, _, err = fy.Split(byAna, quota.Split{Grain: quota.Quarters, Weights: quota.EqualWeights()})
	require.NoError(t, err)
	c, err = fy.Cell("period=Q1")
	require.NoError(t, err)
	budapest, err := time.LoadLocation("Europe/Budapest")
	require.NoError(t, err)
	assert.True(t, c.Period.Start.Equal(time.Date(2024, 7, 1, 0, 0, 0, 0, budapest)))
	assert.Equal(t, int64(30), minor(c.Target))
}

func TestSplitBadInput(t *testing.T) {
	p := newPlan(t, "1000")
	cases := []struct {
		name  string
		split quota.Split
		is    error
	}{
		{"weights sum to zero", quota.Split{Dim: "rep", Members: []string{"a", "b"}, Weights: quota.CustomWeights(d("0"), d("0"))}, crmkit.ErrInvalid},
		{"negative weight", quota.Split{Dim: "rep", Members: []string{"a", "b"}, Weights: quota.CustomWeights(d("1"), d("-1"))}, crmkit.ErrInvalid},
		{"weight count", quota.Split{Dim: "rep", Members: []string{"a", "b"}, Weights: quota.CustomWeights(d("1"))}, crmkit.ErrInvalid},
		{"no contribution", quota.Split{Dim: "rep", Members: []string{"a", "b"}, Weights: quota.ContributionWeights(nil, crmkit.Period{})}, crmkit.ErrInvalid},
		{"other currency", quota.Split{Dim: "rep", Members: []string{"a"}, Weights: quota.ContributionWeights([]quota.Record{
			{At: month(2024, time.May), Amount: quota.Amount(crmkit.MustMoney("5", "USD")), Dims: map[string]string{"rep": "a"}}}, crmkit.Period{})}, crmkit.ErrCurrencyMismatch},
		{"net refunds", quota.Split{Dim: "rep", Members: []string{"a", "b"}, Weights: quota.ContributionWeights([]quota.Record{
			sale(month(2024, time.May), "-5", "rep", "a"), sale(month(2024, time.May), "5", "rep", "b")}, crmkit.Period{})}, crmkit.ErrInvalid},
		{"seasonal members", quota.Split{Dim: "rep", Members: []string{"a"}, Weights: quota.SeasonalWeights(nil)}, crmkit.ErrInvalid},
		{"seasonal length", quota.Split{Grain: quota.Months, Weights: quota.SeasonalWeights([]decimal.Decimal{d("1")})}, crmkit.ErrInvalid},
		{"duplicate member", quota.Split{Dim: "rep", Members: []string{"a", "a"}, Weights: quota.EqualWeights()}, crmkit.ErrInvalid},
		{"slash in member", quota.Split{Dim: "rep", Members: []string{"a/b"}, Weights: quota.EqualWeights()}, crmkit.ErrInvalid},
		{"no members", quota.Split{Dim: "rep", Weights: quota.EqualWeights()}, crmkit.ErrInvalid},
		{"bad grain", quota.Split{Grain: 9, Weights: quota.EqualWeights()}, crmkit.ErrInvalid},
		{"no kind", quota.Split{Dim: "rep", Members: []string{"a"}}, crmkit.ErrInvalid},
		{"unknown cell", quota.Split{Key: "rep=zed", Dim: "rep", Members: []string{"a"}, Weights: quota.EqualWeights()}, crmkit.ErrNotFound},
	}
	before, err := json.Marshal(p)
	require.NoError(t, err)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := p.Split(byAna, c.split)
			require.Error(t, err)
			assert.ErrorIs(t, err, c.is)
			after, err := json.Marshal(p)
			require.NoError(t, err)
			assert.JSONEq(t, string(before), string(after), "the plan must not change")
		})
	}
	split, _, err := p.Split(byAna, quota.Split{Dim: "rep", Members: []string{"a"}, Weights: quota.EqualWeights()})
	require.NoError(t, err)
	_, _, err = split.Split(byAna, quota.Split{Dim: "product", Members: []string{"x"}, Weights: quota.EqualWeights()})
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	_, _, err = split.Split(byAna, quota.Split{Key: "rep=a", Dim: "rep", Members: []string{"x"}, Weights: quota.EqualWeights()})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a rep within a rep")
	_, _, err = p.Split(crmkit.Cmd{At: t0}, quota.Split{Dim: "rep", Members: []string{"a"}, Weights: quota.EqualWeights()})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no author")
}

func TestNewPlanBadInput(t *testing.T) {
	good := quota.PlanSpec{FiscalYear: 2025, Target: quota.Amount(crmkit.MustMoney("1", "EUR")), Rounding: crmkit.RoundHalfEven}
	for name, mut := range map[string]func(*quota.PlanSpec){
		"negative":    func(s *quota.PlanSpec) { s.Target = quota.Amount(crmkit.MustMoney("-1", "EUR")) },
		"no unit":     func(s *quota.PlanSpec) { s.Target = quota.Quantity{} },
		"no count":    func(s *quota.PlanSpec) { s.Target = quota.Count(3, "") },
		"no rounding": func(s *quota.PlanSpec) { s.Rounding = 0 },
		"bad zone":    func(s *quota.PlanSpec) { s.Calendar.Location = "Mars/Olympus" },
		"bad kind":    func(s *quota.PlanSpec) { s.Calendar.Kind = "lunar" },
		"year":        func(s *quota.PlanSpec) { s.FiscalYear = 0 },
		"retail rule": func(s *quota.PlanSpec) {
			s.Calendar = quota.CalendarSpec{Kind: "retail", Pattern: "4-5-4", YearEndMonth: 1}
		},
		"start month": func(s *quota.PlanSpec) { s.Calendar.StartMonth = 13 },
		"retail weekly": func(s *quota.PlanSpec) {
			s.Calendar = quota.CalendarSpec{Kind: "retail", Pattern: "4-4-4", Rule: "last"}
		},
	} {
		s := good
		mut(&s)
		_, _, err := quota.NewPlan(s, byAna)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	_, _, err := quota.NewPlan(good, crmkit.Cmd{By: "x"})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "zero revision time")
}

func TestRetailPlan(t *testing.T) {
	p, _, err := quota.NewPlan(quota.PlanSpec{FiscalYear: 2025, Target: quota.Amount(crmkit.MustMoney("520", "EUR")), Rounding: crmkit.RoundHalfEven,
		Calendar: quota.CalendarSpec{Kind: "retail", Pattern: "4-5-4", YearEndMonth: time.January, YearEndWeekday: time.Saturday, Rule: "nearest"}}, byAna)
	require.NoError(t, err)
	// NRF 2024 (fiscal 2025 here) has 52 weeks; weights by weeks give 4:5:4.
	p, _, err = p.Split(byAna, quota.Split{Grain: quota.Quarters, Weights: quota.EqualWeights()})
	require.NoError(t, err)
	p, _, err = p.Split(byAna, quota.Split{Key: "period=Q1", Grain: quota.Months, Weights: quota.CustomWeights(d("4"), d("5"), d("4"))})
	require.NoError(t, err)
	assert.Equal(t, []int64{4000, 5000, 4000}, targets(t, p, "period=Q1"))
	c, err := p.Cell("period=Q1/period=M02")
	require.NoError(t, err)
	assert.Equal(t, 5*7*24*time.Hour, c.Period.Duration())
	require.NoError(t, roundTrip(t, p))
}

// roundTrip checks that p survives JSON unchanged, cell by cell.
func roundTrip(t interface{ Helper() }, p quota.Plan) error {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	var q quota.Plan
	if err := json.Unmarshal(b, &q); err != nil {
		return err
	}
	if q.ID != p.ID || q.Version != p.Version || q.Name != p.Name || q.FiscalYear != p.FiscalYear ||
		q.Unit != p.Unit || q.Rounding != p.Rounding || q.Calendar != p.Calendar || len(q.History) != len(p.History) {
		return fmt.Errorf("header changed: %+v", q)
	}
	if diff := quota.Diff(p, q); len(diff) > 0 {
		return fmt.Errorf("cells changed: %+v", diff)
	}
	pc, qc := collect(p), collect(q)
	if len(pc) != len(qc) {
		return fmt.Errorf("%d cells became %d", len(pc), len(qc))
	}
	for i := range pc {
		a, b := pc[i], qc[i]
		if a.Key != b.Key || a.Dim != b.Dim || a.Member != b.Member || !a.Period.Equal(b.Period) || a.Weight != b.Weight || a.Target != b.Target {
			return fmt.Errorf("cell %q changed: %+v -> %+v", a.Key, a, b)
		}
	}
	for i, r := range p.History {
		s := q.History[i]
		if r.Version != s.Version || r.By != s.By || !r.At.Equal(s.At) || r.Reason != s.Reason || r.Action != s.Action || len(r.Changes) != len(s.Changes) {
			return fmt.Errorf("revision %d changed", r.Version)
		}
		for j := range r.Changes {
			a, b := r.Changes[j], s.Changes[j]
			if a.Key != b.Key || a.Created != b.Created || a.Before != b.Before || a.After != b.After ||
				a.LockedBefore != b.LockedBefore || a.LockedAfter != b.LockedAfter || !a.RiskBefore.Equal(b.RiskBefore) || !a.RiskAfter.Equal(b.RiskAfter) {
				return fmt.Errorf("change %d of revision %d changed: %+v -> %+v", j, r.Version, a, b)
			}
		}
	}
	// The decoded plan works: it can be split further.
	if _, _, err := q.Split(byAna, quota.Split{Key: firstLeaf(q), Dim: "zz", Members: []string{"x"}, Weights: quota.EqualWeights()}); err != nil {
		return fmt.Errorf("decoded plan cannot split: %w", err)
	}
	return nil
}

func collect(p quota.Plan) []quota.Cell {
	var out []quota.Cell
	for c := range p.Cells() {
		out = append(out, c)
	}
	return out
}

func firstLeaf(p quota.Plan) string {
	for c := range p.Leaves() {
		return c.Key
	}
	return ""
}

func TestPlanJSONRejectsBrokenPlans(t *testing.T) {
	p := newPlan(t, "1000")
	p, _, err := p.Split(byAna, quota.Split{Dim: "rep", Members: []string{"a", "b"}, Weights: quota.EqualWeights()})
	require.NoError(t, err)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	root := m["root"].(map[string]any)
	kids := root["children"].([]any)
	kids[0].(map[string]any)["target"] = "1"
	broken, err := json.Marshal(m)
	require.NoError(t, err)
	q := p
	err = json.Unmarshal(broken, &q)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, p.ID, q.ID)
	assert.Empty(t, quota.Diff(p, q), "a failed decode leaves the plan unchanged")
	assert.ErrorIs(t, json.Unmarshal([]byte(`{"version":"x"}`), &q), crmkit.ErrInvalid)
}

func TestPropertySplitsSumExactly(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		target := rapid.Int64Range(0, 1e15).Draw(t, "target")
		p, _, err := quota.NewPlan(quota.PlanSpec{FiscalYear: 2025, Target: quota.Count(target, "units"),
			Rounding: crmkit.RoundHalfEven}, byAna)
		require.NoError(t, err)
		for range rapid.IntRange(1, 6).Draw(t, "splits") {
			var leaves []quota.Cell
			for c := range p.Leaves() {
				leaves = append(leaves, c)
			}
			leaf := rapid.SampledFrom(leaves).Draw(t, "leaf")
			var s quota.Split
			s.Key = leaf.Key
			if rapid.Bool().Draw(t, "period") && leaf.Period.Duration() > 40*24*time.Hour {
				s.Grain = rapid.SampledFrom([]quota.Grain{quota.Halves, quota.Quarters, quota.Months}).Draw(t, "grain")
				s.Weights = quota.EqualWeights()
				if rapid.Bool().Draw(t, "seasonal") {
					idx := make([]decimal.Decimal, 12)
					for i := range idx {
						idx[i] = decimal.New(rapid.Int64Range(1, 300).Draw(t, "index"), -2)
					}
					s.Weights = quota.SeasonalWeights(idx)
				}
			} else {
				s.Dim = fmt.Sprintf("d%d", len(leaf.Key))
				n := rapid.IntRange(1, 8).Draw(t, "members")
				ws := make([]decimal.Decimal, n)
				for i := range n {
					s.Members = append(s.Members, fmt.Sprintf("m%d", i))
					ws[i] = decimal.New(rapid.Int64Range(0, 1e6).Draw(t, "w"), -int32(rapid.IntRange(0, 4).Draw(t, "exp")))
				}
				ws[0] = ws[0].Add(decimal.NewFromInt(1)) // a positive sum
				s.Weights = quota.CustomWeights(ws...)
			}
			next, _, err := p.Split(byAna, s)
			if err != nil {
				if errors.Is(err, crmkit.ErrInvalid) && s.Grain != 0 {
					continue
				}
				t.Fatalf("split %v: %v", s, err)
			}
			p = next
		}
		for c := range p.Cells() {
			if c.IsLeaf() {
				continue
			}
			var sum int64
			for _, ch := range c.Children {
				sum += minor(ch.Target)
				if minor(ch.Target) < 0 {
					t.Fatalf("negative target in %q", ch.Key)
				}
			}
			if sum != minor(c.Target) {
				t.Fatalf("children of %q sum to %d, want %d", c.Key, sum, minor(c.Target))
			}
		}
		require.NoError(t, p.Validate())
		require.NoError(t, roundTrip(t, p))
	})
}
