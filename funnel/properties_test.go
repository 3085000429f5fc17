package funnel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/funneltest"
	"github.com/google/uuid"
	"pgregory.net/rapid"
)

func asOfIn(t *rapid.T, h funneltest.History) time.Time {
	first := h.Records[0].At
	span := h.Last.Sub(first) / time.Minute
	return first.Add(time.Duration(rapid.Int64Range(0, int64(span)+1).Draw(t, "as of minutes")) * time.Minute)
}

func TestPropertyForwardCountsNeverIncrease(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{Forward: true}).Draw(t, "history")
		rep, err := funnel.SummarizeRecords(h.Pipeline, h.Seq(), funnel.Query{AsOf: asOfIn(t, h)})
		if err != nil {
			t.Fatal(err)
		}
		if err := funneltest.CheckCounts(rep.Total, true); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPropertyCountsAndRates(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{}).Draw(t, "history")
		rep, err := funnel.SummarizeRecords(h.Pipeline, h.Seq(), funnel.Query{AsOf: asOfIn(t, h), By: []funnel.Dimension{funnel.ByOwner}})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range append([]funnel.Summary{rep.Total}, groupSummaries(rep)...) {
			if err := funneltest.CheckCounts(s, false); err != nil {
				t.Fatal(err)
			}
			if err := funneltest.CheckRates(s); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func groupSummaries(r funnel.Report) []funnel.Summary {
	var out []funnel.Summary
	for _, g := range r.Groups {
		out = append(out, g.Summary)
	}
	return out
}

func TestPropertyUnionIsMerge(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{}).Draw(t, "history")
		ids := h.Entities()
		inA := map[uuid.UUID]bool{}
		for _, id := range ids {
			inA[id] = rapid.Bool().Draw(t, "in a")
		}
		mode := rapid.SampledFrom([]crmkit.Quantiles{crmkit.QuantilesApprox, crmkit.QuantilesExact, crmkit.QuantilesNone}).Draw(t, "mode")
		q := funnel.Query{AsOf: asOfIn(t, h), Quantiles: mode, By: []funnel.Dimension{funnel.BySource, funnel.ByPeriod}}
		if err := funneltest.CheckMerge(h.Pipeline, h.Records, func(id uuid.UUID) bool { return inA[id] }, q); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPropertyReplayLastEventIsCurrentState(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{}).Draw(t, "history")
		if err := funneltest.CheckFinalState(h); err != nil {
			t.Fatal(err)
		}
	})
}

// Summarize over the replayed states agrees with SummarizeRecords over the
// records on everything but the completed stays, which values lack.
func TestPropertySummarizeAgreesWithAnalyze(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{}).Draw(t, "history")
		q := funnel.Query{AsOf: asOfIn(t, h), Quantiles: crmkit.QuantilesExact}
		states, err := replayAll(h.Pipeline, h.Seq(), q.AsOf)
		if err != nil {
			t.Fatal(err)
		}
		fromValues, err := funnel.Summarize(h.Pipeline, slices.Values(states), q)
		if err != nil {
			t.Fatal(err)
		}
		fromRecords, err := funnel.SummarizeRecords(h.Pipeline, h.Seq(), q)
		if err != nil {
			t.Fatal(err)
		}
		want := fromRecords.Total
		for i := range want.Stages {
			want.Stages[i].Stay = fromValues.Total.Stages[i].Stay
		}
		if err := funneltest.DiffSummaries(fromValues.Total, want); err != nil {
			t.Fatal(err)
		}
	})
}

// Approximate quantiles are within 1 s + |x|/128 of the exact ones, x the
// largest magnitude in the set (crmkit's own test checks the tighter bound
// of the two order statistics interpolated), and between the minimum and
// the maximum.
func TestPropertyApproxQuantiles(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{MaxEntities: 20}).Draw(t, "history")
		q := funnel.Query{AsOf: h.Last}
		bounded, err := funnel.SummarizeRecords(h.Pipeline, h.Seq(), q)
		if err != nil {
			t.Fatal(err)
		}
		q.Quantiles = crmkit.QuantilesExact
		exact, err := funnel.SummarizeRecords(h.Pipeline, h.Seq(), q)
		if err != nil {
			t.Fatal(err)
		}
		pairs := [][2]crmkit.Durations{{bounded.Total.Cycle, exact.Total.Cycle}, {bounded.Total.LossCycle, exact.Total.LossCycle}}
		for i := range exact.Total.Stages {
			pairs = append(pairs, [2]crmkit.Durations{bounded.Total.Stages[i].Stay, exact.Total.Stages[i].Stay},
				[2]crmkit.Durations{bounded.Total.Stages[i].OpenStay, exact.Total.Stages[i].OpenStay})
		}
		qs := []float64{0, rapid.Float64Range(0, 1).Draw(t, "q"), 0.5, 0.9, 1}
		for _, p := range pairs {
			if p[1].Count() == 0 {
				continue
			}
			lo, _ := p[1].Min()
			hi, _ := p[1].Max()
			for _, qq := range qs {
				b, err := p[0].Quantile(qq)
				if err != nil {
					t.Fatal(err)
				}
				e, err := p[1].Quantile(qq)
				if err != nil {
					t.Fatal(err)
				}
				diff := b - e
				if diff < 0 {
					diff = -diff
				}
				mag := max(hi, -lo)
				if diff >= time.Second+mag/128 || b < lo || b > hi {
					t.Fatalf("q=%v: bounded %v, exact %v, range [%v, %v]", qq, b, e, lo, hi)
				}
			}
		}
	})
}

// A split report's groups partition the entities: merged, they give the
// total (cohorts included).
func TestPropertyGroupsMergeToTotal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		h := funneltest.Histories(funneltest.Config{}).Draw(t, "history")
		dims := rapid.SliceOfNDistinct(rapid.SampledFrom([]funnel.Dimension{funnel.ByOwner, funnel.BySource, funnel.ByCampaign, funnel.ByCompetitor, funnel.ByReason, funnel.ByPeriod}), 1, 3, rapid.ID).Draw(t, "by")
		rep, err := funnel.SummarizeRecords(h.Pipeline, h.Seq(), funnel.Query{AsOf: asOfIn(t, h), By: dims, Quantiles: crmkit.QuantilesExact})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Groups) == 0 {
			if rep.Total.Entities != 0 {
				t.Fatalf("%d entities in no group", rep.Total.Entities)
			}
			return
		}
		m := rep.Groups[0].Summary
		for _, g := range rep.Groups[1:] {
			if m, err = m.Merge(g.Summary); err != nil {
				t.Fatal(err)
			}
		}
		if err := funneltest.DiffSummaries(rep.Total, m); err != nil {
			t.Fatal(err)
		}
	})
}
