package approval_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var t0 = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

// approver is who decides in these tests: an actor and the roles it holds.
type approver struct {
	ID    string
	Roles []string
}

// cmd is a's decision command at time at with comment.
func (a approver) cmd(at time.Time, comment string) approval.Cmd {
	return approval.Cmd{Cmd: crmkit.Cmd{By: a.ID, At: at, Reason: comment}, Roles: a.Roles}
}

var (
	manager  = approver{ID: "mia", Roles: []string{"manager"}}
	director = approver{ID: "dan", Roles: []string{"director"}}
	both     = approver{ID: "bea", Roles: []string{"manager", "director"}}
)

func newRequest(t *testing.T, roles []string, expires time.Time) approval.Request {
	t.Helper()
	r, e, err := approval.New("discount 20% on quote Q-1", roles, expires, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	require.Equal(t, approval.EventApprovalRequested, e.Type)
	return r
}

func TestNewApprovalRequest(t *testing.T) {
	r, e, err := approval.New("reactivate deal D-7", []string{"manager", "director"}, t0.Add(48*time.Hour), crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	assert.NotEqual(t, uuid.Nil, r.ID)
	assert.Equal(t, approval.Pending, r.Status)
	assert.Equal(t, []approval.Step{{Role: "manager"}, {Role: "director"}}, r.Steps)
	assert.Equal(t, int64(1), r.Version)
	step, ok := r.CurrentStep()
	assert.True(t, ok)
	assert.Equal(t, 0, step)
	assert.False(t, r.Granted(t0))

	assert.Equal(t, "approval", e.AggregateKind)
	assert.Equal(t, r.ID, e.AggregateID)
	assert.Equal(t, "ApprovalRequested", e.Type)
	assert.Equal(t, "rob", e.Actor)
	assert.Equal(t, t0, e.At)
	assert.Equal(t, int64(1), e.Version)
	assert.Equal(t, "pending", e.To)
	var p approval.RequestedPayload
	require.NoError(t, e.DecodePayload(&p))
	assert.Equal(t, "reactivate deal D-7", p.Subject)
	assert.Equal(t, []string{"manager", "director"}, p.Roles)
	assert.True(t, p.ExpiresAt.Equal(t0.Add(48*time.Hour)))
}

func TestNewApprovalRequestRejectsBadInput(t *testing.T) {
	cases := []struct {
		name, subject, requester string
		roles                    []string
		at, expires              time.Time
		field                    string
	}{
		{"empty subject", " ", "rob", []string{"manager"}, t0, time.Time{}, "subject"},
		{"empty requester", "s", "", []string{"manager"}, t0, time.Time{}, "by"},
		{"no roles", "s", "rob", nil, t0, time.Time{}, "roles"},
		{"empty role", "s", "rob", []string{"manager", ""}, t0, time.Time{}, "roles[1]"},
		{"zero time", "s", "rob", []string{"manager"}, time.Time{}, time.Time{}, "at"},
		{"expiry at request time", "s", "rob", []string{"manager"}, t0, t0, "expires at"},
		{"expiry before request", "s", "rob", []string{"manager"}, t0, t0.Add(-time.Second), "expires at"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, _, err := approval.New(c.subject, c.roles, c.expires, crmkit.Cmd{By: c.requester, At: c.at})
			require.ErrorIs(t, err, crmkit.ErrInvalid)
			var ve *crmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, c.field, ve.Field)
			assert.Equal(t, uuid.Nil, r.ID)
		})
	}
}

func TestApproveSingleStep(t *testing.T) {
	r := newRequest(t, []string{"manager"}, time.Time{})
	at := t0.Add(time.Hour)
	got, e, err := r.Approve(manager.cmd(at, "fine, strategic account"))
	require.NoError(t, err)
	assert.Equal(t, approval.Approved, got.Status)
	assert.True(t, got.Granted(at))
	assert.True(t, got.Granted(t0.AddDate(10, 0, 0)), "no expiry: granted forever")
	assert.Equal(t, []approval.Decision{{Step: 0, Approver: "mia", Role: "manager", Approved: true, At: at, Comment: "fine, strategic account"}}, got.Decisions)
	assert.Equal(t, int64(2), got.Version)
	assert.Equal(t, at, got.ClosedAt)

	assert.Equal(t, "ApprovalGranted", e.Type)
	assert.Equal(t, "mia", e.Actor)
	assert.Equal(t, "pending", e.From)
	assert.Equal(t, "approved", e.To)
	assert.Equal(t, "fine, strategic account", e.Reason)
	assert.Equal(t, int64(2), e.Version)
	var p approval.DecidedPayload
	require.NoError(t, e.DecodePayload(&p))
	assert.Equal(t, approval.DecidedPayload{Step: 0, Role: "manager", Approved: true}, p)

	// The receiver is untouched.
	assert.Equal(t, approval.Pending, r.Status)
	assert.Empty(t, r.Decisions)
	assert.Equal(t, int64(1), r.Version)

	// Final: nothing more happens.
	_, _, err = got.Approve(director.cmd(at, ""))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	_, _, err = got.Reject(both.cmd(at, ""))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	_, _, err = got.Cancel(crmkit.Cmd{By: "rob", At: at, Reason: ""})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
}

func TestSeparationOfDuties(t *testing.T) {
	r := newRequest(t, []string{"manager", "director"}, time.Time{})
	at := t0.Add(time.Minute)
	snapshot := r.Clone()

	// The requester never decides their own request, whatever their roles.
	self := approver{ID: "rob", Roles: []string{"manager", "director"}}
	_, _, err := r.Approve(self.cmd(at, ""))
	assert.ErrorIs(t, err, crmkit.ErrForbidden)
	assert.ErrorContains(t, err, "own request")
	_, _, err = r.Reject(self.cmd(at, ""))
	assert.ErrorIs(t, err, crmkit.ErrForbidden)

	// Roles are checked, in order: a director cannot take the manager's step.
	_, _, err = r.Approve(director.cmd(at, ""))
	assert.ErrorIs(t, err, crmkit.ErrForbidden)
	assert.ErrorContains(t, err, `does not hold role "manager"`)
	_, _, err = r.Approve(approver{ID: "nobody"}.cmd(at, ""))
	assert.ErrorIs(t, err, crmkit.ErrForbidden)
	// Roles match exactly.
	_, _, err = r.Approve(approver{ID: "max", Roles: []string{"Manager"}}.cmd(at, ""))
	assert.ErrorIs(t, err, crmkit.ErrForbidden)

	assert.Equal(t, snapshot, r, "rejected commands change nothing")

	// One person decides at most one step, even holding every role.
	r1, e1, err := r.Approve(both.cmd(at, ""))
	require.NoError(t, err)
	assert.Equal(t, "ApprovalStepApproved", e1.Type)
	assert.Equal(t, "pending", e1.To)
	assert.Equal(t, approval.Pending, r1.Status)
	assert.False(t, r1.Granted(at))
	step, ok := r1.CurrentStep()
	require.True(t, ok)
	assert.Equal(t, 1, step)
	_, _, err = r1.Approve(both.cmd(at, ""))
	assert.ErrorIs(t, err, crmkit.ErrForbidden)
	assert.ErrorContains(t, err, "already decided step 1")
	_, _, err = r1.Reject(both.cmd(at, ""))
	assert.ErrorIs(t, err, crmkit.ErrForbidden)
	_, _, err = r1.Approve(manager.cmd(at, ""))
	assert.ErrorIs(t, err, crmkit.ErrForbidden)

	r2, e2, err := r1.Approve(director.cmd(at.Add(time.Hour), "ok"))
	require.NoError(t, err)
	assert.Equal(t, "ApprovalGranted", e2.Type)
	assert.Equal(t, int64(3), e2.Version)
	assert.True(t, r2.Granted(at.Add(time.Hour)))
	assert.Equal(t, []string{"bea", "dan"}, []string{r2.Decisions[0].Approver, r2.Decisions[1].Approver})
}

func TestRejectEndsTheChain(t *testing.T) {
	r := newRequest(t, []string{"manager", "director"}, time.Time{})
	r1, _, err := r.Approve(manager.cmd(t0.Add(time.Hour), ""))
	require.NoError(t, err)
	r2, e, err := r1.Reject(director.cmd(t0.Add(2*time.Hour), "margin too thin"))
	require.NoError(t, err)
	assert.Equal(t, approval.Rejected, r2.Status)
	assert.False(t, r2.Granted(t0.Add(2*time.Hour)))
	assert.Equal(t, "ApprovalRejected", e.Type)
	assert.Equal(t, "rejected", e.To)
	assert.Equal(t, "margin too thin", e.Reason)
	assert.False(t, r2.Decisions[1].Approved)
	_, ok := r2.CurrentStep()
	assert.False(t, ok)
	_, _, err = r2.Approve(both.cmd(t0.Add(3*time.Hour), ""))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
}

func TestApprovalExpiry(t *testing.T) {
	expires := t0.Add(24 * time.Hour)
	r := newRequest(t, []string{"manager", "director"}, expires)

	_, _, err := r.Expire(crmkit.Cmd{By: "system", At: expires.Add(-time.Nanosecond)})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "not yet expired")
	assert.Equal(t, approval.Pending, r.StatusAt(expires.Add(-time.Nanosecond)))
	assert.Equal(t, approval.Expired, r.StatusAt(expires))

	r1, _, err := r.Approve(manager.cmd(expires.Add(-time.Second), ""))
	require.NoError(t, err, "one second before expiry is in time")
	_, _, err = r1.Approve(director.cmd(expires, ""))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "at ExpiresAt it is too late")
	assert.ErrorContains(t, err, "expired")
	_, _, err = r1.Cancel(crmkit.Cmd{By: "rob", At: expires, Reason: ""})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)

	late := expires.Add(72 * time.Hour)
	r2, e, err := r1.Expire(crmkit.Cmd{By: "system", At: late})
	require.NoError(t, err)
	assert.Equal(t, approval.Expired, r2.Status)
	assert.Equal(t, expires, r2.ClosedAt, "expired when it expired, not when checked")
	assert.Equal(t, "ApprovalExpired", e.Type)
	assert.Equal(t, expires, e.At)
	assert.Equal(t, int64(3), e.Version)
	_, _, err = r2.Expire(crmkit.Cmd{By: "system", At: late})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)

	// A grant is a permission valid until ExpiresAt.
	g, _, err := newRequest(t, []string{"manager"}, expires).Approve(manager.cmd(t0.Add(time.Hour), ""))
	require.NoError(t, err)
	assert.True(t, g.Granted(expires.Add(-time.Nanosecond)))
	assert.False(t, g.Granted(expires))
	_, _, err = g.Expire(crmkit.Cmd{By: "system", At: late})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "an approved request is final")

	// Without an expiry there is nothing to expire.
	_, _, err = newRequest(t, []string{"manager"}, time.Time{}).Expire(crmkit.Cmd{By: "system", At: late})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
}

func TestApprovalCancel(t *testing.T) {
	r := newRequest(t, []string{"manager"}, time.Time{})
	_, _, err := r.Cancel(crmkit.Cmd{By: "", At: t0, Reason: ""})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	c, e, err := r.Cancel(crmkit.Cmd{By: "rob", At: t0.Add(time.Minute), Reason: "customer withdrew"})
	require.NoError(t, err)
	assert.Equal(t, approval.Cancelled, c.Status)
	assert.Equal(t, "ApprovalCancelled", e.Type)
	assert.Equal(t, "customer withdrew", e.Reason)
	assert.Equal(t, "cancelled", e.To)
	_, _, err = c.Approve(manager.cmd(t0.Add(time.Hour), ""))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
}

func TestApprovalRejectsBadTimesAndIDs(t *testing.T) {
	r := newRequest(t, []string{"manager", "director"}, time.Time{})
	r1, _, err := r.Approve(manager.cmd(t0.Add(time.Hour), ""))
	require.NoError(t, err)
	snapshot := r1.Clone()
	for name, call := range map[string]func() error{
		"zero time":          func() error { _, _, err := r1.Approve(director.cmd(time.Time{}, "")); return err },
		"before last event":  func() error { _, _, err := r1.Approve(director.cmd(t0.Add(time.Minute), "")); return err },
		"before the request": func() error { _, _, err := r.Reject(manager.cmd(t0.Add(-time.Minute), "")); return err },
		"empty approver": func() error {
			_, _, err := r1.Approve(approver{Roles: []string{"director"}}.cmd(t0.Add(2*time.Hour), ""))
			return err
		},
		"zero expire time": func() error { _, _, err := r1.Expire(crmkit.Cmd{By: "system"}); return err },
		"expire by nobody": func() error {
			_, _, err := r1.Expire(crmkit.Cmd{At: r1.ExpiresAt.Add(time.Hour)})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorIs(t, call(), crmkit.ErrInvalid)
		})
	}
	assert.Equal(t, snapshot, r1)
	// An approval at the same instant as the previous one is fine.
	_, _, err = r1.Approve(director.cmd(t0.Add(time.Hour), ""))
	assert.NoError(t, err)
}

func TestApprovalValueSemantics(t *testing.T) {
	// Two decisions branching from one value must not share a backing array.
	r := newRequest(t, []string{"manager", "director", "finance"}, time.Time{})
	r1, _, err := r.Approve(manager.cmd(t0.Add(time.Hour), ""))
	require.NoError(t, err)
	a, _, err := r1.Approve(director.cmd(t0.Add(2*time.Hour), "a"))
	require.NoError(t, err)
	b, _, err := r1.Reject(both.cmd(t0.Add(2*time.Hour), "b"))
	require.NoError(t, err)
	assert.Equal(t, "dan", a.Decisions[1].Approver)
	assert.Equal(t, "bea", b.Decisions[1].Approver)
	assert.Len(t, r1.Decisions, 1)

	c := a.Clone()
	c.Decisions[0].Approver = "changed"
	c.Steps[0].Role = "changed"
	assert.Equal(t, "mia", a.Decisions[0].Approver)
	assert.Equal(t, "manager", a.Steps[0].Role)
	assert.Equal(t, []string{"manager", "director", "finance"}, a.Roles())
}

func TestApprovalStatusText(t *testing.T) {
	for s, name := range map[approval.Status]string{
		approval.Pending: "pending", approval.Approved: "approved", approval.Rejected: "rejected",
		approval.Expired: "expired", approval.Cancelled: "cancelled",
	} {
		assert.Equal(t, name, s.String())
		got, err := approval.ParseStatus(name)
		require.NoError(t, err)
		assert.Equal(t, s, got)
		b, err := s.MarshalText()
		require.NoError(t, err)
		var back approval.Status
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, s, back)
		assert.Equal(t, s != approval.Pending, s.Final())
	}
	assert.Equal(t, "unset", approval.Status(0).String())
	assert.Equal(t, "Status(9)", approval.Status(9).String())
	_, err := approval.Status(9).MarshalText()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = approval.ParseStatus("unset")
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "unset is a text form, not a status")
	_, err = approval.ParseStatus("Pending")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestReplayApprovalRejectsForeignHistories(t *testing.T) {
	r, e0, err := approval.New("s", []string{"manager", "director"}, time.Time{}, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	r1, e1, err := r.Approve(manager.cmd(t0.Add(time.Hour), ""))
	require.NoError(t, err)
	_, e2, err := r1.Approve(director.cmd(t0.Add(2*time.Hour), ""))
	require.NoError(t, err)

	_, err = approval.Replay(nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = approval.Replay([]crmkit.Event{e1})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "must start with the request")
	_, err = approval.Replay([]crmkit.Event{e0, e2})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a version is missing")

	_, other, err := approval.New("s", []string{"manager"}, time.Time{}, crmkit.Cmd{By: "rob", At: t0})
	require.NoError(t, err)
	_, err = approval.Replay([]crmkit.Event{other, e1})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "another request's event")

	forged := e1
	forged.Actor = "rob"
	_, err = approval.Replay([]crmkit.Event{e0, forged})
	assert.ErrorIs(t, err, crmkit.ErrForbidden, "a history where the requester approved is refused")

	got, err := approval.Replay([]crmkit.Event{e0, e1, e2})
	require.NoError(t, err)
	assert.True(t, got.Granted(t0.Add(3*time.Hour)))
}

// approvalModel is the reference the property test checks the
// implementation against: plain bookkeeping with the rules written out.
type approvalModel struct {
	requester string
	roles     []string
	expires   time.Time
	decided   []string // approver of each decided step
	status    approval.Status
	last      time.Time
}

func (m *approvalModel) expiredAt(at time.Time) bool {
	return !m.expires.IsZero() && !at.Before(m.expires)
}

// decide returns the sentinel the implementation must return, or nil.
func (m *approvalModel) decide(who approver, at time.Time) error {
	switch {
	case m.status != approval.Pending || m.expiredAt(at):
		return crmkit.ErrIllegalTransition
	case at.Before(m.last):
		return crmkit.ErrInvalid
	case who.ID == m.requester, !slices.Contains(who.Roles, m.roles[len(m.decided)]), slices.Contains(m.decided, who.ID):
		return crmkit.ErrForbidden
	}
	return nil
}

func TestApprovalProperties(t *testing.T) {
	people := []string{"ann", "ben", "cat", "dov", "eve"}
	allRoles := []string{"manager", "director", "finance"}
	rapid.Check(t, func(rt *rapid.T) {
		staff := make(map[string][]string, len(people))
		for _, p := range people {
			staff[p] = rapid.SliceOfDistinct(rapid.SampledFrom(allRoles), rapid.ID[string]).Draw(rt, "roles of "+p)
		}
		requester := rapid.SampledFrom(people).Draw(rt, "requester")
		roles := rapid.SliceOfN(rapid.SampledFrom(allRoles), 1, 3).Draw(rt, "chain")
		var expires time.Time
		if rapid.Bool().Draw(rt, "expires") {
			expires = t0.Add(time.Duration(rapid.IntRange(1, 48).Draw(rt, "expiry hours")) * time.Hour)
		}
		r, e, err := approval.New("subject", roles, expires, crmkit.Cmd{By: requester, At: t0})
		require.NoError(rt, err)
		events := []crmkit.Event{e}
		m := &approvalModel{requester: requester, roles: roles, expires: expires, status: approval.Pending, last: t0}
		now := t0

		for i := range rapid.IntRange(0, 12).Draw(rt, "commands") {
			now = now.Add(time.Duration(rapid.IntRange(-2, 10).Draw(rt, fmt.Sprintf("step %d", i))) * time.Hour)
			who := rapid.SampledFrom(people).Draw(rt, fmt.Sprintf("who %d", i))
			by := approver{ID: who, Roles: staff[who]}
			before := r.Clone()
			var (
				next approval.Request
				ev   crmkit.Event
				want error
			)
			switch cmd := rapid.IntRange(0, 3).Draw(rt, fmt.Sprintf("cmd %d", i)); cmd {
			case 0, 1:
				want = m.decide(by, now)
				if cmd == 0 {
					next, ev, err = r.Approve(by.cmd(now, ""))
				} else {
					next, ev, err = r.Reject(by.cmd(now, ""))
				}
				if want == nil {
					m.decided = append(m.decided, who)
					m.last = now
					switch {
					case cmd == 1:
						m.status = approval.Rejected
					case len(m.decided) == len(m.roles):
						m.status = approval.Approved
					}
				}
			case 2:
				switch {
				case m.status != approval.Pending || m.expiredAt(now):
					want = crmkit.ErrIllegalTransition
				case now.Before(m.last):
					want = crmkit.ErrInvalid
				default:
					m.status, m.last = approval.Cancelled, now
				}
				next, ev, err = r.Cancel(crmkit.Cmd{By: who, At: now, Reason: ""})
			case 3:
				if m.status != approval.Pending || !m.expiredAt(now) {
					want = crmkit.ErrIllegalTransition
				} else {
					m.status = approval.Expired
				}
				next, ev, err = r.Expire(crmkit.Cmd{By: who, At: now})
			}
			// The receiver never changes, accepted or not.
			require.Equal(rt, before, r)
			if want != nil {
				require.ErrorIs(rt, err, want)
				continue
			}
			require.NoError(rt, err)
			r = next
			events = append(events, ev)

			require.NoError(rt, r.Validate())
			require.Equal(rt, m.status, r.Status)
			require.Equal(rt, int64(len(events)), r.Version)
			require.Equal(rt, r.Version, ev.Version)
			require.Equal(rt, r.Status.String(), ev.To)
		}

		// Separation of duties holds for every recorded decision.
		seen := map[string]bool{}
		for i, d := range r.Decisions {
			require.Equal(rt, i, d.Step)
			require.NotEqual(rt, requester, d.Approver)
			require.Contains(rt, staff[d.Approver], roles[i])
			require.False(rt, seen[d.Approver], "%s decided twice", d.Approver)
			seen[d.Approver] = true
		}
		require.Equal(rt, m.decided, approvers(r.Decisions))
		require.Equal(rt, r.Status == approval.Approved && !m.expiredAt(now), r.Granted(now))

		// The history replays to the current state.
		got, err := approval.Replay(events)
		require.NoError(rt, err)
		require.Equal(rt, r, got)
	})
}

func approvers(ds []approval.Decision) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Approver)
	}
	return out
}

func TestApprovalErrorsNameTheRequest(t *testing.T) {
	r := newRequest(t, []string{"manager"}, time.Time{})
	_, _, err := r.Approve(director.cmd(t0.Add(time.Hour), ""))
	require.Error(t, err)
	assert.Contains(t, err.Error(), r.ID.String())
	assert.False(t, errors.Is(err, crmkit.ErrInvalid))
}

func TestApprovalValidateCatchesForgedValues(t *testing.T) {
	r := newRequest(t, []string{"manager", "director"}, time.Time{})
	r1, _, err := r.Approve(manager.cmd(t0.Add(time.Hour), ""))
	require.NoError(t, err)
	g, _, err := r1.Approve(director.cmd(t0.Add(2*time.Hour), ""))
	require.NoError(t, err)
	require.NoError(t, g.Validate())
	require.True(t, g.Granted(t0.Add(3*time.Hour)))

	later := t0.Add(3 * time.Hour)
	for name, forge := range map[string]func(*approval.Request){
		"approved without decisions": func(a *approval.Request) { a.Decisions = nil; a.Version = 1 },
		"approved with one of two":   func(a *approval.Request) { a.Decisions = a.Decisions[:1]; a.Version = 2 },
		"requester approved":         func(a *approval.Request) { a.Decisions[1].Approver = "rob" },
		"one person, two steps":      func(a *approval.Request) { a.Decisions[1].Approver = "mia" },
		"steps out of order":         func(a *approval.Request) { a.Decisions[0].Step, a.Decisions[1].Step = 1, 0 },
		"role swapped":               func(a *approval.Request) { a.Decisions[1].Role = "manager" },
		"a rejection in the middle":  func(a *approval.Request) { a.Decisions[0].Approved = false },
		"time runs backwards":        func(a *approval.Request) { a.Decisions[1].At = t0 },
		"no approver":                func(a *approval.Request) { a.Decisions[0].Approver = "" },
		"wrong version":              func(a *approval.Request) { a.Version = 7 },
		"no steps":                   func(a *approval.Request) { a.Steps = nil },
		"empty role":                 func(a *approval.Request) { a.Steps[0].Role = " " },
		"nil id":                     func(a *approval.Request) { a.ID = uuid.Nil },
		"no subject":                 func(a *approval.Request) { a.Subject = "" },
		"no requester":               func(a *approval.Request) { a.Requester = "" },
		"zero request time":          func(a *approval.Request) { a.RequestedAt = time.Time{} },
		"expiry before request":      func(a *approval.Request) { a.ExpiresAt = t0.Add(-time.Hour) },
		"status zero":                func(a *approval.Request) { a.Status = 0 },
		"status unknown":             func(a *approval.Request) { a.Status = 42 },
		"more decisions than steps": func(a *approval.Request) {
			a.Decisions = append(a.Decisions, approval.Decision{Step: 2, Approver: "zed", Role: "x", Approved: true, At: later})
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := g.Clone()
			forge(&f)
			assert.ErrorIs(t, f.Validate(), crmkit.ErrInvalid)
			assert.False(t, f.Granted(later), "a forged approval is never granted")
		})
	}
	// Rejected, cancelled and expired requests are valid values too.
	rej, _, err := r1.Reject(director.cmd(t0.Add(2*time.Hour), ""))
	require.NoError(t, err)
	assert.NoError(t, rej.Validate())
	can, _, err := r1.Cancel(crmkit.Cmd{By: "rob", At: t0.Add(2 * time.Hour), Reason: ""})
	require.NoError(t, err)
	assert.NoError(t, can.Validate())
	pending := rej.Clone()
	pending.Status = approval.Pending
	assert.ErrorIs(t, pending.Validate(), crmkit.ErrInvalid, "pending after a rejection")
}

func TestApprovalCovers(t *testing.T) {
	r := newRequest(t, []string{"manager", "director", "manager"}, time.Time{})
	assert.True(t, r.Covers(nil))
	assert.True(t, r.Covers([]string{"director"}))
	assert.True(t, r.Covers([]string{"manager", "manager", "director"}))
	assert.False(t, r.Covers([]string{"manager", "manager", "manager"}), "two manager steps, not three")
	assert.False(t, r.Covers([]string{"finance"}))
	long := make([]string, 70)
	for i := range long {
		long[i] = fmt.Sprintf("role-%d", i)
	}
	r = newRequest(t, long, time.Time{})
	reversed := slices.Clone(long)
	slices.Reverse(reversed)
	assert.True(t, r.Covers(reversed), "order does not matter")
	assert.False(t, r.Covers(append(reversed, "role-69")))
}
