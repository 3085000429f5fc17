package funnel_test

import (
	"fmt"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
)

// benchLive returns a live summary of 4,000 groups (8 owners, 25 months,
// 4 stages, 5 statuses), 3 entities each.
func benchLive(b *testing.B) *funnel.LiveSummary {
	live := new(funnel.LiveSummary)
	for o := range 8 {
		for m := range 25 {
			for st := range 4 {
				for s := range 5 {
					g := funnel.LiveGroup{Key: funnel.LiveKey{Reached: 1<<uint(st+1) - 1, Stage: st, Status: funnel.Status(s),
						Owner: fmt.Sprintf("rep-%d", o), Month: ymd(2025, 1, 1).AddDate(0, m, 0), Currency: eur}, Count: 3}
					g.Amount, _ = crmkit.NewMoney(300000, eur)
					if err := live.Add(g); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
	}
	return live
}

// BenchmarkLiveSummaryReport measures LiveSummary.Report over 4,000
// groups: split by owner (from the owner margin), beside split by owner
// and month (from every group), in one run: the in-memory half of a
// store's live read.
func BenchmarkLiveSummaryReport(b *testing.B) {
	live := benchLive(b)
	for _, by := range [][]funnel.Dimension{{funnel.ByOwner}, {funnel.ByOwner, funnel.ByPeriod}} {
		q := funnel.Query{AsOf: ymd(2030, 1, 1), By: by, Quantiles: crmkit.QuantilesNone}
		b.Run(fmt.Sprint(by), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := live.Report(testStages(), q); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(live.Len()), "groups")
		})
	}
}

// BenchmarkLiveSummaryApply measures one Apply moving an entity between
// two groups of a 4,000-group summary, alone beside one after a Clone
// (which then copies the groups it shared): what a memory store's write
// costs with no read since the last write, and right after a read.
func BenchmarkLiveSummaryApply(b *testing.B) {
	live := benchLive(b)
	k := funnel.Opportunity{Stage: 0, Reached: 1, Status: funnel.Open, Dims: funnel.Dims{Owner: "rep-0"}, Origin: ymd(2025, 1, 1)}
	k.Amount, _ = crmkit.NewMoney(100000, eur)
	next := k
	next.Stage, next.Reached = 1, 3
	for _, clone := range []bool{false, true} {
		b.Run(fmt.Sprintf("afterClone=%v", clone), func(b *testing.B) {
			b.ReportAllocs()
			from, to := &k, &next
			for b.Loop() {
				if clone {
					_ = live.Clone()
				}
				if err := live.Apply(from, to); err != nil {
					b.Fatal(err)
				}
				from, to = to, from
			}
		})
	}
}
