// Package dealtest has pgregory.net/rapid generators for package deal:
// pipeline specs and pipelines, deal teams with exact splits, new deals,
// and random command sequences with a runner, for property tests of code
// built on deal (a store, a forecast, a report), like net/http/httptest
// is for HTTP handlers.
//
//	rapid.Check(t, func(t *rapid.T) {
//		p := dealtest.Pipeline().Draw(t, "pipeline")
//		d := dealtest.Deal(p, start).Draw(t, "deal")
//		for _, c := range dealtest.Commands(p).Draw(t, "commands") {
//			next, e, err := c.Run(p, d, at)
//			...
//		}
//	})
package dealtest

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Roles returns the approver roles the generators use.
func Roles() []string { return []string{"manager", "director", "finance"} }

// Reps returns the rep keys the generators use.
func Reps() []string { return []string{"ana", "ben", "cai", "dee", "eli"} }

// Stage returns a generator of valid stages named name (probabilities in
// [0, 1] in hundredths, random forecast, durations, daily, weekly or
// monthly cadences and entry rules).
func Stage(name string) *rapid.Generator[deal.Stage] {
	return rapid.Custom(func(t *rapid.T) deal.Stage {
		s := deal.Stage{
			Name:             name,
			Probability:      decimal.New(rapid.Int64Range(0, 100).Draw(t, "probability"), -2),
			Forecast:         deal.ForecastCategory(rapid.IntRange(int(deal.ForecastPipeline), int(deal.ForecastOmitted)).Draw(t, "forecast")),
			ExpectedDuration: time.Duration(rapid.IntRange(0, 90).Draw(t, "days")) * 24 * time.Hour,
			AllowBackward:    rapid.Bool().Draw(t, "backward"),
		}
		if v := rapid.IntRange(0, 3).Draw(t, "visits"); v > 0 {
			per := rapid.SampledFrom([]deal.CadenceUnit{deal.PerDay, deal.PerWeek, deal.PerWeek, deal.PerMonth}).Draw(t, "per")
			s.Visits = deal.VisitCadence{Visits: v, Per: per}
		}
		fields := []deal.Field{deal.FieldAmount, deal.FieldCloseDate, deal.FieldContact, deal.FieldTeam}
		for _, f := range fields {
			if rapid.IntRange(0, 4).Draw(t, "require "+string(f)) == 0 {
				s.Entry.Require = append(s.Entry.Require, f)
			}
		}
		if rapid.IntRange(0, 3).Draw(t, "gate") == 0 {
			s.Entry.Approval = []string{rapid.SampledFrom(Roles()).Draw(t, "gate role")}
		}
		return s
	})
}

// PipelineSpec returns a generator of valid pipeline specs with 1 to
// maxStages stages (at most deal.MaxStages; values below 1 mean 6).
func PipelineSpec(maxStages int) *rapid.Generator[deal.PipelineSpec] {
	if maxStages < 1 {
		maxStages = 6
	}
	maxStages = min(maxStages, deal.MaxStages)
	return rapid.Custom(func(t *rapid.T) deal.PipelineSpec {
		n := rapid.IntRange(1, maxStages).Draw(t, "stages")
		spec := deal.PipelineSpec{
			ID:          "p" + strconv.Itoa(rapid.IntRange(0, 99).Draw(t, "id")),
			AllowReopen: rapid.Bool().Draw(t, "reopen"),
		}
		for i := range n {
			spec.Stages = append(spec.Stages, Stage("stage-"+strconv.Itoa(i)).Draw(t, "stage"))
		}
		rule := deal.ReactivationRule{Within: time.Duration(rapid.IntRange(0, 60).Draw(t, "within days")) * 24 * time.Hour}
		if rapid.Bool().Draw(t, "below") {
			below, _ := crmkit.NewMoney(rapid.Int64Range(0, 10_000_000).Draw(t, "below minor"), crmkit.MustCurrency("EUR"))
			rule.Below = below
		}
		if rapid.Bool().Draw(t, "rule approval") {
			rule.Roles = []string{rapid.SampledFrom(Roles()).Draw(t, "rule role")}
		}
		spec.Reactivation.Rules = []deal.ReactivationRule{rule}
		if rapid.Bool().Draw(t, "otherwise") {
			spec.Reactivation.Otherwise = []string{rapid.SampledFrom(Roles()).Draw(t, "otherwise role")}
		}
		return spec
	})
}

// Pipeline returns a generator of valid pipelines with up to 6 stages.
func Pipeline() *rapid.Generator[*deal.Pipeline] {
	return rapid.Custom(func(t *rapid.T) *deal.Pipeline {
		p, err := deal.NewPipeline(PipelineSpec(6).Draw(t, "spec"))
		if err != nil {
			t.Fatalf("generated an invalid pipeline: %v", err)
		}
		return p
	})
}

// Team returns a generator of valid teams for a deal owned by owner: the
// owner and up to three more reps of Reps(), revenue splits (fractions in
// whole basis points) summing to exactly 1, overlays within [0, 1]. It may
// be empty.
func Team(owner string) *rapid.Generator[[]deal.Member] {
	return rapid.Custom(func(t *rapid.T) []deal.Member {
		others := slices.DeleteFunc(Reps(), func(r string) bool { return r == owner })
		n := rapid.IntRange(0, min(3, len(others))).Draw(t, "members")
		if n == 0 && rapid.Bool().Draw(t, "empty") {
			return nil
		}
		reps := append([]string{owner}, rapid.Permutation(others).Draw(t, "reps")[:n]...)
		team := make([]deal.Member, len(reps))
		left := int64(10_000) // basis points
		for i, r := range reps {
			split := left
			if i < len(reps)-1 {
				split = rapid.Int64Range(0, left).Draw(t, "split")
			}
			left -= split
			team[i] = deal.Member{Rep: r, Role: "seller", Split: decimal.New(split, -4)}
			if rapid.IntRange(0, 3).Draw(t, "overlay?") == 0 {
				team[i].Overlay = decimal.New(rapid.Int64Range(0, 10_000).Draw(t, "overlay"), -4)
			}
		}
		team[0].Role = "owner"
		return team
	})
}

// NewDeal returns a generator of valid input for deal.New in p, created at
// at: amounts in EUR, optional close date, contact and team.
func NewDeal(p *deal.Pipeline, at time.Time) *rapid.Generator[deal.NewDeal] {
	return rapid.Custom(func(t *rapid.T) deal.NewDeal {
		owner := rapid.SampledFrom(Reps()).Draw(t, "owner")
		amount, _ := crmkit.NewMoney(rapid.Int64Range(0, 20_000_000).Draw(t, "amount minor"), crmkit.MustCurrency("EUR"))
		n := deal.NewDeal{
			ID:        uuidFrom(t, "id"),
			Name:      "deal " + strconv.Itoa(rapid.IntRange(0, 9999).Draw(t, "name")),
			Type:      deal.DealType(rapid.IntRange(int(deal.NewBusiness), int(deal.CrossSell)).Draw(t, "type")),
			Amount:    amount,
			AccountID: uuidFrom(t, "account"),
			Owner:     owner,
			Team:      Team(owner).Draw(t, "team"),
		}
		if rapid.Bool().Draw(t, "has close date") {
			n.CloseDate = at.AddDate(0, 0, rapid.IntRange(0, 365).Draw(t, "close in days"))
		}
		if rapid.Bool().Draw(t, "has contact") {
			n.ContactID = uuidFrom(t, "contact")
		}
		return n
	})
}

// Deal returns a generator of deals created by deal.New in p at at, in
// the first stage.
func Deal(p *deal.Pipeline, at time.Time) *rapid.Generator[deal.Deal] {
	return rapid.Custom(func(t *rapid.T) deal.Deal {
		n := NewDeal(p, at).Draw(t, "new deal")
		d, _, err := deal.New(p, n, deal.Cmd{Cmd: crmkit.Cmd{By: n.Owner, At: at}})
		if err != nil {
			t.Fatalf("generated invalid deal input: %v", err)
		}
		return d
	})
}

// uuidFrom draws a non-nil UUIDv7-shaped ID from rapid's seeded source, so
// that failing cases reproduce.
func uuidFrom(t *rapid.T, label string) uuid.UUID {
	var id uuid.UUID
	hi := rapid.Uint64().Draw(t, label+" hi")
	lo := rapid.Uint64().Draw(t, label+" lo")
	for i := range 8 {
		id[i] = byte(hi >> (56 - 8*i))
		id[8+i] = byte(lo >> (56 - 8*i))
	}
	id[6] = id[6]&0x0f | 0x70 // version 7
	id[8] = id[8]&0x3f | 0x80 // RFC 9562 variant
	return id
}

// Op is a kind of command in a generated sequence.
type Op uint8

// The command kinds.
const (
	OpMove Op = iota
	OpSuspend
	OpReactivate
	OpTerminate
	OpWin
	OpLose
	OpReopen
	OpTransfer
	OpSetTeam
	OpSetAmount
	OpLogActivity
	numOps
)

var opNames = [numOps]string{"move", "suspend", "reactivate", "terminate", "win", "lose", "reopen", "transfer", "set-team", "set-amount", "log-activity"}

// String names the op.
func (o Op) String() string {
	if o < numOps {
		return opNames[o]
	}
	return "Op(" + strconv.Itoa(int(o)) + ")"
}

// Command is one generated command. Run turns it into a call of package
// deal; the fields an op does not use are ignored.
type Command struct {
	Op Op
	// Actor issues the command (one of Reps()).
	Actor string
	// Advance is how much later than the previous command it comes.
	Advance time.Duration
	// Stage is the target of OpMove.
	Stage int
	// Approve attaches an approval (stage gates, reactivation) granted
	// by approvers holding the roles the rules ask for; SelfApproved has
	// the actor approve a step, which the rules forbid.
	Approve, SelfApproved bool
	// Rep is the successor of OpTransfer.
	Rep string
	// Team is the new team of OpSetTeam; it may be invalid (splits not
	// summing to 100%) when Broken.
	Team   []deal.Member
	Broken bool
	// Amount is the new amount of OpSetAmount in EUR cents (may be
	// negative: invalid).
	Amount int64
	// Reason is the reason given (may be empty: invalid for suspend,
	// terminate and lose).
	Reason string
}

// String describes c for failure messages.
func (c Command) String() string {
	return fmt.Sprintf("%s(by %s +%s stage=%d approve=%t self=%t rep=%s amount=%d reason=%q)",
		c.Op, c.Actor, c.Advance, c.Stage, c.Approve, c.SelfApproved, c.Rep, c.Amount, c.Reason)
}

// CommandFor returns a generator of single commands for deals of p.
func CommandFor(p *deal.Pipeline) *rapid.Generator[Command] {
	return rapid.Custom(func(t *rapid.T) Command {
		c := Command{
			Op:      Op(rapid.IntRange(0, int(numOps)-1).Draw(t, "op")),
			Actor:   rapid.SampledFrom(Reps()).Draw(t, "actor"),
			Advance: time.Duration(rapid.IntRange(0, 40*24).Draw(t, "advance hours")) * time.Hour,
		}
		switch c.Op {
		case OpMove:
			c.Stage = rapid.IntRange(0, p.Len()-1).Draw(t, "stage")
			c.Approve = rapid.Bool().Draw(t, "approve")
			c.SelfApproved = c.Approve && rapid.IntRange(0, 5).Draw(t, "self") == 0
		case OpReactivate:
			c.Approve = rapid.Bool().Draw(t, "approve")
			c.SelfApproved = c.Approve && rapid.IntRange(0, 5).Draw(t, "self") == 0
		case OpTransfer:
			c.Rep = rapid.SampledFrom(Reps()).Draw(t, "rep")
		case OpSetTeam:
			owner := rapid.SampledFrom(Reps()).Draw(t, "team owner")
			c.Team = Team(owner).Draw(t, "team")
			if len(c.Team) > 0 && rapid.IntRange(0, 4).Draw(t, "broken") == 0 {
				c.Team[0].Split = c.Team[0].Split.Sub(decimal.New(1, -4)) // 0.9999 in all
				c.Broken = true
			}
		case OpSetAmount:
			c.Amount = rapid.Int64Range(-1000, 20_000_000).Draw(t, "amount")
		}
		if rapid.IntRange(0, 9).Draw(t, "no reason") > 0 {
			c.Reason = rapid.SampledFrom([]string{"budget freeze", deal.LossPrice, deal.LossNotReady, deal.LossNoDecision}).Draw(t, "reason")
		}
		return c
	})
}

// Commands returns a generator of up to 40 commands for deals of p.
func Commands(p *deal.Pipeline) *rapid.Generator[[]Command] {
	return rapid.SliceOfN(CommandFor(p), 0, 40)
}

// GateRoles returns the approval roles a move of d to stage to needs in p:
// those of every stage entered or skipped on a forward move, none going
// back.
func GateRoles(p *deal.Pipeline, d deal.Deal, to int) []string {
	var roles []string
	for i := d.Stage + 1; i <= to; i++ {
		s, _ := p.Stage(i)
		roles = append(roles, s.Entry.Approval...)
	}
	return roles
}

// GrantedApproval returns an approval of subject requested by requester
// at at and granted an hour later, one step per role, each step approved
// by a different approver holding the role. If self is set, the first
// step is approved by actor (who is then not the requester), which the
// deal rules forbid.
func GrantedApproval(subject, requester, actor string, roles []string, at time.Time, self bool) (approval.Request, error) {
	if self && requester == actor {
		requester = "requester-of-" + actor
	}
	r, _, err := approval.New(subject, roles, time.Time{}, crmkit.Cmd{By: requester, At: at})
	if err != nil {
		return approval.Request{}, err
	}
	for i, role := range roles {
		by := approval.Cmd{Cmd: crmkit.Cmd{By: "approver-" + strconv.Itoa(i), At: at.Add(time.Hour), Reason: "ok"}, Roles: []string{role}}
		if self && i == 0 {
			by.By = actor
		}
		if r, _, err = r.Approve(by); err != nil {
			return approval.Request{}, err
		}
	}
	return r, nil
}

// Run applies c to d in p at time at and returns what the command
// returned. Approvals for OpMove and OpReactivate are built for the roles
// the pipeline's rules ask for (GateRoles, ReactivationPolicy.Decide),
// requested by the actor an hour before at.
func (c Command) Run(p *deal.Pipeline, d deal.Deal, at time.Time) (deal.Deal, crmkit.Event, error) {
	cmd := deal.Cmd{Cmd: crmkit.Cmd{By: c.Actor, At: at, Reason: c.Reason}}
	approval := func(subject string, roles []string) error {
		if !c.Approve {
			return nil
		}
		if len(roles) == 0 {
			roles = Roles()[:1]
		}
		r, err := GrantedApproval(subject, c.Actor, c.Actor, roles, at.Add(-2*time.Hour), c.SelfApproved)
		if err != nil {
			return err
		}
		cmd.Approval = &r
		return nil
	}
	switch c.Op {
	case OpMove:
		name := p.StageName(c.Stage)
		if err := approval(deal.StageSubject(d.ID, name), GateRoles(p, d, c.Stage)); err != nil {
			return deal.Deal{}, crmkit.Event{}, err
		}
		return p.Move(d, name, cmd)
	case OpSuspend:
		return p.Suspend(d, time.Time{}, cmd)
	case OpReactivate:
		var roles []string
		if r, err := p.Reactivation().Decide(d, at); err == nil {
			roles = r.Roles
		}
		if err := approval(deal.ReactivationSubject(d.ID), roles); err != nil {
			return deal.Deal{}, crmkit.Event{}, err
		}
		return p.Reactivate(d, cmd)
	case OpTerminate:
		return p.Terminate(d, cmd)
	case OpWin:
		return p.Win(d, deal.Outcome{Summary: "signed"}, cmd)
	case OpLose:
		return p.Lose(d, deal.Outcome{Reason: c.Reason, Summary: "lost"}, cmd)
	case OpReopen:
		return p.Reopen(d, cmd)
	case OpTransfer:
		return d.Transfer(c.Rep, cmd)
	case OpSetTeam:
		return d.SetTeam(c.Team, cmd)
	case OpSetAmount:
		amount, err := crmkit.NewMoney(c.Amount, crmkit.MustCurrency("EUR"))
		if err != nil {
			return deal.Deal{}, crmkit.Event{}, err
		}
		return d.SetAmount(amount, cmd)
	case OpLogActivity:
		cost, _ := crmkit.NewMoney(1500, crmkit.MustCurrency("EUR"))
		return d.LogActivity(deal.Activity{Kind: deal.ActivityVisit, Result: "met the buyer", Cost: cost}, cmd)
	}
	return deal.Deal{}, crmkit.Event{}, crmkit.Invalid("op", "unknown op %s", c.Op)
}
