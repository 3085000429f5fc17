package scoring_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/harness"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/scoring"
)

// must returns v, failing loudly on err: for tests whose call cannot fail.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func errOf[T any](_ T, err error) error { return err }

// TestHardeningNilAndZero calls every entry point of scoring that takes an
// iterator, and every method of Scorer, PredictiveModel and NaiveBayes,
// with nil or zero values: each is refused with ErrInvalid, none panics.
func TestHardeningNilAndZero(t *testing.T) {
	var (
		nilScorer *scoring.Scorer
		nilPM     *scoring.PredictiveModel
		nilNB     *scoring.NaiveBayes
		l         = lead.Lead{Who: lead.Person{Name: "x"}}
	)
	scorer := must(scoring.NewScorer(scModel()))
	harness.Run(t, []harness.Case{
		{Name: "TrainNaiveBayes nil past", Call: func() error { return errOf(scoring.TrainNaiveBayes([]string{"x"}, 0, nil)) }},
		{Name: "TrainPredictive nil past", Call: func() error { return errOf(scoring.TrainPredictive(scoring.PredictiveConfig{}, nil)) }},
		{Name: "nil Scorer Score", Call: func() error { return errOf(nilScorer.Score(l, scAt)) }},
		{Name: "nil Scorer Total", Call: func() error { return errOf(nilScorer.Total(&l, scAt)) }},
		{Name: "nil Scorer FitOf", Call: func() error { return errOf(nilScorer.FitOf(&l)) }},
		{Name: "nil Scorer QualityBySource", Call: func() error { return errOf(nilScorer.QualityBySource(slices.Values([]lead.Lead{l}))) }},
		{Name: "zero Scorer Score", Call: func() error { return errOf(new(scoring.Scorer).Score(l, scAt)) }},
		{Name: "zero Scorer Total", Call: func() error { return errOf(new(scoring.Scorer).Total(&l, scAt)) }},
		{Name: "zero Scorer FitOf", Call: func() error { return errOf(new(scoring.Scorer).FitOf(&l)) }},
		{Name: "zero Scorer QualityBySource", Call: func() error { return errOf(new(scoring.Scorer).QualityBySource(slices.Values([]lead.Lead{l}))) }},
		{Name: "Scorer QualityBySource nil leads", Call: func() error { return errOf(scorer.QualityBySource(nil)) }},
		{Name: "nil PredictiveModel Predict", Call: func() error { return errOf(nilPM.Predict(l)) }},
		{Name: "nil PredictiveModel Probability", Call: func() error { return errOf(nilPM.Probability(&l)) }},
		{Name: "nil PredictiveModel MarshalJSON", Call: func() error { return errOf(nilPM.MarshalJSON()) }},
		{Name: "nil PredictiveModel UnmarshalJSON", Call: func() error { return nilPM.UnmarshalJSON([]byte(`{}`)) }},
		{Name: "zero PredictiveModel Predict", Call: func() error { return errOf(new(scoring.PredictiveModel).Predict(l)) }},
		{Name: "zero PredictiveModel Probability", Call: func() error { return errOf(new(scoring.PredictiveModel).Probability(&l)) }},
		{Name: "zero PredictiveModel MarshalJSON", Call: func() error { return errOf(json.Marshal(new(scoring.PredictiveModel))) }},
		{Name: "nil NaiveBayes Predict", Call: func() error { return errOf(nilNB.Predict(nil)) }},
		{Name: "nil NaiveBayes Probability", Call: func() error { return errOf(nilNB.Probability(nil)) }},
		{Name: "nil NaiveBayes MarshalJSON", Call: func() error { return errOf(nilNB.MarshalJSON()) }},
		{Name: "nil NaiveBayes UnmarshalJSON", Call: func() error { return nilNB.UnmarshalJSON([]byte(`{}`)) }},
		{Name: "zero NaiveBayes Predict", Call: func() error { return errOf(new(scoring.NaiveBayes).Predict(map[string]string{"x": "y"})) }},
		{Name: "zero NaiveBayes Probability", Call: func() error { return errOf(new(scoring.NaiveBayes).Probability(nil)) }},
		{Name: "zero NaiveBayes MarshalJSON", Call: func() error { return errOf(json.Marshal(new(scoring.NaiveBayes))) }},
	})
}

// TestHardeningNilAccessors: the accessors without an error return give
// the zero value on a nil or zero receiver instead of panicking.
func TestHardeningNilAccessors(t *testing.T) {
	var (
		nilScorer *scoring.Scorer
		nilPM     *scoring.PredictiveModel
		nilNB     *scoring.NaiveBayes
	)
	assert.Equal(t, scoring.Model{}.SQL, nilScorer.Model().SQL)
	assert.Zero(t, nilScorer.MaxFit())
	assert.Zero(t, nilScorer.Worthy(1e9))
	assert.Zero(t, new(scoring.Scorer).Worthy(1e9), "a zero scorer has no thresholds: it qualifies nothing")
	assert.Nil(t, nilPM.NaiveBayes())
	assert.Nil(t, nilNB.Fields())
	assert.Nil(t, nilNB.Values("x"))
	assert.Zero(t, nilNB.Alpha())
	assert.Zero(t, nilNB.Prior())
	assert.Zero(t, new(scoring.NaiveBayes).Prior())
	c, n := nilNB.Trained()
	assert.Zero(t, c+n)
	// A failed load into a zero model leaves it zero and still refused.
	var pm scoring.PredictiveModel
	require.Error(t, json.Unmarshal([]byte(`{"fields": ["shoe_size"]}`), &pm))
	assert.ErrorIs(t, errOf(pm.Predict(lead.Lead{})), crmkit.ErrInvalid)
}
