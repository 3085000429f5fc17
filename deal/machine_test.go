package deal_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/dealtest"
	"github.com/google/uuid"
	"github.com/looplab/fsm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// checkTableAgreesWithLooplab fires every trigger from every state of p on
// a fresh looplab machine built from p.Definition() and compares the
// outcome with the compiled table (Pipeline.Next).
func checkTableAgreesWithLooplab(t interface {
	Fatalf(string, ...any)
}, p *deal.Pipeline) {
	ctx := context.Background()
	def := p.Definition()
	for _, st := range deal.Statuses() {
		for stage := range p.Len() {
			name := p.StateName(st, stage)
			for _, tr := range p.Triggers() {
				f := fsm.NewFSM(name, def, nil)
				err := f.Event(ctx, p.TriggerName(tr))
				gotSt, gotStage, ok := p.Next(st, stage, tr)
				if (err == nil) != ok {
					t.Fatalf("%s --%s-->: looplab error %v, table ok=%t", name, p.TriggerName(tr), err, ok)
				}
				if ok && f.Current() != p.StateName(gotSt, gotStage) {
					t.Fatalf("%s --%s-->: looplab %s, table %s", name, p.TriggerName(tr), f.Current(), p.StateName(gotSt, gotStage))
				}
			}
		}
	}
}

func TestTableAgreesWithLooplab(t *testing.T) {
	checkTableAgreesWithLooplab(t, deal.DefaultPipeline())
	rapid.Check(t, func(t *rapid.T) {
		checkTableAgreesWithLooplab(t, dealtest.Pipeline().Draw(t, "pipeline"))
	})
}

func TestDefaultPipelineTransitions(t *testing.T) {
	p := deal.DefaultPipeline()
	const tracking, bidding, negotiation, closing = 0, 1, 2, 3
	cases := []struct {
		status  deal.Status
		stage   int
		trigger deal.Trigger
		ok      bool
		to      deal.Status
		toStage int
	}{
		{deal.Open, tracking, deal.MoveTrigger(bidding), true, deal.Open, bidding},
		{deal.Open, tracking, deal.MoveTrigger(closing), true, deal.Open, closing}, // skipping forward is in the definition
		{deal.Open, tracking, deal.MoveTrigger(tracking), false, 0, 0},
		{deal.Open, bidding, deal.MoveTrigger(tracking), true, deal.Open, tracking}, // bidding allows backward
		{deal.Open, negotiation, deal.MoveTrigger(tracking), true, deal.Open, tracking},
		{deal.Open, negotiation, deal.TriggerSuspend, true, deal.Suspended, negotiation},
		{deal.Open, negotiation, deal.TriggerReactivate, false, 0, 0},
		{deal.Open, negotiation, deal.TriggerReopen, false, 0, 0},
		{deal.Suspended, negotiation, deal.TriggerReactivate, true, deal.Open, negotiation},
		{deal.Suspended, negotiation, deal.TriggerTerminate, true, deal.Terminated, negotiation},
		{deal.Suspended, negotiation, deal.TriggerWin, false, 0, 0},
		{deal.Suspended, negotiation, deal.MoveTrigger(closing), false, 0, 0},
		{deal.Open, closing, deal.TriggerWin, true, deal.Won, closing},
		{deal.Open, closing, deal.TriggerLose, true, deal.Lost, closing},
		{deal.Lost, closing, deal.TriggerReopen, true, deal.Open, closing},
		{deal.Lost, closing, deal.MoveTrigger(negotiation), false, 0, 0},
		{deal.Won, closing, deal.TriggerReopen, false, 0, 0},
		{deal.Won, closing, deal.MoveTrigger(tracking), false, 0, 0},
		{deal.Open, tracking, deal.MoveTrigger(7), false, 0, 0}, // no such stage
		{deal.Open, 9, deal.TriggerWin, false, 0, 0},            // no such stage
		{0, tracking, deal.TriggerWin, false, 0, 0},             // no status
	}
	for _, c := range cases {
		st, stage, ok := p.Next(c.status, c.stage, c.trigger)
		assert.Equal(t, c.ok, ok, "%s/%d %s", c.status, c.stage, p.TriggerName(c.trigger))
		assert.Equal(t, c.to, st, "%s/%d %s", c.status, c.stage, p.TriggerName(c.trigger))
		assert.Equal(t, c.toStage, stage, "%s/%d %s", c.status, c.stage, p.TriggerName(c.trigger))
	}
	// Terminated absorbs: no trigger leaves it, from any stage.
	for stage := range p.Len() {
		for _, tr := range p.Triggers() {
			_, _, ok := p.Next(deal.Terminated, stage, tr)
			assert.False(t, ok, "terminated:%d %s", stage, p.TriggerName(tr))
		}
	}
}

func TestReopenNeedsThePipelinesPermission(t *testing.T) {
	spec := deal.DefaultPipeline().Spec()
	spec.ID, spec.AllowReopen = "no-reopen", false
	p := deal.MustPipeline(spec)
	_, _, ok := p.Next(deal.Lost, 2, deal.TriggerReopen)
	assert.False(t, ok)
	checkTableAgreesWithLooplab(t, p)
}

func TestMermaidIsDrawnFromTheDefinition(t *testing.T) {
	m := deal.DefaultPipeline().Mermaid()
	for _, want := range []string{
		"stateDiagram-v2\n",
		`state "open:tracking" as open0`,
		"[*] --> open0\n",
		"open0 --> open1: move:bidding\n",
		"open1 --> open0: move:tracking\n",
		"suspended2 --> open2: reactivate\n",
		"lost3 --> open3: reopen\n",
		"terminated3 --> [*]\n",
	} {
		assert.Contains(t, m, want)
	}
	assert.NotContains(t, m, "open0 --> open0")
	g := deal.DefaultPipeline().Graphviz()
	assert.Contains(t, g, `"open:tracking" -> "open:bidding" [ label = "move:bidding" ];`)
	assert.NotContains(t, m, "won3 --> open3")
}

// fixture is a deal in the default pipeline with everything the gates up
// to negotiation require.
func fixture(t *testing.T) (*deal.Pipeline, deal.Deal) {
	t.Helper()
	p := deal.DefaultPipeline()
	d, _, err := deal.New(p, deal.NewDeal{
		ID:   uuid.MustParse("0195f000-0000-7000-8000-000000000001"),
		Name: "Fleet renewal", Type: deal.Renewal, Amount: crmkit.MustMoney("120000.00", "EUR"),
		CloseDate: dealStart.AddDate(0, 3, 0),
		AccountID: uuid.MustParse("0195f000-0000-7000-8000-0000000000aa"),
		ContactID: uuid.MustParse("0195f000-0000-7000-8000-0000000000cc"),
		Owner:     "ana",
	}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dealStart}})
	require.NoError(t, err)
	return p, d
}

func by(who string, days int) deal.Cmd {
	return deal.Cmd{Cmd: crmkit.Cmd{By: who, At: dealStart.Add(time.Duration(days) * 24 * time.Hour), Reason: "test"}}
}

func TestMoveAndEvent(t *testing.T) {
	p, d := fixture(t)
	got, e, err := p.Move(d, "Negotiation", by("ana", 3)) // names ignore case
	require.NoError(t, err)
	assert.Equal(t, 2, got.Stage)
	assert.Equal(t, deal.Open, got.Status)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, dealStart.AddDate(0, 0, 3), got.StageEnteredAt)
	assert.Equal(t, deal.EventStageChanged, e.Type)
	assert.Equal(t, "tracking", e.From)
	assert.Equal(t, "negotiation", e.To)
	assert.Equal(t, "ana", e.Actor)
	assert.Equal(t, "test", e.Reason)
	assert.Equal(t, d.ID, e.AggregateID)
	assert.Equal(t, int64(2), e.Version)
	require.NoError(t, e.Validate())
	assert.Equal(t, 0, d.Stage, "the input deal is unchanged")
}

func TestIllegalTransitionNamesDealStateAndEvent(t *testing.T) {
	p, d := fixture(t)
	d, _, err := p.Terminate(d, by("ana", 1))
	require.NoError(t, err)
	for name, run := range map[string]func() (deal.Deal, crmkit.Event, error){
		"reactivate":   func() (deal.Deal, crmkit.Event, error) { return p.Reactivate(d, by("ana", 2)) },
		"move:bidding": func() (deal.Deal, crmkit.Event, error) { return p.Move(d, "bidding", by("ana", 2)) },
		"win": func() (deal.Deal, crmkit.Event, error) {
			return p.Win(d, deal.Outcome{Summary: "x"}, by("ana", 2))
		},
		"reopen":    func() (deal.Deal, crmkit.Event, error) { return p.Reopen(d, by("ana", 2)) },
		"terminate": func() (deal.Deal, crmkit.Event, error) { return p.Terminate(d, by("ana", 2)) },
	} {
		got, _, err := run()
		require.ErrorIs(t, err, crmkit.ErrIllegalTransition, name)
		assert.Contains(t, err.Error(), d.ID.String(), name)
		assert.Contains(t, err.Error(), "terminated", name)
		assert.Contains(t, err.Error(), name, name)
		assert.Equal(t, deal.Deal{}, got, name)
	}
}

func TestStageGates(t *testing.T) {
	p, d := fixture(t)

	// bidding requires amount and contact, negotiation amount and close date.
	noContact := d
	noContact.ContactID = uuid.Nil
	_, _, err := p.Move(noContact, "negotiation", by("ana", 1))
	require.ErrorIs(t, err, crmkit.ErrInvalid, "skipping bidding does not skip its gate")
	var ve *crmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "contact", ve.Field)

	// closing needs a manager's approval, for this deal and stage.
	_, _, err = p.Move(d, "closing", by("ana", 1))
	require.ErrorIs(t, err, crmkit.ErrForbidden)

	grant := func(subject string, approver approver) *approval.Request {
		r, _, err := approval.New(subject, []string{"manager"}, time.Time{}, crmkit.Cmd{By: "ana", At: dealStart})
		require.NoError(t, err)
		r, _, err = r.Approve(approver.cmd(dealStart.Add(time.Hour), "ok"))
		require.NoError(t, err)
		return &r
	}
	manager := approver{ID: "bea", Roles: []string{"manager"}}
	subject := deal.StageSubject(d.ID, "closing")

	c := by("ana", 1)
	c.Approval = grant(deal.StageSubject(d.ID, "negotiation"), manager)
	_, _, err = p.Move(d, "closing", c)
	require.ErrorIs(t, err, crmkit.ErrForbidden, "approval for another stage")

	c.Approval = grant(deal.StageSubject(uuid.MustParse("0195f000-0000-7000-8000-000000000002"), "closing"), manager)
	_, _, err = p.Move(d, "closing", c)
	require.ErrorIs(t, err, crmkit.ErrForbidden, "approval for another deal")

	// The requester of the approval and the actor of the move are
	// different people here, but the actor approved it: forbidden.
	r, _, err := approval.New(subject, []string{"manager"}, time.Time{}, crmkit.Cmd{By: "cai", At: dealStart})
	require.NoError(t, err)
	r, _, err = r.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dealStart.Add(time.Hour), Reason: "self"}, Roles: []string{"manager"}})
	require.NoError(t, err)
	c.Approval = &r
	_, _, err = p.Move(d, "closing", c)
	require.ErrorIs(t, err, crmkit.ErrForbidden, "the actor approved their own move")

	wrongRole, _, err := approval.New(subject, []string{"finance"}, time.Time{}, crmkit.Cmd{By: "ana", At: dealStart})
	require.NoError(t, err)
	wrongRole, _, err = wrongRole.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "fin", At: dealStart.Add(time.Hour), Reason: "ok"}, Roles: []string{"finance"}})
	require.NoError(t, err)
	c.Approval = &wrongRole
	_, _, err = p.Move(d, "closing", c)
	require.ErrorIs(t, err, crmkit.ErrForbidden, "no manager step")

	pending, _, err := approval.New(subject, []string{"manager"}, time.Time{}, crmkit.Cmd{By: "ana", At: dealStart})
	require.NoError(t, err)
	c.Approval = &pending
	_, _, err = p.Move(d, "closing", c)
	require.ErrorIs(t, err, crmkit.ErrForbidden, "pending")

	expiring, _, err := approval.New(subject, []string{"manager"}, dealStart.Add(12*time.Hour), crmkit.Cmd{By: "ana", At: dealStart})
	require.NoError(t, err)
	expiring, _, err = expiring.Approve(manager.cmd(dealStart.Add(time.Hour), "ok"))
	require.NoError(t, err)
	c.Approval = &expiring
	_, _, err = p.Move(d, "closing", c)
	require.ErrorIs(t, err, crmkit.ErrForbidden, "expired before the move")

	forged := approval.Request{ID: uuid.New(), Subject: subject, Requester: "ana", RequestedAt: dealStart,
		Steps: []approval.Step{{Role: "manager"}}, Status: approval.Approved, Version: 2}
	c.Approval = &forged
	_, _, err = p.Move(d, "closing", c)
	require.ErrorIs(t, err, crmkit.ErrForbidden, "a hand-made 'approved' value without decisions")

	c.Approval = grant(subject, manager)
	got, _, err := p.Move(d, "closing", c)
	require.NoError(t, err)
	assert.Equal(t, 3, got.Stage)

	// Going back enters no gate, and coming forward again does.
	back, _, err := p.Move(got, "bidding", by("ana", 2))
	require.NoError(t, err)
	_, _, err = p.Move(back, "closing", by("ana", 3))
	require.ErrorIs(t, err, crmkit.ErrForbidden)
}

func TestReactivationPolicy(t *testing.T) {
	eur := func(s string) crmkit.Money { return crmkit.MustMoney(s, "EUR") }
	pol := deal.DefaultPipeline().Reactivation() // automatic within 30 days below 50,000 EUR, else a manager
	cases := []struct {
		name   string
		amount crmkit.Money
		days   int
		auto   bool
	}{
		{"small and recent", eur("49999.99"), 29, true},
		{"at the amount limit", eur("50000.00"), 1, false},
		{"at the day limit", eur("100.00"), 30, false},
		{"other currency never matches", crmkit.MustMoney("100.00", "USD"), 1, false},
	}
	for _, c := range cases {
		d := deal.Deal{Status: deal.Suspended, Amount: c.amount, Suspension: deal.Suspension{At: dealStart}}
		r, err := pol.Decide(d, dealStart.AddDate(0, 0, c.days))
		require.NoError(t, err, c.name)
		assert.Equal(t, c.auto, r.Automatic, c.name)
		if !c.auto {
			assert.Equal(t, []string{"manager"}, r.Roles, c.name)
			assert.Equal(t, -1, r.Rule, c.name)
		}
	}
	_, err := pol.Decide(deal.Deal{Status: deal.Open}, dealStart)
	require.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	assert.True(t, mustDecide(t, deal.ReactivationPolicy{}).Automatic, "the zero policy is automatic")
}

func mustDecide(t *testing.T, p deal.ReactivationPolicy) deal.Reactivation {
	r, err := p.Decide(deal.Deal{Status: deal.Suspended, Suspension: deal.Suspension{At: dealStart}}, dealStart)
	require.NoError(t, err)
	return r
}

func TestReactivateWithAndWithoutApproval(t *testing.T) {
	p, d := fixture(t) // 120,000 EUR: above the automatic limit
	s, _, err := p.Suspend(d, dealStart.AddDate(0, 2, 0), by("ana", 1))
	require.NoError(t, err)
	assert.Equal(t, deal.Suspension{At: dealStart.AddDate(0, 0, 1), By: "ana", Reason: "test", Until: dealStart.AddDate(0, 2, 0)}, s.Suspension)

	_, _, err = p.Reactivate(s, by("ana", 2))
	require.ErrorIs(t, err, crmkit.ErrForbidden)

	req, _, err := approval.New(deal.ReactivationSubject(d.ID), []string{"manager"}, time.Time{}, crmkit.Cmd{By: "ana", At: dealStart.AddDate(0, 0, 2)})
	require.NoError(t, err)
	_, _, err = req.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dealStart.AddDate(0, 0, 2), Reason: "mine"}, Roles: []string{"manager"}})
	require.ErrorIs(t, err, crmkit.ErrForbidden, "nobody approves their own request")
	_, _, err = req.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "ben", At: dealStart.AddDate(0, 0, 2), Reason: "no role"}, Roles: []string{"sales"}})
	require.ErrorIs(t, err, crmkit.ErrForbidden, "roles are checked")
	req, _, err = req.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "bea", At: dealStart.AddDate(0, 0, 2), Reason: "ok"}, Roles: []string{"manager"}})
	require.NoError(t, err)

	c := by("ana", 3)
	c.Approval = &req
	got, e, err := p.Reactivate(s, c)
	require.NoError(t, err)
	assert.Equal(t, deal.Open, got.Status)
	assert.Equal(t, deal.Suspension{}, got.Suspension)
	var pl deal.ReactivatedPayload
	require.NoError(t, e.DecodePayload(&pl))
	assert.Equal(t, req.ID, pl.Approval)

	// A small deal suspended briefly comes back on its own.
	small, _, err := s.SetAmount(crmkit.MustMoney("900.00", "EUR"), by("ana", 2))
	require.NoError(t, err)
	got, _, err = p.Reactivate(small, by("ana", 3))
	require.NoError(t, err)
	assert.Equal(t, deal.Open, got.Status)
}

func TestFailedGuardLeavesThePipelineUsable(t *testing.T) {
	p, d := fixture(t)
	for i := range 5 {
		_, _, err := p.Move(d, "closing", by("ana", 1)) // needs an approval
		require.ErrorIs(t, err, crmkit.ErrForbidden, "try %d", i)
		_, _, err = p.Move(d, "tracking", by("ana", 1)) // illegal: already there
		require.ErrorIs(t, err, crmkit.ErrIllegalTransition, "try %d", i)
		got, _, err := p.Move(d, "negotiation", by("ana", 1))
		require.NoError(t, err, "try %d", i)
		assert.Equal(t, 2, got.Stage)
	}
}

func TestConcurrentCommandsShareOnePipeline(t *testing.T) {
	p, d := fixture(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cur := d
			for i := range 50 {
				stage := []string{"bidding", "negotiation"}[i%2]
				next, _, err := p.Move(cur, stage, by("ana", 1+i))
				if err != nil {
					errs <- err
					return
				}
				cur = next
			}
			if g%2 == 0 {
				if _, _, err := p.Win(cur, deal.Outcome{Summary: "signed"}, by("ana", 60)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestWinLoseReopenOutcome(t *testing.T) {
	p, d := fixture(t)

	_, _, err := p.Lose(d, deal.Outcome{Summary: "gone"}, by("ana", 1))
	require.ErrorIs(t, err, crmkit.ErrInvalid, "a loss reason is mandatory")
	_, _, err = p.Lose(d, deal.Outcome{Reason: deal.LossCompetitor, Summary: "gone"}, by("ana", 1))
	require.ErrorIs(t, err, crmkit.ErrInvalid, "a loss to a competitor names it")
	_, _, err = p.Win(d, deal.Outcome{}, by("ana", 1))
	require.ErrorIs(t, err, crmkit.ErrInvalid, "every closed deal gets a summary")

	lost, e, err := p.Lose(d, deal.Outcome{Reason: deal.LossCompetitorEarly, Competitor: "Acme", Summary: "Acme pitched in January"}, by("ana", 1))
	require.NoError(t, err)
	assert.Equal(t, deal.Lost, lost.Status)
	assert.Equal(t, "Acme", lost.Outcome.Competitor)
	assert.Equal(t, "ana", lost.Outcome.By)
	assert.Equal(t, deal.LossCompetitorEarly, e.Reason)
	var o deal.Outcome
	require.NoError(t, e.DecodePayload(&o))
	assert.Equal(t, "Acme", o.Competitor)

	_, _, err = p.Move(lost, "negotiation", by("ana", 2))
	require.ErrorIs(t, err, crmkit.ErrIllegalTransition, "closed deals never change stage")

	reopened, e, err := p.Reopen(lost, by("ana", 30))
	require.NoError(t, err)
	assert.Equal(t, deal.Open, reopened.Status)
	assert.Equal(t, deal.Outcome{}, reopened.Outcome, "the outcome is cleared")
	assert.Equal(t, 1, reopened.Reopens)
	assert.Equal(t, lost.Stage, reopened.Stage)
	assert.Equal(t, "lost", e.From)
	assert.Equal(t, "open", e.To)

	won, _, err := p.Win(reopened, deal.Outcome{Summary: "won back"}, by("ana", 40))
	require.NoError(t, err)
	_, _, err = p.Reopen(won, by("ana", 41))
	require.ErrorIs(t, err, crmkit.ErrIllegalTransition, "won deals are never reopened")
}

func TestTerminateFromSuspended(t *testing.T) {
	p, d := fixture(t)
	s, _, err := p.Suspend(d, time.Time{}, by("ana", 1))
	require.NoError(t, err)
	_, _, err = p.Terminate(s, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dealStart.AddDate(0, 0, 2)}})
	require.ErrorIs(t, err, crmkit.ErrInvalid, "terminating needs a reason")
	term, e, err := p.Terminate(s, by("ana", 2))
	require.NoError(t, err)
	assert.Equal(t, deal.Terminated, term.Status)
	assert.Equal(t, "suspended", e.From)
	assert.Equal(t, "terminated", e.To)
	assert.Equal(t, deal.Suspension{}, term.Suspension)
	assert.Equal(t, "test", term.Outcome.Reason)

	// Nothing else changes a terminated deal either.
	_, _, err = term.Transfer("ben", by("ana", 3))
	require.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	_, _, err = term.SetTeam(nil, by("ana", 3))
	require.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	_, _, err = term.LogActivity(deal.Activity{Kind: deal.ActivityCall}, by("ana", 3))
	require.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	assert.False(t, p.Can(term, deal.TriggerReactivate))
}

func TestCommandsRejectBadCmd(t *testing.T) {
	p, d := fixture(t)
	for name, c := range map[string]deal.Cmd{
		"no actor":           {Cmd: crmkit.Cmd{At: dealStart.Add(time.Hour)}},
		"blank actor":        {Cmd: crmkit.Cmd{By: " \t", At: dealStart.Add(time.Hour)}},
		"control in actor":   {Cmd: crmkit.Cmd{By: "ana\n", At: dealStart.Add(time.Hour)}},
		"zero time":          {Cmd: crmkit.Cmd{By: "ana"}},
		"before last change": {Cmd: crmkit.Cmd{By: "ana", At: dealStart.Add(-time.Second)}},
	} {
		_, _, err := p.Move(d, "bidding", c)
		require.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	_, _, err := p.Move(d, "contracting", by("ana", 1))
	require.ErrorIs(t, err, crmkit.ErrInvalid, "unknown stage")
	assert.True(t, strings.Contains(err.Error(), "contracting"))

	other := deal.MustPipeline(deal.PipelineSpec{ID: "other", Stages: []deal.Stage{{Name: "a", Forecast: deal.ForecastPipeline}, {Name: "b", Forecast: deal.ForecastCommit}}})
	_, _, err = other.Move(d, "b", by("ana", 1))
	require.ErrorIs(t, err, crmkit.ErrInvalid, "a deal of another pipeline")
}
