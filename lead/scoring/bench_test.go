package scoring_test

import (
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/internal/benchdata"
	"github.com/crmkit/crmkit/lead/scoring"
)

// The scoring benchmarks work on the million leads of benchdata.Leads:
// each b.N iteration scores the next lead of the pre-built slice, so ns/op
// and allocs/op are per lead.

func benchScorer(b *testing.B) *scoring.Scorer {
	s, err := scoring.NewScorer(scoring.Model{
		Fit: []scoring.FitRule{
			{Name: "software", Field: "industry", Op: scoring.OpEquals, Values: []string{"software", "saas"}, Points: 10},
			{Name: "mid-size", Field: "company_size", Op: scoring.OpBetween, Min: ptr(50), Max: ptr(1000), Points: 15},
			{Name: "senior", Field: "title", Op: scoring.OpContains, Values: []string{"vp", "head of"}, Points: 5},
			{Name: "dach", Field: "country", Op: scoring.OpEquals, Values: []string{"de", "at", "ch"}, Points: 5},
			{Name: "enterprise", Field: "attr.segment", Op: scoring.OpEquals, Values: []string{"enterprise"}, Points: 8},
		},
		Engagement: []scoring.EngagementRule{
			{Name: "form", Kind: lead.TouchForm, Points: 10},
			{Name: "visit", Kind: lead.TouchVisit, Points: 2},
			{Name: "meeting", Kind: lead.TouchMeeting, Points: 15},
			{Name: "event", Channel: lead.ChannelEvent, Points: 5},
		},
		HalfLife: 30 * 24 * time.Hour, MQL: 20, SQL: 40,
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkRuleScore scores one lead per iteration with Scorer.Total (the
// bulk path: fit rules plus decayed engagement, no explanation).
func BenchmarkRuleScore(b *testing.B) {
	leads := benchdata.Leads()
	s := benchScorer(b)
	b.ReportAllocs()
	runtime.GC() // collect the set-up garbage outside the timer
	b.ResetTimer()
	var sink float64
	for i := 0; i < b.N; i++ {
		v, err := s.Total(&leads[i%len(leads)], benchdata.At)
		if err != nil {
			b.Fatal(err)
		}
		sink += v
	}
	_ = sink
}

// BenchmarkRuleScoreExplained scores one lead per iteration with
// Scorer.Score, which also builds the rule-by-rule explanation.
func BenchmarkRuleScoreExplained(b *testing.B) {
	leads := benchdata.Leads()
	s := benchScorer(b)
	b.ReportAllocs()
	runtime.GC() // collect the set-up garbage outside the timer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Score(leads[i%len(leads)], benchdata.At); err != nil {
			b.Fatal(err)
		}
	}
}

func benchModel(b *testing.B) *scoring.PredictiveModel {
	m, err := scoring.TrainPredictive(scoring.PredictiveConfig{
		Fields: []string{"source", "country", "industry", "company_size", "title", "attr.segment"},
	}, slices.Values(benchdata.Leads()))
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// BenchmarkPredictiveTrain streams the million leads through the naive
// Bayes trainer once per iteration (half of them converted or
// disqualified, so 500 000 observations); ns/op is per training run.
func BenchmarkPredictiveTrain(b *testing.B) {
	benchdata.Leads()
	b.ReportAllocs()
	runtime.GC() // collect the set-up garbage outside the timer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		benchModel(b)
	}
}

// BenchmarkPredictiveScore computes the conversion probability of one lead
// per iteration over six fields (the bulk path).
func BenchmarkPredictiveScore(b *testing.B) {
	leads := benchdata.Leads()
	m := benchModel(b)
	b.ReportAllocs()
	runtime.GC() // collect the set-up garbage outside the timer
	b.ResetTimer()
	var sink float64
	for i := 0; i < b.N; i++ {
		p, err := m.Probability(&leads[i%len(leads)])
		if err != nil {
			b.Fatal(err)
		}
		sink += p
	}
	_ = sink
}

// BenchmarkPredictiveExplained is Predict: the probability with the
// per-field contributions.
func BenchmarkPredictiveExplained(b *testing.B) {
	leads := benchdata.Leads()
	m := benchModel(b)
	b.ReportAllocs()
	runtime.GC() // collect the set-up garbage outside the timer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := m.Predict(leads[i%len(leads)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLeadScanBaseline is the floor the scoring benchmarks stand on:
// it only reads, per lead, the fields rule scoring reads (industry, title,
// country, size, one attribute, every touch's kind, channel and time),
// doing no arithmetic. The difference to BenchmarkRuleScore is the cost
// of the rules and the decay.
func BenchmarkLeadScanBaseline(b *testing.B) {
	leads := benchdata.Leads()
	b.ReportAllocs()
	runtime.GC() // collect the set-up garbage outside the timer
	b.ResetTimer()
	var n int64
	for i := 0; i < b.N; i++ {
		l := &leads[i%len(leads)]
		n += int64(len(l.Who.Industry) + len(l.Who.Title) + len(l.Who.Country) + l.Who.CompanySize + len(l.Who.Attributes["segment"]))
		for j := range l.Journey {
			tp := &l.Journey[j]
			n += int64(len(tp.Kind)+len(tp.Channel)) + tp.At.Unix()
		}
	}
	if n == 42 {
		b.Log(n)
	}
}
