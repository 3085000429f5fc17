// Package fsmtest checks a compiled state machine against its looplab/fsm
// definition, the oracle: every machine's tests call Agree with the
// machine's public transition function.
package fsmtest

import (
	"context"

	looplab "github.com/looplab/fsm"
	"pgregory.net/rapid"
)

// Subject is a machine as its package exposes it: the looplab definition,
// the state and trigger names by number ("" for an unused state number)
// and the transition function under test.
type Subject struct {
	Def      looplab.Events
	States   []string
	Triggers []string
	// Next is the machine's answer: the state trigger tr leads to from s,
	// and false when it is refused.
	Next func(s, tr int) (int, bool)
}

// Agree checks that s.Next and a looplab machine of s.Def agree on every
// (state, trigger) pair, including a trigger number one beyond the last,
// and on a random sequence of triggers drawn from t: same accepted or
// refused, same next state.
func Agree(t *rapid.T, s Subject) {
	ctx := context.Background()
	var used []int
	for i, name := range s.States {
		if name != "" {
			used = append(used, i)
		}
	}
	if len(used) == 0 {
		t.Fatalf("no states")
	}
	// One oracle instance, moved with SetState: without callbacks a looplab
	// machine keeps no state but its current one, even after an error.
	f := looplab.NewFSM(s.States[used[0]], s.Def, nil)
	step := func(st, tr int) (int, bool) {
		f.SetState(s.States[st])
		name := ""
		if tr < len(s.Triggers) {
			name = s.Triggers[tr]
		}
		err := f.Event(ctx, name)
		next, ok := s.Next(st, tr)
		if (err == nil) != ok {
			t.Fatalf("%s --%s-->: looplab error %v, runtime ok=%t", s.States[st], name, err, ok)
		}
		if !ok {
			if f.Current() != s.States[st] {
				t.Fatalf("%s --%s-->: refused, but looplab moved to %s", s.States[st], name, f.Current())
			}
			return st, false
		}
		if next < 0 || next >= len(s.States) || f.Current() != s.States[next] {
			t.Fatalf("%s --%s-->: looplab reached %s, runtime state %d", s.States[st], name, f.Current(), next)
		}
		return next, true
	}
	for _, st := range used {
		for tr := 0; tr <= len(s.Triggers); tr++ {
			step(st, tr)
		}
	}
	st := rapid.SampledFrom(used).Draw(t, "start")
	seq := rapid.SliceOfN(rapid.IntRange(0, len(s.Triggers)-1), 0, 40).Draw(t, "triggers")
	for _, tr := range seq {
		st, _ = step(st, tr)
	}
}
