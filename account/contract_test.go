package account_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/google/uuid"
	"github.com/looplab/fsm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func eur(s string) crmkit.Money { return crmkit.MustMoney(s, "EUR") }

func draft(t testing.TB) account.Contract {
	t.Helper()
	c, e, err := account.NewContract(account.ContractSpec{
		AccountID: crmkit.NewID(), Title: "Support 2026", Start: t0, End: t0.AddDate(1, 0, 0),
		Monthly: eur("1000.00"), Value: eur("5000.00"), AutoRenew: true,
	}, crmkit.Cmd{By: "rep-1", At: t0})
	require.NoError(t, err)
	require.Equal(t, account.EventContractDrafted, e.Type)
	require.Equal(t, int64(1), e.Version)
	return c
}

// grant runs the three-step approval of c through package approval.
func grant(t testing.TB, c account.Contract, at time.Time) approval.Request {
	t.Helper()
	r, _, err := approval.New(c.Subject(), account.ContractApprovalRoles(), time.Time{}, crmkit.Cmd{By: "rep-1", At: at})
	require.NoError(t, err)
	for i, who := range []string{"legal", "manager", "director"} {
		r, _, err = r.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: who, At: at, Reason: "ok"}, Roles: []string{account.ContractApprovalRoles()[i]}})
		require.NoError(t, err)
	}
	return r
}

func TestContractLifecycle(t *testing.T) {
	c := draft(t)
	at := t0.Add(time.Hour)

	// Approval in steps: a partly approved request is not enough.
	partial, _, err := approval.New(c.Subject(), account.ContractApprovalRoles(), time.Time{}, crmkit.Cmd{By: "rep-1", At: at})
	require.NoError(t, err)
	partial, _, err = partial.Approve(approval.Cmd{Cmd: crmkit.Cmd{By: "legal", At: at, Reason: ""}, Roles: []string{"review"}})
	require.NoError(t, err)
	_, _, err = c.Approve(partial, crmkit.Cmd{By: "rep-1", At: at})
	assert.ErrorIs(t, err, crmkit.ErrForbidden)
	other := grant(t, draft(t), at)
	_, _, err = c.Approve(other, crmkit.Cmd{By: "rep-1", At: at})
	assert.ErrorIs(t, err, crmkit.ErrForbidden, "approval of another contract")
	assert.Equal(t, account.Draft, c.Status, "unchanged")

	c, e, err := c.Approve(grant(t, c, at), crmkit.Cmd{By: "rep-1", At: at})
	require.NoError(t, err)
	assert.Equal(t, account.Approved, c.Status)
	assert.Equal(t, "draft", e.From)
	assert.Equal(t, "approved", e.To)
	assert.Equal(t, int64(2), e.Version)

	c, e, err = c.Sign(crmkit.Cmd{By: "rep-1", At: at})
	require.NoError(t, err)
	assert.Equal(t, account.EventContractSigned, e.Type)
	assert.Equal(t, account.Planning, c.Execution)
	c, _, err = c.Execute(account.ImplementationStarted, crmkit.Cmd{By: "pm", At: at})
	require.NoError(t, err)
	_, _, err = c.Execute(account.Planning, crmkit.Cmd{By: "pm", At: at})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	c, _, err = c.Activate(crmkit.Cmd{By: "rep-1", At: at})
	require.NoError(t, err)
	c, e, err = c.Execute(account.ImplementationDone, crmkit.Cmd{By: "pm", At: at})
	require.NoError(t, err)
	assert.Equal(t, "implementation started", e.From)

	due, _ := c.RenewalDue(t0.AddDate(0, 11, 0))
	assert.False(t, due)
	due, auto := c.RenewalDue(t0.AddDate(1, 0, 0))
	assert.True(t, due)
	assert.True(t, auto)
	c, e, err = c.Renew(eur("1100.00"), crmkit.Cmd{By: "system", At: t0.AddDate(1, 0, 0)})
	require.NoError(t, err)
	assert.Equal(t, account.EventContractRenewed, e.Type)
	assert.Equal(t, 2, c.Current().Version)
	assert.Equal(t, t0.AddDate(2, 0, 0), c.End())

	c, _, err = c.Complete(crmkit.Cmd{By: "rep-1", At: at})
	require.NoError(t, err)
	c, e, err = c.Close(crmkit.Cmd{By: "rep-1", At: at})
	require.NoError(t, err)
	assert.Equal(t, account.Closed, c.Status)
	assert.Equal(t, int64(9), e.Version)
	_, _, err = c.Terminate(crmkit.Cmd{By: "rep-1", At: at, Reason: "late"})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
}

func TestContractBadInput(t *testing.T) {
	acc := crmkit.NewID()
	cases := map[string]struct {
		spec account.ContractSpec
		want error
	}{
		"ends before it starts": {account.ContractSpec{AccountID: acc, Title: "x", Start: t0, End: t0.AddDate(0, -1, 0), Monthly: eur("1")}, crmkit.ErrInvalid},
		"ends when it starts":   {account.ContractSpec{AccountID: acc, Title: "x", Start: t0, End: t0, Monthly: eur("1")}, crmkit.ErrInvalid},
		"negative recurring":    {account.ContractSpec{AccountID: acc, Title: "x", Start: t0, End: t0.AddDate(1, 0, 0), Monthly: eur("-0.01")}, crmkit.ErrInvalid},
		"negative value":        {account.ContractSpec{AccountID: acc, Title: "x", Start: t0, End: t0.AddDate(1, 0, 0), Monthly: eur("1"), Value: eur("-5")}, crmkit.ErrInvalid},
		"two currencies":        {account.ContractSpec{AccountID: acc, Title: "x", Start: t0, End: t0.AddDate(1, 0, 0), Monthly: eur("1"), Value: crmkit.MustMoney("5", "USD")}, crmkit.ErrCurrencyMismatch},
		"no account":            {account.ContractSpec{Title: "x", Start: t0, End: t0.AddDate(1, 0, 0), Monthly: eur("1")}, crmkit.ErrInvalid},
		"renewal after end":     {account.ContractSpec{AccountID: acc, Title: "x", Start: t0, End: t0.AddDate(1, 0, 0), Monthly: eur("1"), RenewalDate: t0.AddDate(2, 0, 0)}, crmkit.ErrInvalid},
	}
	for name, c := range cases {
		_, _, err := account.NewContract(c.spec, crmkit.Cmd{By: "rep", At: t0})
		assert.ErrorIs(t, err, c.want, name)
	}
	c := draft(t)
	before := c
	_, _, err := c.Amend(t0.AddDate(0, 6, 0), t0.AddDate(0, 5, 0), eur("1"), eur("0"), crmkit.Cmd{By: "rep", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "amendment ending before it starts")
	_, _, err = c.Amend(t0.AddDate(0, 6, 0), t0.AddDate(1, 0, 0), eur("-1"), eur("0"), crmkit.Cmd{By: "rep", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "negative amended amount")
	_, _, err = c.Renew(crmkit.Money{}, crmkit.Cmd{By: "rep", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "a draft does not renew")
	_, _, err = c.Terminate(crmkit.Cmd{By: "rep", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, before, c)
}

func TestContractProration(t *testing.T) {
	cal, err := crmkit.Gregorian(time.UTC)
	require.NoError(t, err)
	c, _, err := account.NewContract(account.ContractSpec{
		AccountID: crmkit.NewID(), Title: "mid-month", Start: time.Date(2026, 4, 16, 0, 0, 0, 0, time.UTC),
		End: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), Monthly: eur("300.00"),
	}, crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	q2 := crmkit.Period{Start: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}
	// April: 15 of 30 days = 150.00; May and June whole: 600.00.
	got, err := c.RecurringRevenue(q2, cal, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("750.00"), got)
	apr := crmkit.Period{Start: q2.Start, End: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
	got, err = c.RecurringRevenue(apr, cal, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("150.00"), got)

	// An amendment from June 1st to 310.00: May 300.00, June 310.00.
	c, e, err := c.Amend(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), q2.End, eur("310.00"), eur("0"), crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	assert.Equal(t, account.EventContractAmended, e.Type)
	mayJune := crmkit.Period{Start: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), End: q2.End}
	got, err = c.RecurringRevenue(mayJune, cal, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("610.00"), got)
	assert.Len(t, c.Terms, 2)
	assert.Equal(t, eur("300.00"), c.Terms[0].Monthly, "old version kept")

	// 31-day month, 10 days: 100.00 * 10/31 = 32.258... -> 32.26.
	jan, _, err := account.NewContract(account.ContractSpec{AccountID: crmkit.NewID(), Title: "j", Start: time.Date(2026, 1, 22, 0, 0, 0, 0, time.UTC),
		End: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Monthly: eur("100.00")}, crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	got, err = jan.RecurringRevenue(cal.Month(time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)), cal, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("32.26"), got)
}

func TestContractFailedGuard(t *testing.T) {
	c := draft(t)
	// A failed guard, then the same contract goes through: nothing is stuck.
	_, _, err := c.Approve(approval.Request{}, crmkit.Cmd{By: "rep", At: t0})
	assert.ErrorIs(t, err, crmkit.ErrForbidden)
	c2, _, err := c.Approve(grant(t, c, t0), crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	assert.Equal(t, account.Approved, c2.Status)
}

var statuses = []account.ContractStatus{account.Draft, account.Approved, account.Signed, account.Active, account.Completed, account.Closed, account.Terminated}

// The compiled table and a looplab machine built from ContractEvents agree
// on every (status, trigger) pair.
func TestContractTableAgreesWithFSM(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.SampledFrom(statuses).Draw(t, "status")
		tr := account.ContractTrigger(rapid.IntRange(0, 5).Draw(t, "trigger"))
		f := fsm.NewFSM(s.String(), account.ContractEvents(), nil)
		err := f.Event(context.Background(), tr.String())
		next, ok := account.NextStatus(s, tr)
		if ok != (err == nil) {
			t.Fatalf("%s from %s: table ok=%v, looplab err=%v", tr, s, ok, err)
		}
		if ok && f.Current() != next.String() {
			t.Fatalf("%s from %s: table %s, looplab %s", tr, s, next, f.Current())
		}
	})
}

// Model test: random command sequences against a hand-written model of
// the ladder; Terminated and Closed absorb every event; a rejected command
// changes nothing; versions count events.
func TestContractStateMachineModel(t *testing.T) {
	ladder := map[account.ContractStatus]account.ContractStatus{
		account.Draft: account.Approved, account.Approved: account.Signed, account.Signed: account.Active,
		account.Active: account.Completed, account.Completed: account.Closed,
	}
	rapid.Check(t, func(rt *rapid.T) {
		c, first, err := account.NewContract(account.ContractSpec{
			AccountID: crmkit.NewID(), Title: "model", Start: t0, End: t0.AddDate(1, 0, 0), Monthly: eur("10.00"),
		}, crmkit.Cmd{By: "rep", At: t0})
		if err != nil {
			rt.Fatal(err)
		}
		events := []crmkit.Event{first}
		model := account.Draft
		version := int64(1)
		for i := range rapid.IntRange(1, 12).Draw(rt, "steps") {
			tr := account.ContractTrigger(rapid.IntRange(0, 5).Draw(rt, "trigger"))
			at := t0.Add(time.Duration(i) * time.Minute)
			var (
				next account.Contract
				ev   crmkit.Event
				err  error
			)
			if tr == account.TriggerApprove {
				next, ev, err = c.Approve(grant(t, c, at), crmkit.Cmd{By: "rep", At: at})
			} else {
				next, ev, err = c.Fire(tr, crmkit.Cmd{By: "rep", At: at})
			}
			want, legal := model, false
			switch {
			case model.Final():
			case tr == account.TriggerTerminate:
				want, legal = account.Terminated, true
			case slices.Index([]account.ContractStatus{account.Draft, account.Approved, account.Signed, account.Active, account.Completed}, model) == int(tr):
				want, legal = ladder[model], true
			}
			if !legal {
				if !errors.Is(err, crmkit.ErrIllegalTransition) {
					rt.Fatalf("%s from %s: want illegal, got %v", tr, model, err)
				}
				continue
			}
			if err != nil {
				rt.Fatalf("%s from %s: %v", tr, model, err)
			}
			version++
			if next.Status != want || next.Version != version {
				rt.Fatalf("%s from %s: got %s v%d, want %s v%d", tr, model, next.Status, next.Version, want, version)
			}
			c, model = next, want
			events = append(events, ev)
			if c.Status == account.Active && rapid.Bool().Draw(rt, "renew") {
				if c, ev, err = c.Renew(crmkit.Money{}, crmkit.Cmd{By: "rep", At: at}); err != nil {
					rt.Fatal(err)
				}
				events = append(events, ev)
				version++
			}
		}
		// The bulk path rebuilds the same contract from the events.
		replayed, err := account.ReplayContract(events)
		if err != nil {
			rt.Fatalf("replay: %v", err)
		}
		if !reflect.DeepEqual(replayed, c) {
			rt.Fatalf("replayed %+v, want %+v", replayed, c)
		}
		if len(events) > 2 {
			skipped := append(slices.Clone(events[:1]), events[2:]...)
			if _, err := account.ReplayContract(skipped); !errors.Is(err, crmkit.ErrInvalid) {
				rt.Fatalf("replay with a gap: %v", err)
			}
		}
	})
}

func TestContractMermaid(t *testing.T) {
	m, err := account.ContractMermaid()
	require.NoError(t, err)
	assert.Contains(t, m, "stateDiagram")
	assert.Contains(t, m, "terminate")
}

func TestReplayContract(t *testing.T) {
	c, e0, err := account.NewContract(account.ContractSpec{
		AccountID: crmkit.NewID(), DealID: crmkit.NewID(), Title: "replay", Start: t0, End: t0.AddDate(1, 0, 0),
		Monthly: eur("100.00"), Value: eur("50.00"), AutoRenew: true,
	}, crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	events := []crmkit.Event{e0}
	step := func(next account.Contract, e crmkit.Event, err error) {
		t.Helper()
		require.NoError(t, err)
		c = next
		events = append(events, e)
	}
	step(c.Approve(grant(t, c, t0), crmkit.Cmd{By: "rep", At: t0}))
	step(c.Sign(crmkit.Cmd{By: "rep", At: t0}))
	step(c.Execute(account.ImplementationStarted, crmkit.Cmd{By: "pm", At: t0}))
	step(c.Amend(t0.AddDate(0, 6, 0), t0.AddDate(1, 0, 0), eur("120.00"), eur("0.00"), crmkit.Cmd{By: "rep", At: t0}))
	step(c.Activate(crmkit.Cmd{By: "rep", At: t0}))
	step(c.Terminate(crmkit.Cmd{By: "rep", At: t0, Reason: "customer insolvent"}))

	got, err := account.ReplayContract(events)
	require.NoError(t, err)
	assert.Equal(t, c, got)
	assert.Equal(t, account.Terminated, got.Status)
	assert.NotEqual(t, uuid.Nil, got.ApprovalID)

	// A forged transition the table does not allow is rejected.
	forged := slices.Clone(events)
	forged[2].To = "active"
	_, err = account.ReplayContract(forged)
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	_, err = account.ReplayContract(events[1:])
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = account.ReplayContract(nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestTerminatedContractStopsEarning(t *testing.T) {
	cal, err := crmkit.Gregorian(time.UTC)
	require.NoError(t, err)
	c := draft(t) // 1,000.00 a month through 2026
	c, _, err = c.Approve(grant(t, c, t0), crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	c, _, err = c.Sign(crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	c, _, err = c.Activate(crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	mid := time.Date(2026, 4, 16, 0, 0, 0, 0, time.UTC)
	c, _, err = c.Terminate(crmkit.Cmd{By: "rep", At: mid, Reason: "customer insolvent"})
	require.NoError(t, err)
	assert.Equal(t, mid, c.TerminatedAt)
	// January to March whole (3,000.00) plus 15 of 30 April days (500.00).
	got, err := c.RecurringRevenue(crmkit.Period{Start: t0, End: t0.AddDate(1, 0, 0)}, cal, crmkit.RoundHalfEven)
	require.NoError(t, err)
	assert.Equal(t, eur("3500.00"), got)
}
