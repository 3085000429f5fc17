package account_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// openTicket records a pending ticket contacted at t0+9h.
func openTicket(t *testing.T) account.Interaction {
	t.Helper()
	at := t0.Add(9 * time.Hour)
	i, e, err := account.RecordInteraction(account.Interaction{AccountID: uuid.MustParse("01900000-0000-7000-8000-000000000001"),
		Channel: "email", Severity: account.Major, Outcome: account.Pending, Who: "agent-1", At: at},
		crmkit.Cmd{By: "agent-1", At: at})
	require.NoError(t, err)
	require.Equal(t, int64(1), i.Version)
	require.Equal(t, int64(1), e.Version)
	return i
}

func TestInteractionCommands(t *testing.T) {
	i := openTicket(t)
	at := i.At
	cmd := func(d time.Duration) crmkit.Cmd { return crmkit.Cmd{By: "agent-2", At: at.Add(d)} }

	// A response two hours after the contact, recorded at +3h.
	r, e, err := i.Respond(at.Add(2*time.Hour), cmd(3*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, int64(2), r.Version)
	assert.Equal(t, at.Add(2*time.Hour), r.FirstResponseAt)
	assert.True(t, i.FirstResponseAt.IsZero(), "the receiver is unchanged")
	assert.Equal(t, account.EventInteractionResponded, e.Type)
	assert.Equal(t, account.InteractionKind, e.AggregateKind)
	assert.Equal(t, i.ID, e.AggregateID)
	assert.Equal(t, int64(2), e.Version)
	assert.JSONEq(t, fmt.Sprintf(`{"first_response_at":%q}`, at.Add(2*time.Hour).Format(time.RFC3339Nano)), string(e.Payload))

	_, _, err = r.Respond(at.Add(2*time.Hour), cmd(3*time.Hour))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "one first response")

	// Resolution before the response is refused; at the response is fine.
	_, _, err = r.Resolve(at.Add(time.Hour), cmd(4*time.Hour))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = r.Rate(4, cmd(4*time.Hour))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "an open interaction is not rated")
	s, e, err := r.Resolve(at.Add(5*time.Hour), cmd(5*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, int64(3), s.Version)
	assert.Equal(t, account.Resolved, s.Outcome)
	assert.Equal(t, account.EventInteractionResolved, e.Type)
	assert.Equal(t, account.Pending, r.Outcome)

	_, _, err = s.Resolve(at.Add(6*time.Hour), cmd(6*time.Hour))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	_, _, err = s.Respond(at.Add(6*time.Hour), cmd(6*time.Hour))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "no response after the resolution")

	for _, bad := range []int{0, 6, -1} {
		_, _, err = s.Rate(bad, cmd(6*time.Hour))
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "score %d", bad)
	}
	q, e, err := s.Rate(4, cmd(6*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 4, q.Satisfaction)
	assert.Equal(t, int64(4), q.Version)
	assert.JSONEq(t, `{"satisfaction":4}`, string(e.Payload))
	_, _, err = q.Rate(5, cmd(7*time.Hour))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "rated once")

	// Bad commands and unrecorded interactions.
	_, _, err = i.Respond(at.Add(time.Hour), crmkit.Cmd{At: at.Add(time.Hour)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "no actor")
	_, _, err = account.Interaction{}.Respond(at, cmd(0))
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "zero interaction")
	_, _, err = i.Respond(time.Time{}, cmd(0))
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "zero time")
}

func TestInteractionValidateResolutionAfterResponse(t *testing.T) {
	i := openTicket(t)
	i.FirstResponseAt = i.At.Add(2 * time.Hour)
	i.ResolvedAt = i.At.Add(time.Hour)
	i.Outcome = account.Resolved
	assert.ErrorIs(t, i.Validate(), crmkit.ErrInvalid)
	i.ResolvedAt = i.FirstResponseAt
	assert.NoError(t, i.Validate())
	for _, v := range []int64{0, -1} {
		i.Version = v
		assert.ErrorIs(t, i.Validate(), crmkit.ErrInvalid, "version %d", v)
		assert.NoError(t, i.ValidateContent(), "a log value built by hand may have version %d", v)
	}
	i.Version, i.ID = 1, uuid.Nil
	assert.ErrorIs(t, i.Validate(), crmkit.ErrInvalid, "nil id")
	assert.NoError(t, i.ValidateContent())
}

// TestInteractionTimeRules: for any response and resolution times (as
// offsets from the contact, negative ones included) and any recording
// times, Respond then Resolve succeed exactly when contact <= response
// <= resolution, each not after its recording time; every result passes
// Validate, versions count the events, and a refused command leaves its
// input as it was.
func TestInteractionTimeRules(t *testing.T) {
	base := openTicket(t)
	rapid.Check(t, func(t *rapid.T) {
		i := base
		before, _ := json.Marshal(i)
		respond := rapid.Bool().Draw(t, "respond")
		resp := time.Duration(rapid.IntRange(-5, 20).Draw(t, "resp")) * time.Hour
		// Recording times are never before the contact (a command before
		// the contact is refused for that reason alone).
		respRec := max(resp+time.Duration(rapid.IntRange(-2, 5).Draw(t, "respRec"))*time.Hour, 0)
		res := time.Duration(rapid.IntRange(-5, 30).Draw(t, "res")) * time.Hour
		resRec := max(res+time.Duration(rapid.IntRange(-2, 5).Draw(t, "resRec"))*time.Hour, 0)
		by := crmkit.Cmd{By: "agent-2"}

		cur := i
		if respond {
			by.At = i.At.Add(respRec)
			r, e, err := cur.Respond(i.At.Add(resp), by)
			wantOK := resp >= 0 && respRec >= resp
			after, _ := json.Marshal(cur)
			if string(after) != string(before) {
				t.Fatalf("Respond changed its receiver")
			}
			if wantOK != (err == nil) {
				t.Fatalf("Respond at +%v recorded at +%v: err %v, want ok %v", resp, by.At.Sub(i.At), err, wantOK)
			}
			if err != nil {
				if r != (account.Interaction{}) || e.ID != uuid.Nil {
					t.Fatalf("a refused Respond returned a value")
				}
				respond = false
			} else {
				if r.Version != 2 || e.Version != 2 || r.Validate() != nil {
					t.Fatalf("Respond gave version %d, event %d, validate %v", r.Version, e.Version, r.Validate())
				}
				cur = r
			}
		}
		by.At = i.At.Add(resRec)
		s, e, err := cur.Resolve(i.At.Add(res), by)
		wantOK := res >= 0 && resRec >= res && (!respond || res >= resp)
		if wantOK != (err == nil) {
			t.Fatalf("Resolve at +%v (response %v at +%v) recorded at +%v: err %v, want ok %v", res, respond, resp, by.At.Sub(i.At), err, wantOK)
		}
		if err == nil {
			if s.Validate() != nil || s.Version != cur.Version+1 || e.Version != s.Version || s.Outcome != account.Resolved {
				t.Fatalf("Resolve gave %+v, event version %d", s, e.Version)
			}
			if cur.Outcome != account.Pending {
				t.Fatalf("Resolve changed its receiver")
			}
		}
	})
}

// ExampleInteraction_Respond records a ticket, its first response and
// its resolution later, and the customer's score.
func ExampleInteraction_Respond() {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	i, _, _ := account.RecordInteraction(account.Interaction{AccountID: uuid.MustParse("01900000-0000-7000-8000-000000000001"),
		Channel: "email", Severity: account.Major, Outcome: account.Pending, Who: "agent-1", At: at},
		crmkit.Cmd{By: "agent-1", At: at})
	i, e1, _ := i.Respond(at.Add(2*time.Hour), crmkit.Cmd{By: "agent-1", At: at.Add(2 * time.Hour)})
	i, e2, _ := i.Resolve(at.Add(5*time.Hour), crmkit.Cmd{By: "agent-1", At: at.Add(5 * time.Hour)})
	i, e3, _ := i.Rate(4, crmkit.Cmd{By: "survey", At: at.Add(24 * time.Hour)})
	fmt.Println(e1.Type, e2.Type, e3.Type)
	fmt.Println(i.Version, i.Outcome, i.ResolvedAt.Sub(i.FirstResponseAt), i.Satisfaction)
	_, _, err := i.Rate(5, crmkit.Cmd{By: "survey", At: at.Add(48 * time.Hour)})
	fmt.Println(err != nil)
	// Output:
	// InteractionResponded InteractionResolved InteractionRated
	// 4 resolved 3h0m0s 4
	// true
}

// TestReplayInteraction: whatever commands ran (drawn at random, refused
// ones included), replaying the events of the accepted ones gives the
// interaction they produced; a history with an event left out or of
// another interaction is refused.
func TestReplayInteraction(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		at := t0.Add(9 * time.Hour)
		i, e, err := account.RecordInteraction(account.Interaction{AccountID: uuid.MustParse("01900000-0000-7000-8000-000000000001"),
			Channel: "email", Severity: account.Major, Outcome: account.Pending, Who: "agent-1", At: at,
			Informal: rapid.Bool().Draw(t, "informal")}, crmkit.Cmd{By: "agent-1", At: at})
		if err != nil {
			t.Fatal(err)
		}
		events := []crmkit.Event{e}
		n := rapid.IntRange(0, 6).Draw(t, "commands")
		for k := range n {
			when := at.Add(time.Duration(rapid.IntRange(-2, 48).Draw(t, fmt.Sprintf("when %d", k))) * time.Hour)
			c := crmkit.Cmd{By: "agent-2", At: when.Add(time.Duration(rapid.IntRange(0, 3).Draw(t, fmt.Sprintf("delay %d", k))) * time.Hour)}
			var next account.Interaction
			switch rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("command %d", k)) {
			case 0:
				next, e, err = i.Respond(when, c)
			case 1:
				next, e, err = i.Resolve(when, c)
			default:
				next, e, err = i.Rate(rapid.IntRange(0, 6).Draw(t, fmt.Sprintf("score %d", k)), c)
			}
			if err == nil {
				i, events = next, append(events, e)
			}
		}
		got, err := account.ReplayInteraction(events)
		if err != nil {
			t.Fatalf("replay %d events: %v", len(events), err)
		}
		want, _ := json.Marshal(i)
		have, _ := json.Marshal(got)
		if string(want) != string(have) {
			t.Fatalf("replayed\n%s\nwant\n%s", have, want)
		}
		if len(events) > 2 {
			gap := append([]crmkit.Event{events[0]}, events[2:]...)
			if _, err := account.ReplayInteraction(gap); !errors.Is(err, crmkit.ErrInvalid) {
				t.Fatalf("a history with a gap: %v", err)
			}
		}
		if len(events) > 1 {
			other := slices.Clone(events)
			other[1].AggregateID = uuid.MustParse("01900000-0000-7000-8000-000000000002")
			if _, err := account.ReplayInteraction(other); !errors.Is(err, crmkit.ErrInvalid) {
				t.Fatalf("another interaction's event: %v", err)
			}
		}
	})
	_, err := account.ReplayInteraction(nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}
