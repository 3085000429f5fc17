package deal

import (
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/field"
	"github.com/google/uuid"
)

// Replay rebuilds a deal from its history, oldest event first: the first
// event must be DealCreated, every later one must belong to the same deal,
// carry the next version, not go back in time, and be legal where it
// occurs. Status and stage changes are checked against the pipeline's
// compiled transition table (the same definition the commands run) and
// their From and To against the deal; guards (entry rules, approvals,
// reactivation policy) are not re-run, since the history records what was
// decided then. It is the inverse of the events the commands return.
//
// A bad history is an error matching crmkit.ErrInvalid, or
// crmkit.ErrIllegalTransition for an event the definition does not allow,
// naming the event's index.
func (p *Pipeline) Replay(events []crmkit.Event) (Deal, error) {
	if err := p.ready(); err != nil {
		return Deal{}, err
	}
	if len(events) == 0 {
		return Deal{}, crmkit.Invalid("events", "no events to replay")
	}
	d, err := p.created(&events[0])
	if err != nil {
		return Deal{}, fmt.Errorf("replay events[0]: %w", err)
	}
	for i := 1; i < len(events); i++ {
		if err := p.apply(&d, &events[i]); err != nil {
			return Deal{}, fmt.Errorf("replay events[%d]: %w", i, err)
		}
	}
	return d, nil
}

// ReplayAll rebuilds every deal of the pipeline from an interleaved stream
// of their events (each deal's events in order, DealCreated first), as a
// store's event log or an import file delivers them, and returns the deals
// in the order they were created. It checks each event as Replay does and
// stops at the first bad one. Memory is one Deal per deal, not per event.
func (p *Pipeline) ReplayAll(events iter.Seq[crmkit.Event]) ([]Deal, error) {
	if err := p.ready(); err != nil {
		return nil, err
	}
	if events == nil {
		return nil, crmkit.Invalid("events", "nil iterator")
	}
	return replayAll(events, func(string) (*Pipeline, error) { return p, nil })
}

func replayAll(events iter.Seq[crmkit.Event], pipeline func(id string) (*Pipeline, error)) ([]Deal, error) {
	if events == nil {
		return nil, crmkit.Invalid("events", "nil sequence")
	}
	var (
		deals []Deal
		pipes []*Pipeline
		index = make(map[uuid.UUID]int)
		n     int
	)
	for e := range events {
		if e.Type == EventDealCreated {
			if _, dup := index[e.AggregateID]; dup {
				return nil, fmt.Errorf("replay event %d: %w", n, crmkit.Invalid("events", "second DealCreated for deal %s", e.AggregateID))
			}
			var pl DealCreatedPayload
			if err := e.DecodePayload(&pl); err != nil {
				return nil, fmt.Errorf("replay event %d: %w", n, err)
			}
			p, err := pipeline(pl.Pipeline)
			if err != nil {
				return nil, fmt.Errorf("replay event %d: %w", n, err)
			}
			d, err := p.createdFrom(&e, pl)
			if err != nil {
				return nil, fmt.Errorf("replay event %d: %w", n, err)
			}
			index[d.ID] = len(deals)
			deals = append(deals, d)
			pipes = append(pipes, p)
		} else {
			i, ok := index[e.AggregateID]
			if !ok {
				return nil, fmt.Errorf("replay event %d: %w", n, crmkit.Invalid("events", "%s for deal %s before its DealCreated", e.Type, e.AggregateID))
			}
			if err := pipes[i].apply(&deals[i], &e); err != nil {
				return nil, fmt.Errorf("replay event %d: %w", n, err)
			}
		}
		n++
	}
	return deals, nil
}

// created rebuilds a deal from its DealCreated event.
func (p *Pipeline) created(e *crmkit.Event) (Deal, error) {
	if e.Type != EventDealCreated {
		return Deal{}, crmkit.Invalid("events", "history of deal %s starts with %s, not %s", e.AggregateID, e.Type, EventDealCreated)
	}
	var pl DealCreatedPayload
	if err := e.DecodePayload(&pl); err != nil {
		return Deal{}, err
	}
	return p.createdFrom(e, pl)
}

func (p *Pipeline) createdFrom(e *crmkit.Event, pl DealCreatedPayload) (Deal, error) {
	switch {
	case e.AggregateKind != DealKind:
		return Deal{}, crmkit.Invalid("events", "%s event of a %s, not a deal", e.Type, e.AggregateKind)
	case e.Version != 1:
		return Deal{}, crmkit.Invalid("events", "DealCreated of deal %s has version %d, not 1", e.AggregateID, e.Version)
	case pl.Pipeline != p.spec.ID:
		return Deal{}, crmkit.Invalid("pipeline", "deal %s was created in pipeline %q, not %q", e.AggregateID, pl.Pipeline, p.spec.ID)
	case pl.ID != e.AggregateID:
		return Deal{}, crmkit.Invalid("events", "DealCreated of deal %s carries deal %s", e.AggregateID, pl.ID)
	}
	d, err := newDeal(p, pl.NewDeal, Cmd{Cmd: crmkit.Cmd{By: e.Actor, At: e.At, Reason: e.Reason}})
	if err != nil {
		return Deal{}, err
	}
	d.PipelineVersion = pl.PipelineVersion
	return d, nil
}

// Apply applies one later event (not DealCreated) of d's history and
// returns the deal after it, with the checks of Replay: the single-event
// path for import validation and for catching up a cached deal. d is
// unchanged.
func (p *Pipeline) Apply(d Deal, e crmkit.Event) (Deal, error) {
	// Kept small enough to inline: the Deal is then not copied twice.
	if err := p.apply(&d, &e); err != nil {
		return Deal{}, err
	}
	return d, nil
}

// apply applies e to *d in place. On error *d may be partly changed; the
// callers discard it.
func (p *Pipeline) apply(d *Deal, e *crmkit.Event) error {
	if p == nil || p.m.rt == nil {
		return p.ready()
	}
	switch {
	case e.AggregateKind != DealKind || e.AggregateID != d.ID:
		return crmkit.Invalid("events", "%s of %s %s is not an event of deal %s", e.Type, e.AggregateKind, e.AggregateID, d.ID)
	case e.Version != d.Version+1:
		return crmkit.Invalid("events", "%s of deal %s has version %d after version %d", e.Type, d.ID, e.Version, d.Version)
	case e.At.Before(d.UpdatedAt):
		return crmkit.Invalid("events", "%s of deal %s at %s is before its last change at %s", e.Type, d.ID,
			e.At.Format(time.RFC3339), d.UpdatedAt.Format(time.RFC3339))
	case e.Actor == "":
		return crmkit.Invalid("events", "%s of deal %s has no actor", e.Type, d.ID)
	}
	c := Cmd{Cmd: crmkit.Cmd{By: e.Actor, At: e.At, Reason: e.Reason}}
	if d.Archived() && e.Type != EventDealRestored {
		return &crmkit.ArchivedError{Kind: DealKind, ID: d.ID, What: "apply " + e.Type}
	}
	switch e.Type {
	case EventDealEdited, EventDealArchived, EventDealRestored:
		return applyEditEvent(d, e, c)
	case EventStageChanged:
		to, ok := p.exact[e.To]
		if !ok {
			i, err := p.StageIndex(e.To)
			if err != nil {
				return err
			}
			to = i
		}
		if d.Stage >= 0 && d.Stage < len(p.spec.Stages) && e.From != p.spec.Stages[d.Stage].Name {
			return crmkit.Invalid("events", "StageChanged of deal %s from %q, but it is in %q", d.ID, e.From, p.spec.Stages[d.Stage].Name)
		}
		return p.step(d, MoveTrigger(to), &c, e, Outcome{}, time.Time{})
	case EventDealSuspended:
		var pl SuspendedPayload
		if len(e.Payload) > 0 {
			if err := e.DecodePayload(&pl); err != nil {
				return err
			}
		}
		return p.step(d, TriggerSuspend, &c, e, Outcome{}, pl.Until)
	case EventDealReactivated:
		return p.step(d, TriggerReactivate, &c, e, Outcome{}, time.Time{})
	case EventDealTerminated:
		return p.step(d, TriggerTerminate, &c, e, Outcome{}, time.Time{})
	case EventDealWon, EventDealLost:
		var o Outcome
		if err := e.DecodePayload(&o); err != nil {
			return err
		}
		o.At, o.By = e.At, e.Actor
		t := TriggerWin
		if e.Type == EventDealLost {
			t = TriggerLose
		}
		return p.step(d, t, &c, e, o, time.Time{})
	case EventDealReopened:
		return p.step(d, TriggerReopen, &c, e, Outcome{}, time.Time{})
	case EventDealTransferred:
		switch {
		case d.Status == Terminated:
			return d.illegal("transfer")
		case e.From != d.Owner || e.To == "" || e.To == d.Owner:
			return crmkit.Invalid("events", "DealTransferred of deal %s from %q to %q, but its owner is %q", d.ID, e.From, e.To, d.Owner)
		}
		*d = d.applyTransfer(e.To, c)
	case EventTeamChanged:
		var pl TeamPayload
		if err := e.DecodePayload(&pl); err != nil {
			return err
		}
		if d.Status == Terminated {
			return d.illegal("change the team")
		}
		if err := checkTeam(pl.Team, d.Owner); err != nil {
			return err
		}
		d.Team = slices.Clip(pl.Team)
		d.touch(c)
	case EventAmountChanged:
		var pl AmountPayload
		if err := e.DecodePayload(&pl); err != nil {
			return err
		}
		if d.Status != Open && d.Status != Suspended {
			return d.illegal("change the amount")
		}
		if err := checkAmount(pl.Amount); err != nil {
			return err
		}
		if pl.Amount.Currency() != d.Amount.Currency() {
			return fmt.Errorf("deal %s in %s changed to %s: %w", d.ID, d.Amount.Currency(), pl.Amount, crmkit.ErrCurrencyMismatch)
		}
		d.Amount = pl.Amount
		d.touch(c)
	case EventCloseDateChanged:
		var pl CloseDatePayload
		if err := e.DecodePayload(&pl); err != nil {
			return err
		}
		if d.Status != Open && d.Status != Suspended {
			return d.illegal("change the close date")
		}
		d.CloseDate = pl.CloseDate
		d.touch(c)
	case EventProbabilityChanged:
		var pl ProbabilityPayload
		if err := e.DecodePayload(&pl); err != nil {
			return err
		}
		if d.Status != Open && d.Status != Suspended {
			return d.illegal("change the probability")
		}
		if err := checkProbability(pl.Probability); err != nil {
			return err
		}
		d.Probability = pl.Probability
		d.touch(c)
	case EventActivityLogged:
		var a Activity
		if err := e.DecodePayload(&a); err != nil {
			return err
		}
		if d.Status == Terminated {
			return d.illegal("log an activity")
		}
		*d = d.applyActivity(a, c)
	case field.EventValuesSet:
		return d.applyCustom(e, c)
	default:
		return crmkit.Invalid("events", "unknown deal event type %q", e.Type)
	}
	return nil
}

// step applies a status or stage transition from the history through the
// compiled table.
func (p *Pipeline) step(d *Deal, t Trigger, c *Cmd, e *crmkit.Event, o Outcome, until time.Time) error {
	src, err := p.stateOf(d)
	if err != nil {
		return err
	}
	dst := p.m.next(src, t)
	if dst == noState {
		return p.illegalError(d, t)
	}
	if t < numStatusTriggers && (e.From != d.Status.String() || e.To != dst.status().String()) {
		return crmkit.Invalid("events", "%s of deal %s from %q to %q, but the deal goes from %s to %s",
			e.Type, d.ID, e.From, e.To, d.Status, dst.status())
	}
	d.transit(t, dst, c, o, until)
	return nil
}
