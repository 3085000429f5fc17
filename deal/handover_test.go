package deal_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/dealtest"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func numberedID(n int) uuid.UUID {
	return uuid.MustParse(fmt.Sprintf("0195f000-0000-7000-8000-%012d", n))
}

// book builds the deals of a leaving rep ana (and one of ben's).
func book(t *testing.T) (*deal.Pipeline, []deal.Deal) {
	t.Helper()
	p := deal.DefaultPipeline()
	mk := func(n int, account int, owner string, closeIn int) deal.Deal {
		nd := deal.NewDeal{
			ID: numberedID(n), Name: fmt.Sprintf("deal %d", n), Type: deal.NewBusiness,
			Amount: crmkit.MustMoney("1000.00", "EUR"), AccountID: numberedID(1000 + account),
			ContactID: numberedID(2000 + account), Owner: owner,
		}
		if closeIn > 0 {
			nd.CloseDate = dealStart.AddDate(0, 0, closeIn)
		}
		d, _, err := deal.New(p, nd, deal.Cmd{Cmd: crmkit.Cmd{By: owner, At: dealStart}})
		require.NoError(t, err)
		return d
	}
	later := mk(1, 1, "ana", 40)
	soon := mk(2, 2, "ana", 10)
	undated := mk(3, 3, "ana", 0)
	suspended, _, err := p.Suspend(mk(4, 1, "ana", 5), time.Time{}, by("ana", 1))
	require.NoError(t, err)
	won, _, err := p.Win(mk(5, 2, "ana", 5), deal.Outcome{Summary: "ok"}, by("ana", 1))
	require.NoError(t, err)
	terminated, _, err := p.Terminate(mk(6, 3, "ana", 5), by("ana", 1))
	require.NoError(t, err)
	bens := mk(7, 1, "ben", 1)
	sameAccountAsSoon := mk(8, 2, "ana", 60)
	return p, []deal.Deal{later, soon, undated, suspended, won, terminated, bens, sameAccountAsSoon}
}

func TestHandoverToOneSuccessor(t *testing.T) {
	_, deals := book(t)
	before := make([]string, len(deals))
	for i, d := range deals {
		before[i] = dealSnapshot(t, d)
	}
	req := deal.HandoverRequest{From: "ana", To: []deal.Successor{{Rep: "cai"}}, Cmd: deal.Cmd{Cmd: crmkit.Cmd{By: "boss", At: dealStart.AddDate(0, 0, 2), Reason: "ana leaves"}}, DryRun: true}
	preview, err := deal.Handover(deals, req)
	require.NoError(t, err)
	assert.Nil(t, preview.Deals)
	assert.Nil(t, preview.Events)

	req.DryRun = false
	res, err := deal.Handover(deals, req)
	require.NoError(t, err)
	assert.Equal(t, preview.Plan, res.Plan, "the preview shows exactly what happens")
	assert.Equal(t, preview.Notices, res.Notices)
	for i, d := range deals {
		assert.Equal(t, before[i], dealSnapshot(t, d), "the input deals are unchanged")
	}

	// Closest to closing first: open by close date (undated last), then
	// suspended; won and terminated stay.
	var order []uuid.UUID
	for _, a := range res.Plan {
		order = append(order, a.DealID)
		assert.Equal(t, "cai", a.To)
		assert.Equal(t, "ana", a.From)
	}
	assert.Equal(t, []uuid.UUID{numberedID(2), numberedID(1), numberedID(8), numberedID(3), numberedID(4)}, order)
	assert.ElementsMatch(t, []uuid.UUID{numberedID(5), numberedID(6)}, res.Kept)
	assert.True(t, res.Plan[0].Visit, "closing in 8 days: visit in person")
	assert.False(t, res.Plan[1].Visit, "closing in 38 days")
	assert.False(t, res.Plan[4].Visit, "suspended")

	require.Len(t, res.Deals, 5)
	require.Len(t, res.Events, 5)
	for i, d := range res.Deals {
		assert.Equal(t, "cai", d.Owner)
		assert.Equal(t, res.Plan[i].DealID, d.ID)
		e := res.Events[i]
		assert.Equal(t, deal.EventDealTransferred, e.Type)
		assert.Equal(t, "ana", e.From)
		assert.Equal(t, "cai", e.To)
		assert.Equal(t, "ana leaves", e.Reason)
		assert.Equal(t, d.Version, e.Version)
	}

	// The customers to tell, in hand-over order.
	require.Len(t, res.Notices, 3) // one per customer contact: accounts 2, 1 (two deals each) and 3
	assert.Equal(t, deal.Notice{AccountID: numberedID(1002), ContactID: numberedID(2002), NewOwner: "cai", Deals: []uuid.UUID{numberedID(2), numberedID(8)}}, res.Notices[0])

	withClosed := req
	withClosed.IncludeClosed = true
	res, err = deal.Handover(deals, withClosed)
	require.NoError(t, err)
	assert.Len(t, res.Plan, 6, "won deals go too when asked; terminated never")
	assert.Equal(t, []uuid.UUID{numberedID(6)}, res.Kept)
}

func TestHandoverByCapacity(t *testing.T) {
	_, deals := book(t)
	req := deal.HandoverRequest{From: "ana", Cmd: deal.Cmd{Cmd: crmkit.Cmd{By: "boss", At: dealStart.AddDate(0, 0, 2)}},
		To: []deal.Successor{{Rep: "cai", Capacity: 3}, {Rep: "dee", Capacity: 2}}}
	res, err := deal.Handover(deals, req)
	require.NoError(t, err)
	// Deals in order 2(acct 2), 1(acct 1), 8(acct 2), 3(acct 3), 4(acct 1).
	// 2: cai 1/3 < dee 1/2 -> cai. 1: cai 2/3 > dee 1/2 -> dee.
	// 8: account 2 is with cai, who has room -> cai. 3: cai 3/3 > dee 2/2?
	// equal -> the earlier, cai. 4: account 1 is with dee -> dee.
	var to []string
	for _, a := range res.Plan {
		to = append(to, a.To)
	}
	assert.Equal(t, []string{"cai", "dee", "cai", "cai", "dee"}, to)

	req.To = []deal.Successor{{Rep: "cai", Capacity: 2}, {Rep: "dee", Capacity: 2}}
	_, err = deal.Handover(deals, req)
	require.ErrorIs(t, err, crmkit.ErrInvalid, "five deals, room for four")
}

func TestHandoverRejectsBadRequests(t *testing.T) {
	_, deals := book(t)
	ok := deal.HandoverRequest{From: "ana", To: []deal.Successor{{Rep: "cai"}}, Cmd: deal.Cmd{Cmd: crmkit.Cmd{By: "boss", At: dealStart.AddDate(0, 0, 2)}}}
	cases := map[string]func(*deal.HandoverRequest){
		"no leaving rep":      func(r *deal.HandoverRequest) { r.From = "" },
		"no successor":        func(r *deal.HandoverRequest) { r.To = nil },
		"empty successor":     func(r *deal.HandoverRequest) { r.To = []deal.Successor{{Rep: ""}} },
		"leaver succeeds":     func(r *deal.HandoverRequest) { r.To = []deal.Successor{{Rep: "ana"}} },
		"successor twice":     func(r *deal.HandoverRequest) { r.To = []deal.Successor{{Rep: "cai"}, {Rep: "cai"}} },
		"negative capacity":   func(r *deal.HandoverRequest) { r.To = []deal.Successor{{Rep: "cai", Capacity: -1}} },
		"no actor":            func(r *deal.HandoverRequest) { r.Cmd.By = "" },
		"no time":             func(r *deal.HandoverRequest) { r.Cmd.At = time.Time{} },
		"before last changes": func(r *deal.HandoverRequest) { r.Cmd.At = dealStart },
	}
	for name, edit := range cases {
		req := ok
		edit(&req)
		res, err := deal.Handover(deals, req)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.Empty(t, res.Plan, name)
	}
	_, err := deal.Handover(append(deals, deals[0]), ok)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a deal twice")
}

func TestHandoverProperties(t *testing.T) {
	p := deal.DefaultPipeline()
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 30).Draw(t, "deals")
		deals := make([]deal.Deal, n)
		for i := range deals {
			deals[i] = dealtest.Deal(p, dealStart).Draw(t, "deal")
			// The generator may draw the same ID twice; a book holds each deal once.
			deals[i].ID = uuid.UUID{6: 0x70, 8: 0x80, 14: byte(i >> 8), 15: byte(i)}
			if rapid.IntRange(0, 3).Draw(t, "shared account") == 0 && i > 0 {
				deals[i].AccountID = deals[i-1].AccountID
			}
		}
		from := rapid.SampledFrom(dealtest.Reps()).Draw(t, "from")
		var succ []deal.Successor
		for _, r := range dealtest.Reps() {
			if r != from && rapid.Bool().Draw(t, "successor "+r) {
				succ = append(succ, deal.Successor{Rep: r, Capacity: rapid.IntRange(0, 10).Draw(t, "capacity "+r)})
			}
		}
		if len(succ) == 0 {
			succ = []deal.Successor{{Rep: "zed"}}
		}
		req := deal.HandoverRequest{From: from, To: succ, Cmd: deal.Cmd{Cmd: crmkit.Cmd{By: "boss", At: dealStart.Add(time.Hour)}}}
		res, err := deal.Handover(deals, req)
		owned := 0
		for _, d := range deals {
			if d.Owner == from {
				owned++
			}
		}
		room := 0
		for _, s := range succ {
			room += s.Capacity
			if s.Capacity == 0 {
				room += max(owned, 1)
			}
		}
		if owned > room {
			if err == nil {
				t.Fatalf("%d deals handed to room for %d", owned, room)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Plan) != owned || len(res.Deals) != owned || len(res.Events) != owned {
			t.Fatalf("%d owned, plan %d, deals %d, events %d", owned, len(res.Plan), len(res.Deals), len(res.Events))
		}
		load := map[string]int{}
		for i, a := range res.Plan {
			load[a.To]++
			d := res.Deals[i]
			if d.Owner != a.To || d.ID != a.DealID {
				t.Fatalf("deal %s went to %s, planned %s", d.ID, d.Owner, a.To)
			}
			if len(d.Team) > 0 && !teamSplitSum(d.Team).Equal(decimal.NewFromInt(1)) {
				t.Fatalf("splits of %s sum to %s", d.ID, teamSplitSum(d.Team))
			}
			if i > 0 && !res.Plan[i-1].CloseDate.IsZero() && !a.CloseDate.IsZero() && a.CloseDate.Before(res.Plan[i-1].CloseDate) {
				t.Fatalf("plan not closest-to-close first at %d", i)
			}
		}
		for _, s := range succ {
			if s.Capacity > 0 && load[s.Rep] > s.Capacity {
				t.Fatalf("%s took %d deals, capacity %d", s.Rep, load[s.Rep], s.Capacity)
			}
		}
		noticed := 0
		for _, nt := range res.Notices {
			noticed += len(nt.Deals)
		}
		if noticed != owned {
			t.Fatalf("notices cover %d deals of %d", noticed, owned)
		}
		req.DryRun = true
		preview, err := deal.Handover(deals, req)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(preview.Plan) != fmt.Sprint(res.Plan) || fmt.Sprint(preview.Notices) != fmt.Sprint(res.Notices) {
			t.Fatal("the dry run differs from the run")
		}
	})
}
