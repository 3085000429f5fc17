package funnel_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	t0  = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	day = 24 * time.Hour
	eur = crmkit.MustCurrency("EUR")
)

func at(days int) time.Time { return t0.Add(time.Duration(days) * day) }

func id(n byte) uuid.UUID { return uuid.UUID{15: n} }

func money(t *testing.T, minor int64) crmkit.Money {
	t.Helper()
	m, err := crmkit.NewMoney(minor, eur)
	require.NoError(t, err)
	return m
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func testStages() *deal.Pipeline {
	return pipelineOf(
		deal.Stage{Name: "lead", Probability: dec("0.1"), ExpectedDuration: 3 * day, Visits: weekly(1)},
		deal.Stage{Name: "qualified", Probability: dec("0.3"), ExpectedDuration: 3 * day, Visits: weekly(2)},
		deal.Stage{Name: "proposal", Probability: dec("0.6"), Forecast: deal.ForecastBestCase, ExpectedDuration: 30 * day, Visits: weekly(2)},
		deal.Stage{Name: "negotiation", Probability: dec("0.8"), Forecast: deal.ForecastCommit, ExpectedDuration: 7 * day, Visits: weekly(3)},
	)
}

// history is the fixed history the hand-computed tests use (amounts in
// euro cents, days from 2025-01-01):
//
//	A (ann): created day 0 (1000), lead 0, qualified 2, proposal 5, negotiation 10, won 15 (1200)
//	B (bob): created day 1 (500), lead 1, qualified 4, lost day 8 to X for price
//	C (ann): created day 2 (800), lead 2, qualified 3, proposal 7, still open
//	D (bob): created day 3 with first touch day 12 (logged late), lead 3, won day 6 (300)
//	E (ann): created day 4 (400), lead 4, suspended day 6
func history(t *testing.T) []funnel.Record {
	a, b, c, d, e := id(1), id(2), id(3), id(4), id(5)
	ann, bob := funnel.Dims{Owner: "ann"}, funnel.Dims{Owner: "bob"}
	r := func(ent uuid.UUID, k funnel.Kind, days, stage int, amount int64, dims funnel.Dims) funnel.Record {
		rec := funnel.Record{Entity: ent, Kind: k, At: at(days), Stage: stage, Dims: dims}
		if amount != 0 {
			rec.Amount = money(t, amount)
		}
		return rec
	}
	dCreated := r(d, funnel.Created, 3, 0, 300, bob)
	dCreated.Date = at(12)
	return []funnel.Record{
		r(a, funnel.Created, 0, 0, 1000, ann),
		r(a, funnel.StageEntered, 0, 0, 0, funnel.Dims{}),
		r(a, funnel.StageEntered, 2, 1, 0, funnel.Dims{}),
		r(a, funnel.StageEntered, 5, 2, 0, funnel.Dims{}),
		r(a, funnel.StageEntered, 10, 3, 0, funnel.Dims{}),
		r(a, funnel.Won, 15, 0, 1200, funnel.Dims{}),
		r(b, funnel.Created, 1, 0, 500, bob),
		r(b, funnel.StageEntered, 1, 0, 0, funnel.Dims{}),
		r(b, funnel.StageEntered, 4, 1, 0, funnel.Dims{}),
		r(b, funnel.Lost, 8, 0, 0, funnel.Dims{Competitor: "X", Reason: "price"}),
		r(c, funnel.Created, 2, 0, 800, ann),
		r(c, funnel.StageEntered, 2, 0, 0, funnel.Dims{}),
		r(c, funnel.StageEntered, 3, 1, 0, funnel.Dims{}),
		r(c, funnel.StageEntered, 7, 2, 0, funnel.Dims{}),
		dCreated,
		r(d, funnel.StageEntered, 3, 0, 0, funnel.Dims{}),
		r(d, funnel.Won, 6, 0, 0, funnel.Dims{}),
		r(e, funnel.Created, 4, 0, 400, ann),
		r(e, funnel.StageEntered, 4, 0, 0, funnel.Dims{}),
		r(e, funnel.Suspended, 6, 0, 0, funnel.Dims{}),
	}
}

type stageWant struct {
	reached, advanced, won, dropped, open int64
	reachedAmt, wonAmt, openAmt           int64
	conversion, toWon, dropOff            string
}

func TestAnalyzeHandComputed(t *testing.T) {
	rep, err := funnel.SummarizeRecords(testStages(), slices.Values(history(t)),
		funnel.Query{AsOf: at(20), Quantiles: crmkit.QuantilesExact})
	require.NoError(t, err)
	s := rep.Total
	assert.Equal(t, int64(5), s.Entities)
	assert.Equal(t, [5]int64{1, 1, 2, 1, 0}, [5]int64{s.Open, s.Suspended, s.Won, s.Lost, s.Terminated})
	assert.Equal(t, money(t, 1500), s.WonAmount)
	assert.Equal(t, money(t, 500), s.LostAmount)
	assert.Equal(t, money(t, 1200), s.OpenAmount)
	wr, err := s.WinRate()
	require.NoError(t, err)
	assert.True(t, wr.Equal(dec("0.6666666666666667")), "win rate %s", wr)
	avg, err := s.AverageDealSize(crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, money(t, 750), avg)

	want := []stageWant{
		{5, 4, 2, 0, 1, 3200, 1500, 400, "0.8", "0.4", "0"},
		{3, 2, 1, 1, 0, 2500, 1200, 0, "0.6666666666666667", "0.3333333333333333", "0.3333333333333333"},
		{2, 1, 1, 0, 1, 2000, 1200, 800, "0.5", "0.5", "0"},
		{1, 1, 1, 0, 0, 1200, 1200, 0, "1", "1", "0"},
	}
	require.Len(t, s.Stages, 4)
	for i, w := range want {
		g := s.Stages[i]
		assert.Equal(t, [5]int64{w.reached, w.advanced, w.won, w.dropped, w.open},
			[5]int64{g.Reached, g.Advanced, g.Won, g.DroppedOff, g.Open}, "stage %s", g.Name)
		assert.Equal(t, money(t, w.reachedAmt), g.ReachedAmount, "stage %s", g.Name)
		assert.Equal(t, money(t, w.wonAmt), g.WonAmount, "stage %s", g.Name)
		if w.openAmt != 0 {
			assert.Equal(t, money(t, w.openAmt), g.OpenAmount, "stage %s", g.Name)
		}
		for _, c := range []struct {
			f    func() (decimal.Decimal, error)
			want string
		}{{g.Conversion, w.conversion}, {g.ToWon, w.toWon}, {g.DropOff, w.dropOff}} {
			v, err := c.f()
			require.NoError(t, err)
			assert.True(t, v.Equal(dec(c.want)), "stage %s: got %s want %s", g.Name, v, c.want)
		}
	}

	// Sales cycle: A 15 days; D won on day 6, first touch day 12: -6 days,
	// reported and counted, not hidden. Sorted {-6, 15} days: the median
	// is their mean, 4.5 days; the 90th percentile (definition 7: h =
	// (2-1) x 0.9) is -6 + 0.9 x 21 = 12.9 days = 12 d 21 h 36 min.
	assertDurations(t, s.Cycle, 2, 1, 4*day+12*time.Hour, 4*day+12*time.Hour, 12*day+21*time.Hour+36*time.Minute)
	assertDurations(t, s.LossCycle, 1, 0, 7*day, 7*day, 7*day)
	// Completed stays: lead {2,3,1,3} days, qualified {3,4,4}, proposal
	// {5}, negotiation {5}; open stays apart: C in proposal since day 7
	// (13 days), E in lead since day 4 (16 days, suspended: the clock runs).
	// Lead sorted {1,2,3,3}: median (2+3)/2 = 2.5 days; p90 at h = 3 x 0.9
	// = 2.7, between the two 3s: 3 days. Qualified {3,4,4}: median 4, p90
	// at h = 1.8, between the 4s: 4 days.
	assertDurations(t, s.Stages[0].Stay, 4, 0, 2*day+6*time.Hour, 2*day+12*time.Hour, 3*day)
	assertDurations(t, s.Stages[1].Stay, 3, 0, 3*day+16*time.Hour, 4*day, 4*day)
	assertDurations(t, s.Stages[2].Stay, 1, 0, 5*day, 5*day, 5*day)
	assertDurations(t, s.Stages[3].Stay, 1, 0, 5*day, 5*day, 5*day)
	assertDurations(t, s.Stages[0].OpenStay, 1, 0, 16*day, 16*day, 16*day)
	assertDurations(t, s.Stages[2].OpenStay, 1, 0, 13*day, 13*day, 13*day)
	assert.Equal(t, int64(0), s.Stages[1].OpenStay.Count())
}

func assertDurations(t *testing.T, d crmkit.Durations, n, neg int64, mean, median, p90 time.Duration) {
	t.Helper()
	assert.Equal(t, n, d.Count())
	assert.Equal(t, neg, d.Negative())
	m, err := d.Mean()
	require.NoError(t, err)
	assert.Equal(t, mean, m, "mean")
	med, err := d.Median()
	require.NoError(t, err)
	assert.Equal(t, median, med, "median")
	p, err := d.Quantile(0.9)
	require.NoError(t, err)
	assert.Equal(t, p90, p, "p90")
}

func TestAnalyzeByOwnerAndCompetitor(t *testing.T) {
	rep, err := funnel.SummarizeRecords(testStages(), slices.Values(history(t)),
		funnel.Query{AsOf: at(20), By: []funnel.Dimension{funnel.ByOwner}})
	require.NoError(t, err)
	require.Len(t, rep.Groups, 2)
	assert.Equal(t, "ann", rep.Groups[0].Key.Owner)
	bob, ok := rep.Group(funnel.Key{Dims: funnel.Dims{Owner: "bob"}})
	require.True(t, ok)
	assert.Equal(t, int64(2), bob.Entities)
	assert.Equal(t, int64(1), bob.Won)
	assert.Equal(t, int64(1), bob.Lost)
	wr, err := bob.WinRate()
	require.NoError(t, err)
	assert.True(t, wr.Equal(dec("0.5")))
	ann := rep.Groups[0].Summary
	assert.Equal(t, [3]int64{3, 1, 1}, [3]int64{ann.Entities, ann.Won, ann.Open})

	// Competitive analysis: the lost deals by competitor and reason.
	rep, err = funnel.SummarizeRecords(testStages(), slices.Values(history(t)), funnel.Query{AsOf: at(20),
		By: []funnel.Dimension{funnel.ByCompetitor, funnel.ByReason}, Where: func(o *funnel.Opportunity) bool { return o.Status == funnel.ClosedLost }})
	require.NoError(t, err)
	require.Len(t, rep.Groups, 1)
	assert.Equal(t, "competitor=X reason=price", rep.Groups[0].Key.String())
	assert.Equal(t, money(t, 500), rep.Groups[0].Summary.LostAmount)
}

func TestAnalyzeAsOfAndWindow(t *testing.T) {
	// As of day 5: A in proposal (entered day 5), B in qualified, C in
	// qualified, D (won day 6) still in lead, E in lead (created day 4).
	rep, err := funnel.SummarizeRecords(testStages(), slices.Values(history(t)), funnel.Query{AsOf: at(5)})
	require.NoError(t, err)
	s := rep.Total
	assert.Equal(t, int64(5), s.Entities)
	assert.Equal(t, int64(5), s.Open)
	assert.Equal(t, int64(0), s.Won)
	assert.Equal(t, [4]int64{2, 2, 1, 0}, [4]int64{s.Stages[0].Open, s.Stages[1].Open, s.Stages[2].Open, s.Stages[3].Open})
	// As of day 0 only A exists.
	rep, err = funnel.SummarizeRecords(testStages(), slices.Values(history(t)), funnel.Query{AsOf: at(0)})
	require.NoError(t, err)
	assert.Equal(t, int64(1), rep.Total.Entities)
	// Origins in [day 1, day 4): B, C; D's origin is day 12.
	rep, err = funnel.SummarizeRecords(testStages(), slices.Values(history(t)), funnel.Query{AsOf: at(20), From: at(1), To: at(4)})
	require.NoError(t, err)
	assert.Equal(t, int64(2), rep.Total.Entities)
	rep, err = funnel.SummarizeRecords(testStages(), slices.Values(history(t)), funnel.Query{AsOf: at(20), Match: funnel.Dims{Owner: "bob"}})
	require.NoError(t, err)
	assert.Equal(t, int64(2), rep.Total.Entities)
}

func TestAnalyzeBadInput(t *testing.T) {
	h := history(t)
	run := func(recs []funnel.Record) error {
		_, err := funnel.SummarizeRecords(testStages(), slices.Values(recs), funnel.Query{AsOf: at(20)})
		return err
	}
	swap := slices.Clone(h)
	swap[2], swap[3] = swap[3], swap[2] // A: proposal before qualified, times reversed
	assert.ErrorIs(t, run(swap), crmkit.ErrInvalid)
	assert.ErrorContains(t, run(swap), "out of order")

	entities := slices.Concat(h[6:10], h[:6], h[10:]) // B before A
	assert.ErrorContains(t, run(entities), "out of order: entity")

	dup := slices.Insert(slices.Clone(h), 3, h[2])
	assert.ErrorIs(t, run(dup), crmkit.ErrConflict)

	unknown := slices.Clone(h)
	unknown[4].Stage = 7
	err := run(unknown)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.ErrorContains(t, err, "unknown stage index 7")

	usd := slices.Clone(h)
	usd[6].Amount = crmkit.MustMoney("5", "USD")
	assert.ErrorIs(t, run(usd), crmkit.ErrCurrencyMismatch)

	afterWin := slices.Insert(slices.Clone(h), 6, funnel.Record{Entity: id(1), Kind: funnel.StageEntered, At: at(16), Stage: 1})
	assert.ErrorIs(t, run(afterWin), crmkit.ErrIllegalTransition)

	neg := slices.Clone(h)
	neg[0].Amount = money(t, -1)
	assert.ErrorIs(t, run(neg), crmkit.ErrInvalid)

	zero := slices.Clone(h)
	zero[1].Kind = 0
	assert.ErrorIs(t, run(zero), crmkit.ErrInvalid)

	_, err = funnel.SummarizeRecords(testStages(), slices.Values(h), funnel.Query{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = funnel.SummarizeRecords(&deal.Pipeline{}, slices.Values(h), funnel.Query{AsOf: at(1)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = funnel.SummarizeRecords(testStages(), slices.Values(h), funnel.Query{AsOf: at(1), By: []funnel.Dimension{funnel.ByOwner, funnel.ByOwner}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestSortRecords(t *testing.T) {
	h := history(t)
	// Entities in descending order, each entity's records kept in their
	// recorded order: SortRecords must give back the report order.
	shuffled := slices.Clone(h)
	slices.SortStableFunc(shuffled, func(a, b funnel.Record) int { return -bytes.Compare(a.Entity[:], b.Entity[:]) })
	_, err := funnel.SummarizeRecords(testStages(), slices.Values(shuffled), funnel.Query{AsOf: at(20)})
	assert.ErrorContains(t, err, "out of order")
	funnel.SortRecords(shuffled)
	assert.Equal(t, h, shuffled)
}

func TestSummarizeErrors(t *testing.T) {
	st := testStages()
	ok := funnel.Opportunity{Entity: id(1), Origin: at(0), Entered: at(1), Stage: 1, Reached: 0b11, Amount: money(t, 10)}
	_, err := funnel.Summarize(st, slices.Values([]funnel.Opportunity{ok}), funnel.Query{AsOf: at(2)})
	require.NoError(t, err)
	for name, mut := range map[string]func(o *funnel.Opportunity){
		"stage beyond":      func(o *funnel.Opportunity) { o.Stage = 4 },
		"reached beyond":    func(o *funnel.Opportunity) { o.Reached = 1 << 5 },
		"stage not reached": func(o *funnel.Opportunity) { o.Reached = 0b1 },
		"status":            func(o *funnel.Opportunity) { o.Status = 9 },
		"won no close":      func(o *funnel.Opportunity) { o.Status = funnel.ClosedWon },
		"entered later":     func(o *funnel.Opportunity) { o.Entered = at(3) },
		"negative":          func(o *funnel.Opportunity) { o.Amount = money(t, -5) },
	} {
		o := ok
		mut(&o)
		_, err := funnel.Summarize(st, slices.Values([]funnel.Opportunity{o}), funnel.Query{AsOf: at(2)})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	usd := ok
	usd.Entity = id(2)
	usd.Amount = crmkit.MustMoney("1", "USD")
	_, err = funnel.Summarize(st, slices.Values([]funnel.Opportunity{ok, usd}), funnel.Query{AsOf: at(2)})
	assert.True(t, errors.Is(err, crmkit.ErrCurrencyMismatch))
}
