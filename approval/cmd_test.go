package approval_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/approval"
	"pgregory.net/rapid"
)

// TestCommandShape checks the one command shape on random sequences of
// Approve, Reject and Cancel, some with a missing, blank or unprintable
// actor or a zero time: a refused command returns the zero Request and no
// event and leaves its input deeply equal to a Clone taken before; an
// accepted one returns exactly one event for the request with the next
// version and the command's By, At and Reason.
func TestCommandShape(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		roles := rapid.SliceOfN(rapid.SampledFrom([]string{"manager", "director"}), 1, 3).Draw(t, "roles")
		r, _, err := approval.New("subject", roles, time.Time{}, crmkit.Cmd{By: "rob", At: t0})
		if err != nil {
			t.Fatal(err)
		}
		at := t0
		for i := range rapid.IntRange(0, 8).Draw(t, "commands") {
			at = at.Add(time.Duration(rapid.IntRange(0, 3).Draw(t, fmt.Sprint("hours ", i))) * time.Hour)
			c := approval.Cmd{Cmd: crmkit.Cmd{
				By:     rapid.SampledFrom([]string{"mia", "dan", "bea", "rob", "", " \t", "mia\x07"}).Draw(t, fmt.Sprint("by ", i)),
				At:     at,
				Reason: rapid.SampledFrom([]string{"", "ok", "too much"}).Draw(t, fmt.Sprint("reason ", i)),
			}, Roles: []string{"manager", "director"}}
			if rapid.IntRange(0, 9).Draw(t, fmt.Sprint("zero at ", i)) == 0 {
				c.At = time.Time{}
			}
			before := r.Clone()
			var (
				got approval.Request
				e   crmkit.Event
			)
			switch rapid.IntRange(0, 2).Draw(t, fmt.Sprint("op ", i)) {
			case 0:
				got, e, err = r.Approve(c)
			case 1:
				got, e, err = r.Reject(c)
			default:
				got, e, err = r.Cancel(c.Cmd)
			}
			if !reflect.DeepEqual(before, r) {
				t.Fatalf("command %d changed its input", i)
			}
			if err != nil {
				if !reflect.DeepEqual(got, approval.Request{}) || !reflect.DeepEqual(e, crmkit.Event{}) {
					t.Fatalf("command %d refused (%v) but returned a request or an event", i, err)
				}
				continue
			}
			if c.Validate() != nil {
				t.Fatalf("command %d accepted an invalid command %+v", i, c)
			}
			if e.AggregateID != r.ID || e.Version != r.Version+1 || got.Version != r.Version+1 ||
				e.Actor != c.By || !e.At.Equal(c.At) || e.Reason != c.Reason {
				t.Fatalf("command %d %+v: event %+v after version %d", i, c, e, r.Version)
			}
			r = got
		}
	})
}
