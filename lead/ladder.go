package lead

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/fsm"
	looplab "github.com/looplab/fsm"
)

// Action is an event of the ladder state machine: what a user or a job
// does to move a lead between stages. The zero Action is not an action.
type Action uint8

// The ladder actions. LadderEvents gives their source and destination
// stages; ActionConvert is fired only by Ladder.Convert.
const (
	// ActionQualify moves a Suspect to MQL.
	ActionQualify Action = iota + 1
	// ActionAccept moves an MQL, or a Suspect with immediate intent, to SQL.
	ActionAccept
	// ActionNurture sets a Suspect, MQL or SQL aside in Nurture, with a
	// reason and a revisit date.
	ActionNurture
	// ActionRecycle brings a nurtured lead back to MQL.
	ActionRecycle
	// ActionDisqualify discards a lead without purchase intent, with a
	// reason, from any stage but Converted.
	ActionDisqualify
	// ActionConvert turns an SQL into an account, a contact and an
	// opportunity.
	ActionConvert
)

// numActions is the number of Action values including the invalid zero.
const numActions = int(ActionConvert) + 1

// actionEvents maps each action to the type of the event it produces.
var actionEvents = [numActions]string{"", EventLeadQualified, EventLeadAccepted, EventLeadNurtured, EventLeadRecycled, EventLeadDisqualified, EventLeadConverted}

// Actions returns the ladder actions in order.
func Actions() []Action {
	return []Action{ActionQualify, ActionAccept, ActionNurture, ActionRecycle, ActionDisqualify, ActionConvert}
}

// EventType returns the type of the crmkit.Event the action produces,
// such as EventLeadQualified, or "" for an invalid action.
func (a Action) EventType() string {
	if a.Valid() {
		return actionEvents[a]
	}
	return ""
}

// ParseAction parses an action name as String writes it (any case,
// surrounding spaces ignored). Anything else matches crmkit.ErrInvalid.
func ParseAction(name string) (Action, error) {
	c, _ := canonicalName(name)
	if a, err := actionNames.Parse(c); err == nil && a != 0 {
		return a, nil
	}
	return 0, crmkit.Invalid("action", "unknown ladder action %q", name)
}

// actionOfEvent returns the action whose event type is typ.
func actionOfEvent(typ string) (Action, bool) {
	for a := ActionQualify; a <= ActionConvert; a++ {
		if actionEvents[a] == typ {
			return a, true
		}
	}
	return 0, false
}

// LadderEvents returns the one definition of the ladder, as looplab/fsm
// events: each action's source stages and destination. Everything else
// (the interactive command path, the compiled Table, the Mermaid drawing)
// is derived from it.
//
//	qualify:    suspect -> mql
//	accept:     suspect, mql -> sql
//	nurture:    suspect, mql, sql -> nurture
//	recycle:    nurture -> mql
//	disqualify: suspect, mql, sql, nurture -> disqualified
//	convert:    sql -> converted
//
// Converted and Disqualified are final: no action leaves them. A
// disqualified person who shows interest again comes back as a new lead
// (captured with New, found by FindDuplicates and merged).
func LadderEvents() looplab.Events {
	return looplab.Events{
		{Name: "qualify", Src: []string{"suspect"}, Dst: "mql"},
		{Name: "accept", Src: []string{"suspect", "mql"}, Dst: "sql"},
		{Name: "nurture", Src: []string{"suspect", "mql", "sql"}, Dst: "nurture"},
		{Name: "recycle", Src: []string{"nurture"}, Dst: "mql"},
		{Name: "disqualify", Src: []string{"suspect", "mql", "sql", "nurture"}, Dst: "disqualified"},
		{Name: "convert", Src: []string{"sql"}, Dst: "converted"},
	}
}

// Table is the ladder compiled into a transition table by the one
// state-machine runtime: a lookup of a few nanoseconds, no allocation.
// Every command (Fire and the commands built on it) and every bulk path
// (history replay, import validation, simulation) runs on it. Its zero
// value allows nothing; obtain one from Ladder.Table or CompileTable.
type Table struct {
	t *fsm.Table
}

// CompileTable validates a ladder definition and compiles it: every event
// name must be an Action, every state a Stage, no (stage, action) pair may
// appear twice, no event may loop on one stage, and no event may leave a
// final stage (Converted, Disqualified). An invalid definition is an error
// matching crmkit.ErrInvalid.
func CompileTable(events looplab.Events) (Table, error) {
	t, err := fsm.Compile(events, stageNames.Index(), actionNames.Index())
	if err != nil {
		return Table{}, fmt.Errorf("ladder: %w", err)
	}
	for i, ev := range events {
		for _, src := range ev.Src {
			if s, _ := t.State(src); Stage(s).Final() {
				return Table{}, crmkit.Invalid(fmt.Sprintf("events[%d]", i), "event %q leaves final stage %s", ev.Name, src)
			}
		}
	}
	return Table{t: t}, nil
}

// Next returns the stage that action a leads to from stage s, and false
// when the ladder does not allow a from s (or either is invalid).
func (t *Table) Next(s Stage, a Action) (Stage, bool) {
	if t == nil {
		return 0, false
	}
	n, ok := t.t.Next(int(s), int(a))
	return Stage(n), ok
}

// Guard is an extra rule checked before a ladder action, such as an
// approval or a company policy ("only a sales rep accepts a lead"). Check
// gets the lead before the change and the command, whose At is the time of
// the change; an error cancels the transition and is returned wrapped
// (with crmkit.ErrForbidden added when it matches no crmkit sentinel).
// Check must not fire ladder actions itself.
type Guard struct {
	// Action is the action the guard applies to.
	Action Action
	// Name identifies the guard in error messages.
	Name string
	// Check returns nil to allow the transition.
	Check func(ctx context.Context, l Lead, cmd Command) error
}

// Command asks the ladder to move a lead: the one command shape
// crmkit.Cmd (By does it, at At, for Reason) with the action and what
// nurturing needs. By and At are validated by crmkit.Cmd.Validate; At
// must not be before the lead's last change (UpdatedAt). Reason is
// required for nurture and disqualify.
type Command struct {
	crmkit.Cmd
	// Action is what to do.
	Action Action
	// RevisitAt is when to look at a nurtured lead again; required for
	// nurture and after At.
	RevisitAt time.Time
	// NurturedBy says who works a nurtured lead (optional).
	NurturedBy Side
}

// Ladder runs the qualification ladder. It holds the definition compiled
// by crmkit's state-machine runtime (from LadderEvents) and any extra
// guards; it reads no clock (every command says its time), does not hold
// leads and owns no looplab machine. A Ladder is safe for concurrent use.
// The zero Ladder and a nil *Ladder are unusable: every command on them is
// an error matching crmkit.ErrInvalid.
//
// A command looks the transition up in the compiled table, runs the
// built-in rules and the guards as plain functions, and builds the event:
// looplab is not called on the command path.
type Ladder struct {
	table Table
	m     *fsm.Machine[Lead, Command]
}

// NewLadder returns a ladder with the extra guards given. A guard without
// an action or check is an error matching crmkit.ErrInvalid.
func NewLadder(guards ...Guard) (*Ladder, error) {
	t, err := CompileTable(LadderEvents())
	if err != nil {
		return nil, err
	}
	lad := &Ladder{table: t, m: fsm.NewMachine[Lead, Command](t.t)}
	for _, a := range [...]Action{ActionNurture, ActionDisqualify} {
		lad.m.Guard(int(a), builtinRules)
	}
	for i, g := range guards {
		if !g.Action.Valid() {
			return nil, crmkit.Invalid(fmt.Sprintf("guards[%d]", i), "guard %q has no valid action", g.Name)
		}
		if g.Check == nil {
			return nil, crmkit.Invalid(fmt.Sprintf("guards[%d]", i), "guard %q has no check", g.Name)
		}
		lad.m.Guard(int(g.Action), func(ctx context.Context, l Lead, cmd Command, _ time.Time) error {
			if err := g.Check(ctx, l, cmd); err != nil {
				if !isCrmkitError(err) {
					err = fmt.Errorf("%w: %w", crmkit.ErrForbidden, err)
				}
				return fmt.Errorf("guard %q: %w", g.Name, err)
			}
			return nil
		})
	}
	return lad, nil
}

// ready rejects a nil or zero Ladder.
func (lad *Ladder) ready() error {
	if lad == nil || lad.m == nil {
		return crmkit.Invalid("ladder", "nil or zero Ladder: create it with NewLadder")
	}
	return nil
}

// Table returns the ladder's compiled transition table (a table that
// allows nothing for a nil or zero Ladder).
func (lad *Ladder) Table() *Table {
	if lad == nil {
		return &Table{}
	}
	return &lad.table
}

// Next returns the stage action a leads to from s with the compiled table,
// and false when the ladder does not allow it. It does not run guards.
func (lad *Ladder) Next(s Stage, a Action) (Stage, bool) { return lad.Table().Next(s, a) }

// Mermaid draws the ladder as a Mermaid state diagram, generated by
// looplab/fsm from the definition. Paste it into Markdown inside a
// ```mermaid block.
func (lad *Ladder) Mermaid() string {
	t := lad.Table().t
	if t == nil {
		t = ladderTable.t
	}
	return t.Mermaid(StageSuspect.String())
}

// ladderTable is the ladder compiled once, for drawing.
var ladderTable = mustLadderTable()

func mustLadderTable() Table {
	t, err := CompileTable(LadderEvents())
	if err != nil {
		panic(err) // LadderEvents is a literal checked by the tests
	}
	return t
}

// builtinRules is the guard of the built-in rules of nurture and
// disqualify, which read the command only.
func builtinRules(_ context.Context, _ Lead, cmd Command, _ time.Time) error {
	return checkCommand(&cmd)
}

// checkCommand applies the built-in rules of cmd.Action.
func checkCommand(cmd *Command) error {
	switch cmd.Action {
	case ActionNurture:
		if strings.TrimSpace(cmd.Reason) == "" {
			return crmkit.Invalid("reason", "nurturing needs a reason")
		}
		if cmd.RevisitAt.IsZero() {
			return crmkit.Invalid("revisit at", "nurturing needs a revisit date")
		}
		if !cmd.RevisitAt.After(cmd.At) {
			return crmkit.Invalid("revisit at", "revisit date %s is not after %s", cmd.RevisitAt.Format(time.RFC3339), cmd.At.Format(time.RFC3339))
		}
		if cmd.NurturedBy > SideSales {
			return crmkit.Invalid("nurtured by", "unknown side %s", cmd.NurturedBy)
		}
	case ActionDisqualify:
		if strings.TrimSpace(cmd.Reason) == "" {
			return crmkit.Invalid("reason", "disqualifying needs a reason")
		}
	}
	return nil
}

func isCrmkitError(err error) bool {
	for _, s := range [...]error{crmkit.ErrInvalid, crmkit.ErrNotFound, crmkit.ErrConflict,
		crmkit.ErrIllegalTransition, crmkit.ErrForbidden, crmkit.ErrCurrencyMismatch, crmkit.ErrOverflow} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// Fire moves the lead with cmd and returns the changed lead and the event
// recording the transition (type cmd.Action.EventType(), From and To the
// stage names, Reason, Actor, At, the next Version; nurture events carry
// {"revisit_at", "nurtured_by"} as payload). The input lead is not changed.
//
// Errors, each leaving the lead unchanged:
//   - crmkit.ErrIllegalTransition when the ladder does not allow the action
//     from the lead's stage (the message names the lead, stage and action);
//   - crmkit.ErrInvalid for an invalid lead or command (unknown action, a
//     command crmkit.Cmd.Validate refuses, a time before the last change,
//     a missing reason or revisit date), for ActionConvert, which needs Convert, and for a nil
//     ctx or a nil or zero Ladder;
//   - the guard's error (crmkit.ErrForbidden unless it says otherwise);
//   - ctx's error when ctx is done.
func (lad *Ladder) Fire(ctx context.Context, l Lead, cmd Command) (_ Lead, ev crmkit.Event, _ error) {
	if cmd.Action == ActionConvert {
		return Lead{}, crmkit.Event{}, crmkit.Invalid("action", "lead %s: convert with Ladder.Convert", l.ID)
	}
	// l and cmd are this call's own copies; the event is written straight
	// into the result.
	if err := lad.fire(ctx, &l, &cmd, nil, &ev); err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	return l, ev, nil
}

// fire runs one transition on the compiled machine, applies it to *l
// (the caller's own copy, left partly changed on error: callers return
// the zero Lead then) and writes its event to *ev. The runtime honours
// ctx (nil is ErrInvalid) before anything changes. payload, if not nil,
// is the event's JSON payload.
func (lad *Ladder) fire(ctx context.Context, l *Lead, cmd *Command, payload []byte, ev *crmkit.Event) error {
	if err := lad.ready(); err != nil {
		return err
	}
	if err := validForCommand(l); err != nil {
		return err
	}
	if !cmd.Action.Valid() {
		return crmkit.Invalid("action", "lead %s: unknown ladder action %s", l.ID, cmd.Action)
	}
	if err := cmd.Validate(); err != nil {
		return fmt.Errorf("lead %s: %s: %w", l.ID, cmd.Action, err)
	}
	if err := checkCommandTime(l, cmd.At); err != nil {
		return err
	}
	n, res, err := lad.m.Fire(ctx, int(l.Stage), int(cmd.Action), l, cmd, cmd.At)
	switch res {
	case fsm.Refused:
		return illegal(l, cmd.Action)
	case fsm.Blocked, fsm.Stopped:
		return fmt.Errorf("lead %s: %s from %s: %w", l.ID, cmd.Action, l.Stage, err)
	}
	dst := Stage(n)

	from := l.Stage
	l.Stage = dst
	l.StageAt = cmd.At
	l.UpdatedAt = cmd.At
	l.Reason = cmd.Reason
	l.RevisitAt = time.Time{}
	l.NurturedBy = 0
	if dst == StageNurture {
		l.RevisitAt = cmd.RevisitAt
		l.NurturedBy = cmd.NurturedBy
		if payload == nil {
			payload = nurturePayload(cmd.RevisitAt, cmd.NurturedBy)
		}
	}
	l.Version++
	// The event's ID carries the event's time, the command's At.
	*ev = crmkit.Event{
		ID: cmd.Cmd.NewID(), AggregateID: l.ID, AggregateKind: LeadKind,
		Type: cmd.Action.EventType(), Actor: cmd.By, At: cmd.At, Version: l.Version,
		From: from.String(), To: dst.String(), Reason: cmd.Reason, Payload: payload,
	}
	return nil
}

// nurturePayload encodes {"revisit_at": ..., "nurtured_by": ...} by hand:
// one allocation instead of encoding/json's reflection.
func nurturePayload(revisit time.Time, side Side) []byte {
	b := make([]byte, 0, 80)
	b = append(b, `{"revisit_at":"`...)
	b = revisit.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	if side != 0 {
		b = append(b, `,"nurtured_by":`...)
		b = strconv.AppendQuote(b, side.String())
	}
	return append(b, '}')
}

// NurturePayload is the payload of a EventLeadNurtured event.
type NurturePayload struct {
	RevisitAt  time.Time `json:"revisit_at"`
	NurturedBy string    `json:"nurtured_by,omitempty"`
}

func illegal(l *Lead, a Action) error {
	return fmt.Errorf("lead %s: cannot %s from stage %s: %w", l.ID, a, l.Stage, crmkit.ErrIllegalTransition)
}

// validateForCommand rejects a lead that could not have come from New.
func (l Lead) validateForCommand() error { return validForCommand(&l) }

// validForCommand is validateForCommand without copying the lead, for the
// command path.
func validForCommand(l *Lead) error {
	if l.ID == [16]byte{} {
		return crmkit.Invalid("lead id", "nil UUID")
	}
	if !l.Stage.Valid() {
		return crmkit.Invalid("stage", "lead %s has invalid stage %s", l.ID, l.Stage)
	}
	if l.Version < 1 {
		return crmkit.Invalid("version", "lead %s has version %d", l.ID, l.Version)
	}
	if !l.ArchivedAt.IsZero() {
		return &crmkit.ArchivedError{Kind: LeadKind, ID: l.ID, What: "change it"}
	}
	return nil
}

// checkCommandTime rejects a command time before the lead's last change.
func checkCommandTime(l *Lead, at time.Time) error {
	if at.Before(l.UpdatedAt) {
		return crmkit.Invalid("at", "lead %s: time %s is before its last change %s", l.ID, at.Format(time.RFC3339), l.UpdatedAt.Format(time.RFC3339))
	}
	return nil
}

// ReplayStage replays one lead's history with the compiled table and
// returns its stage: EventLeadCaptured starts at Suspect, each ladder event
// (EventLeadQualified, ..., EventLeadConverted, and EventLeadsMerged when it changes the
// stage) must move from the current stage by a legal action to its To;
// other event types are skipped. Events must be in version order. A
// history that does not start with EventLeadCaptured, mixes leads, skips or
// repeats a version, or holds an illegal step is an error naming the
// event (crmkit.ErrIllegalTransition for an illegal step, crmkit.ErrInvalid
// otherwise, also for a nil history or a nil or zero Ladder).
func (lad *Ladder) ReplayStage(history iter.Seq[crmkit.Event]) (Stage, error) {
	if err := lad.ready(); err != nil {
		return 0, err
	}
	if history == nil {
		return 0, crmkit.Invalid("history", "nil iterator")
	}
	return lad.replayStage(history)
}

// replayStage is ReplayStage's loop, a function of its own: with the
// checks above in the same function the loop measured one more allocation
// and about 40% more time per event (BenchmarkReplayStage).
func (lad *Ladder) replayStage(history iter.Seq[crmkit.Event]) (Stage, error) {
	var (
		cur     Stage
		version int64
		first   crmkit.Event
	)
	for ev := range history {
		if version == 0 {
			if ev.Type != EventLeadCaptured || ev.Version != 1 {
				return 0, crmkit.Invalid("history", "first event %s is %s version %d, want %s version 1", ev.ID, ev.Type, ev.Version, EventLeadCaptured)
			}
			first, cur, version = ev, StageSuspect, 1
			continue
		}
		if ev.AggregateID != first.AggregateID {
			return 0, crmkit.Invalid("history", "event %s belongs to %s, not lead %s", ev.ID, ev.AggregateID, first.AggregateID)
		}
		if ev.Version != version+1 {
			return 0, crmkit.Invalid("history", "event %s has version %d after version %d", ev.ID, ev.Version, version)
		}
		version = ev.Version
		if ev.Type == EventLeadsMerged && ev.To != "" && ev.To != cur.String() {
			to, err := ParseStage(ev.To)
			if err != nil {
				return 0, fmt.Errorf("history: event %s: %w", ev.ID, err)
			}
			cur = to
			continue
		}
		a, ok := actionOfEvent(ev.Type)
		if !ok {
			continue
		}
		next, ok := lad.table.Next(cur, a)
		if !ok || ev.From != cur.String() || ev.To != next.String() {
			return 0, fmt.Errorf("history: event %s (%s %s -> %s) from stage %s: %w", ev.ID, ev.Type, ev.From, ev.To, cur, crmkit.ErrIllegalTransition)
		}
		cur = next
	}
	if version == 0 {
		return 0, crmkit.Invalid("history", "no events")
	}
	return cur, nil
}
