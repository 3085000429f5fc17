package fsm_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/fsm"
	"github.com/crmkit/crmkit/internal/fsm/fsmtest"
	looplab "github.com/looplab/fsm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// A door: closed -open-> opened -close-> closed; closed -lock-> locked
// -unlock-> closed.
var (
	doorStates   = []string{"", "closed", "opened", "locked"}
	doorTriggers = []string{"open", "close", "lock", "unlock"}
	doorEvents   = looplab.Events{
		{Name: "open", Src: []string{"closed"}, Dst: "opened"},
		{Name: "close", Src: []string{"opened"}, Dst: "closed"},
		{Name: "lock", Src: []string{"closed"}, Dst: "locked"},
		{Name: "unlock", Src: []string{"locked"}, Dst: "closed"},
	}
)

const (
	closed, opened, locked = 1, 2, 3
	open, shut, lock       = 0, 1, 2
)

func door(t *testing.T) *fsm.Table {
	tbl, err := fsm.Compile(doorEvents, doorStates, doorTriggers)
	require.NoError(t, err)
	return tbl
}

func TestCompiledTableByHand(t *testing.T) {
	tbl := door(t)
	// Every pair, from the drawing above.
	want := map[[2]int]int{{closed, open}: opened, {opened, shut}: closed, {closed, lock}: locked, {locked, 3}: closed}
	for s := -1; s <= len(doorStates); s++ {
		for tr := -1; tr <= len(doorTriggers); tr++ {
			n, ok := tbl.Next(s, tr)
			w, wok := want[[2]int{s, tr}]
			assert.Equal(t, wok, ok, "%d %d", s, tr)
			assert.Equal(t, w, n, "%d %d", s, tr)
		}
	}
	var zero *fsm.Table
	_, ok := zero.Next(closed, open)
	assert.False(t, ok)
	rapid.Check(t, func(rt *rapid.T) {
		fsmtest.Agree(rt, fsmtest.Subject{Def: doorEvents, States: doorStates, Triggers: doorTriggers, Next: tbl.Next})
	})
}

func TestCompileRejectsBrokenDefinitions(t *testing.T) {
	cases := map[string]looplab.Events{
		"unknown event":       {{Name: "kick", Src: []string{"closed"}, Dst: "opened"}},
		"unknown destination": {{Name: "open", Src: []string{"closed"}, Dst: "ajar"}},
		"unknown source":      {{Name: "open", Src: []string{"ajar"}, Dst: "opened"}},
		"no source":           {{Name: "open", Dst: "opened"}},
		"loop":                {{Name: "open", Src: []string{"opened"}, Dst: "opened"}},
		"twice": {
			{Name: "open", Src: []string{"closed"}, Dst: "opened"},
			{Name: "open", Src: []string{"closed"}, Dst: "locked"},
		},
		"unused state": {{Name: "open", Src: []string{""}, Dst: "opened"}},
	}
	for name, def := range cases {
		_, err := fsm.Compile(def, doorStates, doorTriggers)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	_, err := fsm.Compile(doorEvents, []string{"a", "a"}, doorTriggers)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = fsm.Compile(doorEvents, doorStates, []string{"open", "open"})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = fsm.Compile(doorEvents, make([]string, 300), doorTriggers)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

type doorCmd struct{ who string }

func TestFire(t *testing.T) {
	m := fsm.NewMachine[int, doorCmd](door(t))
	errAway := errors.New("the key holder is away")
	var seen time.Time
	m.Guard(lock, func(_ context.Context, a int, c doorCmd, at time.Time) error {
		seen = at
		if c.who != "keeper" {
			return errAway
		}
		return nil
	})
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ctx := context.Background()
	agg, cmd := 7, doorCmd{who: "keeper"}

	n, res, err := m.Fire(ctx, closed, open, &agg, &cmd, at)
	assert.Equal(t, [3]any{opened, fsm.Moved, nil}, [3]any{n, res, err})
	_, res, err = m.Fire(ctx, opened, open, &agg, &cmd, at)
	assert.Equal(t, fsm.Refused, res)
	assert.NoError(t, err)
	n, res, err = m.Fire(ctx, closed, lock, &agg, &cmd, at)
	assert.Equal(t, [3]any{locked, fsm.Moved, nil}, [3]any{n, res, err})
	assert.True(t, seen.Equal(at))

	stranger := doorCmd{who: "stranger"}
	_, res, err = m.Fire(ctx, closed, lock, &agg, &stranger, at)
	assert.Equal(t, fsm.Blocked, res)
	assert.ErrorIs(t, err, errAway)

	//lint:ignore SA1012 a nil context is the input under test
	_, res, err = m.Fire(nil, closed, open, &agg, &cmd, at)
	assert.Equal(t, fsm.Stopped, res)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	done, cancel := context.WithCancel(ctx)
	cancel()
	_, res, err = m.Fire(done, closed, open, &agg, &cmd, at)
	assert.Equal(t, fsm.Stopped, res)
	assert.ErrorIs(t, err, context.Canceled)

	// Cancelled while the guard runs: stopped after the guards.
	m2 := fsm.NewMachine[int, doorCmd](door(t))
	ctx2, cancel2 := context.WithCancel(ctx)
	m2.Guard(open, func(context.Context, int, doorCmd, time.Time) error { cancel2(); return nil })
	_, res, err = m2.Fire(ctx2, closed, open, &agg, &cmd, at)
	assert.Equal(t, fsm.Stopped, res)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 7, agg)
	assert.True(t, m2.Guarded(open))
	assert.False(t, m2.Guarded(shut))
}

func TestDrawing(t *testing.T) {
	tbl := door(t)
	assert.Contains(t, tbl.Mermaid("closed"), "closed --> opened: open")
	assert.Contains(t, tbl.Graphviz("closed"), `"closed" -> "opened" [ label = "open" ];`)
	def := tbl.Definition()
	def[0].Src[0] = "changed"
	assert.Equal(t, "closed", tbl.Events()[0].Src[0], "Definition returns a copy")
}

func TestMermaidAliasesNamesWithSpaces(t *testing.T) {
	states := []string{"on hold", "done"}
	tbl, err := fsm.Compile(looplab.Events{{Name: "finish", Src: []string{"on hold"}, Dst: "done"}}, states, []string{"finish"})
	require.NoError(t, err)
	want := "stateDiagram-v2\n" +
		"    state \"on hold\" as on_hold\n" +
		"    [*] --> on_hold\n" +
		"    on_hold --> done: finish\n"
	assert.Equal(t, want, tbl.Mermaid("on hold"))
}
