package funnel_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func cmdAt(day int) deal.Cmd { return deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dday(day)}} }

// A deal's state as an Opportunity, field by field, by hand: created in
// bidding (index 1 of tracking, bidding, negotiation, closing) on day 0,
// moved to negotiation (index 2) on day 4, lost on day 9.
func TestOpportunityOf(t *testing.T) {
	p := deal.DefaultPipeline()
	campaign := uuid.MustParse("0190f3a0-0000-7000-8000-0000000000ca")
	d, _, err := deal.New(p, deal.NewDeal{
		Name: "Globex", Type: deal.NewBusiness, Amount: crmkit.MustMoney("45000.00", "EUR"),
		CloseDate: dday(60), AccountID: dealID(9), ContactID: dealID(8), CampaignID: campaign, Owner: "ben", Stage: "bidding",
	}, cmdAt(0))
	require.NoError(t, err)

	o := funnel.OpportunityOf(&d)
	assert.Equal(t, d.ID, o.Entity)
	assert.Equal(t, uint64(0b11), o.Reached, "tracking and bidding")
	assert.Equal(t, 1, o.Stage)
	assert.Equal(t, funnel.Open, o.Status)
	assert.True(t, o.Amount.Equal(crmkit.MustMoney("45000.00", "EUR")))
	assert.True(t, o.Origin.Equal(dday(0)))
	assert.True(t, o.Entered.Equal(dday(0)))
	assert.True(t, o.Closed.IsZero())
	assert.True(t, o.CloseDate.Equal(dday(60)))
	assert.Equal(t, funnel.Dims{Owner: "ben", Pipeline: p.ID(), Type: "new_business", Campaign: campaign.String()}, o.Dims)

	d, _, err = p.Move(d, "negotiation", cmdAt(4))
	require.NoError(t, err)
	d, _, err = p.Lose(d, deal.Outcome{Summary: "price", Reason: "price", Competitor: "Initech"}, cmdAt(9))
	require.NoError(t, err)
	o = funnel.OpportunityOf(&d)
	assert.Equal(t, uint64(0b111), o.Reached)
	assert.Equal(t, 2, o.Stage)
	assert.Equal(t, funnel.ClosedLost, o.Status)
	assert.True(t, o.Entered.Equal(dday(4)))
	assert.True(t, o.Closed.Equal(dday(9)))
	assert.Equal(t, 9*24*time.Hour, o.Cycle())
	assert.Equal(t, "Initech", o.Dims.Competitor)
	assert.Equal(t, "price", o.Dims.Reason)

	// Every status maps; a status that is none is refused by the report.
	for st, want := range map[deal.Status]funnel.Status{deal.Open: funnel.Open, deal.Suspended: funnel.Paused,
		deal.Won: funnel.ClosedWon, deal.Lost: funnel.ClosedLost, deal.Terminated: funnel.Dead} {
		x := d
		x.Status = st
		assert.Equal(t, want, funnel.OpportunityOf(&x).Status, "%s", st)
	}
	x := d
	x.Status = 0
	_, err = funnel.Summarize(p, slices.Values([]funnel.Opportunity{funnel.OpportunityOf(&x)}), funnel.Query{AsOf: dday(10)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	x.Status, x.Stage = deal.Open, 40
	_, err = funnel.Summarize(p, slices.Values([]funnel.Opportunity{funnel.OpportunityOf(&x)}), funnel.Query{AsOf: dday(10)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	assert.Equal(t, funnel.Opportunity{Stage: -1}, funnel.OpportunityOf(nil))
}

// A store's deals, as values, summarised: what a funnel.Source does.
func ExampleOpportunityOf() {
	p := deal.DefaultPipeline()
	var opps []funnel.Opportunity
	for i, stage := range []string{"tracking", "bidding", "negotiation"} {
		d, _, err := deal.New(p, deal.NewDeal{Name: stage, Type: deal.NewBusiness, Amount: crmkit.MustMoney("1000.00", "EUR"),
			AccountID: dealID(9), Owner: "ana", Stage: stage}, cmdAt(i))
		if err != nil {
			panic(err)
		}
		opps = append(opps, funnel.OpportunityOf(&d))
	}
	rep, err := funnel.Summarize(p, slices.Values(opps), funnel.Query{AsOf: dday(10)})
	if err != nil {
		panic(err)
	}
	for _, st := range rep.Total.Stages {
		fmt.Printf("%-12s reached %d, open %d\n", st.Name, st.Reached, st.Open)
	}
	// Output:
	// tracking     reached 3, open 1
	// bidding      reached 2, open 1
	// negotiation  reached 1, open 1
	// closing      reached 0, open 0
}
