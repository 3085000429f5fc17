package quota_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/shopspring/decimal"
)

// splitOps splits the annual target equally over reps reps and each rep
// over the twelve months by a seasonal index.
func splitOps(reps int) []quota.Split {
	names := make([]string, reps)
	for i := range names {
		names[i] = fmt.Sprintf("rep%05d", i)
	}
	idx := make([]decimal.Decimal, 12)
	for i := range idx {
		idx[i] = decimal.New(int64(80+5*i), -2)
	}
	ops := []quota.Split{{Dim: "rep", Members: names, Weights: quota.EqualWeights()}}
	for _, n := range names {
		ops = append(ops, quota.Split{Key: quota.ChildKey("", "rep", n), Grain: quota.Months, Weights: quota.SeasonalWeights(idx)})
	}
	return ops
}

// BenchmarkSplit10kRepsX12Months splits 1,200,000,000.00 EUR over 10,000
// reps and each rep over 12 months (seasonal), in one revision: 130,001
// cells, every split exact.
func BenchmarkSplit10kRepsX12Months(b *testing.B) {
	p := newPlan(b, "1200000000")
	ops := splitOps(10000)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := p.Split(byAna, ops...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSplitBareAllocate is the floor for the split benchmark: the
// same 1 + 10,000 largest-remainder allocations with crmkit.Money.Allocate
// alone, without cells, keys, calendar or history.
func BenchmarkSplitBareAllocate(b *testing.B) {
	total := crmkit.MustMoney("1200000000", "EUR")
	ones := slices.Repeat([]int64{1}, 10000)
	months := []int64{80, 85, 90, 95, 100, 105, 110, 115, 120, 125, 130, 135}
	b.ReportAllocs()
	for b.Loop() {
		reps, err := total.Allocate(ones...)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range reps {
			if _, err := r.Allocate(months...); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// salesFor builds n sales in March 2025 over reps reps, one in five split
// 60/40 with the next rep.
func salesFor(n, reps int) []quota.Sale {
	out := make([]quota.Sale, n)
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range out {
		m, _ := crmkit.NewMoney(int64(100000+(i*7919)%5000000), crmkit.MustCurrency("EUR"))
		s := quota.Sale{ID: fmt.Sprintf("d%06d", i), Amount: m, Closed: start.Add(time.Duration(i%(30*24)) * time.Hour),
			Splits: []quota.SaleSplit{{Rep: fmt.Sprintf("rep%03d", i%reps), Weight: 100}}}
		if i%5 == 0 {
			s.Splits = []quota.SaleSplit{{Rep: fmt.Sprintf("rep%03d", i%reps), Weight: 60}, {Rep: fmt.Sprintf("rep%03d", (i+1)%reps), Weight: 40}}
		}
		out[i] = s
	}
	return out
}

// BenchmarkStatements100kDeals500Reps computes the March statements of 500
// reps from 100,000 deals (20,000 of them split between two reps) under
// the accelerated plan with a cap and a recoverable draw: credits, tier
// lines, per-deal commission attribution, draw.
func BenchmarkStatements100kDeals500Reps(b *testing.B) {
	cp := accelerated()
	cp.Cap = eurs("60000")
	cp.Draw = quota.Draw{Amount: eurs("2000"), Recoverable: true}
	sales := salesFor(100000, 500)
	quotas := func(string, crmkit.Period) (crmkit.Money, error) { return eurs("500000"), nil }
	at := time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		sts, err := cp.Statements(at, slices.Values(sales), quotas, nil)
		if err != nil || len(sts) != 500 {
			b.Fatal(err, len(sts))
		}
	}
}

// BenchmarkStatementsBareCredits is the floor for the statement
// benchmark: only the split allocations and a per-rep sum of credits in a
// map, no validation, tiers, lines or attribution.
func BenchmarkStatementsBareCredits(b *testing.B) {
	sales := salesFor(100000, 500)
	b.ReportAllocs()
	for b.Loop() {
		sums := make(map[string]int64, 500)
		for _, s := range sales {
			credits, err := s.Credits()
			if err != nil {
				b.Fatal(err)
			}
			for i, sp := range s.Splits {
				sums[sp.Rep] += credits[i].Minor()
			}
		}
		if len(sums) != 500 {
			b.Fatal(len(sums))
		}
	}
}
