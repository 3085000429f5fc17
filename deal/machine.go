package deal

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/fsm"
	"github.com/google/uuid"
	looplab "github.com/looplab/fsm"
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

func packState(s Status, stage int) state { return state(uint8(s-1)<<5 | uint8(stage)) }
func (s state) status() Status            { return Status(s>>5) + 1 }
func (s state) stage() int                { return int(s & (MaxStages - 1)) }

// machine is a pipeline's compiled state machine: the looplab definition,
// compiled by crmkit's state-machine runtime into a table over packed
// states (a status and a stage in one byte) and triggers, and the guards
// of the triggers that have any (entry rules and approvals, the
// reactivation policy).
type machine struct {
	rt       *fsm.Machine[guardView, Cmd]
	names    [numStates]string // state -> looplab state name ("" for none)
	triggers []string          // trigger -> looplab event name
}

// numStates is the number of packed state values: five statuses of
// MaxStages stages each.
const numStates = numStatuses * MaxStages

// compile builds the looplab definition of spec's machine, compiles it
// with the runtime and adds the guards.
func compile(spec PipelineSpec) (machine, error) {
	n := len(spec.Stages)
	var m machine
	for _, st := range []Status{Open, Won, Lost, Suspended, Terminated} {
		for i, stage := range spec.Stages {
			m.names[packState(st, i)] = st.String() + ":" + stage.Name
		}
	}
	name := func(st Status, i int) string { return m.names[packState(st, i)] }

	var events looplab.Events
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
			events = append(events, looplab.EventDesc{Name: m.triggers[int(numStatusTriggers)+t], Src: src, Dst: name(Open, t)})
		}
	}
	for i := range n {
		events = append(events,
			looplab.EventDesc{Name: "suspend", Src: []string{name(Open, i)}, Dst: name(Suspended, i)},
			looplab.EventDesc{Name: "reactivate", Src: []string{name(Suspended, i)}, Dst: name(Open, i)},
			looplab.EventDesc{Name: "terminate", Src: []string{name(Open, i), name(Suspended, i)}, Dst: name(Terminated, i)},
			looplab.EventDesc{Name: "win", Src: []string{name(Open, i)}, Dst: name(Won, i)},
			looplab.EventDesc{Name: "lose", Src: []string{name(Open, i)}, Dst: name(Lost, i)},
		)
		if spec.AllowReopen {
			events = append(events, looplab.EventDesc{Name: "reopen", Src: []string{name(Lost, i)}, Dst: name(Open, i)})
		}
	}
	t, err := fsm.Compile(events, m.names[:], m.triggers)
	if err != nil {
		return machine{}, err
	}
	m.rt = fsm.NewMachine[guardView, Cmd](t)

	// Guards go only where a rule applies, so that an ungated command
	// copies nothing for them.
	reactivation := spec.Reactivation.Clone()
	if len(reactivation.Rules) > 0 || len(reactivation.Otherwise) > 0 {
		m.rt.Guard(int(TriggerReactivate), func(_ context.Context, v guardView, c Cmd, at time.Time) error {
			return reactivationGuard(&reactivation, &v, &c, at)
		})
	}
	gated := false
	for to := range n {
		entry := spec.Stages[to].Entry
		gated = gated || len(entry.Require) > 0 || len(entry.Approval) > 0
		if !gated || to == 0 {
			continue
		}
		stages := slices.Clone(spec.Stages[:to+1])
		m.rt.Guard(int(MoveTrigger(to)), func(_ context.Context, v guardView, c Cmd, at time.Time) error {
			return entryGuard(stages, to, &v, &c, at)
		})
	}
	return m, nil
}

// next is the compiled-table transition: the state after trigger t from s,
// or noState when the definition has no such transition.
func (m *machine) next(s state, t Trigger) state {
	n, ok := m.rt.Table().Next(int(s), int(t))
	if !ok {
		return noState
	}
	return state(n)
}

// ready rejects a nil Pipeline and the zero Pipeline, which has no
// compiled machine.
func (p *Pipeline) ready() error {
	if p == nil || p.m.rt == nil {
		return crmkit.Invalid("pipeline", "nil or zero Pipeline: create it with NewPipeline")
	}
	return nil
}

// Next returns the status and stage a deal in (status, stage) reaches by
// trigger t, and false when the pipeline's definition has no such
// transition (or the arguments are out of range, or p is nil or zero). It
// is the compiled table every command runs on, here for bulk work
// (replay, import validation, simulation): a table lookup, no allocation.
// It checks the definition only, not the guards (entry rules, approvals)
// that the commands apply.
func (p *Pipeline) Next(status Status, stage int, t Trigger) (Status, int, bool) {
	if p.ready() != nil || !status.valid() || uint(stage) >= uint(len(p.spec.Stages)) {
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
	if p.ready() != nil || d.PipelineID != p.spec.ID {
		return false
	}
	_, _, ok := p.Next(d.Status, d.Stage, t)
	return ok
}

// TriggerName returns the looplab event name of t in this pipeline, such
// as "suspend" or "move:negotiation", or "" if t is out of range.
func (p *Pipeline) TriggerName(t Trigger) string {
	if p.ready() != nil || int(t) >= len(p.m.triggers) {
		return ""
	}
	return p.m.triggers[t]
}

// StateName returns the looplab state name of a deal in (status, stage),
// such as "open:negotiation", or "" if out of range.
func (p *Pipeline) StateName(status Status, stage int) string {
	if p.ready() != nil || !status.valid() || uint(stage) >= uint(len(p.spec.Stages)) {
		return ""
	}
	return p.m.names[packState(status, stage)]
}

// Mermaid draws the pipeline's state machine as a Mermaid state diagram,
// rendered from the same definition the commands run on (Definition),
// with the states of closed, suspended and terminated deals grouped per
// stage. The output is deterministic; a nil or zero Pipeline draws "".
func (p *Pipeline) Mermaid() string {
	if p.ready() != nil {
		return ""
	}
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
	for _, e := range p.m.rt.Table().Events() {
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
// looplab/fsm's own visualiser, from the same definition the commands run
// on; a nil or zero Pipeline draws "".
func (p *Pipeline) Graphviz() string {
	if p.ready() != nil {
		return ""
	}
	return p.m.rt.Table().Graphviz(p.m.names[packState(Open, 0)])
}

// guardView is the part of a deal the guards read: a quarter of the bytes
// of a Deal and almost no pointers, so the copy a guard gets is cheap.
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

// reactivationGuard applies the reactivation policy: automatic, or an
// approval by the roles it names.
func reactivationGuard(policy *ReactivationPolicy, v *guardView, c *Cmd, at time.Time) error {
	r, err := policy.Decide(Deal{ID: v.id, Status: Suspended, Amount: v.amount, Suspension: Suspension{At: v.suspendedAt}}, at)
	if err != nil {
		return err
	}
	if r.Automatic {
		return nil
	}
	return checkApproval(v.id, c, at, ReactivationSubject(v.id), r.Roles, "reactivate")
}

// entryGuard applies the entry rules of every stage a forward move to
// stage to enters or skips (stages holds the pipeline's stages up to to):
// required fields, then one approval covering every gate's roles. A move
// back enters no gate.
func entryGuard(stages []Stage, to int, v *guardView, c *Cmd, at time.Time) error {
	if to <= v.stage {
		return nil
	}
	var roles []string
	for i := v.stage + 1; i <= to; i++ {
		st := &stages[i]
		for _, f := range st.Entry.Require {
			if !v.has(f) {
				return crmkit.Invalid(string(f), "deal %s needs %s to enter stage %q", v.id, f, st.Name)
			}
		}
		roles = append(roles, st.Entry.Approval...)
	}
	if len(roles) > 0 {
		return checkApproval(v.id, c, at, StageSubject(v.id, stages[to].Name), roles, "enter stage "+stages[to].Name)
	}
	return nil
}

// ReactivationSubject is the approval subject for reactivating deal id.
func ReactivationSubject(id uuid.UUID) string { return "deal " + id.String() + " reactivation" }

// StageSubject is the approval subject for deal id entering stage.
func StageSubject(id uuid.UUID, stage string) string {
	return "deal " + id.String() + " enters stage " + strings.ToLower(stage)
}

// checkApproval applies approval.Request.Check to the command's approval:
// for subject, granted at the command's time (so neither forged nor
// expired), covering roles (a distinct step per required role), decided
// by others than the command's actor. Anything else is ErrForbidden.
func checkApproval(id uuid.UUID, c *Cmd, at time.Time, subject string, roles []string, what string) error {
	if err := c.Approval.Check(subject, roles, c.By, at); err != nil {
		return fmt.Errorf("deal %s: %s: %w", id, what, err)
	}
	return nil
}

// begin checks what every command needs before anything else: a usable
// pipeline and a valid command for d.
func (p *Pipeline) begin(d *Deal, c *Cmd) error {
	if err := p.ready(); err != nil {
		return err
	}
	return c.check(d)
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

// fire runs trigger t for deal d on the compiled machine: the table, then
// the trigger's guards, which read a small view of the deal. Nothing is
// changed here; the caller applies the returned state. The guards are the
// pipeline's own rules (entry rules, approvals, the reactivation policy):
// they run no caller code and never block, so the commands take no
// context and the runtime gets a background one.
func (p *Pipeline) fire(d *Deal, t Trigger, c *Cmd) (state, error) {
	src, err := p.stateOf(d)
	if err != nil {
		return noState, err
	}
	var v guardView
	if p.m.rt.Guarded(int(t)) {
		v = viewOf(d)
	}
	n, res, err := p.m.rt.Fire(context.Background(), int(src), int(t), &v, c, c.At)
	switch res {
	case fsm.Refused:
		return noState, p.illegalError(d, t)
	case fsm.Blocked:
		return noState, err
	case fsm.Stopped:
		return noState, fmt.Errorf("deal %s: %s: %w", d.ID, p.TriggerName(t), err)
	}
	return state(n), nil
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
func (p *Pipeline) Move(d Deal, stage string, c Cmd) (_ Deal, ev crmkit.Event, _ error) {
	if err := p.begin(&d, &c); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	to, err := p.stageIndex(stage)
	if err != nil {
		return Deal{}, crmkit.Event{}, fmt.Errorf("deal %s: %w", d.ID, err)
	}
	t := MoveTrigger(to)
	dst, err := p.fire(&d, t, &c)
	if err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	from := p.spec.Stages[d.Stage].Name
	d.transit(t, dst, &c, Outcome{}, time.Time{}) // d is this call's own copy
	ev = crmkit.Event{
		ID: c.Cmd.NewID(), AggregateID: d.ID, AggregateKind: DealKind, Type: EventStageChanged,
		Actor: c.By, At: c.At, Version: d.Version, From: from, To: p.spec.Stages[to].Name, Reason: c.Reason,
	}
	return d, ev, nil
}

// stageIndex is StageIndex with a scan for the exact name first: a
// pipeline has few stages, and comparing a few short strings is cheaper
// than hashing one.
func (p *Pipeline) stageIndex(name string) (int, error) {
	for i := range p.spec.Stages {
		if p.spec.Stages[i].Name == name {
			return i, nil
		}
	}
	return p.StageIndex(name)
}

// Suspend pauses an open deal (DealSuspended) with c.Reason (required) and
// an optional planned resume date until (after c.At). It comes back only
// through Reactivate.
func (p *Pipeline) Suspend(d Deal, until time.Time, c Cmd) (Deal, crmkit.Event, error) {
	if err := p.begin(&d, &c); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	switch {
	case strings.TrimSpace(c.Reason) == "":
		return Deal{}, crmkit.Event{}, crmkit.Invalid("reason", "suspending deal %s needs a reason", d.ID)
	case !until.IsZero() && !until.After(c.At):
		return Deal{}, crmkit.Event{}, crmkit.Invalid("until", "resume date %s is not after %s", until.Format(time.RFC3339), c.At.Format(time.RFC3339))
	}
	return p.statusCommand(d, TriggerSuspend, c, Outcome{}, until, SuspendedPayload{Until: until})
}

// Reactivate reopens a suspended deal (DealReactivated) as the pipeline's
// ReactivationPolicy decides: automatically, or with c.Approval, a granted
// request for ReactivationSubject(deal) with a step for every role the
// policy names, in which c.By decided nothing (else ErrForbidden).
func (p *Pipeline) Reactivate(d Deal, c Cmd) (Deal, crmkit.Event, error) {
	if err := p.begin(&d, &c); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	var payload ReactivatedPayload
	if c.Approval != nil && d.Status == Suspended {
		if r, err := p.spec.Reactivation.Decide(d, c.At); err == nil && !r.Automatic {
			payload.Approval = c.Approval.ID
		}
	}
	return p.statusCommand(d, TriggerReactivate, c, Outcome{}, time.Time{}, payload)
}

// Terminate ends an open or suspended deal for good (DealTerminated) with
// c.Reason (required): no event leaves Terminated.
func (p *Pipeline) Terminate(d Deal, c Cmd) (Deal, crmkit.Event, error) {
	if err := p.begin(&d, &c); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	if strings.TrimSpace(c.Reason) == "" {
		return Deal{}, crmkit.Event{}, crmkit.Invalid("reason", "terminating deal %s needs a reason", d.ID)
	}
	return p.statusCommand(d, TriggerTerminate, c, Outcome{}, time.Time{}, nil)
}

// Win closes an open deal as won (DealWon) with outcome o: a Summary is
// required; Reason is optional. o.At and o.By are set from c.
func (p *Pipeline) Win(d Deal, o Outcome, c Cmd) (Deal, crmkit.Event, error) {
	if err := p.begin(&d, &c); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	if strings.TrimSpace(o.Summary) == "" {
		return Deal{}, crmkit.Event{}, crmkit.Invalid("outcome.summary", "winning deal %s needs a summary", d.ID)
	}
	o.At, o.By = c.At, c.By
	return p.statusCommand(d, TriggerWin, c, o, time.Time{}, o)
}

// Lose closes an open deal as lost (DealLost) with outcome o: a Reason
// (see the Loss constants) and a Summary are required, and a loss to a
// competitor (LossCompetitor, LossCompetitorEarly) must name the
// Competitor. o.At and o.By are set from c.
func (p *Pipeline) Lose(d Deal, o Outcome, c Cmd) (Deal, crmkit.Event, error) {
	if err := p.begin(&d, &c); err != nil {
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
	return p.statusCommand(d, TriggerLose, c, o, time.Time{}, o)
}

// Reopen reopens a lost deal in the stage where it was lost (DealReopened),
// if the pipeline allows it (AllowReopen); won and terminated deals can
// never be reopened. The outcome is cleared, in this one place; the old
// one stays in the deal's history, in its DealLost event.
func (p *Pipeline) Reopen(d Deal, c Cmd) (Deal, crmkit.Event, error) {
	if err := p.begin(&d, &c); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	return p.statusCommand(d, TriggerReopen, c, Outcome{}, time.Time{}, nil)
}

func (p *Pipeline) statusCommand(d Deal, t Trigger, c Cmd, o Outcome, until time.Time, payload any) (Deal, crmkit.Event, error) {
	dst, err := p.fire(&d, t, &c)
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
	if p.ready() != nil {
		return nil
	}
	out := make([]Trigger, len(p.m.triggers))
	for i := range out {
		out[i] = Trigger(i)
	}
	return out
}

// Statuses lists every deal status, in order.
func Statuses() []Status { return slices.Clone(allStatuses[:]) }

var allStatuses = [numStatuses]Status{Open, Won, Lost, Suspended, Terminated}
