package campaign_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/campaign"
	"pgregory.net/rapid"
)

// TestCommandShape checks the one command shape on random command
// sequences, some with a missing, blank or unprintable actor or a zero
// time: a refused command returns the zero Campaign and no event and
// leaves its input deeply equal to a Clone taken before; an accepted one
// returns exactly one event for the campaign with the next version and
// the command's By, At and Reason.
func TestCommandShape(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := newStoredCampaign(t)
		at := t0
		for i := range rapid.IntRange(0, 12).Draw(t, "commands") {
			at = at.Add(time.Hour)
			cm := crmkit.Cmd{By: rapid.SampledFrom([]string{"ana", "bo", "", " \t", "ana\x07"}).Draw(t, fmt.Sprint("by ", i)),
				At: at, Reason: rapid.SampledFrom([]string{"", "moved", "too expensive"}).Draw(t, fmt.Sprint("reason ", i))}
			if rapid.IntRange(0, 9).Draw(t, fmt.Sprint("zero at ", i)) == 0 {
				cm.At = time.Time{}
			}
			before := c.Clone()
			var (
				got campaign.Campaign
				e   crmkit.Event
				err error
			)
			switch op := rapid.IntRange(0, 5).Draw(t, fmt.Sprint("op ", i)); op {
			case 0:
				got, e, err = c.Submit(cm)
			case 1:
				got, e, err = c.Approve(cm)
			case 2:
				got, e, err = c.Reject(cm)
			case 3:
				got, e, err = c.Start(cm)
			case 4:
				got, e, err = c.Complete(cm, crmkit.MustMoney("4800.00", "EUR"))
			default:
				got, e, err = c.Cancel(cm)
			}
			if !reflect.DeepEqual(before, c) {
				t.Fatalf("command %d changed its input", i)
			}
			if err != nil {
				if !reflect.DeepEqual(got, campaign.Campaign{}) || !reflect.DeepEqual(e, crmkit.Event{}) {
					t.Fatalf("command %d refused (%v) but returned a campaign or an event", i, err)
				}
				continue
			}
			if cm.Validate() != nil {
				t.Fatalf("command %d accepted an invalid command %+v", i, cm)
			}
			if e.AggregateID != c.ID || e.Version != c.Version+1 || got.Version != c.Version+1 ||
				e.Actor != cm.By || !e.At.Equal(cm.At) || e.Reason != cm.Reason {
				t.Fatalf("command %d %+v: event %+v after version %d", i, cm, e, c.Version)
			}
			c = got
		}
	})
}
