package predict_test

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/crmkit/crmkit/funnel/predict"
	"github.com/stretchr/testify/require"
)

// benchModel trains on a Markov history with about 10,000 deals open at
// the as-of time.
func benchModel(b *testing.B) (*predict.Model, benchHistory) {
	asOf := start.AddDate(2, 0, 0)
	h := markov(1, asOf)
	h.PerDay = 580
	m, err := predict.Train(four, h.Records(), asOf, predict.TrainOptions{})
	require.NoError(b, err)
	return m, benchHistory{h, asOf}
}

// BenchmarkSimulate is the goal: 10,000 open deals × 10,000 simulations
// in at most 1 s, allocations independent of the number of simulations;
// the weighted forecast of the same open deals (funnel.NewForecast) is
// measured beside it.
func BenchmarkSimulate(b *testing.B) {
	m, hist := benchModel(b)
	open, _ := m.OpenDeals()
	b.Logf("%d open deals", open)
	period := crmkit.Period{Start: hist.asOf, End: hist.asOf.AddDate(0, 3, 0)}
	for _, sims := range []int{1_000, 10_000} {
		b.Run("open=10k/sims="+strconv.Itoa(sims), func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				_, err := m.Simulate(predict.SimOptions{Periods: []crmkit.Period{period}, Simulations: sims, Seed: 1, NoNewDeals: true})
				require.NoError(b, err)
			}
		})
	}
	b.Run("open=10k/sims=10000/new-deals", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			_, err := m.Simulate(predict.SimOptions{Periods: []crmkit.Period{period}, Simulations: 10_000, Seed: 1})
			require.NoError(b, err)
		}
	})
	var deals []funnel.Opportunity
	for o, err := range funnel.Replay(four, hist.h.Records(), hist.asOf) {
		require.NoError(b, err)
		if o.Status == funnel.Open {
			deals = append(deals, o)
		}
	}
	b.Run("weighted-forecast/open=10k", func(b *testing.B) {
		b.ReportAllocs()
		defer reportCPU(b)()
		for b.Loop() {
			_, err := funnel.NewForecast(four, slices.Values(deals), period, hist.asOf, funnel.ForecastOptions{})
			require.NoError(b, err)
		}
	})
}

type benchHistory struct {
	h    funneltest.Markov
	asOf time.Time
}

// BenchmarkTrainWin is the goal: training on 1,000,000 closed deals in at
// most 5 s. The same stream read by the generator alone and summarised by
// funnel.SummarizeRecords (one pass of funnel's own report) is measured
// beside it.
func BenchmarkTrainWin(b *testing.B) {
	for _, years := range []int{1, 10} {
		h := markov(2, start.AddDate(years, 0, 0))
		h.PerDay = 280 // about 102,000 deals a year, all but the last weeks' closed
		h.ActivityPerDay = 0.2
		asOf := h.End
		b.Run("generate/years="+strconv.Itoa(years), func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				n := 0
				for range h.Records() {
					n++
				}
			}
		})
		b.Run("summarize/years="+strconv.Itoa(years), func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				_, err := funnel.SummarizeRecords(four, h.Records(), funnel.Query{AsOf: asOf})
				require.NoError(b, err)
			}
		})
		b.Run("train-win/years="+strconv.Itoa(years), func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				w, err := predict.TrainWin(four, h.Records(), asOf, predict.WinOptions{})
				require.NoError(b, err)
				deals, rows, patterns := w.Size()
				b.ReportMetric(float64(deals), "closed-deals")
				b.ReportMetric(float64(rows), "rows")
				b.ReportMetric(float64(patterns), "patterns")
			}
		})
		b.Run("train-montecarlo/years="+strconv.Itoa(years), func(b *testing.B) {
			b.ReportAllocs()
			defer reportCPU(b)()
			for b.Loop() {
				_, err := predict.Train(four, h.Records(), asOf, predict.TrainOptions{})
				require.NoError(b, err)
			}
		})
	}
}

// reportCPU reports the CPU seconds per operation (all goroutines) when
// the returned function runs at the end of the benchmark.
func reportCPU(b *testing.B) func() {
	t0 := cpuTime()
	return func() { b.ReportMetric((cpuTime()-t0).Seconds()/float64(b.N), "cpu-s/op") }
}
