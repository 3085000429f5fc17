package funnel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/dealtest"
	"github.com/crmkit/crmkit/funnel"
)

// funnel reads a deal pipeline as configured: a monthly cadence of four
// visits (which the old adapter turned into 0 a week) is judged per month,
// a daily one per day; ForecastClosed stages count in the commit figure.
func TestPipelineReadWithoutLoss(t *testing.T) {
	p := deal.MustPipeline(deal.PipelineSpec{ID: "odd", Stages: []deal.Stage{
		{Name: "daily", Probability: decimal.RequireFromString("0.05"), Forecast: deal.ForecastClosed, Visits: deal.VisitCadence{Visits: 1, Per: deal.PerDay}},
		{Name: "rare", Probability: decimal.RequireFromString("0.125"), Forecast: deal.ForecastOmitted, Visits: deal.VisitCadence{Visits: 4, Per: deal.PerMonth}},
	}})
	x, y := id(1), id(2)
	visit := func(e [16]byte, d int) funnel.Record {
		return funnel.Record{Entity: e, Kind: funnel.Activity, At: at(d)}
	}
	// at(0) is 2025-01-01: X in "rare" from January 1: three visits in
	// January (a breach of 4 a month), four in February (met); as of
	// March 10 March is not over. Y in "daily" from day 0: visits on days
	// 0 and 2, none on day 1 (a breach); as of day 3 day 3 is not over.
	recs := []funnel.Record{
		{Entity: x, Kind: funnel.Created, At: at(0)},
		{Entity: x, Kind: funnel.StageEntered, At: at(0), Stage: 1},
		visit(x, 1), visit(x, 2), visit(x, 3), visit(x, 31), visit(x, 32), visit(x, 33), visit(x, 34),
		{Entity: y, Kind: funnel.Created, At: at(0)},
		{Entity: y, Kind: funnel.StageEntered, At: at(0), Stage: 0},
		visit(y, 0), visit(y, 2),
	}
	c, err := funnel.CheckCadence(p, slices.Values(recs), at(3))
	require.NoError(t, err)
	assert.Equal(t, funnel.CadenceStage{Name: "daily", Cadence: deal.VisitCadence{Visits: 1, Per: deal.PerDay}, Windows: 3, Activities: 2, Breaches: 1}, c.Stages[0])
	c, err = funnel.CheckCadence(p, slices.Values(recs), at(68)) // March 10
	require.NoError(t, err)
	assert.Equal(t, funnel.CadenceStage{Name: "rare", Cadence: deal.VisitCadence{Visits: 4, Per: deal.PerMonth}, Windows: 2, Activities: 7, Breaches: 1}, c.Stages[1])
	assert.Contains(t, c.Breaches, funnel.Breach{Entity: x, Stage: 1, Window: at(0), Visits: 3, Required: 4})

	// Forecast: an open deal of 100.00 in each stage, closing in the
	// period. Weighted: 100 × 0.05 = 5.00 counts, the omitted stage's
	// 12.50 does not; commit holds the closed-category stage.
	opps := []funnel.Opportunity{
		{Entity: x, Stage: 0, Reached: 1, Status: funnel.Open, Amount: money(t, 10000), Origin: at(0), Entered: at(0), CloseDate: at(20)},
		{Entity: y, Stage: 1, Reached: 3, Status: funnel.Open, Amount: money(t, 10000), Origin: at(0), Entered: at(0), CloseDate: at(20)},
	}
	f, err := funnel.NewForecast(p, slices.Values(opps), crmkit.Period{Start: at(0), End: at(30)}, at(1), funnel.ForecastOptions{})
	require.NoError(t, err)
	w, err := f.Computed(funnel.Weighted)
	require.NoError(t, err)
	assert.Equal(t, money(t, 500), w)
	commit, err := f.Computed(funnel.CommitFigure)
	require.NoError(t, err)
	assert.Equal(t, money(t, 10000), commit)
	assert.Equal(t, funnel.CategoryForecast{Count: 1, Amount: money(t, 10000), Weighted: money(t, 1250)}, f.Categories[deal.ForecastOmitted])
}

// For random pipelines and command sequences of package deal, funnel's
// stage policy checks over the deal's history agree with the deal's own:
// StuckDeals lists the deal exactly when deal.Deal.Stuck says it is stuck,
// and every cadence window CheckCadence judges in the deal's current stay
// is breached exactly when deal.Deal.VisitsBreached says so, with the same
// counts. Both sides apply deal.Stage.Stuck and deal.VisitCadence.
func TestPropertyStuckAndCadenceAgreeWithDeal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := dealtest.Pipeline().Draw(t, "pipeline")
		n := dealtest.NewDeal(p, dealDay).Draw(t, "new deal")
		d, created, err := deal.New(p, n, deal.Cmd{Cmd: crmkit.Cmd{By: n.Owner, At: dealDay}})
		if err != nil {
			t.Fatalf("new: %v", err)
		}
		events := []crmkit.Event{created}
		at := dealDay
		suspended := false
		for _, c := range dealtest.Commands(p).Draw(t, "commands") {
			at = at.Add(c.Advance + time.Minute)
			next, e, err := c.Run(p, d, at)
			if err != nil {
				continue
			}
			if next.StageEnteredAt != d.StageEnteredAt {
				suspended = false // a new stay
			}
			suspended = suspended || next.Status == deal.Suspended
			d = next
			events = append(events, e)
		}
		asOf := at.Add(time.Duration(rapid.IntRange(0, 120*24).Draw(t, "hours after")) * time.Hour)
		r := funnel.DealEvents(p).Reader(slices.Values(events))
		recs := slices.Collect(r.Records())
		if err := r.Err(); err != nil {
			t.Fatalf("reader: %v", err)
		}
		states, err := replayAll(p, slices.Values(recs), asOf)
		if err != nil || len(states) != 1 {
			t.Fatalf("replay: %v (%d states)", err, len(states))
		}
		stuck, err := funnel.StuckDeals(p, slices.Values(states), asOf)
		if err != nil {
			t.Fatal(err)
		}
		if (len(stuck) == 1) != d.Stuck(p, asOf) {
			t.Fatalf("funnel stuck %v, deal stuck %v (stage %d entered %s, as of %s)", len(stuck) == 1, d.Stuck(p, asOf), d.Stage, d.StageEnteredAt, asOf)
		}

		c, err := funnel.CheckCadence(p, slices.Values(recs), asOf)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != deal.Open || suspended {
			return // windows with a pause are not judged; a closed deal has no cadence
		}
		st, _ := p.Stage(d.Stage)
		reported := map[time.Time]funnel.Breach{}
		for _, b := range c.Breaches {
			if b.Stage == d.Stage && !b.Window.Before(d.StageEnteredAt) {
				reported[b.Window] = b
			}
		}
		if st.Visits.Visits == 0 {
			if len(reported) > 0 {
				t.Fatalf("breaches of a stage without cadence: %v", reported)
			}
			return
		}
		for w := d.StageEnteredAt; !st.Visits.WindowEnd(w).After(asOf); w = st.Visits.WindowEnd(w) {
			breached, done, required := d.VisitsBreached(p, w, st.Visits.WindowEnd(w))
			b, ok := reported[w]
			if ok != breached {
				t.Fatalf("window %s: funnel breach %v, deal breach %v (%d of %d)", w, ok, breached, done, required)
			}
			if ok && (b.Visits != done || b.Required != required) {
				t.Fatalf("window %s: funnel %d of %d, deal %d of %d", w, b.Visits, b.Required, done, required)
			}
		}
	})
}
