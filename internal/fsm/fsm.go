// Package fsm is crmkit's one state-machine runtime. Every machine (the
// lead ladder, the deal status and stages, contracts, campaigns) is
// declared once as a github.com/looplab/fsm definition, which validates it,
// draws its diagrams and serves as the test oracle. Compile turns that
// definition into a Table: a flat transition table over small integer
// states and triggers. A Machine adds guards (plain functions of the
// aggregate, the command and the time) and runs every command, interactive
// or bulk, on the table. looplab is never called on the command path, so
// its run-time pitfalls (an instance stuck after a cancelled context,
// callback deadlocks) cannot reach a command, and no machine instances are
// pooled or shared.
package fsm

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	looplab "github.com/looplab/fsm"
)

// none marks a (state, trigger) pair with no transition.
const none = 0xFF

// MaxStates is the most states a Table holds (state numbers are bytes, and
// one byte value marks "no transition").
const MaxStates = none

// Table is a machine's definition compiled into a transition table. States
// and triggers are numbered by the slices given to Compile. A Table is
// immutable and safe for concurrent use; its zero value allows nothing.
type Table struct {
	def      looplab.Events
	states   []string
	triggers []string
	stateIx  map[string]int
	trigIx   map[string]int
	nt       int
	next     []uint8 // next[s*nt+t], none when illegal
}

// Compile validates a looplab definition against the machine's state and
// trigger names and compiles it. states[i] names state i ("" for an unused
// number: no event may use it); triggers[i] names trigger i (likewise "" for
// an unused number). Rules: names are unique, every event name is a trigger, every source
// and destination a state, an event has a source, no event loops on one
// state (looplab treats that as "no transition") and no (state, event)
// pair appears twice (looplab would silently keep the last). A broken
// definition is an error matching crmkit.ErrInvalid naming "events[i]".
func Compile(def looplab.Events, states, triggers []string) (*Table, error) {
	if len(states) > MaxStates {
		return nil, crmkit.Invalid("states", "%d states, at most %d", len(states), MaxStates)
	}
	if len(triggers) == 0 || len(states) == 0 {
		return nil, crmkit.Invalid("states", "a machine needs states and triggers")
	}
	t := &Table{
		states: slices.Clone(states), triggers: slices.Clone(triggers),
		stateIx: make(map[string]int, len(states)), trigIx: make(map[string]int, len(triggers)),
		nt: len(triggers), next: make([]uint8, len(states)*len(triggers)),
	}
	for i, s := range states {
		if s == "" {
			continue
		}
		if _, dup := t.stateIx[s]; dup {
			return nil, crmkit.Invalid(fmt.Sprintf("states[%d]", i), "state %q named twice", s)
		}
		t.stateIx[s] = i
	}
	for i, s := range triggers {
		if s == "" {
			continue
		}
		if _, dup := t.trigIx[s]; dup {
			return nil, crmkit.Invalid(fmt.Sprintf("triggers[%d]", i), "trigger %q named twice", s)
		}
		t.trigIx[s] = i
	}
	for i := range t.next {
		t.next[i] = none
	}
	for i, ev := range def {
		field := fmt.Sprintf("events[%d]", i)
		tr, ok := t.trigIx[ev.Name]
		if !ok {
			return nil, crmkit.Invalid(field, "event %q is not a trigger of the machine", ev.Name)
		}
		dst, ok := t.stateIx[ev.Dst]
		if !ok {
			return nil, crmkit.Invalid(field, "destination %q is not a state", ev.Dst)
		}
		if len(ev.Src) == 0 {
			return nil, crmkit.Invalid(field, "event %q has no source state", ev.Name)
		}
		for _, src := range ev.Src {
			s, ok := t.stateIx[src]
			switch {
			case !ok:
				return nil, crmkit.Invalid(field, "source %q is not a state", src)
			case s == dst:
				return nil, crmkit.Invalid(field, "event %q loops on state %s", ev.Name, src)
			case t.next[s*t.nt+tr] != none:
				return nil, crmkit.Invalid(field, "event %q from %s defined twice", ev.Name, src)
			}
			t.next[s*t.nt+tr] = uint8(dst)
		}
	}
	t.def = cloneEvents(def)
	return t, nil
}

func cloneEvents(def looplab.Events) looplab.Events {
	out := slices.Clone(def)
	for i := range out {
		out[i].Src = slices.Clone(out[i].Src)
	}
	return out
}

// Next returns the state trigger tr leads to from state s, and false when
// the definition has no such transition or either is out of range: one
// bounds check and a byte load, no allocation.
func (t *Table) Next(s, tr int) (int, bool) {
	if t == nil || uint(tr) >= uint(t.nt) || uint(s)*uint(t.nt)+uint(tr) >= uint(len(t.next)) {
		return 0, false
	}
	n := t.next[s*t.nt+tr]
	if n == none {
		return 0, false
	}
	return int(n), true
}

// NumStates returns the number of state numbers (used or not).
func (t *Table) NumStates() int { return len(t.states) }

// NumTriggers returns the number of triggers.
func (t *Table) NumTriggers() int { return t.nt }

// StateName returns the looplab name of state s, or "" when s is out of
// range or unused.
func (t *Table) StateName(s int) string {
	if uint(s) >= uint(len(t.states)) {
		return ""
	}
	return t.states[s]
}

// TriggerName returns the looplab event name of trigger tr, or "".
func (t *Table) TriggerName(tr int) string {
	if uint(tr) >= uint(t.nt) {
		return ""
	}
	return t.triggers[tr]
}

// State returns the number of the state named name.
func (t *Table) State(name string) (int, bool) {
	s, ok := t.stateIx[name]
	return s, ok
}

// Trigger returns the number of the trigger named name.
func (t *Table) Trigger(name string) (int, bool) {
	tr, ok := t.trigIx[name]
	return tr, ok
}

// Definition returns a deep copy of the looplab definition the table was
// compiled from.
func (t *Table) Definition() looplab.Events { return cloneEvents(t.def) }

// Events returns the definition without copying it; callers must not
// change it.
func (t *Table) Events() looplab.Events { return t.def }

// Looplab returns a fresh looplab machine of the definition in state
// initial, with no callbacks: the oracle for tests and the drawer of
// diagrams, never used on the command path.
func (t *Table) Looplab(initial string) *looplab.FSM {
	return looplab.NewFSM(initial, t.def, nil)
}

// Mermaid draws the definition as a Mermaid state diagram with looplab's
// visualiser, starting from state initial. States whose names Mermaid
// cannot take as identifiers (a space, a colon) are declared with an alias
// ("pending approval" as pending_approval), which looplab does not do.
func (t *Table) Mermaid(initial string) string {
	s, _ := looplab.VisualizeWithType(t.Looplab(initial), looplab.MERMAID) // a known type: no error
	alias := map[string]string{}
	var decl strings.Builder
	for _, name := range t.states {
		if name == "" || !strings.ContainsFunc(name, notIdent) {
			continue
		}
		id := strings.Map(func(r rune) rune {
			if notIdent(r) {
				return '_'
			}
			return r
		}, name)
		alias[name] = id
		fmt.Fprintf(&decl, "    state %q as %s\n", name, id)
	}
	if len(alias) == 0 {
		return s
	}
	name := func(n string) string {
		if id, ok := alias[n]; ok {
			return id
		}
		return n
	}
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for i, line := range lines {
		// looplab writes "    A --> B: event" and "    [*] --> A".
		body, nl := strings.CutSuffix(line, "\n")
		if src, rest, ok := strings.Cut(strings.TrimPrefix(body, "    "), " --> "); ok {
			dst, ev, labelled := strings.Cut(rest, ": ")
			body = "    " + name(src) + " --> " + name(dst)
			if labelled {
				body += ": " + ev
			}
		}
		b.WriteString(body)
		if nl {
			b.WriteString("\n")
		}
		if i == 0 {
			b.WriteString(decl.String())
		}
	}
	return b.String()
}

func notIdent(r rune) bool {
	return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
}

// Graphviz draws the definition in Graphviz dot format with looplab's
// visualiser, starting from state initial.
func (t *Table) Graphviz(initial string) string { return looplab.Visualize(t.Looplab(initial)) }

// Guard is an extra rule of a transition: a plain function of the context
// (for guards that look something up), the aggregate before the change,
// the command and the command's time. It returns nil to allow the
// transition. It gets copies: a guard cannot change the aggregate, and the
// caller's values never escape to the heap through it.
type Guard[A, C any] func(ctx context.Context, a A, c C, at time.Time) error

// Machine runs commands of aggregates of type A with commands of type C on
// a compiled Table, checking the guards of each trigger in the order they
// were added. It holds no per-command state and is safe for concurrent use
// once built.
type Machine[A, C any] struct {
	t      *Table
	guards [][]Guard[A, C] // by trigger
}

// NewMachine returns a machine running t with no guards.
func NewMachine[A, C any](t *Table) *Machine[A, C] {
	return &Machine[A, C]{t: t, guards: make([][]Guard[A, C], t.nt)}
}

// Table returns the machine's compiled table.
func (m *Machine[A, C]) Table() *Table { return m.t }

// Guard adds g to trigger tr. It is for building a machine, before it is
// shared: Guard is not safe to call concurrently with Fire.
func (m *Machine[A, C]) Guard(tr int, g Guard[A, C]) {
	if uint(tr) < uint(len(m.guards)) && g != nil {
		m.guards[tr] = append(m.guards[tr], g)
	}
}

// Guarded reports whether trigger tr has guards.
func (m *Machine[A, C]) Guarded(tr int) bool {
	return uint(tr) < uint(len(m.guards)) && len(m.guards[tr]) > 0
}

// Result says how Fire ended.
type Result uint8

// The results of Fire.
const (
	// Moved: the transition is allowed; the returned state is the next one.
	Moved Result = iota
	// Refused: the definition has no such transition (or the state or
	// trigger is out of range).
	Refused
	// Blocked: a guard returned the error.
	Blocked
	// Stopped: the context is nil or done; the error says which.
	Stopped
)

// Fire runs one command: it honours ctx, looks the transition up in the
// table and runs the trigger's guards; it returns the next state and Moved
// when everything allows the transition. Otherwise it returns Refused (no
// error: the caller names its aggregate in the message), Blocked with the
// guard's error unchanged, or Stopped with crmkit.ErrInvalid for a nil ctx
// or ctx.Err(). ctx is checked before the lookup and again after the
// guards, so a context cancelled while a guard ran still stops the
// command before anything changes. Fire changes neither a nor c and
// keeps no reference to them.
func (m *Machine[A, C]) Fire(ctx context.Context, from, tr int, a *A, c *C, at time.Time) (int, Result, error) {
	if ctx == nil {
		return 0, Stopped, crmkit.Invalid("ctx", "nil context")
	}
	if err := ctx.Err(); err != nil {
		return 0, Stopped, err
	}
	next, ok := m.t.Next(from, tr)
	if !ok {
		return 0, Refused, nil
	}
	gs := m.guards[tr]
	if len(gs) == 0 {
		return next, Moved, nil
	}
	for _, g := range gs {
		if err := g(ctx, *a, *c, at); err != nil {
			return 0, Blocked, err
		}
	}
	if err := ctx.Err(); err != nil {
		return 0, Stopped, err
	}
	return next, Moved, nil
}
