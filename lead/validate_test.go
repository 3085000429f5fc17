package lead_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/clonetest"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/leadtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// Every lead the generator builds (New and the ladder, in any stage) is
// valid, and its Clone is deep and equal.
func TestGeneratedLeadsAreValidAndCloneDeeply(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		l := leadtest.Lead().Draw(t, "lead")
		if err := l.Validate(); err != nil {
			t.Fatalf("generated lead: %v", err)
		}
		if err := clonetest.Check(l, lead.Lead.Clone); err != nil {
			t.Fatal(err)
		}
	})
}

// Every lead New, the ladder, RecordTouch and Merge make is valid, and
// its Clone is deep: Validate holds the invariants the commands keep, no
// stricter.
func TestEveryLeadTheCommandsMakeIsValid(t *testing.T) {
	ctx := context.Background()
	rapid.Check(t, func(t *rapid.T) {
		now := leadtest.Epoch.AddDate(0, 1, 0)
		clock := crmkit.NewFakeClock(now)
		lad, err := lead.NewLadder()
		if err != nil {
			t.Fatal(err)
		}
		capture := func(label string) lead.Lead {
			c := leadtest.Capture(clock.Now()).Draw(t, label)
			l, _, err := lead.New(c, crmkit.Cmd{By: "rep", At: clock.Now()})
			if err != nil {
				t.Fatalf("%s: %v", label, err)
			}
			return l
		}
		check := func(what string, l lead.Lead) {
			if err := l.Validate(); err != nil {
				t.Fatalf("%s made an invalid lead: %v", what, err)
			}
			if err := clonetest.Check(l, lead.Lead.Clone); err != nil {
				t.Fatalf("after %s: %v", what, err)
			}
		}
		l := capture("capture")
		check("New", l)
		for i := range rapid.IntRange(0, 8).Draw(t, "commands") {
			clock.Advance(time.Duration(rapid.IntRange(0, 72).Draw(t, fmt.Sprint("hours ", i))) * time.Hour)
			var (
				next lead.Lead
				err  error
				what string
			)
			switch rapid.IntRange(0, 2).Draw(t, fmt.Sprint("op ", i)) {
			case 0:
				cmd := leadtest.Command(clock.Now()).Draw(t, fmt.Sprint("command ", i))
				next, _, err = lad.Fire(ctx, l, cmd)
				what = "Fire " + cmd.Action.String()
			case 1:
				tp := leadtest.Touchpoint(l.CreatedAt, clock.Now()).Draw(t, fmt.Sprint("touch ", i))
				next, _, err = l.RecordTouch(lead.Sources{}, tp, crmkit.Cmd{By: "rep", At: clock.Now()})
				what = "RecordTouch"
			default:
				other := capture(fmt.Sprint("duplicate ", i))
				next, _, err = lead.Merge(crmkit.Cmd{By: "rep", At: clock.Now()}, l, other)
				what = "Merge"
			}
			if err != nil {
				continue
			}
			check(what, next)
			l = next
		}
	})
}

// validLead is a nurtured event lead with a journey, attributes and a
// merged duplicate.
func validLead(t *testing.T) lead.Lead {
	t.Helper()
	l, _, err := lead.New(lead.Capture{
		Who:       lead.Person{Name: "Ada", Email: "ada@example.com", Attributes: map[string]string{"segment": "smb"}},
		Source:    lead.ChannelEvent,
		EventKind: lead.EventWebinar,
		Journey:   []lead.Touchpoint{{Channel: lead.ChannelEmail, Kind: lead.TouchForm, At: t0}, {Channel: lead.ChannelEmail, Kind: lead.TouchForm, At: t0.Add(time.Minute)}},
	}, crmkit.Cmd{By: "rep", At: t0})
	require.NoError(t, err)
	l.Stage, l.RevisitAt, l.NurturedBy = lead.StageNurture, t0.AddDate(0, 1, 0), lead.SideSales
	l.MergedFrom = []uuid.UUID{uuid.MustParse("01900000-0000-7000-8000-000000000001"), uuid.MustParse("01900000-0000-7000-8000-000000000002")}
	require.NoError(t, l.Validate())
	return l
}

func TestLeadValidateNamesTheField(t *testing.T) {
	for _, tc := range []struct {
		field  string
		change func(*lead.Lead)
	}{
		{"id", func(l *lead.Lead) { l.ID = uuid.Nil }},
		{"version", func(l *lead.Lead) { l.Version = 0 }},
		{"stage", func(l *lead.Lead) { l.Stage = 0 }},
		{"stage", func(l *lead.Lead) { l.Stage = 7 }},
		{"source", func(l *lead.Lead) { l.Source = " " }},
		{"event kind", func(l *lead.Lead) { l.EventKind = "party" }},
		{"event kind", func(l *lead.Lead) { l.Source = lead.ChannelEmail }}, // a kind without an event
		{"nurtured by", func(l *lead.Lead) { l.NurturedBy = 3 }},
		{"revisit at", func(l *lead.Lead) { l.RevisitAt = time.Time{} }},
		{"revisit at", func(l *lead.Lead) { l.Stage = lead.StageMQL }},
		{"nurtured by", func(l *lead.Lead) { l.Stage, l.RevisitAt = lead.StageMQL, time.Time{} }},
		{"temperature", func(l *lead.Lead) { l.Temperature = 9 }},
		{"conversion", func(l *lead.Lead) { l.Conversion.AccountID = l.ID }},
		{"created at", func(l *lead.Lead) { l.CreatedAt = time.Time{} }},
		{"stage at", func(l *lead.Lead) { l.StageAt = l.CreatedAt.Add(-time.Second) }},
		{"updated at", func(l *lead.Lead) { l.UpdatedAt = l.CreatedAt.Add(-time.Second) }},
		{"who", func(l *lead.Lead) { l.Who = lead.Person{} }},
		{"email", func(l *lead.Lead) { l.Who.Email = "no at sign" }},
		{"journey[1].channel", func(l *lead.Lead) { l.Journey[1].Channel = "" }},
		{"journey[0].kind", func(l *lead.Lead) { l.Journey[0].Kind = "" }},
		{"journey[1].at", func(l *lead.Lead) { l.Journey[1].At = time.Time{} }},
		{"journey[1]", func(l *lead.Lead) { l.Journey[1].At = l.Journey[0].At.Add(-time.Second) }},
		{"merged from[0]", func(l *lead.Lead) { l.MergedFrom[0] = uuid.Nil }},
		{"merged from[1]", func(l *lead.Lead) { l.MergedFrom[1] = l.MergedFrom[0] }},
	} {
		l := validLead(t).Clone()
		tc.change(&l)
		err := l.Validate()
		var ve *crmkit.ValidationError
		if assert.ErrorAs(t, err, &ve, tc.field) {
			assert.Equal(t, tc.field, ve.Field)
			assert.ErrorIs(t, err, crmkit.ErrInvalid, tc.field)
		}
	}
	// The zero temperature (none derived yet) is allowed.
	l := validLead(t)
	l.Temperature = 0
	assert.NoError(t, l.Validate())
}

// The zero lead is invalid, not a panic, and clones to itself.
func TestZeroLead(t *testing.T) {
	assert.ErrorIs(t, lead.Lead{}.Validate(), crmkit.ErrInvalid)
	assert.Equal(t, lead.Lead{}, lead.Lead{}.Clone())
}
