package deal_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/dealtest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestDefaultPipelineFollowsTheSource(t *testing.T) {
	p := deal.DefaultPipeline()
	require.Equal(t, 4, p.Len())
	day := 24 * time.Hour
	want := []struct {
		name     string
		prob     string
		forecast deal.ForecastCategory
		expected time.Duration
		visits   int
	}{
		{"tracking", "0.1", deal.ForecastPipeline, 14 * day, 2},
		{"bidding", "0.3", deal.ForecastBestCase, 30 * day, 2}, // bidding -> negotiation: one month
		{"negotiation", "0.6", deal.ForecastCommit, 30 * day, 3},
		{"closing", "0.9", deal.ForecastCommit, 14 * day, 2},
	}
	for i, w := range want {
		s, ok := p.Stage(i)
		require.True(t, ok)
		assert.Equal(t, w.name, s.Name)
		assert.True(t, s.Probability.Equal(decimal.RequireFromString(w.prob)), "%s: %s", s.Name, s.Probability)
		assert.Equal(t, w.forecast, s.Forecast, s.Name)
		assert.Equal(t, w.expected, s.ExpectedDuration, s.Name)
		assert.Equal(t, deal.VisitCadence{Visits: w.visits, Per: deal.PerWeek}, s.Visits, s.Name)
	}
	_, ok := p.Stage(4)
	assert.False(t, ok)
	assert.Equal(t, "3 per week", mustStage(t, p, 2).Visits.String())
	assert.True(t, mustStage(t, p, 2).Visits.Breached(2), "two visits in a negotiation week is a breach")
	assert.False(t, mustStage(t, p, 2).Visits.Breached(3))
}

func mustStage(t *testing.T, p *deal.Pipeline, i int) deal.Stage {
	s, ok := p.Stage(i)
	require.True(t, ok)
	return s
}

func validSpec() deal.PipelineSpec {
	return deal.PipelineSpec{ID: "sales", Stages: []deal.Stage{
		{Name: "lead", Probability: decimal.RequireFromString("0.05"), Forecast: deal.ForecastPipeline},
		{Name: "deal", Probability: decimal.RequireFromString("0.5"), Forecast: deal.ForecastCommit},
	}}
}

func TestPipelineValidation(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*deal.PipelineSpec)
		field string
	}{
		{"empty pipeline", func(s *deal.PipelineSpec) { s.Stages = nil }, "stages"},
		{"no id", func(s *deal.PipelineSpec) { s.ID = "" }, "id"},
		{"id with spaces around", func(s *deal.PipelineSpec) { s.ID = " sales" }, "id"},
		{"duplicate name", func(s *deal.PipelineSpec) { s.Stages[1].Name = "lead" }, "stages[1].name"},
		{"duplicate name ignoring case", func(s *deal.PipelineSpec) { s.Stages[1].Name = "LEAD" }, "stages[1].name"},
		{"empty stage name", func(s *deal.PipelineSpec) { s.Stages[0].Name = "" }, "stages[0].name"},
		{"unprintable stage name", func(s *deal.PipelineSpec) { s.Stages[0].Name = "a\x00b" }, "stages[0].name"},
		{"probability below 0", func(s *deal.PipelineSpec) { s.Stages[0].Probability = decimal.NewFromInt(-1) }, "stages[0].probability"},
		{"probability above 1", func(s *deal.PipelineSpec) { s.Stages[1].Probability = decimal.RequireFromString("1.01") }, "stages[1].probability"},
		{"probability in percent", func(s *deal.PipelineSpec) { s.Stages[1].Probability = decimal.NewFromInt(25) }, "stages[1].probability"},
		{"probability with 21 places", func(s *deal.PipelineSpec) { s.Stages[1].Probability = decimal.New(1, -21) }, "stages[1].probability"},
		{"negative minimum", func(s *deal.PipelineSpec) { s.Stages[0].MinOpen = -1 }, "stages[0].min_open"},
		{"negative minimum amount", func(s *deal.PipelineSpec) { s.Stages[0].MinOpenAmount = crmkit.MustMoney("-1.00", "EUR") }, "stages[0].min_open_amount"},
		{"no forecast", func(s *deal.PipelineSpec) { s.Stages[0].Forecast = 0 }, "stages[0].forecast"},
		{"duplicate order", func(s *deal.PipelineSpec) { s.Stages[0].Order, s.Stages[1].Order = 3, 3 }, "stages[1].order"},
		{"negative duration", func(s *deal.PipelineSpec) { s.Stages[0].ExpectedDuration = -time.Hour }, "stages[0].expected_duration"},
		{"negative response time", func(s *deal.PipelineSpec) { s.Stages[0].ResponseTime = -time.Hour }, "stages[0].response_time"},
		{"visits without a window", func(s *deal.PipelineSpec) { s.Stages[0].Visits = deal.VisitCadence{Visits: 2} }, "stages[0].visits.per"},
		{"negative visits", func(s *deal.PipelineSpec) { s.Stages[0].Visits = deal.VisitCadence{Visits: -1, Per: deal.PerWeek} }, "stages[0].visits.visits"},
		{"unknown required field", func(s *deal.PipelineSpec) { s.Stages[1].Entry.Require = []deal.Field{"budget"} }, "stages[1].entry.require[0]"},
		{"empty approval role", func(s *deal.PipelineSpec) { s.Stages[1].Entry.Approval = []string{""} }, "stages[1].entry.approval[0]"},
		{"negative reactivation window", func(s *deal.PipelineSpec) {
			s.Reactivation.Rules = []deal.ReactivationRule{{Within: -time.Hour}}
		}, "reactivation.rules[0].within"},
		{"negative reactivation amount", func(s *deal.PipelineSpec) {
			s.Reactivation.Rules = []deal.ReactivationRule{{Below: crmkit.MustMoney("-1", "EUR")}}
		}, "reactivation.rules[0].below"},
		{"empty reactivation role", func(s *deal.PipelineSpec) { s.Reactivation.Otherwise = []string{""} }, "reactivation.otherwise[0]"},
		{"too many stages", func(s *deal.PipelineSpec) {
			for i := range deal.MaxStages {
				s.Stages = append(s.Stages, deal.Stage{Name: "extra" + string(rune('a'+i)), Forecast: deal.ForecastPipeline})
			}
		}, "stages"},
	}
	for _, c := range cases {
		s := validSpec()
		c.edit(&s)
		_, err := deal.NewPipeline(s)
		require.ErrorIs(t, err, crmkit.ErrInvalid, c.name)
		var ve *crmkit.ValidationError
		require.ErrorAs(t, err, &ve, c.name)
		assert.Equal(t, c.field, ve.Field, c.name)
		assert.ErrorIs(t, s.Validate(), crmkit.ErrInvalid, c.name)
	}
	require.NoError(t, validSpec().Validate())
}

func TestPipelineOrdersStagesAndKeepsItsOwnCopy(t *testing.T) {
	s := validSpec()
	s.Stages = append(s.Stages, deal.Stage{Name: "proposal", Order: 15, Forecast: deal.ForecastBestCase})
	s.Stages[0].Order, s.Stages[1].Order = 10, 20
	s.Stages[1].Entry.Require = []deal.Field{deal.FieldAmount}
	p, err := deal.NewPipeline(s)
	require.NoError(t, err)
	assert.Equal(t, []string{"lead", "proposal", "deal"}, []string{p.StageName(0), p.StageName(1), p.StageName(2)})
	i, err := p.StageIndex("DEAL")
	require.NoError(t, err)
	assert.Equal(t, 2, i)
	assert.Equal(t, "sales", p.Name(), "the name defaults to the id")

	s.Stages[1].Entry.Require[0] = deal.FieldTeam // the caller's slice
	assert.Equal(t, []deal.Field{deal.FieldAmount}, mustStage(t, p, 2).Entry.Require)
	got := p.Stages()
	got[2].Entry.Require[0] = deal.FieldTeam // a returned copy
	assert.Equal(t, []deal.Field{deal.FieldAmount}, mustStage(t, p, 2).Entry.Require)
}

const pipelineJSON = `{
  "id": "renewals",
  "name": "Renewals",
  "allow_reopen": true,
  "stages": [
    {"name": "notice", "probability": "0.2", "forecast": "pipeline", "expected_duration": "30d",
     "visits": {"visits": 1, "per": "month"}},
    {"name": "negotiation", "probability": "0.705", "forecast": "commit", "expected_duration": "36h",
     "response_time": "4h", "visits": {"visits": 3, "per": "week"}, "allow_backward": true,
     "entry": {"require": ["amount", "close_date"], "approval": ["manager", "director"]}}
  ],
  "reactivation": {"rules": [{"within": "14d", "below": {"amount": "10000.00", "currency": "EUR"}}], "otherwise": ["manager"]}
}`

func TestParsePipeline(t *testing.T) {
	p, err := deal.ParsePipeline([]byte(pipelineJSON))
	require.NoError(t, err)
	assert.Equal(t, "renewals", p.ID())
	assert.Equal(t, "Renewals", p.Name())
	n := mustStage(t, p, 1)
	assert.True(t, n.Probability.Equal(decimal.RequireFromString("0.705")))
	assert.Equal(t, 36*time.Hour, n.ExpectedDuration)
	assert.Equal(t, 4*time.Hour, n.ResponseTime)
	assert.Equal(t, deal.VisitCadence{Visits: 3, Per: deal.PerWeek}, n.Visits)
	assert.Equal(t, []string{"manager", "director"}, n.Entry.Approval)
	assert.Equal(t, 30*24*time.Hour, mustStage(t, p, 0).ExpectedDuration)
	pol := p.Reactivation()
	require.Len(t, pol.Rules, 1)
	assert.Equal(t, 14*24*time.Hour, pol.Rules[0].Within)
	assert.Equal(t, crmkit.MustMoney("10000", "EUR"), pol.Rules[0].Below)

	// Round trip: the marshalled pipeline parses back to the same JSON.
	b, err := json.Marshal(p)
	require.NoError(t, err)
	q, err := deal.ParsePipeline(b)
	require.NoError(t, err)
	b2, err := json.Marshal(q)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2))

	for name, doc := range map[string]string{
		"unknown field":       `{"id":"x","stages":[{"name":"a","forecast":"commit"}],"colour":"red"}`,
		"unknown stage field": `{"id":"x","stages":[{"name":"a","forecast":"commit","colour":"red"}]}`,
		"unknown rule field":  `{"id":"x","stages":[{"name":"a","forecast":"commit"}],"reactivation":{"rules":[{"days":3}]}}`,
		"unknown forecast":    `{"id":"x","stages":[{"name":"a","forecast":"maybe"}]}`,
		"bad duration":        `{"id":"x","stages":[{"name":"a","forecast":"commit","expected_duration":"soon"}]}`,
		"negative days":       `{"id":"x","stages":[{"name":"a","forecast":"commit","expected_duration":"-3d"}]}`,
		"trailing data":       `{"id":"x","stages":[{"name":"a","forecast":"commit"}]} {}`,
		"empty stages":        `{"id":"x","stages":[]}`,
		"probability as NaN":  `{"id":"x","stages":[{"name":"a","forecast":"commit","probability":"NaN"}]}`,
		"not json":            `id: x`,
	} {
		_, err := deal.ParsePipeline([]byte(doc))
		assert.Error(t, err, name)
	}
}

func TestPipelines(t *testing.T) {
	doc := "[" + pipelineJSON + `,{"id":"new","stages":[{"name":"a","forecast":"pipeline"}]}]`
	ps, err := deal.ParsePipelines([]byte(doc))
	require.NoError(t, err)
	require.Len(t, ps.All(), 2)
	p, err := ps.Get("new")
	require.NoError(t, err)
	assert.Equal(t, "new", p.ID())
	_, err = ps.Get("old")
	require.ErrorIs(t, err, crmkit.ErrNotFound)

	_, err = deal.NewPipelines(deal.DefaultPipeline(), deal.DefaultPipeline())
	require.ErrorIs(t, err, crmkit.ErrInvalid, "duplicate pipeline ids")
	_, err = deal.ParsePipelines([]byte(`[]`))
	require.ErrorIs(t, err, crmkit.ErrInvalid)

	b, err := json.Marshal(ps)
	require.NoError(t, err)
	again, err := deal.ParsePipelines(b)
	require.NoError(t, err)
	b2, err := json.Marshal(again)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(b2))
}

func TestGeneratedPipelinesRoundTripThroughJSON(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		spec := dealtest.PipelineSpec(8).Draw(t, "spec")
		p, err := deal.NewPipeline(spec)
		if err != nil {
			t.Fatalf("generated spec rejected: %v", err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		q, err := deal.ParsePipeline(b)
		if err != nil {
			t.Fatalf("parse %s: %v", b, err)
		}
		b2, _ := json.Marshal(q)
		if string(b) != string(b2) {
			t.Fatalf("round trip:\n%s\n%s", b, b2)
		}
	})
}

// FuzzParsePipeline feeds arbitrary JSON to ParsePipeline: it never panics;
// it either rejects the input with ErrInvalid or returns a pipeline whose
// JSON parses back to itself and whose compiled table agrees with its
// looplab definition on every state and event.
func FuzzParsePipeline(f *testing.F) {
	def, _ := json.Marshal(deal.DefaultPipeline())
	f.Add(def)
	f.Add([]byte(pipelineJSON))
	f.Add([]byte(`{"id":"x","stages":[{"name":"a","forecast":"commit","order":2},{"name":"b","forecast":"closed","order":1,"allow_backward":true}],"allow_reopen":true}`))
	f.Add([]byte(`{"id":"x","stages":[{"name":"a","forecast":"commit"},{"name":"A","forecast":"commit"}]}`))
	f.Add([]byte(`{"id":"x","stages":[{"name":"a:b","forecast":"omitted","probability":1}]}`))
	f.Add([]byte(`{"id":"x","stages":[{"name":"a","forecast":"commit","probability":"1e400"}]}`))
	f.Add([]byte(`{"id":"x","stages":[{"name":"a","forecast":"commit","expected_duration":"99999999999d"}]}`))
	f.Add([]byte(`null`))
	// Empty lists are no lists: they used to encode as "entry":{} and
	// come back as nothing (issue 16).
	f.Add([]byte(`{"id":"x","stages":[{"name":"a","forecast":"commit","entry":{"require":[]}}]}`))
	f.Add([]byte(`{"id":"x","stages":[{"name":"a","forecast":"commit","entry":{"approval":[]}}],"reactivation":{"rules":[],"otherwise":[]}}`))
	f.Add([]byte(`{"id":"x","stages":[{"name":"a","forecast":"commit","probability":"25"}]}`))
	f.Add([]byte(`{"id":"x","stages":[{"name":"a","forecast":"commit","min_open":3,"min_open_amount":{"amount":"0.00","currency":"EUR"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := deal.ParsePipeline(data)
		if err != nil {
			if !errors.Is(err, crmkit.ErrInvalid) {
				// encoding/json errors from custom unmarshalers other than
				// ours are wrapped as ErrInvalid by ParsePipeline too.
				t.Fatalf("error does not match ErrInvalid: %v", err)
			}
			return
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("marshal a valid pipeline: %v", err)
		}
		q, err := deal.ParsePipeline(b)
		if err != nil {
			t.Fatalf("reparse %s: %v", b, err)
		}
		if b2, _ := json.Marshal(q); string(b2) != string(b) {
			t.Fatalf("round trip:\n%s\n%s", b, b2)
		}
		if p.Len() < 1 || p.Len() > deal.MaxStages {
			t.Fatalf("%d stages", p.Len())
		}
		checkTableAgreesWithLooplab(t, p)
		if !strings.HasPrefix(p.Mermaid(), "stateDiagram-v2\n") {
			t.Fatal("no diagram")
		}
	})
}
