package funnel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/internal/harness"
	"github.com/stretchr/testify/assert"
)

func errOf[T any](_ T, err error) error { return err }

// TestHardeningNilSequences calls every funnel entry point that reads an
// iterator with a nil one: each is refused with ErrInvalid, none panics.
func TestHardeningNilSequences(t *testing.T) {
	stages := pipelineOf(
		deal.Stage{Name: "qualify", Probability: decimal.RequireFromString("0.2")},
		deal.Stage{Name: "propose", Probability: decimal.RequireFromString("0.6")},
	)
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	q := funnel.Query{AsOf: at}
	period := crmkit.Period{Start: at.AddDate(0, -1, 0), End: at}
	harness.Run(t, []harness.Case{
		{Name: "SummarizeRecords", Call: func() error { return errOf(funnel.SummarizeRecords(stages, nil, q)) }},
		{Name: "Summarize", Call: func() error { return errOf(funnel.Summarize(stages, nil, q)) }},
		{Name: "Replay", Call: func() error {
			for _, err := range funnel.Replay(stages, nil, at) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{Name: "Movement", Call: func() error { return errOf(funnel.Movement(stages, nil, period.Start, period.End)) }},
		{Name: "CheckCadence", Call: func() error { return errOf(funnel.CheckCadence(stages, nil, at)) }},
		{Name: "StuckDeals", Call: func() error { return errOf(funnel.StuckDeals(stages, nil, at)) }},
		{Name: "CohortsOfRecords", Call: func() error { return errOf(funnel.CohortsOfRecords(stages, nil, q)) }},
		{Name: "Cohorts (values)", Call: func() error { return errOf(funnel.Cohorts(stages, nil, q)) }},
		{Name: "NewForecast", Call: func() error {
			return errOf(funnel.NewForecast(stages, nil, period, at, funnel.ForecastOptions{}))
		}},
		{Name: "WonIn", Call: func() error { return errOf(funnel.WonIn(nil, period)) }},
		{Name: "AttributeAll nil conversions", Call: func() error {
			return errOf(funnel.Linear().AttributeAll(nil, func(t funnel.Touch) string { return t.Channel }))
		}},
		{Name: "AttributeAll nil key", Call: func() error {
			return errOf(funnel.Linear().AttributeAll(slices.Values([]funnel.Conversion{}), nil))
		}},
		{Name: "EventReader over nil events", Call: func() error {
			r := funnel.EventMap{Pipeline: stages}.Reader(nil)
			for range r.Records() {
			}
			return r.Err()
		}},
		{Name: "nil EventReader", Call: func() error {
			var r *funnel.EventReader
			for range r.Records() {
			}
			return r.Err()
		}},
	})
}

// TestHardeningZeroModel: the zero attribution Model is not a model, and
// attributing with it is refused instead of panicking.
func TestHardeningZeroModel(t *testing.T) {
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	amount, err := crmkit.NewMoney(100, crmkit.MustCurrency("EUR"))
	if err != nil {
		t.Fatal(err)
	}
	touches := []funnel.Touch{{At: at.Add(-time.Hour), Channel: "web"}}
	harness.Run(t, []harness.Case{
		{Name: "Attribute", Call: func() error { return errOf(funnel.Model{}.Attribute(amount, at, touches)) }},
		{Name: "AttributeAll", Call: func() error {
			c := []funnel.Conversion{{Amount: amount, Converted: at, Touches: touches}}
			return errOf(funnel.Model{}.AttributeAll(slices.Values(c), func(t funnel.Touch) string { return t.Channel }))
		}},
	})
}

// TestHardeningNilOpportunity calls the methods of a nil *Opportunity:
// each answers as for an entity with no history (no stage entered, no
// cycle), none panics.
func TestHardeningNilOpportunity(t *testing.T) {
	var o *funnel.Opportunity
	assert.False(t, o.HasReached(0))
	assert.Equal(t, -1, o.Furthest())
	assert.Equal(t, time.Duration(0), o.Cycle())
}
