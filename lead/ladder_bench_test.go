package lead_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/google/uuid"
	"github.com/looplab/fsm"
)

// The four transition figures of FSM.md, measured side by side in one run:
//
//	go test -run='^$' -bench='Transition' -benchmem ./lead/
//
// (a) BenchmarkTransitionLooplab*: bare looplab/fsm Event;
// (b) BenchmarkTransitionBareTable: a bare [7][7]uint8 table;
// (c) BenchmarkTransitionTable: the ladder's compiled Table;
// (d) BenchmarkTransitionFire: the interactive command on the same
// compiled runtime (checks, table, guards, the changed lead and its event
// with its UUIDv7).

// cycle is a legal cycle of actions from MQL back to MQL, so the bulk
// benchmarks chain real transitions: each lookup depends on the previous.
var cycle = [...]lead.Action{lead.ActionNurture, lead.ActionRecycle, lead.ActionAccept, lead.ActionNurture, lead.ActionRecycle}

var (
	sinkStage lead.Stage
	sinkU8    uint8
	sinkBool  bool
	sinkID    uuid.UUID
)

func BenchmarkTransitionLooplabSetState(b *testing.B) {
	f := fsm.NewFSM("suspect", lead.LadderEvents(), nil)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		f.SetState("suspect")
		if err := f.Event(ctx, "qualify"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransitionLooplabCallback is (a) with one no-op before_qualify
// callback registered: what any looplab path with guards pays before doing
// anything (looplab then hashes its callback keys on every event).
func BenchmarkTransitionLooplabCallback(b *testing.B) {
	f := fsm.NewFSM("suspect", lead.LadderEvents(), fsm.Callbacks{
		"before_qualify": func(context.Context, *fsm.Event) {},
	})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		f.SetState("suspect")
		if err := f.Event(ctx, "qualify"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTransitionLooplabNew(b *testing.B) {
	ctx := context.Background()
	events := lead.LadderEvents()
	b.ReportAllocs()
	for b.Loop() {
		f := fsm.NewFSM("suspect", events, nil)
		if err := f.Event(ctx, "qualify"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTransitionBareTable(b *testing.B) {
	// The same ladder as a plain table: states and events as small ints.
	var tbl [7][7]uint8
	tbl[2][3] = 5 // mql -nurture-> nurture
	tbl[5][4] = 2 // nurture -recycle-> mql
	tbl[2][2] = 3 // mql -accept-> sql
	tbl[3][3] = 5 // sql -nurture-> nurture
	acts := [5]uint8{3, 4, 2, 3, 4}
	s := uint8(2)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s = tbl[s][acts[i]]
		i++
		if i == len(acts) {
			i = 0
		}
	}
	sinkU8 = s
}

func BenchmarkTransitionTable(b *testing.B) {
	lad, err := lead.NewLadder()
	if err != nil {
		b.Fatal(err)
	}
	tbl := lad.Table()
	s := lead.StageMQL
	ok := true
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		var o bool
		s, o = tbl.Next(s, cycle[i])
		ok = ok && o
		i++
		if i == len(cycle) {
			i = 0
		}
	}
	if !ok {
		b.Fatal("illegal step in the cycle")
	}
	sinkStage, sinkBool = s, ok
}

func BenchmarkTransitionFire(b *testing.B) {
	clock := crmkit.NewFakeClock(t0)
	lad, err := lead.NewLadder()
	if err != nil {
		b.Fatal(err)
	}
	l := captured(b, clock)
	clock.Advance(time.Hour)
	ctx := context.Background()
	cmd := lead.Command{Cmd: crmkit.Cmd{By: "mkt-1", Reason: "pricing page", At: clock.Now()}, Action: lead.ActionQualify}
	b.ReportAllocs()
	for b.Loop() {
		got, _, err := lad.Fire(ctx, l, cmd)
		if err != nil || got.Stage != lead.StageMQL {
			b.Fatal(err)
		}
	}
}

// BenchmarkTransitionFireGuarded is the command path with one extra guard.
func BenchmarkTransitionFireGuarded(b *testing.B) {
	clock := crmkit.NewFakeClock(t0)
	lad, err := lead.NewLadder(lead.Guard{Action: lead.ActionQualify, Name: "has e-mail", Check: func(_ context.Context, l lead.Lead, _ lead.Command) error {
		if l.Who.Email == "" {
			return crmkit.Invalid("email", "missing")
		}
		return nil
	}})
	if err != nil {
		b.Fatal(err)
	}
	l := captured(b, clock)
	ctx := context.Background()
	cmd := lead.Command{Cmd: crmkit.Cmd{By: "mkt-1", At: clock.Now()}, Action: lead.ActionQualify}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := lad.Fire(ctx, l, cmd); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReplayStage replays a 1,001-event history per op with the
// compiled table; ns/op divided by 1001 is the cost per event.
func BenchmarkReplayStage(b *testing.B) {
	clock := crmkit.NewFakeClock(t0)
	lad, err := lead.NewLadder()
	if err != nil {
		b.Fatal(err)
	}
	l, ev, err := lead.New(lead.Capture{Who: lead.Person{Name: "A"}, Source: lead.ChannelEmail}, crmkit.Cmd{By: "rep", At: clock.Now()})
	if err != nil {
		b.Fatal(err)
	}
	history := []crmkit.Event{ev}
	l, ev, err = lad.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{By: "m", Reason: "", At: clock.Now()}, Action: lead.ActionQualify})
	if err != nil {
		b.Fatal(err)
	}
	history = append(history, ev)
	for i := 0; len(history) < 1001; i++ {
		l, ev, err = lad.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{Reason: "r", At: clock.Now()}, Action: cycle[i%len(cycle)], RevisitAt: t0.Add(time.Hour)})
		if err != nil {
			b.Fatal(err)
		}
		history = append(history, ev)
	}
	seq := func(yield func(crmkit.Event) bool) {
		for _, e := range history {
			if !yield(e) {
				return
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		s, err := lad.ReplayStage(seq)
		if err != nil {
			b.Fatal(err)
		}
		sinkStage = s
	}
}

// BenchmarkTransitionEventID is about the part of (d) spent on the event's
// ID: one crmkit.NewID (a UUIDv7 from the amortised generator; (d) skips
// the time.Now, taking the command's time).
func BenchmarkTransitionEventID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sinkID = crmkit.NewID()
	}
}
