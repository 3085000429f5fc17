package scoring_test

import (
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"slices"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/scoring"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func prObs(source, country string, converted bool) scoring.Observation {
	v := map[string]string{"source": source}
	if country != "" {
		v["country"] = country
	}
	return scoring.Observation{Values: v, Converted: converted}
}

// prPast is the hand-computed training set: 4 converted, 4 not.
//
//	source:  converted referral×3 event×1; not converted referral×1 advertising×3
//	country: converted DE×3 FR×1;         not converted FR×3 (one missing)
func prPast() []scoring.Observation {
	return []scoring.Observation{
		prObs("referral", "DE", true), prObs("referral", "DE", true), prObs("referral", "DE", true), prObs("event", "FR", true),
		prObs("referral", "FR", false), prObs("advertising", "FR", false), prObs("advertising", "FR", false), prObs("advertising", "", false),
	}
}

func TestNaiveBayesHandComputed(t *testing.T) {
	m, err := scoring.TrainNaiveBayes([]string{"source", "country"}, 1, slices.Values(prPast()))
	require.NoError(t, err)
	won, lost := m.Trained()
	assert.Equal(t, int64(4), won)
	assert.Equal(t, int64(4), lost)
	assert.Equal(t, []string{"advertising", "event", "referral"}, m.Values("source"))
	assert.Equal(t, []string{"DE", "FR"}, m.Values("country"))
	assert.Nil(t, m.Values("stage"))
	assert.Equal(t, 1.0, m.Alpha())
	assert.Equal(t, []string{"source", "country"}, m.Fields())
	// Prior (4+1)/(8+2) = 1/2.
	assert.InDelta(t, 0.5, m.Prior(), 1e-15)

	// source: K=3, denominators 4+1·4 = 8 in both classes.
	// country: K=2, converted 4+3 = 7, not converted 3+3 = 6 (the missing
	// value is not counted).
	cases := []struct {
		values map[string]string
		want   float64
	}{
		// P(referral|won) = 4/8, P(referral|lost) = 2/8: odds 1·2 = 2 -> 2/3.
		{map[string]string{"source": "referral"}, 2.0 / 3},
		// advertising: 1/8 vs 4/8: odds 1/4 -> 1/5.
		{map[string]string{"source": "advertising"}, 0.2},
		// event: 2/8 vs 1/8: odds 2 -> 2/3.
		{map[string]string{"source": "event"}, 2.0 / 3},
		// unseen: 1/8 vs 1/8: the prior.
		{map[string]string{"source": "social"}, 0.5},
		// nothing known: the prior.
		{map[string]string{}, 0.5},
		{map[string]string{"source": "", "country": ""}, 0.5},
		// referral and DE: odds 2 · (4/7)/(1/6) = 48/7 -> 48/55.
		{map[string]string{"source": "referral", "country": "DE"}, 48.0 / 55},
		// advertising and FR: odds 1/4 · (2/7)/(4/6) = 3/28 -> 3/31.
		{map[string]string{"source": "advertising", "country": "FR"}, 3.0 / 31},
		// unseen country: (1/7)/(1/6) = 6/7 with referral: 12/7 -> 12/19.
		{map[string]string{"source": "referral", "country": "JP"}, 12.0 / 19},
	}
	for _, c := range cases {
		p, err := m.Predict(c.values)
		require.NoError(t, err)
		assert.InDelta(t, c.want, p.Probability, 1e-12, "%v", c.values)
		q, err := m.Probability(c.values)
		require.NoError(t, err)
		assert.InDelta(t, c.want, q, 1e-12, "%v", c.values)
	}

	p, err := m.Predict(map[string]string{"source": "referral", "country": "JP"})
	require.NoError(t, err)
	require.Len(t, p.Contributions, 2)
	src, ctry := p.Contributions[0], p.Contributions[1]
	assert.Equal(t, "source", src.Field)
	assert.Equal(t, "referral", src.Value)
	assert.True(t, src.Seen)
	assert.InDelta(t, 0.5, src.Converted, 1e-15)
	assert.InDelta(t, 0.25, src.NotConverted, 1e-15)
	assert.InDelta(t, math.Ln2, src.LogOdds, 1e-12)
	assert.Equal(t, "country", ctry.Field)
	assert.False(t, ctry.Seen)
	assert.InDelta(t, 1.0/7, ctry.Converted, 1e-15)
	assert.InDelta(t, 1.0/6, ctry.NotConverted, 1e-15)
	assert.InDelta(t, math.Log(6.0/7), ctry.LogOdds, 1e-12)
	assert.InDelta(t, math.Log(12.0/7), p.LogOdds, 1e-12)
	assert.InDelta(t, 0.5, p.Prior, 1e-15)
}

func TestNaiveBayesOddoSmoothing(t *testing.T) {
	// Odoo adds 0.1 to every frequency. With alpha 0.1 on one field:
	// converted DE×1, not converted FR×1; K=2, denominators 1+0.3 = 1.3.
	// P(DE|won) = 1.1/1.3, P(DE|lost) = 0.1/1.3: odds 11, prior 1/2 -> 11/12.
	m, err := scoring.TrainNaiveBayes([]string{"country"}, 0.1, slices.Values([]scoring.Observation{
		{Values: map[string]string{"country": "DE"}, Converted: true},
		{Values: map[string]string{"country": "FR"}},
	}))
	require.NoError(t, err)
	p, err := m.Probability(map[string]string{"country": "DE"})
	require.NoError(t, err)
	assert.InDelta(t, 11.0/12, p, 1e-12)
	// Alpha 0 means add-one smoothing.
	m, err = scoring.TrainNaiveBayes([]string{"country"}, 0, slices.Values(prPast()[:0:0]))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Nil(t, m)
	m, err = scoring.TrainNaiveBayes([]string{"country"}, 0, slices.Values([]scoring.Observation{{Converted: true}}))
	require.NoError(t, err)
	assert.Equal(t, scoring.DefaultAlpha, m.Alpha())
	// One converted lead and none lost: prior (1+1)/(1+2) = 2/3.
	assert.InDelta(t, 2.0/3, m.Prior(), 1e-15)
}

func TestNaiveBayesManyFieldsDoNotUnderflow(t *testing.T) {
	// 400 fields each with strong evidence for conversion: the product of
	// the likelihoods underflows a float64 (0.01^400), the log-odds do not.
	fields := make([]string, 400)
	for i := range fields {
		fields[i] = fmt.Sprintf("f%d", i)
	}
	var past []scoring.Observation
	for k := range 100 {
		won := map[string]string{}
		lost := map[string]string{}
		for _, f := range fields {
			won[f] = "yes"
			lost[f] = fmt.Sprintf("no%d", k)
		}
		past = append(past, scoring.Observation{Values: won, Converted: true}, scoring.Observation{Values: lost})
	}
	m, err := scoring.TrainNaiveBayes(fields, 1, slices.Values(past))
	require.NoError(t, err)
	yes := map[string]string{}
	no := map[string]string{}
	for _, f := range fields {
		yes[f] = "yes"
		no[f] = "no7"
	}
	p, err := m.Predict(yes)
	require.NoError(t, err)
	assert.Equal(t, 1.0, p.Probability) // rounds to 1 but is not NaN
	assert.False(t, math.IsNaN(p.LogOdds) || math.IsInf(p.LogOdds, 0))
	assert.Greater(t, p.LogOdds, 1000.0)
	q, err := m.Probability(no)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, q, 0.0)
	assert.Less(t, q, 1e-100)
}

func TestNaiveBayesRejectsBadInput(t *testing.T) {
	one := slices.Values(prPast())
	cases := []struct {
		name   string
		fields []string
		alpha  float64
		past   iter.Seq[scoring.Observation]
		want   string
	}{
		{"no fields", nil, 1, one, "at least one field"},
		{"empty field", []string{"source", ""}, 1, one, "fields[1]"},
		{"repeated field", []string{"source", "source"}, 1, one, "repeated"},
		{"negative alpha", []string{"source", "country"}, -1, one, "negative"},
		{"NaN alpha", []string{"source", "country"}, math.NaN(), one, "finite"},
		{"infinite alpha", []string{"source", "country"}, math.Inf(1), one, "finite"},
		{"huge alpha", []string{"source", "country"}, 1e300, one, "drown"},
		{"unknown field", []string{"source"}, 1, one, `field "country"`},
		{"no past leads", []string{"source"}, 1, slices.Values([]scoring.Observation(nil)), "no past leads"},
	}
	for _, c := range cases {
		m, err := scoring.TrainNaiveBayes(c.fields, c.alpha, c.past)
		assert.Nil(t, m, c.name)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, c.name)
		if err != nil {
			assert.Contains(t, err.Error(), c.want, c.name)
		}
	}
	m, err := scoring.TrainNaiveBayes([]string{"source", "country"}, 1, one)
	require.NoError(t, err)
	_, err = m.Predict(map[string]string{"colour": "red"})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = m.Probability(map[string]string{"colour": "red"})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestTrainPredictiveFromLeads(t *testing.T) {
	mk := func(stage lead.Stage, src lead.Channel, country string) lead.Lead {
		return lead.Lead{Stage: stage, Source: src, Who: lead.Person{Name: "x", Country: country}}
	}
	past := []lead.Lead{
		mk(lead.StageConverted, lead.ChannelReferral, "DE"), mk(lead.StageConverted, lead.ChannelReferral, " de"),
		mk(lead.StageConverted, lead.ChannelReferral, "De"), mk(lead.StageConverted, lead.ChannelEvent, "FR"),
		mk(lead.StageDisqualified, lead.ChannelReferral, "FR"), mk(lead.StageDisqualified, lead.ChannelAdvertising, "fr"),
		mk(lead.StageDisqualified, lead.ChannelAdvertising, "FR "), mk(lead.StageDisqualified, lead.ChannelAdvertising, ""),
		// Still open: their outcome is unknown, they are skipped.
		mk(lead.StageSQL, lead.ChannelAdvertising, "DE"), mk(lead.StageNurture, lead.ChannelAdvertising, "DE"),
		mk(lead.StageMQL, lead.ChannelEvent, "JP"), mk(lead.StageSuspect, lead.ChannelEvent, "JP"),
	}
	m, err := scoring.TrainPredictive(scoring.PredictiveConfig{Fields: []string{"source", "Country"}}, slices.Values(past))
	require.NoError(t, err)
	won, lost := m.NaiveBayes().Trained()
	assert.Equal(t, int64(4), won)
	assert.Equal(t, int64(4), lost)
	assert.Equal(t, []string{"de", "fr"}, m.NaiveBayes().Values("country"))
	// The same frequencies as TestNaiveBayesHandComputed: 48/55.
	l := mk(lead.StageSuspect, lead.ChannelReferral, "Germany")
	l.Who.Country = "DE"
	p, err := m.Predict(l)
	require.NoError(t, err)
	assert.InDelta(t, 48.0/55, p.Probability, 1e-12)
	q, err := m.Probability(&l)
	require.NoError(t, err)
	assert.InDelta(t, 48.0/55, q, 1e-12)
	require.Len(t, p.Contributions, 2)
	assert.Equal(t, "country", p.Contributions[1].Field)
	assert.Equal(t, "de", p.Contributions[1].Value)

	// Attributes and size bands are fields too.
	m, err = scoring.TrainPredictive(scoring.PredictiveConfig{Fields: []string{"attr.segment", "company_size"}, Alpha: 0.5}, slices.Values([]lead.Lead{
		{Stage: lead.StageConverted, Who: lead.Person{CompanySize: 120, Attributes: map[string]string{"segment": "Enterprise"}}},
		{Stage: lead.StageDisqualified, Who: lead.Person{CompanySize: 3}},
	}))
	require.NoError(t, err)
	assert.Equal(t, []string{"attr.segment", "company_size"}, m.NaiveBayes().Fields())
	assert.Equal(t, []string{"1-10", "51-200"}, m.NaiveBayes().Values("company_size"))
	assert.Equal(t, []string{"enterprise"}, m.NaiveBayes().Values("attr.segment"))

	// The default fields.
	m, err = scoring.TrainPredictive(scoring.PredictiveConfig{}, slices.Values(past))
	require.NoError(t, err)
	assert.Equal(t, scoring.DefaultPredictiveFields(), m.NaiveBayes().Fields())

	_, err = scoring.TrainPredictive(scoring.PredictiveConfig{Fields: []string{"stage"}}, slices.Values(past))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = scoring.TrainPredictive(scoring.PredictiveConfig{Fields: []string{"country", "COUNTRY"}}, slices.Values(past))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = scoring.TrainPredictive(scoring.PredictiveConfig{Alpha: math.NaN()}, slices.Values(past))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = scoring.TrainPredictive(scoring.PredictiveConfig{}, slices.Values(past[8:]))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.ErrorContains(t, err, "no converted or disqualified lead")
}

// prGenPast draws a training set over two fields with small value sets,
// so values repeat, with either class possibly empty.
func prGenPast(t *rapid.T) []scoring.Observation {
	val := rapid.SampledFrom([]string{"", "a", "b", "c", "d"})
	return rapid.SliceOfN(rapid.Custom(func(t *rapid.T) scoring.Observation {
		return scoring.Observation{
			Values:    map[string]string{"x": val.Draw(t, "x"), "y": val.Draw(t, "y")},
			Converted: rapid.Bool().Draw(t, "converted"),
		}
	}), 1, 60).Draw(t, "past")
}

func prGenAlpha(t *rapid.T) float64 {
	return rapid.OneOf(rapid.Just(0.0), rapid.Just(1.0), rapid.Float64Range(1e-300, 1e-3), rapid.Float64Range(1e-3, scoring.MaxAlpha)).Draw(t, "alpha")
}

func TestPropertyProbabilityInUnitInterval(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		past := prGenPast(t)
		m, err := scoring.TrainNaiveBayes([]string{"x", "y"}, prGenAlpha(t), slices.Values(past))
		require.NoError(t, err)
		q := map[string]string{
			"x": rapid.SampledFrom([]string{"", "a", "b", "e"}).Draw(t, "qx"),
			"y": rapid.SampledFrom([]string{"", "c", "d", "f"}).Draw(t, "qy"),
		}
		p, err := m.Predict(q)
		require.NoError(t, err)
		for _, v := range []float64{p.Probability, p.Prior} {
			if math.IsNaN(v) || v < 0 || v > 1 {
				t.Fatalf("probability %v outside [0, 1]", v)
			}
		}
		for _, c := range p.Contributions {
			assert.True(t, c.Converted > 0 && c.Converted <= 1, "P(v|converted) = %v", c.Converted)
			assert.True(t, c.NotConverted > 0 && c.NotConverted <= 1, "P(v|not converted) = %v", c.NotConverted)
		}
		bulk, err := m.Probability(q)
		require.NoError(t, err)
		assert.InDelta(t, p.Probability, bulk, 1e-12)
	})
}

func TestPropertyValueSeenOnlyInConvertedRaisesProbability(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		past := prGenPast(t)
		// "star" appears in field x of converted leads only, "dud" in
		// field x of non-converted leads only.
		for range rapid.IntRange(1, 5).Draw(t, "stars") {
			past = append(past, scoring.Observation{Values: map[string]string{"x": "star", "y": "c"}, Converted: true})
		}
		for range rapid.IntRange(0, 5).Draw(t, "duds") {
			past = append(past, scoring.Observation{Values: map[string]string{"x": "dud", "y": "c"}})
		}
		order := rapid.Permutation(past).Draw(t, "order")
		m, err := scoring.TrainNaiveBayes([]string{"x", "y"}, prGenAlpha(t), slices.Values(order))
		require.NoError(t, err)
		y := rapid.SampledFrom([]string{"", "c", "d", "new"}).Draw(t, "y")
		prob := func(x string) float64 {
			p, err := m.Probability(map[string]string{"x": x, "y": y})
			require.NoError(t, err)
			return p
		}
		star, unseen, dud := prob("star"), prob("never-seen"), prob("dud")
		// Strictly, unless the probability is so close to 0 or 1 that the
		// difference does not show in a float64.
		if !(star > unseen || star == 1 || unseen == 0) {
			t.Fatalf("a value seen only in converted leads did not raise the probability: %v <= unseen %v", star, unseen)
		}
		if !(star > dud || star == 1 || dud == 0) {
			t.Fatalf("star %v <= dud %v", star, dud)
		}
		assert.GreaterOrEqual(t, unseen, dud)
		// The weight of evidence of the star beats an unseen value's (it
		// need not be positive: a value seen once among many converted
		// leads and never among few others is rare in both classes).
		p, err := m.Predict(map[string]string{"x": "star"})
		require.NoError(t, err)
		u, err := m.Predict(map[string]string{"x": "never-seen"})
		require.NoError(t, err)
		assert.Greater(t, p.Contributions[0].LogOdds, u.Contributions[0].LogOdds)
		assert.True(t, p.Contributions[0].Seen)
		assert.False(t, u.Contributions[0].Seen)
	})
}

func TestPropertyTrainingIsOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		past := prGenPast(t)
		alpha := prGenAlpha(t)
		a, err := scoring.TrainNaiveBayes([]string{"x", "y"}, alpha, slices.Values(past))
		require.NoError(t, err)
		b, err := scoring.TrainNaiveBayes([]string{"x", "y"}, alpha, slices.Values(rapid.Permutation(past).Draw(t, "order")))
		require.NoError(t, err)
		for _, x := range []string{"", "a", "b", "c", "z"} {
			for _, y := range []string{"", "c", "d", "z"} {
				q := map[string]string{"x": x, "y": y}
				pa, err := a.Predict(q)
				require.NoError(t, err)
				pb, err := b.Predict(q)
				require.NoError(t, err)
				assert.Equal(t, pa, pb)
			}
		}
	})
}

func TestNaiveBayesJSON(t *testing.T) {
	m, err := scoring.TrainNaiveBayes([]string{"source", "country"}, 0.5, slices.Values(prPast()))
	require.NoError(t, err)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	assert.JSONEq(t, `{
	  "fields": ["source", "country"], "alpha": 0.5, "converted": 4, "not_converted": 4,
	  "frequencies": {
	    "source": {"referral": [3, 1], "event": [1, 0], "advertising": [0, 3]},
	    "country": {"DE": [3, 0], "FR": [1, 3]}
	  }
	}`, string(b))
	var back scoring.NaiveBayes
	require.NoError(t, json.Unmarshal(b, &back))
	for _, q := range []map[string]string{{"source": "referral", "country": "DE"}, {"source": "social"}, {}} {
		want, err := m.Predict(q)
		require.NoError(t, err)
		got, err := back.Predict(q)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}

	for name, bad := range map[string]string{
		"not json":           `{"fields": [`,
		"unknown key":        `{"fields": ["a"], "alpha": 1, "converted": 1, "not_converted": 0, "frequencies": {}, "extra": 1}`,
		"no fields":          `{"fields": [], "alpha": 1, "converted": 1, "not_converted": 0}`,
		"bad alpha":          `{"fields": ["a"], "alpha": -1, "converted": 1, "not_converted": 0}`,
		"no past leads":      `{"fields": ["a"], "alpha": 1, "converted": 0, "not_converted": 0}`,
		"negative class":     `{"fields": ["a"], "alpha": 1, "converted": -1, "not_converted": 3}`,
		"unknown field":      `{"fields": ["a"], "alpha": 1, "converted": 1, "not_converted": 1, "frequencies": {"b": {"x": [1, 0]}}}`,
		"negative count":     `{"fields": ["a"], "alpha": 1, "converted": 1, "not_converted": 1, "frequencies": {"a": {"x": [-1, 0]}}}`,
		"count above class":  `{"fields": ["a"], "alpha": 1, "converted": 1, "not_converted": 1, "frequencies": {"a": {"x": [2, 0]}}}`,
		"counts above class": `{"fields": ["a"], "alpha": 1, "converted": 1, "not_converted": 1, "frequencies": {"a": {"x": [1, 0], "y": [1, 0]}}}`,
		"empty value":        `{"fields": ["a"], "alpha": 1, "converted": 1, "not_converted": 1, "frequencies": {"a": {"": [1, 0]}}}`,
	} {
		keep := back
		err := back.UnmarshalJSON([]byte(bad))
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.Equal(t, keep.Fields(), back.Fields(), "%s: a failed load changed the model", name)
	}
}

func TestPredictiveModelJSON(t *testing.T) {
	past := []lead.Lead{
		{Stage: lead.StageConverted, Source: lead.ChannelReferral, Who: lead.Person{Country: "DE", Attributes: map[string]string{"segment": "SMB"}}},
		{Stage: lead.StageDisqualified, Source: lead.ChannelPurchasedList, Who: lead.Person{Country: "FR"}},
	}
	m, err := scoring.TrainPredictive(scoring.PredictiveConfig{Fields: []string{"source", "country", "attr.segment"}}, slices.Values(past))
	require.NoError(t, err)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	var back scoring.PredictiveModel
	require.NoError(t, json.Unmarshal(b, &back))
	for _, l := range past {
		assert.Equal(t, must(m.Predict(l)), must(back.Predict(l)))
		assert.Equal(t, must(m.Probability(&l)), must(back.Probability(&l)))
	}
	// A NaiveBayes table over fields that are not lead fields is not a
	// predictive model.
	err = json.Unmarshal([]byte(`{"fields": ["shoe_size"], "alpha": 1, "converted": 1, "not_converted": 1, "frequencies": {}}`), &back)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, must(m.Predict(past[0])), must(back.Predict(past[0])), "a failed load changed the model")
}

func TestPropertyNaiveBayesJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m, err := scoring.TrainNaiveBayes([]string{"x", "y"}, prGenAlpha(t), slices.Values(prGenPast(t)))
		require.NoError(t, err)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		var back scoring.NaiveBayes
		require.NoError(t, json.Unmarshal(b, &back))
		q := map[string]string{
			"x": rapid.SampledFrom([]string{"", "a", "b", "e"}).Draw(t, "qx"),
			"y": rapid.SampledFrom([]string{"", "c", "d", "f"}).Draw(t, "qy"),
		}
		want, err := m.Predict(q)
		require.NoError(t, err)
		got, err := back.Predict(q)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	})
}
