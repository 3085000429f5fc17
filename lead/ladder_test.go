package lead_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/looplab/fsm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// modelNext is the ladder written out by hand from DOMAIN.md and the
// package documentation, independent of LadderEvents.
func modelNext(s lead.Stage, a lead.Action) (lead.Stage, bool) {
	type k struct {
		s lead.Stage
		a lead.Action
	}
	m := map[k]lead.Stage{
		{lead.StageSuspect, lead.ActionQualify}:    lead.StageMQL,
		{lead.StageSuspect, lead.ActionAccept}:     lead.StageSQL,
		{lead.StageMQL, lead.ActionAccept}:         lead.StageSQL,
		{lead.StageSuspect, lead.ActionNurture}:    lead.StageNurture,
		{lead.StageMQL, lead.ActionNurture}:        lead.StageNurture,
		{lead.StageSQL, lead.ActionNurture}:        lead.StageNurture,
		{lead.StageNurture, lead.ActionRecycle}:    lead.StageMQL,
		{lead.StageSuspect, lead.ActionDisqualify}: lead.StageDisqualified,
		{lead.StageMQL, lead.ActionDisqualify}:     lead.StageDisqualified,
		{lead.StageSQL, lead.ActionDisqualify}:     lead.StageDisqualified,
		{lead.StageNurture, lead.ActionDisqualify}: lead.StageDisqualified,
		{lead.StageSQL, lead.ActionConvert}:        lead.StageConverted,
	}
	n, ok := m[k{s, a}]
	return n, ok
}

// tb is what the helpers need from *testing.T and *rapid.T.
type tb interface {
	require.TestingT
	Helper()
}

func newLadder(t tb, clock crmkit.Clock, guards ...lead.Guard) *lead.Ladder {
	t.Helper()
	lad, err := lead.NewLadder(guards...)
	require.NoError(t, err)
	return lad
}

func captured(t tb, clock crmkit.Clock) lead.Lead {
	t.Helper()
	l, _, err := lead.New(lead.Capture{
		Who:       lead.Person{Name: "Grace Hopper", Email: "grace@navy.example.org", Company: "Navy"},
		Source:    lead.ChannelEvent,
		EventKind: lead.EventTradeShow,
	}, crmkit.Cmd{By: "marketing", At: clock.Now()})
	require.NoError(t, err)
	return l
}

func TestTableMatchesHandModel(t *testing.T) {
	lad := newLadder(t, crmkit.NewFakeClock(t0))
	for s := lead.Stage(0); s <= lead.StageDisqualified+1; s++ {
		for a := lead.Action(0); a <= lead.ActionConvert+1; a++ {
			want, wantOK := modelNext(s, a)
			got, ok := lad.Next(s, a)
			assert.Equal(t, wantOK, ok, "%s %s", s, a)
			assert.Equal(t, want, got, "%s %s", s, a)
		}
	}
}

// TestTableAgreesWithLooplab proves, for every stage and action (and values
// outside both ranges), that the compiled table and a looplab machine built
// from the same definition agree.
func TestTableAgreesWithLooplab(t *testing.T) {
	lad := newLadder(t, crmkit.NewFakeClock(t0))
	agree := func(t require.TestingT, s lead.Stage, a lead.Action) {
		f := fsm.NewFSM(s.String(), lead.LadderEvents(), nil)
		err := f.Event(context.Background(), a.String())
		next, ok := lad.Table().Next(s, a)
		if ok {
			require.NoError(t, err, "table allows %s %s -> %s", s, a, next)
			require.Equal(t, next.String(), f.Current(), "%s %s", s, a)
		} else {
			require.Error(t, err, "table rejects %s %s, looplab moves to %s", s, a, f.Current())
			require.Equal(t, s.String(), f.Current())
		}
	}
	// Every pair, exhaustively (the space is small)...
	for s := lead.Stage(0); s <= lead.StageDisqualified+1; s++ {
		for a := lead.Action(0); a <= lead.ActionConvert+1; a++ {
			agree(t, s, a)
		}
	}
	// ...and as a property over the whole uint8 range.
	rapid.Check(t, func(t *rapid.T) {
		s := lead.Stage(rapid.Uint8().Draw(t, "stage"))
		a := lead.Action(rapid.Uint8().Draw(t, "action"))
		agree(t, s, a)
	})
}

func TestFireQualifiesAndRecordsEvent(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	lad := newLadder(t, clock)
	l := captured(t, clock)
	clock.Advance(time.Hour)
	m, ev, err := lad.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{By: "mkt-7", Reason: "downloaded pricing", At: clock.Now()}, Action: lead.ActionQualify})
	require.NoError(t, err)
	assert.Equal(t, lead.StageMQL, m.Stage)
	assert.Equal(t, lead.StageSuspect, l.Stage, "input unchanged")
	assert.Equal(t, t0.Add(time.Hour), m.StageAt)
	assert.Equal(t, int64(2), m.Version)
	assert.Equal(t, lead.EventLeadQualified, ev.Type)
	assert.Equal(t, "suspect", ev.From)
	assert.Equal(t, "mql", ev.To)
	assert.Equal(t, "downloaded pricing", ev.Reason)
	assert.Equal(t, "mkt-7", ev.Actor)
	assert.Equal(t, int64(2), ev.Version)
	assert.Equal(t, lead.LeadKind, ev.AggregateKind)
	require.NoError(t, ev.Validate())
}

func TestNurtureCarriesRevisitDate(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	lad := newLadder(t, clock)
	l := captured(t, clock)
	revisit := t0.AddDate(0, 6, 0)
	n, ev, err := lad.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: "bought a competitor's product", At: clock.Now()}, Action: lead.ActionNurture, RevisitAt: revisit, NurturedBy: lead.SideSales})
	require.NoError(t, err)
	assert.Equal(t, lead.StageNurture, n.Stage)
	assert.Equal(t, revisit, n.RevisitAt)
	assert.Equal(t, lead.SideSales, n.NurturedBy)
	var p lead.NurturePayload
	require.NoError(t, ev.DecodePayload(&p))
	assert.True(t, p.RevisitAt.Equal(revisit))
	assert.Equal(t, "sales", p.NurturedBy)

	assert.False(t, n.DueForRevisit(revisit.Add(-time.Second)))
	assert.True(t, n.DueForRevisit(revisit))
	assert.False(t, l.DueForRevisit(revisit), "not nurtured")

	back, _, err := lad.Fire(context.Background(), n, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: "budget approved", At: clock.Now()}, Action: lead.ActionRecycle})
	require.NoError(t, err)
	assert.Equal(t, lead.StageMQL, back.Stage)
	assert.True(t, back.RevisitAt.IsZero(), "revisit date cleared outside nurture")
	assert.Equal(t, lead.Side(0), back.NurturedBy)
}

func TestFireRejections(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	lad := newLadder(t, clock)
	l := captured(t, clock)
	ctx := context.Background()
	cases := []struct {
		name string
		l    lead.Lead
		cmd  lead.Command
		want error
	}{
		{"recycle a suspect", l, lead.Command{Cmd: crmkit.Cmd{By: "rep", At: clock.Now()}, Action: lead.ActionRecycle}, crmkit.ErrIllegalTransition},
		{"convert via Fire", l, lead.Command{Cmd: crmkit.Cmd{By: "rep", At: clock.Now()}, Action: lead.ActionConvert}, crmkit.ErrInvalid},
		{"unknown action", l, lead.Command{Cmd: crmkit.Cmd{By: "rep", At: clock.Now()}, Action: 42}, crmkit.ErrInvalid},
		{"zero action", l, lead.Command{Cmd: crmkit.Cmd{By: "rep", At: clock.Now()}}, crmkit.ErrInvalid},
		{"before last change", l, lead.Command{Cmd: crmkit.Cmd{By: "rep", At: t0.Add(-time.Minute)}, Action: lead.ActionQualify}, crmkit.ErrInvalid},
		{"disqualify without reason", l, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: " ", At: clock.Now()}, Action: lead.ActionDisqualify}, crmkit.ErrInvalid},
		{"nurture without reason", l, lead.Command{Cmd: crmkit.Cmd{By: "rep", At: clock.Now()}, Action: lead.ActionNurture, RevisitAt: t0.Add(time.Hour)}, crmkit.ErrInvalid},
		{"nurture without revisit", l, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: "later", At: clock.Now()}, Action: lead.ActionNurture}, crmkit.ErrInvalid},
		{"nurture revisit in past", l, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: "later", At: clock.Now()}, Action: lead.ActionNurture, RevisitAt: t0}, crmkit.ErrInvalid},
		{"nurture bad side", l, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: "later", At: clock.Now()}, Action: lead.ActionNurture, RevisitAt: t0.Add(time.Hour), NurturedBy: 9}, crmkit.ErrInvalid},
		{"zero lead", lead.Lead{}, lead.Command{Cmd: crmkit.Cmd{By: "rep", At: clock.Now()}, Action: lead.ActionQualify}, crmkit.ErrInvalid},
		{"no actor", l, lead.Command{Action: lead.ActionQualify}, crmkit.ErrInvalid},
		{"unprintable actor", l, lead.Command{Cmd: crmkit.Cmd{By: "rep\x07", At: clock.Now()}, Action: lead.ActionQualify}, crmkit.ErrInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := c.l.Clone()
			got, ev, err := lad.Fire(ctx, c.l, c.cmd)
			require.Error(t, err)
			assert.ErrorIs(t, err, c.want)
			assert.Equal(t, lead.Lead{}, got)
			assert.Equal(t, crmkit.Event{}, ev)
			assert.Equal(t, before, c.l)
		})
	}
}

func TestIllegalTransitionNamesLeadStageAndAction(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	lad := newLadder(t, clock)
	l := captured(t, clock)
	d, _, err := lad.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: "student, no budget", At: clock.Now()}, Action: lead.ActionDisqualify})
	require.NoError(t, err)
	_, _, err = lad.Fire(context.Background(), d, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: "", At: clock.Now()}, Action: lead.ActionQualify})
	require.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	msg := err.Error()
	assert.Contains(t, msg, l.ID.String())
	assert.Contains(t, msg, "disqualified")
	assert.Contains(t, msg, "qualify")
}

func TestCancelledContextLeavesLeadAndLadderUsable(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	lad := newLadder(t, clock)
	l := captured(t, clock)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err := lad.Fire(ctx, l, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: "", At: clock.Now()}, Action: lead.ActionQualify})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, lead.StageSuspect, l.Stage)

	// A guard that cancels the context mid-transition: looplab sees the
	// cancellation after the before-callback.
	ctx2, cancel2 := context.WithCancel(context.Background())
	lad2 := newLadder(t, clock, lead.Guard{Action: lead.ActionQualify, Name: "cancel", Check: func(context.Context, lead.Lead, lead.Command) error {
		cancel2()
		return nil
	}})
	_, _, err = lad2.Fire(ctx2, l, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: "", At: clock.Now()}, Action: lead.ActionQualify})
	require.ErrorIs(t, err, context.Canceled)
	// The ladder still works afterwards: the failed machine was dropped.
	for range 3 {
		m, _, err := lad2.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: "", At: clock.Now()}, Action: lead.ActionQualify})
		require.NoError(t, err)
		assert.Equal(t, lead.StageMQL, m.Stage)
	}
}

func TestGuardCancelsTransition(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	errNoApproval := errors.New("needs a sales manager's approval")
	calls := 0
	lad := newLadder(t, clock,
		lead.Guard{Action: lead.ActionAccept, Name: "sales only", Check: func(_ context.Context, l lead.Lead, cmd lead.Command) error {
			calls++
			if !strings.HasPrefix(cmd.By, "sales-") {
				return errNoApproval
			}
			return nil
		}},
		lead.Guard{Action: lead.ActionQualify, Name: "company known", Check: func(_ context.Context, l lead.Lead, _ lead.Command) error {
			if l.Who.Company == "" {
				return crmkit.Invalid("company", "lead %s has no company", l.ID)
			}
			return nil
		}},
	)
	l := captured(t, clock)
	_, _, err := lad.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{By: "mkt-1", Reason: "", At: clock.Now()}, Action: lead.ActionAccept})
	require.ErrorIs(t, err, crmkit.ErrForbidden)
	require.ErrorIs(t, err, errNoApproval)
	assert.Contains(t, err.Error(), "sales only")
	a, _, err := lad.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{By: "sales-1", Reason: "", At: clock.Now()}, Action: lead.ActionAccept})
	require.NoError(t, err)
	assert.Equal(t, lead.StageSQL, a.Stage)
	assert.Equal(t, 2, calls)

	nocompany := l.Clone()
	nocompany.Who.Company = ""
	_, _, err = lad.Fire(context.Background(), nocompany, lead.Command{Cmd: crmkit.Cmd{By: "mkt-1", Reason: "", At: clock.Now()}, Action: lead.ActionQualify})
	require.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.NotErrorIs(t, err, crmkit.ErrForbidden)
}

func TestNewLadderRejectsBadInput(t *testing.T) {
	_, err := lead.NewLadder(lead.Guard{Action: lead.ActionQualify, Name: "no check"})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = lead.NewLadder(lead.Guard{Name: "no action", Check: func(context.Context, lead.Lead, lead.Command) error { return nil }})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestCompileTableRejectsBadDefinitions(t *testing.T) {
	cases := map[string]fsm.Events{
		"unknown event":     {{Name: "promote", Src: []string{"suspect"}, Dst: "mql"}},
		"unknown dst":       {{Name: "qualify", Src: []string{"suspect"}, Dst: "lukewarm"}},
		"unknown src":       {{Name: "qualify", Src: []string{"prospect"}, Dst: "mql"}},
		"no src":            {{Name: "qualify", Dst: "mql"}},
		"leaves final":      {{Name: "recycle", Src: []string{"converted"}, Dst: "mql"}},
		"loop":              {{Name: "qualify", Src: []string{"mql"}, Dst: "mql"}},
		"twice":             {{Name: "qualify", Src: []string{"suspect"}, Dst: "mql"}, {Name: "qualify", Src: []string{"suspect"}, Dst: "sql"}},
		"non-canonical src": {{Name: "qualify", Src: []string{"Suspect"}, Dst: "mql"}},
	}
	for name, evs := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := lead.CompileTable(evs)
			assert.ErrorIs(t, err, crmkit.ErrInvalid)
		})
	}
	_, err := lead.CompileTable(lead.LadderEvents())
	assert.NoError(t, err)
}

func TestMermaid(t *testing.T) {
	lad := newLadder(t, crmkit.NewFakeClock(t0))
	want := `stateDiagram-v2
    [*] --> suspect
    mql --> sql: accept
    mql --> disqualified: disqualify
    mql --> nurture: nurture
    nurture --> disqualified: disqualify
    nurture --> mql: recycle
    sql --> converted: convert
    sql --> disqualified: disqualify
    sql --> nurture: nurture
    suspect --> sql: accept
    suspect --> disqualified: disqualify
    suspect --> nurture: nurture
    suspect --> mql: qualify
`
	assert.Equal(t, want, lad.Mermaid())
}

func TestActionAndStageNames(t *testing.T) {
	for _, a := range lead.Actions() {
		got, err := lead.ParseAction(strings.ToUpper(a.String()))
		require.NoError(t, err)
		assert.Equal(t, a, got)
		assert.NotEmpty(t, a.EventType())
	}
	_, err := lead.ParseAction("promote")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.Equal(t, "Action(9)", lead.Action(9).String())
	assert.Equal(t, "", lead.Action(0).EventType())
	assert.Equal(t, lead.EventLeadAccepted, lead.ActionAccept.EventType())
}

// ladderModel is the state of the rapid state-machine test.
type ladderModel struct {
	clock   *crmkit.FakeClock
	lad     *lead.Ladder
	l       lead.Lead
	stage   lead.Stage // the model's stage
	history []crmkit.Event
}

// TestLadderStateMachine fires random commands, legal or not, against a
// lead and checks the outcome against modelNext: legal ones move the lead
// and add one event, illegal ones return ErrIllegalTransition and change
// nothing; Converted and Disqualified accept nothing; the history always
// replays to the current stage.
func TestLadderStateMachine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		clock := crmkit.NewFakeClock(t0)
		lad := newLadder(t, clock)
		l, ev, err := lead.New(lead.Capture{Who: lead.Person{Email: "x@acme.example"}, Source: lead.ChannelInboundContent}, crmkit.Cmd{By: "m", At: clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		m := &ladderModel{clock: clock, lad: lad, l: l, stage: lead.StageSuspect, history: []crmkit.Event{ev}}
		ctx := context.Background()
		t.Repeat(map[string]func(*rapid.T){
			"fire": func(t *rapid.T) {
				a := rapid.SampledFrom(lead.Actions()).Draw(t, "action")
				clock.Advance(time.Duration(rapid.IntRange(0, 100).Draw(t, "minutes")) * time.Minute)
				before := m.l.Clone()
				var (
					got lead.Lead
					ev  crmkit.Event
					err error
				)
				if a == lead.ActionConvert {
					var c lead.Conversion
					c, err = lad.Convert(ctx, m.l, lead.ConvertInput{Cmd: crmkit.Cmd{By: "rep", At: clock.Now()}, Owner: "rep"})
					got, ev = c.Lead, c.Event
				} else {
					got, ev, err = lad.Fire(ctx, m.l, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: "r", At: clock.Now()}, Action: a, RevisitAt: clock.Now().Add(time.Hour)})
				}
				next, legal := modelNext(m.stage, a)
				if !legal {
					if !errors.Is(err, crmkit.ErrIllegalTransition) {
						t.Fatalf("%s from %s: want ErrIllegalTransition, got %v", a, m.stage, err)
					}
					if !equalLead(before, m.l) {
						t.Fatalf("rejected %s changed the lead", a)
					}
					return
				}
				if err != nil {
					t.Fatalf("%s from %s: %v", a, m.stage, err)
				}
				if got.Stage != next || ev.From != m.stage.String() || ev.To != next.String() || ev.Type != a.EventType() {
					t.Fatalf("%s from %s: lead %s, event %s %s->%s", a, m.stage, got.Stage, ev.Type, ev.From, ev.To)
				}
				if got.Version != m.l.Version+1 || ev.Version != got.Version {
					t.Fatalf("version %d -> %d (event %d)", m.l.Version, got.Version, ev.Version)
				}
				m.l, m.stage = got, next
				m.history = append(m.history, ev)
			},
			"touch": func(t *rapid.T) {
				clock.Advance(time.Minute)
				got, ev, err := m.l.RecordTouch(lead.Sources{}, lead.Touchpoint{Channel: lead.ChannelSocial, Kind: lead.TouchLike, At: clock.Now()}, crmkit.Cmd{By: "web", At: clock.Now()})
				if err != nil {
					t.Fatal(err)
				}
				if got.Stage != m.stage {
					t.Fatalf("a touch changed the stage")
				}
				m.l = got
				m.history = append(m.history, ev)
			},
			"": func(t *rapid.T) {
				if m.l.Stage != m.stage {
					t.Fatalf("lead in %s, model in %s", m.l.Stage, m.stage)
				}
				if m.stage.Final() {
					for _, a := range lead.Actions() {
						if _, ok := lad.Next(m.stage, a); ok {
							t.Fatalf("final stage %s allows %s", m.stage, a)
						}
					}
				}
				s, err := lad.ReplayStage(slices.Values(m.history))
				if err != nil {
					t.Fatal(err)
				}
				if s != m.stage {
					t.Fatalf("history replays to %s, lead is %s", s, m.stage)
				}
			},
		})
	})
}

func equalLead(a, b lead.Lead) bool { return fmt.Sprintf("%#v", a) == fmt.Sprintf("%#v", b) }

func TestReplayStageRejectsBadHistories(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	lad := newLadder(t, clock)
	l, capEv, err := lead.New(lead.Capture{Who: lead.Person{Name: "A"}, Source: lead.ChannelEmail}, crmkit.Cmd{By: "rep", At: clock.Now()})
	require.NoError(t, err)
	q, qEv, err := lad.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{By: "m", Reason: "", At: clock.Now()}, Action: lead.ActionQualify})
	require.NoError(t, err)
	_, aEv, err := lad.Fire(context.Background(), q, lead.Command{Cmd: crmkit.Cmd{By: "s", Reason: "", At: clock.Now()}, Action: lead.ActionAccept})
	require.NoError(t, err)

	s, err := lad.ReplayStage(slices.Values([]crmkit.Event{capEv, qEv, aEv}))
	require.NoError(t, err)
	assert.Equal(t, lead.StageSQL, s)

	_, err = lad.ReplayStage(slices.Values([]crmkit.Event{}))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = lad.ReplayStage(slices.Values([]crmkit.Event{qEv}))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = lad.ReplayStage(slices.Values([]crmkit.Event{capEv, aEv}))
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "version gap")
	bad := qEv
	bad.To = "sql"
	_, err = lad.ReplayStage(slices.Values([]crmkit.Event{capEv, bad}))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	other := qEv
	other.AggregateID = crmkit.NewID()
	_, err = lad.ReplayStage(slices.Values([]crmkit.Event{capEv, other}))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// One Ladder serves many goroutines (run under -race): machines come from a
// pool and no state is shared between commands.
func TestLadderConcurrentUse(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	lad := newLadder(t, clock, lead.Guard{Action: lead.ActionAccept, Name: "named", Check: func(_ context.Context, l lead.Lead, _ lead.Command) error {
		if l.Who.Name == "" {
			return errors.New("no name")
		}
		return nil
	}})
	l := captured(t, clock)
	anon := l.Clone()
	anon.Who.Name = ""
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			for range 50 {
				in := l
				if g%2 == 1 {
					in = anon
				}
				got, _, err := lad.Fire(context.Background(), in, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: "", At: clock.Now()}, Action: lead.ActionAccept})
				switch {
				case g%2 == 0 && (err != nil || got.Stage != lead.StageSQL):
					errs <- fmt.Errorf("named lead: %v", err)
					return
				case g%2 == 1 && !errors.Is(err, crmkit.ErrForbidden):
					errs <- fmt.Errorf("anonymous lead: want ErrForbidden, got %v", err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
}
