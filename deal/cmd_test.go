package deal_test

import (
	"reflect"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/dealtest"
	"pgregory.net/rapid"
)

// TestCommandShape checks the one command shape on random command
// sequences, some with a missing, blank or unprintable actor: a refused
// command returns the zero Deal and no event and leaves its input deeply
// equal to a Clone taken before; an accepted one returns exactly one event
// for the deal, carrying the next version, the command's actor and time.
func TestCommandShape(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := dealtest.Pipeline().Draw(t, "pipeline")
		d := dealtest.Deal(p, dealStart).Draw(t, "deal")
		at := d.UpdatedAt
		for i, c := range dealtest.Commands(p).Draw(t, "commands") {
			at = at.Add(c.Advance)
			switch rapid.IntRange(0, 9).Draw(t, "bad actor") {
			case 0:
				c.Actor = ""
			case 1:
				c.Actor = " \t"
			case 2:
				c.Actor = "ana\x07"
			}
			before := d.Clone()
			got, e, err := c.Run(p, d, at)
			if !reflect.DeepEqual(before, d) {
				t.Fatalf("command %d %s changed its input", i, c)
			}
			if err != nil {
				if !reflect.DeepEqual(got, deal.Deal{}) || !reflect.DeepEqual(e, crmkit.Event{}) {
					t.Fatalf("command %d %s: refused (%v) but returned a deal or an event", i, c, err)
				}
				continue
			}
			if c.Actor == "" || c.Actor == " \t" || c.Actor == "ana\x07" {
				t.Fatalf("command %d %s: accepted actor %q", i, c, c.Actor)
			}
			if e.AggregateID != d.ID || e.Version != d.Version+1 || got.Version != d.Version+1 || e.Actor != c.Actor || !e.At.Equal(at) {
				t.Fatalf("command %d %s: event %+v after version %d", i, c, e, d.Version)
			}
			d = got
		}
	})
}
