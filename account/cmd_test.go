package account_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/account/accounttest"
	"github.com/crmkit/crmkit/deal/dealtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// command draws the crmkit.Cmd of a command at time at: mostly valid,
// sometimes without an actor, with a blank or unprintable one, or without
// a time. bad reports whether crmkit.Cmd.Validate must refuse it (by
// construction, not by calling Validate).
func command(t *rapid.T, at time.Time) (c crmkit.Cmd, bad bool) {
	c = crmkit.Cmd{By: "rep", At: at, Reason: rapid.SampledFrom([]string{"", "renewal talk"}).Draw(t, "reason")}
	switch rapid.IntRange(0, 9).Draw(t, "bad command") {
	case 0:
		c.By = ""
	case 1:
		c.By = " \t"
	case 2:
		c.By = "rep\x1b"
	case 3:
		c.At = time.Time{}
	default:
		return c, false
	}
	return c, true
}

// checkShape checks the one command shape: a refused command returns the
// zero value and no event and leaves its input deeply equal to a Clone
// taken before; an accepted one returns one event for the aggregate with
// the next version, the command's actor, time and reason.
func checkShape[T any](t *rapid.T, what string, before, in, out, zero T, e crmkit.Event, err error, bad bool,
	id func(T) (crmkit.Event, int64), c crmkit.Cmd) {
	if !reflect.DeepEqual(before, in) {
		t.Fatalf("%s changed its input", what)
	}
	if err != nil {
		if !reflect.DeepEqual(out, zero) || !reflect.DeepEqual(e, crmkit.Event{}) {
			t.Fatalf("%s: refused (%v) but returned a value or an event", what, err)
		}
		return
	}
	if bad {
		t.Fatalf("%s accepted the bad command %+v", what, c)
	}
	want, version := id(in)
	if e.AggregateID != want.AggregateID || e.AggregateKind != want.AggregateKind || e.Version != version+1 ||
		e.Actor != c.By || !e.At.Equal(c.At) || (e.Reason != c.Reason && what != "fire") {
		t.Fatalf("%s: event %+v after version %d", what, e, version)
	}
	if _, v := id(out); v != version+1 {
		t.Fatalf("%s: version %d after %d", what, v, version)
	}
}

func TestAccountCommandShape(t *testing.T) {
	id := func(a account.Account) (crmkit.Event, int64) {
		return crmkit.Event{AggregateID: a.ID, AggregateKind: account.AccountKind}, a.Version
	}
	rapid.Check(t, func(t *rapid.T) {
		a := accounttest.Account().Draw(t, "account")
		at := t0
		for i := range rapid.IntRange(1, 12).Draw(t, "commands") {
			at = at.Add(time.Hour)
			c, bad := command(t, at)
			before := a.Clone()
			var (
				next account.Account
				e    crmkit.Event
				err  error
			)
			op := rapid.IntRange(0, 3).Draw(t, fmt.Sprint("op ", i))
			switch op {
			case 0:
				next, e, err = a.AddDepartment(rapid.SampledFrom([]string{"IT", "Sales"}).Draw(t, "department"), c)
			case 1:
				next, e, err = a.AddContact(account.Contact{Name: rapid.SampledFrom([]string{"Ann", "Bob"}).Draw(t, "name"), Role: account.User}, c)
			case 2:
				next, e, err = a.Reassign(rapid.SampledFrom([]string{"kam-1", "kam-2"}).Draw(t, "owner"), c)
			default:
				next, e, err = a.SetRelations(account.Relation(rapid.IntRange(1, 15).Draw(t, "relations")), c)
			}
			checkShape(t, fmt.Sprintf("command %d (op %d)", i, op), before, a, next, account.Account{}, e, err, bad, id, c)
			if err == nil {
				a = next
			}
		}
	})
}

func TestContractCommandShape(t *testing.T) {
	id := func(c account.Contract) (crmkit.Event, int64) {
		return crmkit.Event{AggregateID: c.ID, AggregateKind: account.ContractKind}, c.Version
	}
	rapid.Check(t, func(t *rapid.T) {
		k, _, err := account.NewContract(account.ContractSpec{
			AccountID: crmkit.NewID(), Title: "Support", Start: t0, End: t0.AddDate(1, 0, 0),
			Monthly: eur("1000.00"), Value: eur("5000.00"),
		}, crmkit.Cmd{By: "rep", At: t0})
		if err != nil {
			t.Fatal(err)
		}
		at := t0
		for i := range rapid.IntRange(1, 16).Draw(t, "commands") {
			at = at.Add(24 * time.Hour)
			c, bad := command(t, at)
			before := k.Clone()
			var (
				next account.Contract
				e    crmkit.Event
			)
			what := fmt.Sprint("command ", i)
			switch op := rapid.IntRange(0, 4).Draw(t, fmt.Sprint("op ", i)); op {
			case 0:
				a, aerr := dealtest.GrantedApproval(k.Subject(), "rep", "rep", account.ContractApprovalRoles(), at.Add(-3*time.Hour), false)
				if aerr != nil {
					t.Fatal(aerr)
				}
				next, e, err = k.Approve(a, c)
			case 1:
				what = "fire"
				next, e, err = k.Fire(account.ContractTrigger(rapid.IntRange(0, 5).Draw(t, "trigger")), c)
			case 2:
				next, e, err = k.Execute(account.Execution(rapid.IntRange(0, 4).Draw(t, "execution")), c)
			case 3:
				cur := k.Current()
				next, e, err = k.Amend(cur.Period.Start.AddDate(0, 1, 0), cur.Period.End, eur("1200.00"), eur("0.00"), c)
			default:
				next, e, err = k.Renew(eur("1100.00"), c)
			}
			checkShape(t, what, before, k, next, account.Contract{}, e, err, bad, id, c)
			if err == nil {
				k = next
			}
		}
	})
}

// An interaction's Who and At are checked as every command's By and At:
// missing, blank or unprintable actors and a zero time are ErrInvalid
// naming "who" or "at".
func TestInteractionActorCheckedAsACommand(t *testing.T) {
	ok := account.Interaction{AccountID: crmkit.NewID(), Channel: "phone", Severity: account.Info,
		Outcome: account.Pending, Who: "agent-1", At: t0}
	_, _, err := account.RecordInteraction(ok, crmkit.Cmd{By: "desk", At: t0})
	if err != nil {
		t.Fatal(err)
	}
	for who, field := range map[string]string{"": "who", "  ": "who", "agent\n1": "who", "agent\x00": "who"} {
		bad := ok
		bad.Who = who
		_, _, err := account.RecordInteraction(bad, crmkit.Cmd{By: "desk", At: t0})
		var v *crmkit.ValidationError
		if !errors.As(err, &v) || !errors.Is(err, crmkit.ErrInvalid) || v.Field != field {
			t.Errorf("who %q: got %v", who, err)
		}
	}
	bad := ok
	bad.At = time.Time{}
	_, _, err = account.RecordInteraction(bad, crmkit.Cmd{By: "desk", At: t0})
	var v *crmkit.ValidationError
	if !errors.As(err, &v) || v.Field != "at" {
		t.Errorf("zero time: got %v", err)
	}
}

// countingIDs hands out 00..01, 00..02, ... and counts what it handed out.
type countingIDs struct{ n byte }

func (c *countingIDs) NewID() uuid.UUID {
	c.n++
	return uuid.UUID{15: c.n}
}

// RecordInteraction draws the interaction's ID and then its event's ID
// from the command's ID source, takes the event's actor, time and reason
// from the command, and on bad input draws nothing and returns the zero
// values.
func TestRecordInteractionDrawsFromCmd(t *testing.T) {
	ids := &countingIDs{}
	later := t0.Add(time.Hour)
	c := crmkit.Cmd{By: "desk", At: later, Reason: "phone log", IDs: ids}
	in := account.Interaction{AccountID: crmkit.NewID(), Channel: "phone", Severity: account.Info,
		Outcome: account.Pending, Who: "agent-1", At: t0}
	got, e, err := account.RecordInteraction(in, c)
	require.NoError(t, err)
	assert.Equal(t, uuid.UUID{15: 1}, got.ID, "the interaction's ID is the first drawn")
	assert.Equal(t, uuid.UUID{15: 2}, e.ID, "the event's ID is the second drawn")
	assert.Equal(t, got.ID, e.AggregateID)
	assert.Equal(t, "desk", e.Actor)
	assert.Equal(t, later, e.At)
	assert.Equal(t, "phone log", e.Reason)
	assert.Equal(t, int64(1), e.Version)
	assert.Equal(t, "agent-1", got.Who, "the handler stays the interaction's")
	assert.Equal(t, t0, got.At)

	// An interaction that has its ID keeps it; only the event's is drawn.
	got, e, err = account.RecordInteraction(got, c)
	require.NoError(t, err)
	assert.Equal(t, uuid.UUID{15: 1}, got.ID)
	assert.Equal(t, uuid.UUID{15: 3}, e.ID)

	// Bad commands and bad interactions draw no ID.
	badIn := in
	badIn.Channel = " "
	for name, call := range map[string]func() (account.Interaction, crmkit.Event, error){
		"no actor": func() (account.Interaction, crmkit.Event, error) {
			return account.RecordInteraction(in, crmkit.Cmd{At: later, IDs: ids})
		},
		"zero time": func() (account.Interaction, crmkit.Event, error) {
			return account.RecordInteraction(in, crmkit.Cmd{By: "desk", IDs: ids})
		},
		"no channel": func() (account.Interaction, crmkit.Event, error) { return account.RecordInteraction(badIn, c) },
	} {
		got, e, err := call()
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.Zero(t, got, name)
		assert.Zero(t, e, name)
		assert.Equal(t, byte(3), ids.n, "%s: no ID drawn", name)
	}
}
