package funnel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/dealtest"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// dealDay is the start of the deal histories, day 0.
var dealDay = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

func dday(n int) time.Time { return dealDay.AddDate(0, 0, n) }

func dealID(n byte) uuid.UUID { return uuid.UUID{0: 0x01, 6: 0x70, 8: 0x80, 15: n} }

// dealHistories builds four deals with package deal in the default
// pipeline and returns their events in report order:
//
//	A: 120000 EUR, close day 90, ana; bidding day 7, negotiation day 35,
//	   suspended day 40, reactivated with a manager's approval day 91,
//	   won day 100.
//	B: 45000 EUR, no close date, ben; bidding day 5, lost to Globex day
//	   20, reopened day 25, close date day 60 set day 26, handed to cai
//	   day 27, amount 50000 day 28; open in bidding.
//	C: 30000 EUR, close day 45, ana; a visit day 3, terminated day 10.
//	D: 80000 EUR, close day 50, ben; created day 3, open in tracking with
//	   no later close date change.
func dealHistories(t *testing.T) []crmkit.Event {
	t.Helper()
	p := deal.DefaultPipeline()
	cmd := func(day int, reason string) deal.Cmd {
		return deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dday(day), Reason: reason}}
	}
	var events []crmkit.Event
	create := func(n byte, amount string, closeDay, day int, owner string) deal.Deal {
		nd := deal.NewDeal{
			ID: dealID(n), Name: "deal", Type: deal.NewBusiness, Amount: crmkit.MustMoney(amount, "EUR"),
			AccountID: dealID(100 + n), ContactID: dealID(200 + n), Owner: owner,
		}
		if closeDay > 0 {
			nd.CloseDate = dday(closeDay)
		}
		d, e, err := deal.New(p, nd, cmd(day, ""))
		require.NoError(t, err)
		events = append(events, e)
		return d
	}
	step := func(d deal.Deal, e crmkit.Event, err error) deal.Deal {
		t.Helper()
		require.NoError(t, err)
		events = append(events, e)
		return d
	}

	a := create(1, "120000.00", 90, 0, "ana")
	a = step(p.Move(a, "bidding", cmd(7, "tender")))
	a = step(p.Move(a, "negotiation", cmd(35, "shortlisted")))
	a = step(p.Suspend(a, time.Time{}, cmd(40, "budget freeze")))
	req, _, err := approval.New(deal.ReactivationSubject(a.ID), []string{"manager"}, time.Time{}, crmkit.Cmd{By: "ana", At: dday(90)})
	require.NoError(t, err)
	req, _, err = req.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "bea", At: dday(90).Add(time.Hour), Reason: "go"}, Roles: []string{"manager"}})
	require.NoError(t, err)
	c := cmd(91, "budget released")
	c.Approval = &req
	a = step(p.Reactivate(a, c))
	step(p.Win(a, deal.Outcome{Summary: "signed"}, cmd(100, "")))

	b := create(2, "45000.00", 0, 1, "ben")
	b = step(p.Move(b, "bidding", cmd(5, "tender")))
	b = step(p.Lose(b, deal.Outcome{Reason: deal.LossCompetitor, Competitor: "Globex", Summary: "cheaper"}, cmd(20, "")))
	b = step(p.Reopen(b, cmd(25, "new tender")))
	b = step(b.SetCloseDate(dday(60), cmd(26, "")))
	b = step(b.Transfer("cai", cmd(27, "territory")))
	step(b.SetAmount(crmkit.MustMoney("50000.00", "EUR"), cmd(28, "")))

	cc := create(3, "30000.00", 45, 2, "ana")
	cc = step(cc.LogActivity(deal.Activity{Kind: deal.ActivityVisit}, cmd(3, "")))
	step(p.Terminate(cc, cmd(10, "duplicate")))

	create(4, "80000.00", 50, 3, "ben")
	return events
}

func euros(s string) crmkit.Money { return crmkit.MustMoney(s, "EUR") }

// sameMoney reports whether got equals want, a zero want matching a zero
// amount in any currency or none.
func sameMoney(got crmkit.Money, want string) bool {
	w := euros(want)
	if w.Sign() == 0 {
		return got.Sign() == 0
	}
	c, err := got.Cmp(w)
	return err == nil && c == 0
}

func TestDealEventsReplay(t *testing.T) {
	stages := deal.DefaultPipeline()
	events := dealHistories(t)
	m := funnel.DealEvents(stages)

	asOf := func(day int) []funnel.Opportunity {
		r := m.Reader(slices.Values(events))
		states, err := replayAll(stages, r.Records(), dday(day))
		require.NoError(t, err)
		require.NoError(t, r.Err())
		require.Len(t, states, 4)
		return states
	}

	s := asOf(22)
	a, b, c, d := s[0], s[1], s[2], s[3]
	assert.Equal(t, funnel.Open, a.Status)
	assert.Equal(t, 1, a.Stage)
	assert.Equal(t, dday(90), a.CloseDate, "close date of DealCreated")
	assert.Equal(t, euros("120000.00"), a.Amount)
	assert.Equal(t, funnel.ClosedLost, b.Status)
	assert.Equal(t, 1, b.Stage)
	assert.Equal(t, deal.LossCompetitor, b.Dims.Reason)
	assert.Equal(t, "Globex", b.Dims.Competitor)
	assert.Equal(t, "ben", b.Dims.Owner)
	assert.True(t, b.CloseDate.IsZero())
	assert.Equal(t, funnel.Dead, c.Status)
	assert.Equal(t, dday(10), c.Closed)
	assert.Equal(t, funnel.Open, d.Status)
	assert.Equal(t, 0, d.Stage)
	assert.Equal(t, dday(50), d.CloseDate, "a close date given at creation and never changed")

	s = asOf(45)
	a, b = s[0], s[1]
	assert.Equal(t, funnel.Paused, a.Status)
	assert.Equal(t, 2, a.Stage)
	assert.Equal(t, funnel.Open, b.Status, "reopened")
	assert.Equal(t, 1, b.Stage)
	assert.Equal(t, "cai", b.Dims.Owner)
	assert.Equal(t, euros("50000.00"), b.Amount)
	assert.Equal(t, dday(60), b.CloseDate)
	assert.Equal(t, dday(25), b.Entered, "a reopened deal is back in its stage from the reopening")

	s = asOf(120)
	assert.Equal(t, funnel.ClosedWon, s[0].Status)
	assert.Equal(t, dday(100), s[0].Closed)
	assert.Equal(t, 100*24*time.Hour, s[0].Cycle())
}

func TestDealEventsAnalyze(t *testing.T) {
	stages := deal.DefaultPipeline()
	r := funnel.DealEvents(stages).Reader(slices.Values(dealHistories(t)))
	rep, err := funnel.SummarizeRecords(stages, r.Records(), funnel.Query{AsOf: dday(120)})
	require.NoError(t, err)
	require.NoError(t, r.Err())
	sum := rep.Total
	assert.Equal(t, int64(4), sum.Entities)
	assert.Equal(t, int64(2), sum.Open, "B reopened, D")
	assert.Equal(t, int64(1), sum.Won)
	assert.Equal(t, int64(0), sum.Lost)
	assert.Equal(t, int64(1), sum.Terminated)
	assert.Equal(t, euros("120000.00"), sum.WonAmount)
	assert.Equal(t, euros("130000.00"), sum.OpenAmount, "50000 + 80000")

	type row struct {
		reached       int64
		reachedAmount string
		advanced, won int64
		open          int64
		openAmount    string
	}
	want := []row{
		{4, "280000.00", 2, 1, 1, "80000.00"}, // tracking: all; A and B went on; D open
		{2, "170000.00", 1, 1, 1, "50000.00"}, // bidding: A, B; A went on; B open
		{1, "120000.00", 1, 1, 0, "0.00"},     // negotiation: A, won from it (a win advances)
		{0, "0.00", 0, 0, 0, "0.00"},          // closing: nobody
	}
	require.Len(t, sum.Stages, 4)
	for i, w := range want {
		st := sum.Stages[i]
		assert.Equal(t, w.reached, st.Reached, st.Name)
		assert.True(t, sameMoney(st.ReachedAmount, w.reachedAmount), "%s reached amount %s", st.Name, st.ReachedAmount)
		assert.Equal(t, w.won, st.Won, st.Name)
		assert.Equal(t, w.open, st.Open, st.Name)
		assert.True(t, sameMoney(st.OpenAmount, w.openAmount), "%s open amount %s", st.Name, st.OpenAmount)
		assert.Equal(t, w.advanced, st.Advanced, st.Name)
	}
	assert.Equal(t, int64(1), sum.Stages[0].DroppedOff, "C terminated in tracking")
}

// For random command sequences of package deal, the opportunity replayed
// from the events through DealEvents agrees with the final deal.
func TestDealEventsAgreeWithDeal(t *testing.T) {
	statusOf := map[deal.Status]funnel.Status{
		deal.Open: funnel.Open, deal.Suspended: funnel.Paused, deal.Won: funnel.ClosedWon,
		deal.Lost: funnel.ClosedLost, deal.Terminated: funnel.Dead,
	}
	rapid.Check(t, func(t *rapid.T) {
		p := dealtest.Pipeline().Draw(t, "pipeline")
		stages := p
		n := dealtest.NewDeal(p, dealDay).Draw(t, "new deal")
		d, created, err := deal.New(p, n, deal.Cmd{Cmd: crmkit.Cmd{By: n.Owner, At: dealDay}})
		if err != nil {
			t.Fatalf("new: %v", err)
		}
		events := []crmkit.Event{created}
		at := dealDay
		for _, c := range dealtest.Commands(p).Draw(t, "commands") {
			// Commands at least a minute apart: the replay rejects two
			// equal records at one instant (two visits logged at once).
			at = at.Add(c.Advance + time.Minute)
			next, e, err := c.Run(p, d, at)
			if err != nil {
				continue
			}
			d = next
			events = append(events, e)
		}
		// Close dates set later than creation, as a rep would.
		if d.Status == deal.Open || d.Status == deal.Suspended {
			at = at.Add(time.Hour)
			next, e, err := d.SetCloseDate(at.AddDate(0, 1, 0).Truncate(24*time.Hour), deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at}})
			if err != nil {
				t.Fatalf("set close date: %v", err)
			}
			d = next
			events = append(events, e)
		}
		r := funnel.DealEvents(stages).Reader(slices.Values(events))
		states, err := replayAll(stages, r.Records(), at.Add(time.Hour))
		if err != nil {
			t.Fatalf("replay: %v", err)
		}
		if err := r.Err(); err != nil {
			t.Fatalf("reader: %v", err)
		}
		if len(states) != 1 {
			t.Fatalf("%d states, want 1", len(states))
		}
		o := states[0]
		if o.Entity != d.ID || o.Status != statusOf[d.Status] || o.Stage != d.Stage ||
			o.Amount != d.Amount || o.Dims.Owner != d.Owner || !o.CloseDate.Equal(d.CloseDate) {
			t.Fatalf("replayed %+v\nwant deal status %s stage %d amount %s owner %s close %s",
				o, d.Status, d.Stage, d.Amount, d.Owner, d.CloseDate)
		}
		if !o.HasReached(d.Stage) {
			t.Fatalf("current stage %d not reached", d.Stage)
		}
	})
}
