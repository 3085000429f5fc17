package quota_test

import (
	"encoding/json"
	"errors"
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

// fourReps is a 1,000,000.00 EUR plan: EMEA 400,000.00 split equally over
// four reps (100,000.00 each), APAC 600,000.00.
func fourReps(t *testing.T) quota.Plan {
	t.Helper()
	p, _, err := newPlan(t, "1000000").Split(byAna,
		quota.Split{Dim: "region", Members: []string{"EMEA", "APAC"}, Weights: quota.CustomWeights(d("40"), d("60"))},
		quota.Split{Key: "region=EMEA", Dim: "rep", Members: []string{"ana", "ben", "cai", "dee"}, Weights: quota.EqualWeights()},
		quota.Split{Key: "region=EMEA/rep=ana", Grain: quota.Quarters, Weights: quota.EqualWeights()},
	)
	require.NoError(t, err)
	return p
}

func TestAdjustKeepTotal(t *testing.T) {
	p := fourReps(t)
	by := crmkit.Cmd{By: "eva", At: t0.Add(time.Hour), Reason: "ana took over two accounts"}
	q, _, err := p.Adjust(by, quota.ByRate("region=EMEA/rep=ana", d("0.1"), quota.KeepTotal))
	require.NoError(t, err)
	// ana 10,000,000 cents +10% = 11,000,000. The other three give up
	// 1,000,000 cents by equal weights: 333,334 (ties to the lower index),
	// 333,333, 333,333.
	assert.Equal(t, []int64{11000000, 9666666, 9666667, 9666667}, targets(t, q, "region=EMEA"))
	// EMEA and the whole plan keep their totals.
	assert.Equal(t, []int64{40000000, 60000000}, targets(t, q, ""))
	// ana's quarters follow: 2,500,000 each + 250,000.
	assert.Equal(t, []int64{2750000, 2750000, 2750000, 2750000}, targets(t, q, "region=EMEA/rep=ana"))
	// The old version is untouched, the new one says who, when and why.
	assert.Equal(t, []int64{10000000, 10000000, 10000000, 10000000}, targets(t, p, "region=EMEA"))
	require.Equal(t, p.Version+1, q.Version)
	last := q.History[len(q.History)-1]
	assert.Equal(t, "eva", last.By)
	assert.Equal(t, "ana took over two accounts", last.Reason)
	assert.Contains(t, last.Action, "+10%")

	// Lock ben: the next -5% on cai is absorbed by ana and dee only.
	q, _, err = q.Lock(by, true, "region=EMEA/rep=ben")
	require.NoError(t, err)
	r, _, err := q.Adjust(by, quota.ByRate("region=EMEA/rep=cai", d("-0.05"), quota.KeepTotal))
	require.NoError(t, err)
	// cai 9,666,667 x 0.95 = 9,183,333.65 -> 9,183,334 (delta -483,333);
	// ana and dee weigh 10,000,000 each: +241,667 (lower index) and +241,666.
	assert.Equal(t, []int64{11241667, 9666666, 9183334, 9908333}, targets(t, r, "region=EMEA"))

	// Cell-by-cell diff between version 2 (the splits) and the last one.
	diff, err := r.DiffVersions(2, r.Version)
	require.NoError(t, err)
	byKey := map[string]quota.CellDiff{}
	for _, c := range diff {
		byKey[c.Key] = c
	}
	assert.Equal(t, "12416.67 EUR", delta(t, byKey["region=EMEA/rep=ana"]))
	assert.True(t, byKey["region=EMEA/rep=ben"].LockedAfter)
	assert.Equal(t, "-3333.34 EUR", delta(t, byKey["region=EMEA/rep=ben"]))
	assert.NotContains(t, byKey, "region=EMEA", "EMEA kept its total")
	assert.NotContains(t, byKey, "region=APAC")
}

func TestAdjustChangeTotal(t *testing.T) {
	p := fourReps(t)
	q, _, err := p.Adjust(byAna, quota.ByAmount("region=EMEA/rep=dee", quota.Amount(eurs("5000.00")), quota.ChangeTotal))
	require.NoError(t, err)
	assert.Equal(t, []int64{10000000, 10000000, 10000000, 10500000}, targets(t, q, "region=EMEA"))
	assert.Equal(t, []int64{40500000, 60000000}, targets(t, q, ""))
	root, err := q.Cell("")
	require.NoError(t, err)
	assert.Equal(t, "1005000.00 EUR", root.Target.String())
	require.NoError(t, q.Validate())

	// The root moves its children in proportion to their weights (40:60).
	q, _, err = q.Adjust(byAna, quota.ByAmount("", quota.Amount(eurs("10.00")), quota.ChangeTotal))
	require.NoError(t, err)
	assert.Equal(t, []int64{40500400, 60000600}, targets(t, q, ""))

	// SetTarget is an adjustment by the difference.
	q, _, err = q.SetTarget(byAna, "region=APAC", quota.Amount(eurs("500000.00")), quota.KeepTotal)
	require.NoError(t, err)
	assert.Equal(t, []int64{50501000, 50000000}, targets(t, q, ""))
}

func TestAdjustBadInput(t *testing.T) {
	p := fourReps(t)
	p, _, err := p.Lock(byAna, true, "region=EMEA/rep=ben", "region=APAC")
	require.NoError(t, err)
	cases := []struct {
		name string
		adj  []quota.Adjustment
		is   error
	}{
		{"below -100%", []quota.Adjustment{quota.ByRate("region=EMEA/rep=ana", d("-1.005"), quota.ChangeTotal)}, crmkit.ErrInvalid},
		{"locked cell", []quota.Adjustment{quota.ByRate("region=EMEA/rep=ben", d("0.05"), quota.KeepTotal)}, crmkit.ErrConflict},
		{"only locked siblings", []quota.Adjustment{quota.ByRate("region=EMEA", d("0.05"), quota.KeepTotal)}, crmkit.ErrConflict},
		{"locked ancestor", []quota.Adjustment{quota.ByRate("region=APAC", d("0.05"), quota.ChangeTotal)}, crmkit.ErrConflict},
		{"below zero", []quota.Adjustment{quota.ByAmount("region=EMEA/rep=cai", quota.Amount(eurs("-100000.01")), quota.ChangeTotal)}, crmkit.ErrInvalid},
		{"siblings below zero", []quota.Adjustment{quota.ByAmount("region=EMEA/rep=cai", quota.Amount(eurs("300000.01")), quota.KeepTotal)}, crmkit.ErrInvalid},
		{"amount in another currency", []quota.Adjustment{quota.ByAmount("region=EMEA/rep=cai", quota.Amount(crmkit.MustMoney("1.00", "USD")), quota.KeepTotal)}, crmkit.ErrCurrencyMismatch},
		{"count on a money plan", []quota.Adjustment{quota.ByAmount("region=EMEA/rep=cai", quota.Count(1, "deals"), quota.KeepTotal)}, crmkit.ErrInvalid},
		{"root keep total", []quota.Adjustment{quota.ByRate("", d("0.05"), quota.KeepTotal)}, crmkit.ErrInvalid},
		{"no policy", []quota.Adjustment{{Key: "region=EMEA/rep=ana", Relative: d("0.05")}}, crmkit.ErrInvalid},
		{"unknown cell", []quota.Adjustment{quota.ByRate("region=EMEA/rep=zed", d("0.05"), quota.KeepTotal)}, crmkit.ErrNotFound},
		{"second one fails", []quota.Adjustment{
			quota.ByRate("region=EMEA/rep=ana", d("0.05"), quota.KeepTotal),
			quota.ByRate("region=EMEA/rep=cai", d("-1.01"), quota.KeepTotal)}, crmkit.ErrInvalid},
		{"nothing", nil, crmkit.ErrInvalid},
	}
	before, err := json.Marshal(p)
	require.NoError(t, err)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := p.Adjust(byAna, c.adj...)
			require.Error(t, err)
			assert.ErrorIs(t, err, c.is)
			after, err := json.Marshal(p)
			require.NoError(t, err)
			assert.JSONEq(t, string(before), string(after), "nothing changed")
		})
	}
	_, err = quota.ByRate("x", d("-1"), quota.KeepTotal).Inverse()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = p.SetRisk(byAna, "region=EMEA", d("-1"))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = p.Lock(byAna, true, "nope=x")
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	_, err = p.AtVersion(p.Version + 1)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
}

func TestRiskCoefficient(t *testing.T) {
	p := fourReps(t)
	// Each rep carries a completion-risk coefficient of 1.1: assigned
	// 110,000.00 against an allocation of 100,000.00, so the four assigned
	// targets (440,000.00) exceed EMEA's 400,000.00 on purpose.
	var err error
	for _, r := range []string{"ana", "ben", "cai", "dee"} {
		p, _, err = p.SetRisk(byAna, "region=EMEA/rep="+r, d("1.1"))
		require.NoError(t, err)
	}
	sum := quota.Amount(eurs("0.00"))
	for _, r := range []string{"ana", "ben", "cai", "dee"} {
		a, err := p.Assigned("region=EMEA/rep=" + r)
		require.NoError(t, err)
		assert.Equal(t, quota.Amount(eurs("110000.00")), a)
		sum, err = sum.Add(a)
		require.NoError(t, err)
	}
	emea, err := p.Assigned("region=EMEA")
	require.NoError(t, err)
	assert.Equal(t, quota.Amount(eurs("400000.00")), emea)
	assert.Equal(t, "440000.00 EUR", sum.String())
	more, err := sum.Cmp(emea)
	require.NoError(t, err)
	assert.Equal(t, 1, more)
	require.NoError(t, p.Validate(), "allocations still sum exactly")
	require.NoError(t, roundTrip(t, p))
}

func TestVersions(t *testing.T) {
	p := fourReps(t)
	v := []quota.Plan{p}
	for _, a := range []quota.Adjustment{
		quota.ByRate("region=EMEA/rep=ana", d("0.05"), quota.KeepTotal),
		quota.ByRate("region=APAC", d("-0.1"), quota.ChangeTotal),
		quota.ByAmount("region=EMEA/rep=ana/period=Q3", quota.Amount(eurs("123.45")), quota.KeepTotal),
	} {
		next, _, err := v[len(v)-1].Adjust(byAna, a)
		require.NoError(t, err)
		v = append(v, next)
	}
	last := v[len(v)-1]
	for _, old := range v {
		got, err := last.AtVersion(old.Version)
		require.NoError(t, err)
		assert.Empty(t, quota.Diff(old, got), "version %d", old.Version)
		assert.Equal(t, old.Version, got.Version)
		assert.Len(t, got.History, int(old.Version))
	}
	// Back to version 1: only the root, with the annual target.
	first, err := last.AtVersion(1)
	require.NoError(t, err)
	assert.Len(t, collect(first), 1)
	diff, err := last.DiffVersions(1, 2)
	require.NoError(t, err)
	added := 0
	for _, c := range diff {
		if !c.InBefore && c.InAfter {
			added++
		}
	}
	assert.Equal(t, 2+4+4, added, "regions, reps and ana's quarters")
	require.NoError(t, roundTrip(t, last))
}

func sumsExact(t *rapid.T, p quota.Plan) {
	for c := range p.Cells() {
		if c.IsLeaf() {
			continue
		}
		var s int64
		for _, ch := range c.Children {
			s += minor(ch.Target)
		}
		if s != minor(c.Target) {
			t.Fatalf("children of %q sum to %d, not %d", c.Key, s, minor(c.Target))
		}
	}
}

func TestPropertyAdjustments(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := quotatest.Plan().Draw(t, "plan")
		a := quotatest.Adjustment(p).Draw(t, "adjustment")
		q, _, err := p.Adjust(quotatest.Cmd(), a)
		if err != nil {
			if !errors.Is(err, crmkit.ErrConflict) && !errors.Is(err, crmkit.ErrInvalid) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		require.NoError(t, q.Validate())
		sumsExact(t, q)
		before := map[string]quota.Cell{}
		for c := range p.Cells() {
			before[c.Key] = c
		}
		// Locked cells never move.
		for c := range q.Cells() {
			if b := before[c.Key]; b.Locked && minor(b.Target) != minor(c.Target) {
				t.Fatalf("locked cell %q moved from %d to %d", c.Key, minor(b.Target), minor(c.Target))
			}
		}
		// Keep total: the parent's total did not change.
		if a.Total == quota.KeepTotal {
			segs, _ := quota.ParseKey(a.Key)
			parent := ""
			for _, s := range segs[:len(segs)-1] {
				parent = quota.ChildKey(parent, s.Dim, s.Member)
			}
			pc, _ := q.Cell(parent)
			if minor(pc.Target) != minor(before[parent].Target) {
				t.Fatalf("keep total moved parent %q from %d to %d", parent, minor(before[parent].Target), minor(pc.Target))
			}
			root, _ := q.Cell("")
			if minor(root.Target) != minor(p.Root.Target) {
				t.Fatalf("keep total moved the root")
			}
		}
		// The inverse returns every cell to within one unit.
		inv, err := a.Inverse()
		require.NoError(t, err)
		r, _, err := q.Adjust(quotatest.Cmd(), inv)
		if err != nil && !a.Absolute && errors.Is(err, crmkit.ErrInvalid) {
			// A relative change is rounded, so its inverse may ask a cell
			// that the first change left at 0 to give up one unit more.
			return
		}
		require.NoError(t, err, "inverse of %v is %v", a, inv)
		for c := range r.Cells() {
			b := before[c.Key]
			if diff := minor(c.Target) - minor(b.Target); diff > 1 || diff < -1 {
				t.Fatalf("cell %q: %d -> %d -> %d after %v and %v", c.Key, minor(b.Target), minor(q.Root.Target), minor(c.Target), a, inv)
			}
		}
		if a.Absolute {
			assert.Empty(t, quota.Diff(p, r), "an amount and its inverse restore every cell exactly")
		}
		// Every version can be rebuilt.
		back, err := r.AtVersion(p.Version)
		require.NoError(t, err)
		assert.Empty(t, quota.Diff(p, back))
	})
}

func TestInverseOfUsualRates(t *testing.T) {
	for _, c := range []struct{ rate, inv string }{
		// -r/(1+r) to 16 places, half-even (crmkit.Ratio): -1/11, 1/9, -1/21, 1/19.
		{"0.1", "-0.0909090909090909"},
		{"-0.1", "0.1111111111111111"},
		{"0.05", "-0.0476190476190476"}, // 1/21 = 0.0476190476190476|190... -> down
		{"-0.05", "0.0526315789473684"}, // 1/19 = 0.0526315789473684|21... -> down
	} {
		inv, err := quota.ByRate("k", d(c.rate), quota.KeepTotal).Inverse()
		require.NoError(t, err)
		assert.True(t, inv.Relative.Equal(d(c.inv)), "%s: %s", c.rate, inv.Relative)
	}
	_ = decimal.Zero
}

// TestAdjustUnits: a money plan takes amounts of money in its currency, a
// count plan takes counts; the other unit is refused and changes nothing.
func TestAdjustUnits(t *testing.T) {
	money := newPlan(t, "1000.00")
	q, _, err := money.SetTarget(byAna, "", quota.Amount(eurs("1200.00")), quota.ChangeTotal)
	require.NoError(t, err)
	got, err := q.Target("")
	require.NoError(t, err)
	assert.True(t, got.Equal(quota.Amount(eurs("1200.00"))), "%s", got)
	_, _, err = money.SetTarget(byAna, "", quota.Amount(crmkit.MustMoney("1200.00", "USD")), quota.ChangeTotal)
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	_, _, err = money.SetTarget(byAna, "", quota.Amount(eurs("-0.01")), quota.ChangeTotal)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = money.SetTarget(byAna, "", quota.Count(12, "deals"), quota.ChangeTotal)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	counts, _, err := quota.NewPlan(quota.PlanSpec{FiscalYear: 2025, Target: quota.Count(120, "new logos"), Rounding: crmkit.RoundHalfEven}, byAna)
	require.NoError(t, err)
	counts, _, err = counts.Split(byAna, quota.Split{Grain: quota.Quarters, Weights: quota.EqualWeights()})
	require.NoError(t, err)
	// 120 over four quarters is 30 each; +6 on Q1 keeping the total takes
	// 2 from each of the three other quarters.
	c, _, err := counts.Adjust(byAna, quota.ByAmount("period=Q1", quota.Count(6, "new logos"), quota.KeepTotal))
	require.NoError(t, err)
	assert.Equal(t, []int64{36, 28, 28, 28}, targets(t, c, ""))
	c, _, err = c.SetTarget(byAna, "period=Q1", quota.Count(30, "new logos"), quota.KeepTotal)
	require.NoError(t, err)
	assert.Equal(t, []int64{30, 30, 30, 30}, targets(t, c, ""))
	_, _, err = counts.Adjust(byAna, quota.ByAmount("period=Q1", quota.Amount(eurs("1.00")), quota.KeepTotal))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = counts.SetTarget(byAna, "period=Q1", quota.Amount(eurs("1.00")), quota.KeepTotal)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = counts.SetTarget(byAna, "period=Q1", quota.Count(-1, "new logos"), quota.KeepTotal)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = counts.Adjust(byAna, quota.ByAmount("period=Q1", quota.Count(1, "meetings"), quota.KeepTotal))
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a count of something else")
	target, err := counts.Target("")
	require.NoError(t, err)
	_, err = target.Money()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, "120 new logos", target.String())
	assert.Equal(t, int64(2), counts.Version, "the refused changes left the plan as it was")
}

// delta writes a cell's change between two plans in the plan's unit.
func delta(t testing.TB, d quota.CellDiff) string {
	t.Helper()
	q, err := d.Delta()
	require.NoError(t, err)
	return q.String()
}
