package deal_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/dealtest"
	"github.com/crmkit/crmkit/internal/fsm/fsmtest"
	"github.com/looplab/fsm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// pipelineSubject numbers a pipeline's states as status*stages+stage (its
// own numbering, independent of the package's packing) and hands
// Pipeline.Next to the runtime agreement check.
func pipelineSubject(p *deal.Pipeline) fsmtest.Subject {
	statuses := deal.Statuses()
	n := p.Len()
	states := make([]string, len(statuses)*n)
	for i, st := range statuses {
		for stage := range n {
			states[i*n+stage] = p.StateName(st, stage)
		}
	}
	var triggers []string
	for _, t := range p.Triggers() {
		triggers = append(triggers, p.TriggerName(t))
	}
	index := func(st deal.Status) int {
		for i, s := range statuses {
			if s == st {
				return i
			}
		}
		return -1
	}
	return fsmtest.Subject{Def: p.Definition(), States: states, Triggers: triggers,
		Next: func(s, tr int) (int, bool) {
			st, stage, ok := p.Next(statuses[s/n], s%n, deal.Trigger(tr))
			if !ok {
				return 0, false
			}
			return index(st)*n + stage, true
		}}
}

// TestPipelineRuntimeAgreesWithLooplab compares the compiled runtime of
// the default pipeline and of every pipeline the generator draws with a
// looplab machine of its definition: every (state, trigger) pair and a
// random trigger sequence.
func TestPipelineRuntimeAgreesWithLooplab(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) { fsmtest.Agree(t, pipelineSubject(deal.DefaultPipeline())) })
	rapid.Check(t, func(t *rapid.T) {
		fsmtest.Agree(t, pipelineSubject(dealtest.Pipeline().Draw(t, "pipeline")))
	})
}

// TestNilAndZeroPipelineAreInvalid runs every command, the replays and
// the accessors of the state machine on a nil and a zero Pipeline and with
// a nil context: errors matching crmkit.ErrInvalid, no panic.
func TestNilAndZeroPipelineAreInvalid(t *testing.T) {
	good := deal.DefaultPipeline()
	_, d := benchDeal(t, good)
	c := deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: dealStart.Add(time.Hour), Reason: "r"}}
	o := deal.Outcome{Reason: deal.LossPrice, Summary: "s"}
	var nilP *deal.Pipeline
	for name, p := range map[string]*deal.Pipeline{"nil": nilP, "zero": {}} {
		calls := map[string]func() error{
			"Move":       func() error { _, _, err := p.Move(d, "bidding", c); return err },
			"Suspend":    func() error { _, _, err := p.Suspend(d, time.Time{}, c); return err },
			"Reactivate": func() error { _, _, err := p.Reactivate(d, c); return err },
			"Terminate":  func() error { _, _, err := p.Terminate(d, c); return err },
			"Win":        func() error { _, _, err := p.Win(d, o, c); return err },
			"Lose":       func() error { _, _, err := p.Lose(d, o, c); return err },
			"Reopen":     func() error { _, _, err := p.Reopen(d, c); return err },
			"Replay":     func() error { _, err := p.Replay(nil); return err },
			"ReplayAll":  func() error { _, err := p.ReplayAll(nil); return err },
			"Apply":      func() error { _, err := p.Apply(d, crmkit.Event{}); return err },
			"New":        func() error { _, _, err := deal.New(p, deal.NewDeal{}, c); return err },
		}
		for call, f := range calls {
			assert.ErrorIs(t, f(), crmkit.ErrInvalid, "%s pipeline: %s", name, call)
		}
		_, _, ok := p.Next(deal.Open, 0, deal.MoveTrigger(1))
		assert.False(t, ok)
		assert.False(t, p.Can(d, deal.MoveTrigger(1)))
		assert.Empty(t, p.TriggerName(deal.TriggerWin))
		assert.Empty(t, p.StateName(deal.Open, 0))
		assert.Empty(t, p.Triggers())
		assert.Empty(t, p.Definition())
		assert.Empty(t, p.Mermaid())
		assert.Empty(t, p.Graphviz())
	}
	_, _, err := good.Move(d, "bidding", deal.Cmd{})
	require.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = good.Win(d, o, deal.Cmd{})
	require.ErrorIs(t, err, crmkit.ErrInvalid)
}

// triggerOf names the looplab event a generated command fires, or "" for
// a command that is no transition (transfer, team, amount, activity).
func triggerOf(p *deal.Pipeline, c dealtest.Command) string {
	switch c.Op {
	case dealtest.OpMove:
		return p.TriggerName(deal.MoveTrigger(c.Stage))
	case dealtest.OpSuspend:
		return "suspend"
	case dealtest.OpReactivate:
		return "reactivate"
	case dealtest.OpTerminate:
		return "terminate"
	case dealtest.OpWin:
		return "win"
	case dealtest.OpLose:
		return "lose"
	case dealtest.OpReopen:
		return "reopen"
	}
	return ""
}

// TestPipelineCommandsFollowLooplab runs random command sequences on
// deals of generated pipelines and checks every transition command against
// a looplab machine of the pipeline's definition, kept in the deal's
// state: a command looplab refuses is ErrIllegalTransition; a command that
// succeeds reaches looplab's state. (A command looplab allows may still be
// refused by a guard or bad input: the deal is then unchanged.)
func TestPipelineCommandsFollowLooplab(t *testing.T) {
	ctx := context.Background()
	rapid.Check(t, func(t *rapid.T) {
		p := dealtest.Pipeline().Draw(t, "pipeline")
		d := dealtest.Deal(p, dealStart).Draw(t, "deal")
		f := fsm.NewFSM(p.StateName(d.Status, d.Stage), p.Definition(), nil)
		at := d.UpdatedAt
		for i, c := range dealtest.Commands(p).Draw(t, "commands") {
			at = at.Add(c.Advance)
			name := triggerOf(p, c)
			got, _, err := c.Run(p, d, at)
			if name == "" {
				if err == nil {
					d = got
				}
				continue
			}
			f.SetState(p.StateName(d.Status, d.Stage))
			ferr := f.Event(ctx, name)
			if ferr != nil {
				if !errors.Is(err, crmkit.ErrIllegalTransition) && !errors.Is(err, crmkit.ErrInvalid) {
					t.Fatalf("command %d %s from %s: looplab refuses (%v), command returned %v", i, c, p.StateName(d.Status, d.Stage), ferr, err)
				}
				continue
			}
			if err != nil {
				require.False(t, errors.Is(err, crmkit.ErrIllegalTransition), "command %d %s: looplab allows %s, command says %v", i, c, name, err)
				continue
			}
			require.Equal(t, f.Current(), p.StateName(got.Status, got.Stage), "command %d %s", i, c)
			d = got
		}
	})
}
