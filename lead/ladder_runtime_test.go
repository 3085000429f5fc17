package lead_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/fsm/fsmtest"
	"github.com/crmkit/crmkit/lead"
	"github.com/looplab/fsm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// ladderSubject is the ladder as the runtime agreement check sees it:
// stages and actions by number, Ladder.Next the transition function.
func ladderSubject(lad *lead.Ladder) fsmtest.Subject {
	states := make([]string, int(lead.StageDisqualified)+1)
	for s := lead.StageSuspect; s <= lead.StageDisqualified; s++ {
		states[s] = s.String()
	}
	triggers := make([]string, int(lead.ActionConvert)+1)
	for _, a := range lead.Actions() {
		triggers[a] = a.String()
	}
	return fsmtest.Subject{Def: lead.LadderEvents(), States: states, Triggers: triggers,
		Next: func(s, tr int) (int, bool) {
			n, ok := lad.Next(lead.Stage(s), lead.Action(tr))
			return int(n), ok
		}}
}

// TestLadderAgreesWithLooplabOnEveryPairAndSequence compares the compiled
// runtime with a looplab instance of LadderEvents on every (stage, action)
// pair and on random action sequences.
func TestLadderAgreesWithLooplabOnEveryPairAndSequence(t *testing.T) {
	lad := newLadder(t, crmkit.NewFakeClock(t0))
	rapid.Check(t, func(t *rapid.T) { fsmtest.Agree(t, ladderSubject(lad)) })
}

// TestLadderCommandsFollowTheDefinition drives the command path (Fire)
// with random actions and checks every outcome against a looplab machine
// of the definition: accepted exactly when looplab accepts, same stage.
func TestLadderCommandsFollowTheDefinition(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		clock := crmkit.NewFakeClock(t0)
		lad := newLadder(t, clock)
		l := captured(t, clock)
		f := fsm.NewFSM(l.Stage.String(), lead.LadderEvents(), nil)
		for i, a := range rapid.SliceOfN(rapid.SampledFrom(lead.Actions()), 1, 30).Draw(t, "actions") {
			if a == lead.ActionConvert {
				continue // Convert is its own command
			}
			clock.Advance(time.Hour)
			err := f.Event(context.Background(), a.String())
			next, ev, ferr := lad.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{By: "u", Reason: "r", At: clock.Now()}, Action: a, RevisitAt: clock.Now().Add(time.Hour)})
			require.Equal(t, err == nil, ferr == nil, "step %d: %s from %s: looplab %v, Fire %v", i, a, l.Stage, err, ferr)
			if ferr != nil {
				require.ErrorIs(t, ferr, crmkit.ErrIllegalTransition)
				continue
			}
			require.Equal(t, f.Current(), next.Stage.String())
			require.Equal(t, l.Version+1, ev.Version)
			l = next
		}
	})
}

func TestLadderNilAndZeroAreInvalid(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	l := captured(t, clock)
	var nilLadder *lead.Ladder
	var zero lead.Ladder
	for name, lad := range map[string]*lead.Ladder{"nil": nilLadder, "zero": &zero} {
		_, _, err := lad.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{By: "u", Reason: "r", At: clock.Now()}, Action: lead.ActionQualify})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		_, _, err = lad.Fire(context.Background(), l, lead.Command{Action: lead.ActionAccept})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		_, err = lad.Convert(context.Background(), l, lead.ConvertInput{})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		_, err = lad.ReplayStage(nil)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		_, ok := lad.Next(lead.StageSuspect, lead.ActionQualify)
		assert.False(t, ok, name)
		assert.NotEmpty(t, lad.Mermaid(), name)
	}
	lad := newLadder(t, clock)
	_, _, err := lad.Fire(nil, l, lead.Command{Cmd: crmkit.Cmd{By: "u", Reason: "r", At: clock.Now()}, Action: lead.ActionQualify}) //lint:ignore SA1012 a nil context is the input under test
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = lad.Convert(nil, l, lead.ConvertInput{}) //lint:ignore SA1012 a nil context is the input under test
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = lad.ReplayStage(nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// TestGuardSeesTheCommandTimeAndCancellationDuringGuard checks that a
// context cancelled while a guard runs stops the command before any
// change, and that the guard gets the resolved command time.
func TestGuardSeesTheCommandTimeAndCancellationDuringGuard(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	ctx, cancel := context.WithCancel(context.Background())
	var seen time.Time
	lad := newLadder(t, clock, lead.Guard{Action: lead.ActionQualify, Name: "slow", Check: func(_ context.Context, _ lead.Lead, cmd lead.Command) error {
		seen = cmd.At
		cancel()
		return nil
	}})
	l := captured(t, clock)
	_, _, err := lad.Fire(ctx, l, lead.Command{Cmd: crmkit.Cmd{By: "u", Reason: "r", At: clock.Now()}, Action: lead.ActionQualify})
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
	assert.True(t, seen.Equal(t0), "guard saw %s", seen)
	// The ladder is not poisoned: the next command runs.
	got, _, err := lad.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{By: "u", Reason: "r", At: clock.Now()}, Action: lead.ActionQualify})
	require.NoError(t, err)
	assert.Equal(t, lead.StageMQL, got.Stage)
}
