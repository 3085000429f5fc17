package deal

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
	"github.com/looplab/fsm"
)

// Trigger is an event of a pipeline's state machine, by number: the six
// status events and one move per stage (MoveTrigger). Bulk code uses it
// with Pipeline.Next; interactive code calls the commands (Pipeline.Move,
// Pipeline.Suspend, ...), which fire the same events by name.
type Trigger uint8

// The status triggers; stage moves are MoveTrigger(stage).
const (
	TriggerSuspend    Trigger = iota // open -> suspended
	TriggerReactivate                // suspended -> open
	TriggerTerminate                 // open or suspended -> terminated
	TriggerWin                       // open -> won
	TriggerLose                      // open -> lost
	TriggerReopen                    // lost -> open, if the pipeline allows
	numStatusTriggers
)

var triggerNames = [numStatusTriggers]string{"suspend", "reactivate", "terminate", "win", "lose", "reopen"}

// MoveTrigger returns the trigger that moves an open deal to stage (an
// index into the pipeline). Out-of-range stages give a trigger that no
// pipeline accepts.
func MoveTrigger(stage int) Trigger {
	if stage < 0 || stage >= MaxStages {
		return noTrigger
	}
	return numStatusTriggers + Trigger(stage)
}

// noTrigger is beyond every pipeline's triggers.
const noTrigger Trigger = 0xFF

// moveEvent is the looplab event name of a move to a stage.
func moveEvent(stage string) string { return "move:" + stage }

// state packs a status and a stage index into one byte: status-1 in the
// top three bits, the stage in the low five. noState marks an illegal
// (state, trigger) pair in the compiled table.
type state uint8

const noState state = 0xFF

// triggerStride is the row width of the compiled table (a power of two at
// least numStatusTriggers+MaxStages).
const triggerStride = 64

func packState(s Status, stage int) state { return state(uint8(s-1)<<5 | uint8(stage)) }
func (s state) status() Status            { return Status(s>>5) + 1 }
func (s state) stage() int                { return int(s & (MaxStages - 1)) }

// machine is a pipeline's compiled state machine: the looplab definition
// and the table compiled from it.
type machine struct {
	events    fsm.Events
	nTriggers int
	// table has a row for every byte value (so that a masked index
	// needs no bounds check and noState's row is all noState).
	table    [256 * triggerStride]state
	names    [256]string // state -> looplab state name ("" for none)
	triggers []string    // trigger -> looplab event name
}

// compile builds the looplab definition of spec's machine and the table
// compiled from exactly that definition.
func compile(spec PipelineSpec) machine {
	n := len(spec.Stages)
	var m machine
	byName := make(map[string]state, numStatuses*n)
	for _, st := range []Status{Open, Won, Lost, Suspended, Terminated} {
		for i, stage := range spec.Stages {
			s := packState(st, i)
			m.names[s] = st.String() + ":" + stage.Name
			byName[m.names[s]] = s
		}
	}
	name := func(st Status, i int) string { return m.names[packState(st, i)] }

	m.triggers = append(triggerNames[:], make([]string, n)...)
	for t := range n {
		m.triggers[int(numStatusTriggers)+t] = moveEvent(spec.Stages[t].Name)
		var src []string
		for i := range n {
			if i < t || (i > t && spec.Stages[i].AllowBackward) {
				src = append(src, name(Open, i))
			}
		}
		if len(src) > 0 {
			m.events = append(m.events, fsm.EventDesc{Name: m.triggers[int(numStatusTriggers)+t], Src: src, Dst: name(Open, t)})
		}
	}
	for i := range n {
		m.events = append(m.events,
			fsm.EventDesc{Name: "suspend", Src: []string{name(Open, i)}, Dst: name(Suspended, i)},
			fsm.EventDesc{Name: "reactivate", Src: []string{name(Suspended, i)}, Dst: name(Open, i)},
			fsm.EventDesc{Name: "terminate", Src: []string{name(Open, i), name(Suspended, i)}, Dst: name(Terminated, i)},
			fsm.EventDesc{Name: "win", Src: []string{name(Open, i)}, Dst: name(Won, i)},
			fsm.EventDesc{Name: "lose", Src: []string{name(Open, i)}, Dst: name(Lost, i)},
		)
		if spec.AllowReopen {
			m.events = append(m.events, fsm.EventDesc{Name: "reopen", Src: []string{name(Lost, i)}, Dst: name(Open, i)})
		}
	}
	m.nTriggers = len(m.triggers)

	trig := make(map[string]Trigger, m.nTriggers)
	for t, s := range m.triggers {
		trig[s] = Trigger(t)
	}
	for i := range m.table {
		m.table[i] = noState
	}
	for _, e := range m.events {
		t, dst := trig[e.Name], byName[e.Dst]
		for _, src := range e.Src {
			m.table[int(byName[src])*triggerStride+int(t)] = dst
		}
	}
	return m
}

// next is the compiled-table transition: the state after trigger t from s,
// or noState when the definition has no such transition.
func (m *machine) next(s state, t Trigger) state {
	if int(t) >= m.nTriggers {
		return noState
	}
	return m.table[(int(s)*triggerStride+int(t))&(len(m.table)-1)]
}

// Next returns the status and stage a deal in (status, stage) reaches by
// trigger t, and false when the pipeline's definition has no such
// transition (or the arguments are out of range). It is the compiled-table
// path for bulk work (replay, import validation, simulation): a table
// lookup, no allocation. It checks the definition only, not the guards
// (entry rules, approvals) that the interactive commands apply.
func (p *Pipeline) Next(status Status, stage int, t Trigger) (Status, int, bool) {
	if !status.valid() || uint(stage) >= uint(len(p.spec.Stages)) {
		return 0, 0, false
	}
	s := p.m.next(packState(status, stage), t)
	if s == noState {
		return 0, 0, false
	}
	return s.status(), s.stage(), true
}

// Can reports whether the definition allows trigger t for deal d now
// (guards not included). It is what a user interface asks to decide which
// actions to offer.
func (p *Pipeline) Can(d Deal, t Trigger) bool {
	if d.PipelineID != p.spec.ID {
		return false
	}
	_, _, ok := p.Next(d.Status, d.Stage, t)
	return ok
}

// TriggerName returns the looplab event name of t in this pipeline, such
// as "suspend" or "move:negotiation", or "" if t is out of range.
func (p *Pipeline) TriggerName(t Trigger) string {
	if int(t) >= p.m.nTriggers {
		return ""
	}
	return p.m.triggers[t]
}

// StateName returns the looplab state name of a deal in (status, stage),
// such as "open:negotiation", or "" if out of range.
func (p *Pipeline) StateName(status Status, stage int) string {
	if !status.valid() || uint(stage) >= uint(len(p.spec.Stages)) {
		return ""
	}
	return p.m.names[packState(status, stage)]
}

// Mermaid draws the pipeline's state machine as a Mermaid state diagram,
// rendered from the same definition the machines run (Definition), with
// the states of closed, suspended and terminated deals grouped per stage.
// The output is deterministic.
func (p *Pipeline) Mermaid() string {
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	id := func(name string) string {
		st, stage, _ := strings.Cut(name, ":")
		i, _ := p.StageIndex(stage)
		return st + strconv.Itoa(i)
	}
	for _, st := range []Status{Open, Suspended, Won, Lost, Terminated} {
		for i := range p.spec.Stages {
			n := p.m.names[packState(st, i)]
			fmt.Fprintf(&b, "    state %q as %s\n", n, id(n))
		}
	}
	fmt.Fprintf(&b, "    [*] --> %s\n", id(p.m.names[packState(Open, 0)]))
	for _, e := range p.m.events {
		for _, src := range e.Src {
			fmt.Fprintf(&b, "    %s --> %s: %s\n", id(src), id(e.Dst), e.Name)
		}
	}
	for i := range p.spec.Stages {
		fmt.Fprintf(&b, "    %s --> [*]\n", id(p.m.names[packState(Terminated, i)]))
	}
	return b.String()
}

// Graphviz draws the pipeline's state machine in Graphviz dot format with
// looplab/fsm's own visualiser, from the same definition the machines run.
func (p *Pipeline) Graphviz() string {
	return fsm.Visualize(fsm.NewFSM(p.m.names[packState(Open, 0)], p.m.events, nil))
}

// looplabMachine is one pooled looplab/fsm instance of a pipeline. While a
// command fires, view, at, by and approval hold what the guard reads of
// the command's input; they are cleared before the machine goes back to
// the pool.
type looplabMachine struct {
	f        *fsm.FSM
	p        *Pipeline
	view     guardView
	at       time.Time
	by       string
	approval *ApprovalRequest
	trig     Trigger
}

// guardView is the part of a deal the guard reads. It is copied into the
// pooled machine instead of the whole Deal: a quarter of the bytes and
// almost no pointers, which keeps the copy and its write barriers cheap.
type guardView struct {
	id          uuid.UUID
	stage       int
	amount      crmkit.Money
	suspendedAt time.Time
	closeDate   bool
	contact     bool
	sourceLead  bool
	campaign    bool
	team        bool
}

func viewOf(d *Deal) guardView {
	return guardView{
		id: d.ID, stage: d.Stage, amount: d.Amount, suspendedAt: d.Suspension.At,
		closeDate: !d.CloseDate.IsZero(), contact: d.ContactID != uuid.Nil,
		sourceLead: d.SourceLeadID != uuid.Nil, campaign: d.CampaignID != uuid.Nil, team: len(d.Team) > 0,
	}
}

// has reports whether the deal fills a field an entry rule requires.
func (v *guardView) has(f Field) bool {
	switch f {
	case FieldAmount:
		return v.amount.Sign() > 0
	case FieldCloseDate:
		return v.closeDate
	case FieldContact:
		return v.contact
	case FieldSourceLead:
		return v.sourceLead
	case FieldCampaign:
		return v.campaign
	case FieldTeam:
		return v.team
	}
	return false
}

func (p *Pipeline) newLooplab() *looplabMachine {
	m := &looplabMachine{p: p}
	m.f = fsm.NewFSM(p.m.names[packState(Open, 0)], p.m.events, fsm.Callbacks{
		// The one guard of every event: it checks the pipeline's rules
		// and cancels the transition with the reason. It never fires an
		// event itself (that would deadlock looplab).
		"before_event": func(_ context.Context, e *fsm.Event) {
			if err := m.guard(); err != nil {
				e.Cancel(err)
			}
		},
	})
	return m
}

// guard applies the rules that the definition alone does not: stage entry
// rules and approvals, and the reactivation policy.
func (m *looplabMachine) guard() error {
	v, p := &m.view, m.p
	switch t := m.trig; {
	case t == TriggerReactivate:
		r, err := p.spec.Reactivation.Decide(Deal{ID: v.id, Status: Suspended, Amount: v.amount, Suspension: Suspension{At: v.suspendedAt}}, m.at)
		if err != nil {
			return err
		}
		if !r.Automatic {
			return m.checkApproval(ReactivationSubject(v.id), r.Roles, "reactivate")
		}
	case t >= numStatusTriggers:
		to := int(t - numStatusTriggers)
		if to <= v.stage {
			return nil // moving back enters no gate
		}
		var roles []string
		for i := v.stage + 1; i <= to; i++ {
			st := &p.spec.Stages[i]
			for _, f := range st.Entry.Require {
				if !v.has(f) {
					return crmkit.Invalid(string(f), "deal %s needs %s to enter stage %q", v.id, f, st.Name)
				}
			}
			roles = append(roles, st.Entry.Approval...)
		}
		if len(roles) > 0 {
			return m.checkApproval(StageSubject(v.id, p.spec.Stages[to].Name), roles, "enter stage "+p.spec.Stages[to].Name)
		}
	}
	return nil
}

// ReactivationSubject is the approval subject for reactivating deal id.
func ReactivationSubject(id uuid.UUID) string { return "deal " + id.String() + " reactivation" }

// StageSubject is the approval subject for deal id entering stage.
func StageSubject(id uuid.UUID, stage string) string {
	return "deal " + id.String() + " enters stage " + strings.ToLower(stage)
}

// checkApproval accepts the command's approval if it is for subject,
// granted at the command's time (which includes passing
// ApprovalRequest.Validate, so a forged value is refused), covers roles
// (a distinct step per required role) and the command's actor decided
// none of its steps. Anything else is ErrForbidden.
func (m *looplabMachine) checkApproval(subject string, roles []string, what string) error {
	a, id := m.approval, m.view.id
	if a == nil {
		return fmt.Errorf("deal %s: %s needs an approval by %s: %w", id, what, strings.Join(roles, ", "), crmkit.ErrForbidden)
	}
	if a.Subject != subject {
		return fmt.Errorf("deal %s: approval %s is for %q, not %q: %w", id, a.ID, a.Subject, subject, crmkit.ErrForbidden)
	}
	if !a.Granted(m.at) {
		return fmt.Errorf("deal %s: approval %s is %s, not granted at %s: %w", id, a.ID, a.StatusAt(m.at), m.at.Format(time.RFC3339), crmkit.ErrForbidden)
	}
	if !a.Covers(roles) {
		return fmt.Errorf("deal %s: approval %s (steps %s) does not cover the roles %s: %w", id, a.ID,
			strings.Join(a.Roles(), ", "), strings.Join(roles, ", "), crmkit.ErrForbidden)
	}
	for _, dec := range a.Decisions {
		if dec.Approver == m.by {
			return fmt.Errorf("deal %s: %s approved their own %s: %w", id, m.by, what, crmkit.ErrForbidden)
		}
	}
	return nil
}

// stateOf checks that d belongs to p and is in a valid state.
func (p *Pipeline) stateOf(d *Deal) (state, error) {
	switch {
	case d.PipelineID != p.spec.ID:
		return noState, crmkit.Invalid("pipeline", "deal %s belongs to pipeline %q, not %q", d.ID, d.PipelineID, p.spec.ID)
	case !d.Status.valid():
		return noState, crmkit.Invalid("status", "deal %s has no valid status (%s)", d.ID, d.Status)
	case d.Stage < 0 || d.Stage >= len(p.spec.Stages):
		return noState, crmkit.Invalid("stage", "deal %s has stage %d, pipeline %q has %d", d.ID, d.Stage, p.spec.ID, len(p.spec.Stages))
	}
	return packState(d.Status, d.Stage), nil
}

// fire runs trigger t for deal d through a pooled looplab machine: set the
// state, fire one event, read the result. A machine that returned any error
// is dropped, never pooled again: after a cancelled context or a failed
// callback a looplab instance can stay stuck in its transition.
func (p *Pipeline) fire(ctx context.Context, d *Deal, t Trigger, c *Cmd) (state, error) {
	src, err := p.stateOf(d)
	if err != nil {
		return noState, err
	}
	m := p.pool.Get().(*looplabMachine)
	m.view, m.at, m.by, m.approval, m.trig = viewOf(d), c.At, c.By, c.Approval, t
	m.f.SetState(p.m.names[src])
	err = m.f.Event(ctx, p.m.triggers[t])
	m.view, m.at, m.by, m.approval = guardView{}, time.Time{}, "", nil
	if err != nil {
		return noState, p.fireError(ctx, d, t, err)
	}
	dst := p.m.next(src, t)
	if dst == noState || m.f.Current() != p.m.names[dst] {
		// Unreachable while the table is compiled from the definition
		// (a property test checks every pair); reported, never panicked.
		return noState, fmt.Errorf("deal %s: %s from %s: looplab reached %q, the compiled table disagrees: internal error: %w",
			d.ID, p.m.triggers[t], p.m.names[src], m.f.Current(), crmkit.ErrIllegalTransition)
	}
	p.pool.Put(m)
	return dst, nil
}

func (p *Pipeline) fireError(ctx context.Context, d *Deal, t Trigger, err error) error {
	var canceled fsm.CanceledError
	if errors.As(err, &canceled) && canceled.Err != nil {
		return canceled.Err
	}
	if errors.As(err, new(fsm.InvalidEventError)) || errors.As(err, new(fsm.UnknownEventError)) {
		return p.illegalError(d, t)
	}
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("deal %s: %s: %w", d.ID, p.m.triggers[t], cerr)
	}
	return fmt.Errorf("deal %s: %s: %v: %w", d.ID, p.m.triggers[t], err, crmkit.ErrIllegalTransition)
}

func (p *Pipeline) illegalError(d *Deal, t Trigger) error {
	return fmt.Errorf("deal %s is %s in stage %q: %s is not allowed: %w",
		d.ID, d.Status, p.StageName(d.Stage), p.TriggerName(t), crmkit.ErrIllegalTransition)
}

// Move moves an open deal to the named stage (StageChanged, From and To
// the stage names). Forward moves are always in the definition and check
// the entry rules of every stage entered or skipped (required fields:
// ErrInvalid; approvals: c.Approval must be a granted request for
// StageSubject(deal, target stage) with a step for every role the gates
// require, decided by others than c.By, else ErrForbidden). Backward moves
// are allowed from stages with AllowBackward. Closed, suspended and
// terminated deals, and a move to the current stage, are
// ErrIllegalTransition. An unknown stage is ErrInvalid. The deal is
// unchanged on every error.
func (p *Pipeline) Move(ctx context.Context, d Deal, stage string, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	to, err := p.StageIndex(stage)
	if err != nil {
		return Deal{}, crmkit.Event{}, fmt.Errorf("deal %s: %w", d.ID, err)
	}
	t := MoveTrigger(to)
	dst, err := p.fire(ctx, &d, t, &c)
	if err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	from := p.spec.Stages[d.Stage].Name
	out := d
	out.transit(t, dst, &c, Outcome{}, time.Time{})
	return out, out.transitionEvent(EventStageChanged, c, from, p.spec.Stages[to].Name), nil
}

// Suspend pauses an open deal (DealSuspended) with c.Reason (required) and
// an optional planned resume date until (after c.At). It comes back only
// through Reactivate.
func (p *Pipeline) Suspend(ctx context.Context, d Deal, until time.Time, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	switch {
	case strings.TrimSpace(c.Reason) == "":
		return Deal{}, crmkit.Event{}, crmkit.Invalid("reason", "suspending deal %s needs a reason", d.ID)
	case !until.IsZero() && !until.After(c.At):
		return Deal{}, crmkit.Event{}, crmkit.Invalid("until", "resume date %s is not after %s", until.Format(time.RFC3339), c.At.Format(time.RFC3339))
	}
	return p.statusCommand(ctx, d, TriggerSuspend, c, Outcome{}, until, SuspendedPayload{Until: until})
}

// Reactivate reopens a suspended deal (DealReactivated) as the pipeline's
// ReactivationPolicy decides: automatically, or with c.Approval, a granted
// request for ReactivationSubject(deal) with a step for every role the
// policy names, in which c.By decided nothing (else ErrForbidden).
func (p *Pipeline) Reactivate(ctx context.Context, d Deal, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	var payload ReactivatedPayload
	if c.Approval != nil && d.Status == Suspended {
		if r, err := p.spec.Reactivation.Decide(d, c.At); err == nil && !r.Automatic {
			payload.Approval = c.Approval.ID
		}
	}
	return p.statusCommand(ctx, d, TriggerReactivate, c, Outcome{}, time.Time{}, payload)
}

// Terminate ends an open or suspended deal for good (DealTerminated) with
// c.Reason (required): no event leaves Terminated.
func (p *Pipeline) Terminate(ctx context.Context, d Deal, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	if strings.TrimSpace(c.Reason) == "" {
		return Deal{}, crmkit.Event{}, crmkit.Invalid("reason", "terminating deal %s needs a reason", d.ID)
	}
	return p.statusCommand(ctx, d, TriggerTerminate, c, Outcome{}, time.Time{}, nil)
}

// Win closes an open deal as won (DealWon) with outcome o: a Summary is
// required; Reason is optional. o.At and o.By are set from c.
func (p *Pipeline) Win(ctx context.Context, d Deal, o Outcome, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	if strings.TrimSpace(o.Summary) == "" {
		return Deal{}, crmkit.Event{}, crmkit.Invalid("outcome.summary", "winning deal %s needs a summary", d.ID)
	}
	o.At, o.By = c.At, c.By
	return p.statusCommand(ctx, d, TriggerWin, c, o, time.Time{}, o)
}

// Lose closes an open deal as lost (DealLost) with outcome o: a Reason
// (see the Loss constants) and a Summary are required, and a loss to a
// competitor (LossCompetitor, LossCompetitorEarly) must name the
// Competitor. o.At and o.By are set from c.
func (p *Pipeline) Lose(ctx context.Context, d Deal, o Outcome, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	switch {
	case strings.TrimSpace(o.Reason) == "":
		return Deal{}, crmkit.Event{}, crmkit.Invalid("outcome.reason", "losing deal %s needs a loss reason", d.ID)
	case strings.TrimSpace(o.Summary) == "":
		return Deal{}, crmkit.Event{}, crmkit.Invalid("outcome.summary", "losing deal %s needs a summary", d.ID)
	case (o.Reason == LossCompetitor || o.Reason == LossCompetitorEarly) && strings.TrimSpace(o.Competitor) == "":
		return Deal{}, crmkit.Event{}, crmkit.Invalid("outcome.competitor", "deal %s lost to a competitor (%s) must name it", d.ID, o.Reason)
	}
	o.At, o.By = c.At, c.By
	return p.statusCommand(ctx, d, TriggerLose, c, o, time.Time{}, o)
}

// Reopen reopens a lost deal in the stage where it was lost (DealReopened),
// if the pipeline allows it (AllowReopen); won and terminated deals can
// never be reopened. The outcome is cleared, in this one place; the old
// one stays in the deal's history, in its DealLost event.
func (p *Pipeline) Reopen(ctx context.Context, d Deal, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	return p.statusCommand(ctx, d, TriggerReopen, c, Outcome{}, time.Time{}, nil)
}

func (p *Pipeline) statusCommand(ctx context.Context, d Deal, t Trigger, c Cmd, o Outcome, until time.Time, payload any) (Deal, crmkit.Event, error) {
	dst, err := p.fire(ctx, &d, t, &c)
	if err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	out := d
	out.transit(t, dst, &c, o, until)
	e, err := out.event(statusEventTypes[t], c, d.Status.String(), out.Status.String(), payload)
	if err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	if t == TriggerWin || t == TriggerLose {
		e.Reason = o.Reason
	}
	return out, e, nil
}

// transit applies a legal transition to dst: the one place where status
// and stage change, shared by the commands and by replay.
func (d *Deal) transit(t Trigger, dst state, c *Cmd, o Outcome, until time.Time) {
	switch t {
	case TriggerSuspend:
		d.Suspension = Suspension{At: c.At, By: c.By, Reason: c.Reason, Until: until}
	case TriggerReactivate:
		d.Suspension = Suspension{}
	case TriggerTerminate:
		d.Suspension = Suspension{}
		d.Outcome = Outcome{Reason: c.Reason, At: c.At, By: c.By}
	case TriggerWin, TriggerLose:
		d.Outcome = o
	case TriggerReopen:
		d.Outcome = Outcome{}
		d.Reopens++
		d.StageEnteredAt = c.At
	default: // a stage move
		d.StageEnteredAt = c.At
	}
	d.Status, d.Stage = dst.status(), dst.stage()
	d.touch(*c)
}

// Triggers lists the triggers of the pipeline: the status triggers, then a
// move to each stage.
func (p *Pipeline) Triggers() []Trigger {
	out := make([]Trigger, p.m.nTriggers)
	for i := range out {
		out[i] = Trigger(i)
	}
	return out
}

// Statuses lists every deal status, in order.
func Statuses() []Status { return slices.Clone(allStatuses[:]) }

var allStatuses = [numStatuses]Status{Open, Won, Lost, Suspended, Terminated}
