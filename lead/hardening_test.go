package lead_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/harness"
	"github.com/crmkit/crmkit/lead"
)

// must returns v, failing loudly on err: for tests whose call cannot fail.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func errOf[T any](_ T, err error) error { return err }

// TestHardeningNilAndZero calls every entry point of lead that takes an
// iterator, and every method of Router, Scorer, PredictiveModel,
// NaiveBayes and LadderReport, with nil or zero values: each is refused
// with ErrInvalid, none panics.
func TestHardeningNilAndZero(t *testing.T) {
	var (
		nilRouter *lead.Router
		nilScorer *lead.Scorer
		nilPM     *lead.PredictiveModel
		nilNB     *lead.NaiveBayes
		nilReport *lead.LadderReport
		l         = lead.Lead{Who: lead.Person{Name: "x"}}
	)
	router := must(lead.NewRouter(lead.RoutingPlan{Reps: []lead.Rep{{ID: "ana"}}}))
	scorer := must(lead.NewScorer(scModel()))
	harness.Run(t, []harness.Case{
		{Name: "Count nil leads", Call: func() error { return errOf(lead.Count(nil, nil)) }},
		{Name: "Progress nil history", Call: func() error { return errOf(lead.Progress(nil)) }},
		{Name: "TrainNaiveBayes nil past", Call: func() error { return errOf(lead.TrainNaiveBayes([]string{"x"}, 0, nil)) }},
		{Name: "TrainPredictive nil past", Call: func() error { return errOf(lead.TrainPredictive(lead.PredictiveConfig{}, nil)) }},
		{Name: "Merge nil clock", Call: func() error { _, _, _, err := lead.Merge(nil, "a", l); return err }},
		{Name: "Merge no leads", Call: func() error { _, _, _, err := lead.Merge(crmkit.NewFakeClock(scAt), "a"); return err }},

		{Name: "nil Router Route", Call: func() error { return errOf(nilRouter.Route(&l)) }},
		{Name: "nil Router RouteAll", Call: func() error { return errOf(nilRouter.RouteAll(slices.Values([]lead.Lead{l}))) }},
		{Name: "nil Router Capacity", Call: func() error { return errOf(nilRouter.Capacity()) }},
		{Name: "nil Router Release", Call: func() error { return nilRouter.Release("ana") }},
		{Name: "zero Router Route", Call: func() error { return errOf(new(lead.Router).Route(&l)) }},
		{Name: "zero Router RouteAll", Call: func() error { return errOf(new(lead.Router).RouteAll(slices.Values([]lead.Lead{l}))) }},
		{Name: "zero Router Capacity", Call: func() error { return errOf(new(lead.Router).Capacity()) }},
		{Name: "zero Router Release", Call: func() error { return new(lead.Router).Release("ana") }},
		{Name: "Router RouteAll nil leads", Call: func() error { return errOf(router.RouteAll(nil)) }},

		{Name: "nil Scorer Score", Call: func() error { return errOf(nilScorer.Score(l, scAt)) }},
		{Name: "nil Scorer Total", Call: func() error { return errOf(nilScorer.Total(&l, scAt)) }},
		{Name: "nil Scorer FitOf", Call: func() error { return errOf(nilScorer.FitOf(&l)) }},
		{Name: "nil Scorer QualityBySource", Call: func() error { return errOf(nilScorer.QualityBySource(slices.Values([]lead.Lead{l}))) }},
		{Name: "zero Scorer Score", Call: func() error { return errOf(new(lead.Scorer).Score(l, scAt)) }},
		{Name: "zero Scorer Total", Call: func() error { return errOf(new(lead.Scorer).Total(&l, scAt)) }},
		{Name: "zero Scorer FitOf", Call: func() error { return errOf(new(lead.Scorer).FitOf(&l)) }},
		{Name: "zero Scorer QualityBySource", Call: func() error { return errOf(new(lead.Scorer).QualityBySource(slices.Values([]lead.Lead{l}))) }},
		{Name: "Scorer QualityBySource nil leads", Call: func() error { return errOf(scorer.QualityBySource(nil)) }},

		{Name: "nil PredictiveModel Predict", Call: func() error { return errOf(nilPM.Predict(l)) }},
		{Name: "nil PredictiveModel Probability", Call: func() error { return errOf(nilPM.Probability(&l)) }},
		{Name: "nil PredictiveModel MarshalJSON", Call: func() error { return errOf(nilPM.MarshalJSON()) }},
		{Name: "nil PredictiveModel UnmarshalJSON", Call: func() error { return nilPM.UnmarshalJSON([]byte(`{}`)) }},
		{Name: "zero PredictiveModel Predict", Call: func() error { return errOf(new(lead.PredictiveModel).Predict(l)) }},
		{Name: "zero PredictiveModel Probability", Call: func() error { return errOf(new(lead.PredictiveModel).Probability(&l)) }},
		{Name: "zero PredictiveModel MarshalJSON", Call: func() error { return errOf(json.Marshal(new(lead.PredictiveModel))) }},

		{Name: "nil NaiveBayes Predict", Call: func() error { return errOf(nilNB.Predict(nil)) }},
		{Name: "nil NaiveBayes Probability", Call: func() error { return errOf(nilNB.Probability(nil)) }},
		{Name: "nil NaiveBayes MarshalJSON", Call: func() error { return errOf(nilNB.MarshalJSON()) }},
		{Name: "nil NaiveBayes UnmarshalJSON", Call: func() error { return nilNB.UnmarshalJSON([]byte(`{}`)) }},
		{Name: "zero NaiveBayes Predict", Call: func() error { return errOf(new(lead.NaiveBayes).Predict(map[string]string{"x": "y"})) }},
		{Name: "zero NaiveBayes Probability", Call: func() error { return errOf(new(lead.NaiveBayes).Probability(nil)) }},
		{Name: "zero NaiveBayes MarshalJSON", Call: func() error { return errOf(json.Marshal(new(lead.NaiveBayes))) }},

		{Name: "nil LadderReport Conversion", Call: func() error { return errOf(nilReport.Conversion(lead.StageSuspect, lead.StageMQL)) }},
		{Name: "nil LadderReport LeadToCustomer", Call: func() error { return errOf(nilReport.LeadToCustomer()) }},
		{Name: "nil LadderReport TimeToStage", Call: func() error { _, _, err := nilReport.TimeToStage(lead.StageMQL); return err }},
	})
}

// TestHardeningNilAccessors: the accessors without an error return give
// the zero value on a nil or zero receiver instead of panicking.
func TestHardeningNilAccessors(t *testing.T) {
	var (
		nilRouter *lead.Router
		nilScorer *lead.Scorer
		nilPM     *lead.PredictiveModel
		nilNB     *lead.NaiveBayes
		nilReport *lead.LadderReport
	)
	assert.Nil(t, nilRouter.Reps())
	assert.Empty(t, new(lead.Router).Reps())
	assert.Equal(t, lead.ScoringModel{}.SQL, nilScorer.Model().SQL)
	assert.Zero(t, nilScorer.MaxFit())
	assert.Zero(t, nilScorer.Worthy(1e9))
	assert.Zero(t, new(lead.Scorer).Worthy(1e9), "a zero scorer has no thresholds: it qualifies nothing")
	assert.Nil(t, nilPM.NaiveBayes())
	assert.Nil(t, nilNB.Fields())
	assert.Nil(t, nilNB.Values("x"))
	assert.Zero(t, nilNB.Alpha())
	assert.Zero(t, nilNB.Prior())
	assert.Zero(t, new(lead.NaiveBayes).Prior())
	c, n := nilNB.Trained()
	assert.Zero(t, c+n)
	assert.Zero(t, nilReport.Leads())
	assert.Zero(t, nilReport.Reached(lead.StageMQL))
	assert.Zero(t, nilReport.Entered(lead.StageMQL, crmkit.Period{Start: scAt, End: scAt.Add(time.Hour)}))
	// A failed load into a zero model leaves it zero and still refused.
	var pm lead.PredictiveModel
	require.Error(t, json.Unmarshal([]byte(`{"fields": ["shoe_size"]}`), &pm))
	assert.ErrorIs(t, errOf(pm.Predict(lead.Lead{})), crmkit.ErrInvalid)
}
