package funnel_test

import (
	"fmt"
	"iter"
	"math/bits"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/shopspring/decimal"
)

var benchStages = pipelineOf(
	deal.Stage{Name: "lead", Probability: decimal.RequireFromString("0.05")},
	deal.Stage{Name: "mql", Probability: decimal.RequireFromString("0.1")},
	deal.Stage{Name: "sql", Probability: decimal.RequireFromString("0.2")},
	deal.Stage{Name: "proposal", Probability: decimal.RequireFromString("0.4"), Forecast: deal.ForecastBestCase},
	deal.Stage{Name: "negotiation", Probability: decimal.RequireFromString("0.6"), Forecast: deal.ForecastBestCase},
	deal.Stage{Name: "contract", Probability: decimal.RequireFromString("0.8"), Forecast: deal.ForecastCommit},
)

var benchStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// benchDeals returns n deals as values (funneltest.SyntheticDeals: the
// same data for the same n).
func benchDeals(n int) []funnel.Opportunity {
	return funneltest.SyntheticDeals(benchStages, benchStart, n)
}

var benchAsOf = benchStart.Add(3 * 365 * 24 * time.Hour)

// bareSummary is the baseline: a bare loop over the same fields the
// summary reads (stage set, status, stage, amount, origin, close and entry
// times), counting and summing per furthest stage, without validation,
// currency or overflow checks, suffix sums or histograms.
func bareSummary(deals []funnel.Opportunity) (reached, amount [deal.MaxStages]int64, won, wonAmount int64, cycle, age time.Duration) {
	for i := range deals {
		d := &deals[i]
		f := bits.Len64(d.Reached) - 1
		if f >= 0 {
			reached[f]++
			amount[f] += d.Amount.Minor()
		}
		switch d.Status {
		case funnel.ClosedWon:
			won++
			wonAmount += d.Amount.Minor()
			cycle += d.Closed.Sub(d.Origin)
		case funnel.Open:
			age += benchAsOf.Sub(d.Entered)
		}
	}
	return
}

// bareSummaryUnix is bareSummary with durations computed from Unix
// seconds and nanoseconds (as the summary does) instead of time.Sub, which
// checks its result by adding it back.
func bareSummaryUnix(deals []funnel.Opportunity) (reached, amount [deal.MaxStages]int64, won, wonAmount int64, cycle, age time.Duration) {
	asSec, asNs := benchAsOf.Unix(), int64(benchAsOf.Nanosecond())
	for i := range deals {
		d := &deals[i]
		f := bits.Len64(d.Reached) - 1
		if f >= 0 {
			reached[f]++
			amount[f] += d.Amount.Minor()
		}
		switch d.Status {
		case funnel.ClosedWon:
			won++
			wonAmount += d.Amount.Minor()
			cycle += time.Duration((d.Closed.Unix()-d.Origin.Unix())*1e9 + int64(d.Closed.Nanosecond()-d.Origin.Nanosecond()))
		case funnel.Open:
			age += time.Duration((asSec-d.Entered.Unix())*1e9 + asNs - int64(d.Entered.Nanosecond()))
		}
	}
	return
}

var sink any

// BenchmarkSummary is the summary report (per stage: count, amount,
// conversion, mean time to close) over deals held as values, beside a bare
// loop over the same fields, at 10k, 100k and 1M deals. ns/deal is the
// per-deal cost; allocs/op are per report (a constant, none per deal).
func BenchmarkSummary(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		deals := benchDeals(n)
		perDeal := func(b *testing.B) {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/deal")
		}
		b.Run(fmt.Sprintf("bare/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, a, w, wa, c, g := bareSummary(deals)
				sink = [6]any{r[0], a[0], w, wa, c, g}
			}
			perDeal(b)
		})
		b.Run(fmt.Sprintf("bare-unix/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, a, w, wa, c, g := bareSummaryUnix(deals)
				sink = [6]any{r[0], a[0], w, wa, c, g}
			}
			perDeal(b)
		})
		b.Run(fmt.Sprintf("slice/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rep, err := funnel.Summarize(benchStages, slices.Values(deals), funnel.Query{AsOf: benchAsOf, Quantiles: crmkit.QuantilesNone})
				if err != nil {
					b.Fatal(err)
				}
				sink = rep
			}
			perDeal(b)
		})
		b.Run(fmt.Sprintf("seq/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rep, err := funnel.Summarize(benchStages, slices.Values(deals), funnel.Query{AsOf: benchAsOf, Quantiles: crmkit.QuantilesNone})
				if err != nil {
					b.Fatal(err)
				}
				sink = rep
			}
			perDeal(b)
		})
		b.Run(fmt.Sprintf("quantiles/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rep, err := funnel.Summarize(benchStages, slices.Values(deals), funnel.Query{AsOf: benchAsOf})
				if err != nil {
					b.Fatal(err)
				}
				sink = rep
			}
			perDeal(b)
		})
		b.Run(fmt.Sprintf("byowner/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rep, err := funnel.Summarize(benchStages, slices.Values(deals), funnel.Query{AsOf: benchAsOf, Quantiles: crmkit.QuantilesNone, By: []funnel.Dimension{funnel.ByOwner}})
				if err != nil {
					b.Fatal(err)
				}
				sink = rep
			}
			perDeal(b)
		})
	}
}

// benchEvents yields about n records generated on the fly
// (funneltest.SyntheticEvents), in report order.
func benchEvents(n int) iter.Seq[funnel.Record] {
	return funneltest.SyntheticEvents(benchStages, benchStart, n)
}

// BenchmarkFullReport is the full report (time in stage with approximate
// quantiles, cohorts by month of origin, the pipeline as of a date) from
// records streamed by a generator, beside a bare pass over the same
// generator. The 10,000,000-record size runs only with -bench and not in
// -short mode; memory stays flat (records are generated on the fly).
func BenchmarkFullReport(b *testing.B) {
	sizes := []int{100_000, 1_000_000, 10_000_000}
	for _, n := range sizes {
		if n > 1_000_000 && testing.Short() {
			continue
		}
		perRecord := func(b *testing.B) {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/record")
		}
		b.Run(fmt.Sprintf("generate/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var c int
				var amt int64
				for r := range benchEvents(n) {
					c++
					amt += r.Amount.Minor()
				}
				sink = [2]any{c, amt}
			}
			perRecord(b)
		})
		b.Run(fmt.Sprintf("report/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rep, err := funnel.SummarizeRecords(benchStages, benchEvents(n), funnel.Query{AsOf: benchAsOf, By: []funnel.Dimension{funnel.ByPeriod}})
				if err != nil {
					b.Fatal(err)
				}
				sink = rep
			}
			perRecord(b)
		})
		b.Run(fmt.Sprintf("pipeline-as-of/n=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			asOf := benchStart.Add(200 * 24 * time.Hour)
			for b.Loop() {
				var open int
				for o, err := range funnel.Replay(benchStages, benchEvents(n), asOf) {
					if err != nil {
						b.Fatal(err)
					}
					if o.Status == funnel.Open {
						open++
					}
				}
				sink = open
			}
			perRecord(b)
		})
	}
}
