package lead_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/leadtest"
	"pgregory.net/rapid"
)

// TestCommandShape checks the one command shape of the lead commands
// (Fire, Assign, RecordTouch) on random command sequences, some with a missing, blank or unprintable actor: a
// refused command returns the zero Lead and no event and leaves its input
// deeply equal to a Clone taken before; an accepted one returns exactly
// one event for the lead with the next version and the command's By, At
// and Reason.
func TestCommandShape(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := leadtest.Time(leadtest.Epoch, leadtest.Window).Draw(t, "now")
		clock := crmkit.NewFakeClock(now)
		l, _, err := lead.New(leadtest.Capture(now).Draw(t, "capture"), crmkit.Cmd{By: "rep", At: clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		lad, err := lead.NewLadder()
		if err != nil {
			t.Fatal(err)
		}
		for i := range rapid.IntRange(0, 8).Draw(t, "commands") {
			clock.Advance(time.Duration(rapid.IntRange(0, 48).Draw(t, fmt.Sprint("hours ", i))) * time.Hour)
			cmd := leadtest.Command(clock.Now()).Draw(t, fmt.Sprint("command ", i))
			cmd.At = clock.Now()
			switch rapid.IntRange(0, 9).Draw(t, fmt.Sprint("bad actor ", i)) {
			case 0:
				cmd.By = ""
			case 1:
				cmd.By = " \t"
			case 2:
				cmd.By = "ana\x07"
			}
			before := l.Clone()
			var (
				got lead.Lead
				e   crmkit.Event
			)
			switch rapid.IntRange(0, 3).Draw(t, fmt.Sprint("op ", i)) {
			case 0:
				got, e, err = l.Assign(rapid.SampledFrom([]string{"", "rep-1", "rep-2"}).Draw(t, fmt.Sprint("owner ", i)), cmd.Cmd)
			case 1:
				tp := lead.Touchpoint{Channel: lead.ChannelEmail, Kind: lead.TouchReply, At: clock.Now().Add(-time.Duration(rapid.IntRange(0, 2).Draw(t, fmt.Sprint("touch ", i))) * time.Hour)}
				got, e, err = l.RecordTouch(lead.Sources{}, tp, cmd.Cmd)
			default:
				got, e, err = lad.Fire(context.Background(), l, cmd)
			}
			if !reflect.DeepEqual(before, l) {
				t.Fatalf("command %d %s changed its input", i, cmd.Action)
			}
			if err != nil {
				if !reflect.DeepEqual(got, lead.Lead{}) || !reflect.DeepEqual(e, crmkit.Event{}) {
					t.Fatalf("command %d %s: refused (%v) but returned a lead or an event", i, cmd.Action, err)
				}
				continue
			}
			if cmd.Validate() != nil {
				t.Fatalf("command %d %s: accepted actor %q", i, cmd.Action, cmd.By)
			}
			if e.AggregateID != l.ID || e.Version != l.Version+1 || got.Version != l.Version+1 ||
				e.Actor != cmd.By || !e.At.Equal(cmd.At) || e.Reason != cmd.Reason {
				t.Fatalf("command %d %s: event %+v after version %d", i, cmd.Action, e, l.Version)
			}
			l = got
		}
	})
}
