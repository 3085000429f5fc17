package harness_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/clv"
	"github.com/crmkit/crmkit/account/value"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/internal/harness"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/routing"
	"github.com/crmkit/crmkit/lead/scoring"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/quota/forecast"
)

func errOf[T any](_ T, err error) error { return err }

// TestIssue16DomainCases is the domain side of issue 16 in one table: the
// nil iterators, nil and zero values and caller-sized computations it
// lists, each refused with a root sentinel, without a panic or a hang
// (each case has its own deadline; the packages' own hardening tests hold
// the fuller tables).
func TestIssue16DomainCases(t *testing.T) {
	stages := deal.MustPipeline(deal.PipelineSpec{ID: "harness", Stages: []deal.Stage{{Name: "qualify", Probability: decimal.New(2, -1), Forecast: deal.ForecastPipeline}}})
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	period := crmkit.Period{Start: at.AddDate(0, -1, 0), End: at}
	plan, _, err := quota.NewPlan(quota.PlanSpec{FiscalYear: 2026, Target: quota.Amount(crmkit.MustMoney("1000", "EUR")), Rounding: crmkit.RoundHalfEven},
		crmkit.Cmd{By: "ana", At: at, Reason: "plan"})
	require.NoError(t, err)
	var (
		nilRouter *routing.Router
		nilScorer *scoring.Scorer
		nilModel  *scoring.PredictiveModel
		l         = lead.Lead{Who: lead.Person{Name: "x"}}
		history   = []float64{10, 12, 15, 11, 9, 14, 20, 22}
		bgbb      = clv.BGBB{Alpha: 1.204, Beta: 0.750, Gamma: 0.657, Delta: 2.783}
		pareto    = clv.ParetoNBD{R: 0.553, Alpha: 10.58, S: 0.606, Beta: 11.67}
		buyer     = clv.Customer{Frequency: 2, Recency: 10, T: 20, MonetaryValue: 30}
		m100      = crmkit.MustMoney("100", "EUR")
	)
	harness.Run(t, []harness.Case{
		// Nil iter.Seq.
		{Name: "funnel.SummarizeRecords nil records", Call: func() error { return errOf(funnel.SummarizeRecords(stages, nil, funnel.Query{AsOf: at})) }},
		{Name: "funnel.Summarize nil opportunities", Call: func() error { return errOf(funnel.Summarize(stages, nil, funnel.Query{AsOf: at})) }},
		{Name: "funnel.Replay nil records", Call: func() error {
			for _, err := range funnel.Replay(stages, nil, at) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{Name: "funnel.NewForecast nil opportunities", Call: func() error {
			return errOf(funnel.NewForecast(stages, nil, period, at, funnel.ForecastOptions{}))
		}},
		{Name: "quota Plan.Evaluate nil records", Call: func() error { return errOf(plan.Evaluate(nil, quota.EvalOptions{AsOf: at})) }},
		{Name: "lead.Count nil leads", Call: func() error { return errOf(lead.Count(nil, nil)) }},
		{Name: "crmkit.SumSeq nil amounts", Call: func() error { return errOf(crmkit.SumSeq(crmkit.MustCurrency("EUR"), nil)) }},
		// Nil receivers and zero values.
		{Name: "nil routing.Router", Call: func() error { return errOf(nilRouter.Route(&l)) }},
		{Name: "zero routing.Router", Call: func() error { return errOf(new(routing.Router).RouteAll(slices.Values([]lead.Lead{l}))) }},
		{Name: "nil scoring.Scorer", Call: func() error { return errOf(nilScorer.Score(l, at)) }},
		{Name: "zero scoring.Scorer", Call: func() error { return errOf(new(scoring.Scorer).Total(&l, at)) }},
		{Name: "nil scoring.PredictiveModel", Call: func() error { return errOf(nilModel.Predict(l)) }},
		{Name: "zero scoring.PredictiveModel", Call: func() error { return errOf(new(scoring.PredictiveModel).Probability(&l)) }},
		// Caller-sized work: horizons, seasons, periods, opportunities.
		{Name: "forecast horizon 1<<40", Call: func() error { return errOf(forecast.Predict(forecast.MovingAverage{Window: 3}, history, 1<<40)) }},
		{Name: "forecast horizon MaxInt", Call: func() error {
			return errOf(forecast.HoltWinters{Season: 4, Alpha: 0.3, Beta: 0.1, Gamma: 0.1}.Forecast(history, math.MaxInt))
		}},
		{Name: "season MaxInt (HoltWinters)", Call: func() error {
			return errOf(forecast.HoltWinters{Season: math.MaxInt, Alpha: 0.3, Beta: 0.1, Gamma: 0.1}.Forecast(history, 1))
		}},
		{Name: "season MaxInt (SeasonalIndex)", Call: func() error { return errOf(forecast.SeasonalIndex{Season: math.MaxInt}.Forecast(history, 1)) }},
		{Name: "season MaxInt (FitHoltWinters)", Call: func() error { return errOf(forecast.FitHoltWinters(history, math.MaxInt)) }},
		{Name: "BG/BB n 1<<40", Call: func() error { return errOf(bgbb.ProbTransactions(0, 1<<40)) }},
		{Name: "BG/BB periods MaxInt", Call: func() error {
			return errOf(bgbb.ProbAlive(clv.DiscreteCustomer{Frequency: 1, Recency: 1, Periods: math.MaxInt}))
		}},
		{Name: "Pareto/NBD n 1<<40", Call: func() error { return errOf(pareto.ProbPurchases(1<<40, 52)) }},
		{Name: "Pareto/NBD frequency 1<<40", Call: func() error {
			return errOf(pareto.ProbAlive(clv.Customer{Frequency: 1 << 40, Recency: 10, T: 20}))
		}},
		{Name: "CLV periods 1<<40", Call: func() error {
			return errOf(clv.GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}.CLV(pareto, buyer, clv.CLVOptions{Periods: 1 << 40, PeriodLength: 1, Margin: 0.2}))
		}},
		{Name: "FrequencyFit bins MaxInt", Call: func() error { return errOf(clv.FrequencyFit(pareto, []clv.Customer{buyer}, math.MaxInt)) }},
		{Name: "FiniteCLV extreme decimals", Call: func() error {
			return errOf(value.FiniteCLV(m100, decimal.New(1, -2000000000), decimal.New(1, 2000000000), 1200, crmkit.RoundHalfEven))
		}},
		{Name: "value.Cohorts over 2e9 years", Call: func() error {
			acts := []value.Activity{{Customer: "a", At: time.Date(-1e9, 1, 1, 0, 0, 0, 0, time.UTC)}, {Customer: "a", At: time.Date(1e9, 1, 1, 0, 0, 0, 0, time.UTC)}}
			return errOf(value.Cohorts(crmkit.Calendar{}, slices.Values(acts)))
		}},
		// The two functions that returned +Inf without an error.
		{Name: "GammaGamma.ExpectedSpend +Inf", Call: func() error { return errOf(clv.GammaGamma{P: 1e300, Q: 2, Gamma: 1e300}.ExpectedSpend()) }},
		{Name: "MovingAverage.Forecast +Inf", Call: func() error {
			return errOf(forecast.MovingAverage{Window: 2}.Forecast([]float64{math.MaxFloat64, math.MaxFloat64}, 1))
		}},
		{Name: "HoltWinters.Forecast beyond float64", Want: crmkit.ErrOverflow, Call: func() error {
			return errOf(forecast.HoltWinters{Season: 2, Alpha: 1, Beta: 1}.Forecast([]float64{1e-300, 1, 1e15, 1}, 3))
		}},
	})
}

// TestIssue16MergeStoredLead: lead.Merge of a lead and the same lead read
// back from a store (another zone, nil for empty) is no conflict.
func TestIssue16MergeStoredLead(t *testing.T) {
	created := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	l := lead.Lead{Who: lead.Person{Name: "Ada", Attributes: map[string]string{}}, Source: lead.ChannelReferral,
		Stage: lead.StageSuspect, StageAt: created, CreatedAt: created, UpdatedAt: created, Version: 1, Journey: []lead.Touchpoint{}}
	l.ID[15] = 1
	stored := l
	stored.Who.Attributes, stored.Journey = nil, nil
	stored.StageAt = created.In(time.FixedZone("CET", 3600))
	stored.CreatedAt, stored.UpdatedAt = stored.StageAt, stored.StageAt
	m, ev, err := lead.Merge(crmkit.Cmd{By: "dedupe", At: created.Add(time.Hour)}, l, stored)
	require.NoError(t, err)
	require.Equal(t, crmkit.Event{}, ev, "nothing to merge")
	require.True(t, m.Equal(l))
}

// TestIssue16ReplayAllNilEvents: deal's ReplayAll, which takes an
// iter.Seq, refuses a nil one.
func TestIssue16ReplayAllNilEvents(t *testing.T) {
	harness.Run(t, []harness.Case{
		{Name: "deal.Pipelines.ReplayAll nil events", Call: func() error { return errOf(new(deal.Pipelines).ReplayAll(nil)) }},
	})
}
