package deal_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/dealtest"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

var dealStart = time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)

// dealModel is the simple dealModel of a deal the state-machine test checks the
// package against: what each command should do, derived from the rules as
// written in the issue, not from the package's code.
type dealModel struct {
	spec        deal.PipelineSpec
	status      deal.Status
	stage       int
	owner       string
	team        []deal.Member
	amount      int64
	version     int64
	reopens     int
	closeDate   bool
	contact     bool
	suspendedAt time.Time
}

func newDealModel(p *deal.Pipeline, d deal.Deal) *dealModel {
	return &dealModel{
		spec: p.Spec(), status: deal.Open, stage: 0, owner: d.Owner, team: slices.Clone(d.Team),
		amount: d.Amount.Minor(), version: 1, closeDate: !d.CloseDate.IsZero(), contact: d.ContactID != [16]byte{},
	}
}

func (m *dealModel) has(f deal.Field) bool {
	switch f {
	case deal.FieldAmount:
		return m.amount > 0
	case deal.FieldCloseDate:
		return m.closeDate
	case deal.FieldContact:
		return m.contact
	case deal.FieldTeam:
		return len(m.team) > 0
	}
	return false
}

// autoReactivation re-derives the reactivation policy: the first rule
// whose conditions hold decides, else Otherwise.
func (m *dealModel) autoReactivation(at time.Time) bool {
	for _, r := range m.spec.Reactivation.Rules {
		if r.Within > 0 && at.Sub(m.suspendedAt) >= r.Within {
			continue
		}
		if !r.Below.Currency().IsZero() && m.amount >= r.Below.Minor() {
			continue
		}
		return len(r.Roles) == 0
	}
	return len(m.spec.Reactivation.Otherwise) == 0
}

// expect returns the sentinel error the command should fail with, or nil,
// and applies the command to the dealModel when it succeeds.
func (m *dealModel) expect(c dealtest.Command, at time.Time) error {
	live := m.status == deal.Open || m.status == deal.Suspended
	var want error
	switch c.Op {
	case dealtest.OpMove:
		switch {
		case m.status != deal.Open || c.Stage == m.stage || (c.Stage < m.stage && !m.spec.Stages[m.stage].AllowBackward):
			want = crmkit.ErrIllegalTransition
		case c.Stage > m.stage:
			var roles []string
			for i := m.stage + 1; i <= c.Stage && want == nil; i++ {
				for _, f := range m.spec.Stages[i].Entry.Require {
					if !m.has(f) {
						want = crmkit.ErrInvalid
						break
					}
				}
				roles = append(roles, m.spec.Stages[i].Entry.Approval...)
			}
			if want == nil && len(roles) > 0 && (!c.Approve || c.SelfApproved) {
				want = crmkit.ErrForbidden
			}
		}
		if want == nil {
			m.stage = c.Stage
		}
	case dealtest.OpSuspend:
		switch {
		case c.Reason == "":
			want = crmkit.ErrInvalid
		case m.status != deal.Open:
			want = crmkit.ErrIllegalTransition
		default:
			m.status, m.suspendedAt = deal.Suspended, at
		}
	case dealtest.OpReactivate:
		switch {
		case m.status != deal.Suspended:
			want = crmkit.ErrIllegalTransition
		case !m.autoReactivation(at) && (!c.Approve || c.SelfApproved):
			want = crmkit.ErrForbidden
		default:
			m.status = deal.Open
		}
	case dealtest.OpTerminate:
		switch {
		case c.Reason == "":
			want = crmkit.ErrInvalid
		case !live:
			want = crmkit.ErrIllegalTransition
		default:
			m.status = deal.Terminated
		}
	case dealtest.OpWin:
		if m.status != deal.Open {
			want = crmkit.ErrIllegalTransition
		} else {
			m.status = deal.Won
		}
	case dealtest.OpLose:
		switch {
		case c.Reason == "":
			want = crmkit.ErrInvalid
		case m.status != deal.Open:
			want = crmkit.ErrIllegalTransition
		default:
			m.status = deal.Lost
		}
	case dealtest.OpReopen:
		if m.status != deal.Lost || !m.spec.AllowReopen {
			want = crmkit.ErrIllegalTransition
		} else {
			m.status = deal.Open
			m.reopens++
		}
	case dealtest.OpTransfer:
		switch {
		case m.status == deal.Terminated:
			want = crmkit.ErrIllegalTransition
		case c.Rep == m.owner:
			want = crmkit.ErrInvalid
		default:
			m.transfer(c.Rep)
		}
	case dealtest.OpSetTeam:
		sum := decimal.Zero
		hasOwner := false
		for _, mb := range c.Team {
			sum = sum.Add(mb.Split)
			hasOwner = hasOwner || mb.Rep == m.owner
		}
		switch {
		case m.status == deal.Terminated:
			want = crmkit.ErrIllegalTransition
		case len(c.Team) > 0 && (!sum.Equal(decimal.NewFromInt(1)) || !hasOwner):
			want = crmkit.ErrInvalid
		default:
			m.team = slices.Clone(c.Team)
		}
	case dealtest.OpSetAmount:
		switch {
		case !live:
			want = crmkit.ErrIllegalTransition
		case c.Amount < 0:
			want = crmkit.ErrInvalid
		default:
			m.amount = c.Amount
		}
	case dealtest.OpLogActivity:
		if m.status == deal.Terminated {
			want = crmkit.ErrIllegalTransition
		}
	}
	if want == nil {
		m.version++
	}
	return want
}

// transfer renames the owner in the team; if the successor was a member,
// the two members merge (splits added).
func (m *dealModel) transfer(to string) {
	from := m.owner
	m.owner = to
	var merged []deal.Member
	split := decimal.Zero
	for _, mb := range m.team {
		if mb.Rep == from || mb.Rep == to {
			split = split.Add(mb.Split)
			continue
		}
		merged = append(merged, mb)
	}
	if len(m.team) > 0 {
		m.team = append(merged, deal.Member{Rep: to, Split: split})
	}
}

func teamSplitSum(team []deal.Member) decimal.Decimal {
	s := decimal.Zero
	for _, m := range team {
		s = s.Add(m.Split)
	}
	return s
}

func dealSnapshot(t interface{ Fatalf(string, ...any) }, d deal.Deal) string {
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatalf("marshal deal: %v", err)
	}
	return string(b)
}

func TestStateMachineAgainstModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := dealtest.Pipeline().Draw(t, "pipeline")
		d := dealtest.Deal(p, dealStart).Draw(t, "deal")
		_, created, err := deal.New(p, creationInput(d), deal.Cmd{Cmd: crmkit.Cmd{By: d.CreatedBy, At: d.CreatedAt}})
		if err != nil {
			t.Fatalf("recreate: %v", err)
		}
		history := []crmkit.Event{created}
		m := newDealModel(p, d)
		at := dealStart
		for i, c := range dealtest.Commands(p).Draw(t, "commands") {
			at = at.Add(c.Advance)
			before := dealSnapshot(t, d)
			prevStatus, prevStage := d.Status, d.Stage
			want := m.expect(c, at)
			next, e, err := c.Run(p, d, at)
			if after := dealSnapshot(t, d); after != before {
				t.Fatalf("command %d %s changed its input deal", i, c)
			}
			if want != nil {
				if !errors.Is(err, want) {
					t.Fatalf("command %d %s on %s/%d: error %v, want %v", i, c, d.Status, d.Stage, err, want)
				}
				continue
			}
			if err != nil {
				t.Fatalf("command %d %s on %s/%d: unexpected error %v", i, c, d.Status, d.Stage, err)
			}
			switch {
			case next.Status != m.status || next.Stage != m.stage:
				t.Fatalf("command %d %s: deal %s/%d, dealModel %s/%d", i, c, next.Status, next.Stage, m.status, m.stage)
			case next.Owner != m.owner || next.Version != m.version || next.Reopens != m.reopens || next.Amount.Minor() != m.amount:
				t.Fatalf("command %d %s: owner %s v%d reopens %d amount %d, dealModel %s v%d %d %d", i, c,
					next.Owner, next.Version, next.Reopens, next.Amount.Minor(), m.owner, m.version, m.reopens, m.amount)
			case len(next.Team) != len(m.team) || (len(next.Team) > 0 && !teamSplitSum(next.Team).Equal(decimal.NewFromInt(1))):
				t.Fatalf("command %d %s: team %v, dealModel %v", i, c, next.Team, m.team)
			case prevStatus == deal.Terminated:
				t.Fatalf("command %d %s changed a terminated deal", i, c)
			case prevStatus.Closed() && next.Stage != prevStage:
				t.Fatalf("command %d %s changed the stage of a %s deal", i, c, prevStatus)
			case e.AggregateID != d.ID || e.Version != next.Version || e.Actor != c.Actor || !e.At.Equal(at):
				t.Fatalf("command %d %s: event %+v does not describe the change", i, c, e)
			}
			if err := e.Validate(); err != nil {
				t.Fatalf("command %d %s: invalid event: %v", i, c, err)
			}
			d = next
			history = append(history, e)
		}
		replayed, err := p.Replay(history)
		if err != nil {
			t.Fatalf("replay %d events: %v", len(history), err)
		}
		if got, want := dealSnapshot(t, replayed), dealSnapshot(t, d); got != want {
			t.Fatalf("replay differs:\n got %s\nwant %s", got, want)
		}
	})
}

// creationInput recovers the creation input of a freshly generated deal.
func creationInput(d deal.Deal) deal.NewDeal {
	return deal.NewDeal{
		ID: d.ID, Name: d.Name, Type: d.Type, Amount: d.Amount, CloseDate: d.CloseDate,
		AccountID: d.AccountID, ContactID: d.ContactID, SourceLeadID: d.SourceLeadID,
		CampaignID: d.CampaignID, Owner: d.Owner, Team: d.Team, Probability: d.Probability,
	}
}
