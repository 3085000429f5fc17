package funnel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/kpi"
)

// TestPropertySalesCycleAgreesWithKPI: for any sample of sales cycles,
// a funnel report over deals won after those cycles and kpi.SalesCycle
// over the cycles give the same mean and the same median (both
// crmkit.Durations), and the median is the one a sort gives: the middle
// cycle, or the mean of the two middle ones (to the nanosecond, halves to
// even).
func TestPropertySalesCycleAgreesWithKPI(t *testing.T) {
	stages := pipelineOf(deal.Stage{Name: "open", Probability: dec("0.5")})
	rapid.Check(t, func(t *rapid.T) {
		gen := rapid.OneOf(rapid.Int64Range(0, 10), rapid.Int64Range(0, int64(3*365*day)), rapid.Int64Range(0, int64(100*365*day)))
		raw := rapid.SliceOfN(gen, 1, 40).Draw(t, "cycles")
		cycles := make([]time.Duration, len(raw))
		var records []funnel.Record
		last := t0
		for i, c := range raw {
			cycles[i] = time.Duration(c)
			e := uuid.UUID{14: byte(i >> 8), 15: byte(i)}
			won := t0.Add(cycles[i])
			if won.After(last) {
				last = won
			}
			records = append(records,
				funnel.Record{Entity: e, Kind: funnel.Created, At: t0, Amount: crmkit.MustMoney("1", "EUR")},
				funnel.Record{Entity: e, Kind: funnel.StageEntered, At: t0, Stage: 0},
				funnel.Record{Entity: e, Kind: funnel.Won, At: won})
		}
		set, err := kpi.SalesCycle(cycles)
		require.NoError(t, err)
		mean, err := set.Mean()
		require.NoError(t, err)
		median, err := set.Median()
		require.NoError(t, err)

		for _, mode := range []crmkit.Quantiles{crmkit.QuantilesExact, crmkit.QuantilesApprox, crmkit.QuantilesNone} {
			rep, err := funnel.SummarizeRecords(stages, slices.Values(records), funnel.Query{AsOf: last, Quantiles: mode})
			require.NoError(t, err)
			require.Equal(t, int64(len(cycles)), rep.Total.Cycle.Count())
			m, err := rep.Total.Cycle.Mean()
			require.NoError(t, err)
			require.Equal(t, mean, m, "mean (%s)", mode)
			if mode == crmkit.QuantilesExact {
				med, err := rep.Total.Cycle.Median()
				require.NoError(t, err)
				require.Equal(t, median, med, "median")
			}
		}

		sorted := slices.Clone(cycles)
		slices.Sort(sorted)
		n := len(sorted)
		want := sorted[n/2]
		if n%2 == 0 {
			// The two middle values are below 2^62 ns here: no overflow.
			s := sorted[n/2-1] + sorted[n/2]
			want = s / 2
			if s%2 == 1 && want%2 == 1 {
				want++ // a half: to the even neighbour
			}
		}
		require.Equal(t, want, median, "median of %v", sorted)
	})
}
