package leadtest_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/dedupe"
	"github.com/crmkit/crmkit/lead/leadtest"
	"pgregory.net/rapid"
)

func TestLeadKeepsInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l := leadtest.Lead().Draw(t, "lead")
		if l.ID == [16]byte{} || l.ID.Version() != 7 {
			t.Fatalf("bad id %s", l.ID)
		}
		if err := l.Who.Validate(); err != nil {
			t.Fatal(err)
		}
		if !l.Stage.Valid() || !l.Temperature.Valid() || l.Version < 1 {
			t.Fatalf("stage %s temperature %s version %d", l.Stage, l.Temperature, l.Version)
		}
		if l.StageAt.Before(l.CreatedAt) || l.UpdatedAt.Before(l.StageAt) {
			t.Fatalf("times out of order: %s %s %s", l.CreatedAt, l.StageAt, l.UpdatedAt)
		}
		for i, tp := range l.Journey {
			if err := tp.Validate(lead.Sources{}); err != nil {
				t.Fatal(err)
			}
			if tp.At.Before(l.CreatedAt) || tp.At.After(l.UpdatedAt) {
				t.Fatalf("touch %d at %s outside [%s, %s]", i, tp.At, l.CreatedAt, l.UpdatedAt)
			}
			if i > 0 && !l.Journey[i-1].At.Before(tp.At) && l.Journey[i-1] == tp {
				t.Fatalf("repeated touch %d", i)
			}
			if i > 0 && tp.At.Before(l.Journey[i-1].At) {
				t.Fatalf("journey out of order at %d", i)
			}
		}
		if l.Stage == lead.StageNurture && (l.Reason == "" || !l.RevisitAt.After(l.StageAt)) {
			t.Fatalf("nurtured lead without reason or revisit date")
		}
		// The lead package accepts it: a new touch can be recorded, and a
		// legal action fires.
		clock := crmkit.NewFakeClock(l.UpdatedAt.Add(time.Minute))
		if _, _, err := l.RecordTouch(lead.Sources{}, lead.Touchpoint{Channel: lead.ChannelEmail, Kind: lead.TouchReply, At: clock.Now()}, crmkit.Cmd{By: "t", At: clock.Now()}); err != nil {
			t.Fatal(err)
		}
		lad, err := lead.NewLadder()
		if err != nil {
			t.Fatal(err)
		}
		if !l.Stage.Final() {
			if _, _, err := lad.Fire(context.Background(), l, lead.Command{Cmd: crmkit.Cmd{By: "t", Reason: "spam", At: clock.Now()}, Action: lead.ActionDisqualify}); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestEventSequenceReplays(t *testing.T) {
	lad, err := lead.NewLadder()
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(t *rapid.T) {
		evs := leadtest.EventSequence().Draw(t, "events")
		for i, ev := range evs {
			if err := ev.Validate(); err != nil {
				t.Fatal(err)
			}
			if i > 0 && ev.At.Before(evs[i-1].At) {
				t.Fatalf("event %d goes back in time", i)
			}
		}
		stage, err := lad.ReplayStage(slices.Values(evs))
		if err != nil {
			t.Fatal(err)
		}
		want := lead.StageSuspect
		for _, ev := range evs[1:] {
			if ev.To != "" {
				want, err = lead.ParseStage(ev.To)
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		if stage != want {
			t.Fatalf("replayed to %s, last event says %s", stage, want)
		}
	})
}

func TestJourneyIsSortedWithinBounds(t *testing.T) {
	from := leadtest.Epoch
	to := from.Add(72 * time.Hour)
	rapid.Check(t, func(t *rapid.T) {
		j := leadtest.Journey(from, to).Draw(t, "journey")
		for i, tp := range j {
			if tp.At.Before(from) || tp.At.After(to) {
				t.Fatalf("touch at %s outside bounds", tp.At)
			}
			if i > 0 && (tp.At.Before(j[i-1].At) || tp == j[i-1]) {
				t.Fatalf("touch %d out of order or repeated", i)
			}
		}
	})
}

func TestLeadsHaveDuplicates(t *testing.T) {
	// The small pools exist to make duplicates common; check that they do.
	found := false
	rapid.Check(t, func(t *rapid.T) {
		ls := leadtest.Leads(8).Draw(t, "leads")
		if len(dedupe.Matcher{}.FindDuplicates(ls)) > 0 {
			found = true
		}
	})
	if !found {
		t.Fatal("100 draws of up to 8 leads had no duplicates")
	}
}

func TestCaptureAndCommandAreAccepted(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		now := leadtest.Time(leadtest.Epoch, leadtest.Window).Draw(t, "now")
		clock := crmkit.NewFakeClock(now)
		l, ev, err := lead.New(leadtest.Capture(now).Draw(t, "capture"), crmkit.Cmd{By: "rep", At: clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if ev.Type != lead.EventLeadCaptured {
			t.Fatalf("event %s", ev.Type)
		}
		lad, err := lead.NewLadder()
		if err != nil {
			t.Fatal(err)
		}
		cmd := leadtest.Command(now).Draw(t, "command")
		got, _, err := lad.Fire(context.Background(), l, cmd)
		if _, legal := lad.Next(l.Stage, cmd.Action); legal != (err == nil) {
			t.Fatalf("%s from %s: legal %v, error %v", cmd.Action, l.Stage, legal, err)
		}
		if err == nil && got.Stage == l.Stage {
			t.Fatalf("%s did not move the lead", cmd.Action)
		}
	})
}
