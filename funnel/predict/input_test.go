package predict_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/predict"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTrainBadInput(t *testing.T) {
	asOf := start.AddDate(0, 6, 0)
	h := markov(1, asOf)
	for name, f := range map[string]func() error{
		"nil records":  func() error { _, err := predict.Train(four, nil, asOf, predict.TrainOptions{}); return err },
		"nil pipeline": func() error { _, err := predict.Train(nil, h.Records(), asOf, predict.TrainOptions{}); return err },
		"zero as of": func() error {
			_, err := predict.Train(four, h.Records(), time.Time{}, predict.TrainOptions{})
			return err
		},
		"by period": func() error {
			_, err := predict.Train(four, h.Records(), asOf, predict.TrainOptions{Segment: funnel.ByPeriod})
			return err
		},
		"negative min exits": func() error {
			_, err := predict.Train(four, h.Records(), asOf, predict.TrainOptions{MinExits: -1})
			return err
		},
		"win: nil records": func() error { _, err := predict.TrainWin(four, nil, asOf, predict.WinOptions{}); return err },
		"win: negative lambda": func() error {
			_, err := predict.TrainWin(four, h.Records(), asOf, predict.WinOptions{Lambda: -1})
			return err
		},
		"win: too many iterations": func() error {
			_, err := predict.TrainWin(four, h.Records(), asOf, predict.WinOptions{MaxIterations: predict.MaxWinIterations + 1})
			return err
		},
		"win: by period": func() error {
			_, err := predict.TrainWin(four, h.Records(), asOf, predict.WinOptions{Categorical: []funnel.Dimension{funnel.ByPeriod}})
			return err
		},
		"calibrate: split after end": func() error {
			_, err := predict.Calibrate(four, h.Records(), asOf, start, predict.WinOptions{})
			return err
		},
		"backtest: no periods": func() error {
			_, err := predict.RunBacktest(four, h.Records(), predict.BacktestOptions{})
			return err
		},
	} {
		err := f()
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
}

func TestEmptyHistoryIsNamed(t *testing.T) {
	_, err := predict.Train(four, slices.Values([]funnel.Record(nil)), start, predict.TrainOptions{})
	require.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Contains(t, err.Error(), "empty history")
	// Records all after the as-of time: empty as of then.
	h := markov(1, start.AddDate(0, 1, 0))
	_, err = predict.Train(four, h.Records(), start.Add(-time.Hour), predict.TrainOptions{})
	require.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Contains(t, err.Error(), "empty history")
	_, err = predict.TrainWin(four, h.Records(), start.Add(-time.Hour), predict.WinOptions{})
	assert.Contains(t, err.Error(), "empty history")
}

func TestRecordErrorsPassThrough(t *testing.T) {
	// A record out of order is funnel's error, unchanged.
	id := [16]byte{1}
	recs := []funnel.Record{
		{Entity: id, Kind: funnel.Created, At: start.Add(time.Hour), Amount: crmkit.MustMoney("10", "EUR")},
		{Entity: id, Kind: funnel.StageEntered, At: start, Stage: 0},
	}
	_, err := predict.Train(four, slices.Values(recs), start.AddDate(0, 1, 0), predict.TrainOptions{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	// Two currencies.
	recs = []funnel.Record{
		{Entity: id, Kind: funnel.Created, At: start, Amount: crmkit.MustMoney("10", "EUR")},
		{Entity: [16]byte{2}, Kind: funnel.Created, At: start, Amount: crmkit.MustMoney("10", "USD")},
	}
	_, err = predict.Train(four, slices.Values(recs), start.AddDate(0, 1, 0), predict.TrainOptions{})
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
}

func TestSimulateBounds(t *testing.T) {
	asOf := start.AddDate(0, 6, 0)
	m, err := predict.Train(four, markov(1, asOf).Records(), asOf, predict.TrainOptions{})
	require.NoError(t, err)
	month := crmkit.Period{Start: asOf, End: asOf.AddDate(0, 1, 0)}
	many := make([]crmkit.Period, predict.MaxPeriods+1)
	for i := range many {
		s := asOf.AddDate(0, 0, i)
		many[i] = crmkit.Period{Start: s, End: s.AddDate(0, 0, 1)}
	}
	for name, opt := range map[string]predict.SimOptions{
		"no simulation":        {Periods: []crmkit.Period{month}},
		"too many":             {Periods: []crmkit.Period{month}, Simulations: predict.MaxSimulations + 1},
		"no period":            {Simulations: 10},
		"too many periods":     {Periods: many, Simulations: 10},
		"before as of":         {Periods: []crmkit.Period{{Start: asOf.Add(-time.Hour), End: asOf.AddDate(0, 1, 0)}}, Simulations: 10},
		"empty period":         {Periods: []crmkit.Period{{Start: asOf, End: asOf}}, Simulations: 10},
		"overlap":              {Periods: []crmkit.Period{month, month}, Simulations: 10},
		"cells":                {Periods: many[:100], Simulations: predict.MaxCells/100 + 1},
		"negative workers":     {Periods: []crmkit.Period{month}, Simulations: 10, Workers: -1},
		"horizon of 300 years": {Periods: []crmkit.Period{{Start: asOf, End: asOf.AddDate(300, 0, 0)}}, Simulations: 10},
	} {
		_, err := m.Simulate(opt)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	var nilModel *predict.Model
	_, err = nilModel.Simulate(predict.SimOptions{Periods: []crmkit.Period{month}, Simulations: 1})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestTrainWinNeedsBothOutcomes(t *testing.T) {
	// Every deal lost from the first stage.
	h := markov(1, start.AddDate(0, 6, 0))
	h.Advance = []float64{0, 1, 1, 1}
	_, err := predict.TrainWin(four, h.Records(), h.End, predict.WinOptions{})
	require.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Contains(t, err.Error(), "same outcome")
	// Nothing closed yet.
	_, err = predict.TrainWin(four, h.Records(), start.Add(time.Minute), predict.WinOptions{})
	require.Error(t, err)
	assert.True(t, errors.Is(err, crmkit.ErrInvalid))
}

// Nil and zero models are refused or empty, never a panic.
func TestZeroModels(t *testing.T) {
	month := crmkit.Period{Start: start, End: start.AddDate(0, 1, 0)}
	for _, m := range []*predict.Model{nil, {}} {
		_, err := m.Simulate(predict.SimOptions{Periods: []crmkit.Period{month}, Simulations: 1})
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
		_, _, err = m.Transition("", true, 0, 1)
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
		assert.Empty(t, m.Fallbacks())
		assert.Empty(t, m.Segments())
		open, suspended := m.OpenDeals()
		assert.Zero(t, open+suspended)
		assert.True(t, m.AsOf().IsZero())
	}
	h := markov(1, start.AddDate(0, 2, 0))
	for _, w := range []*predict.WinModel{nil, {}} {
		_, err := w.Predict(four, h.Records(), h.End)
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
		names, beta := w.Coefficients()
		assert.Empty(t, names)
		assert.Empty(t, beta)
		d, r, p := w.Size()
		assert.Zero(t, d+r+int64(p))
	}
}
