package lead_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/leadtest"
)

// storedCopy returns l as a store may give it back: every time in another
// zone and without its monotonic reading, and empty slices and maps where
// l has nil ones and the other way round (JSON, SQL arrays and drivers
// differ). Its meaning is unchanged.
func storedCopy(t *rapid.T, l lead.Lead) lead.Lead {
	zones := []*time.Location{time.UTC, time.FixedZone("CET", 3600), time.FixedZone("NPT", 5*3600+45*60), time.FixedZone("HST", -10*3600)}
	loc := rapid.SampledFrom(zones).Draw(t, "zone")
	in := func(tm time.Time) time.Time {
		if tm.IsZero() {
			return tm // a zero time stays zero: stores keep "unset"
		}
		return tm.In(loc).Round(0)
	}
	c := l.Clone()
	c.StageAt, c.RevisitAt, c.BuyBy = in(c.StageAt), in(c.RevisitAt), in(c.BuyBy)
	c.CreatedAt, c.UpdatedAt = in(c.CreatedAt), in(c.UpdatedAt)
	for i := range c.Journey {
		c.Journey[i].At = in(c.Journey[i].At)
	}
	flip := rapid.Bool().Draw(t, "flip empties")
	switch {
	case len(c.Journey) == 0 && flip:
		if c.Journey == nil {
			c.Journey = []lead.Touchpoint{}
		} else {
			c.Journey = nil
		}
	}
	if len(c.MergedFrom) == 0 && flip {
		if c.MergedFrom == nil {
			c.MergedFrom = []uuid.UUID{}
		} else {
			c.MergedFrom = nil
		}
	}
	if len(c.Who.Attributes) == 0 && flip {
		if c.Who.Attributes == nil {
			c.Who.Attributes = map[string]string{}
		} else {
			c.Who.Attributes = nil
		}
	}
	return c
}

// TestPropertyMergeAcceptsStoredCopies: a lead read back from a store
// (another zone, nil for empty) is the lead written, so merging the
// originals with their stored copies is no conflict and gives the same
// lead as merging the originals.
func TestPropertyMergeAcceptsStoredCopies(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ls, clock := mergeable(t)
		want, wantEv, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, ls...)
		require.NoError(t, err)
		with := append([]lead.Lead(nil), ls...)
		for _, l := range ls {
			s := storedCopy(t, l)
			require.True(t, l.Equal(s), "a stored copy differs")
			require.True(t, s.Equal(l), "Equal is not symmetric")
			with = append(with, s)
		}
		with = rapid.Permutation(with).Draw(t, "order")
		got, gotEv, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, with...)
		require.NoError(t, err)
		require.Equal(t, wantEv.ID == uuid.Nil, gotEv.ID == uuid.Nil, "both merges change the lead or neither")
		require.True(t, want.Equal(got), "stored copies changed the merge:\n%#v\n%#v", want, got)
		// Merging the result with a stored copy of itself changes nothing.
		again, againEv, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, got, storedCopy(t, got))
		require.NoError(t, err)
		require.Equal(t, crmkit.Event{}, againEv)
		require.True(t, got.Equal(again))
	})
}

// TestPropertyEqualSeesEveryField: changing any one field of a lead makes
// it unequal (Equal ignores only zones, monotonic readings and nil versus
// empty), so Merge still reports two versions that really differ.
func TestPropertyEqualSeesEveryField(t *testing.T) {
	changes := map[string]func(*lead.Lead){
		"ID":          func(l *lead.Lead) { l.ID[15] ^= 1 },
		"Who.Name":    func(l *lead.Lead) { l.Who.Name += "x" },
		"Who.Email":   func(l *lead.Lead) { l.Who.Email += "x" },
		"Who.Phone":   func(l *lead.Lead) { l.Who.Phone += "1" },
		"Who.Company": func(l *lead.Lead) { l.Who.Company += "x" },
		"Who.Title":   func(l *lead.Lead) { l.Who.Title += "x" },
		"Who.Industry": func(l *lead.Lead) {
			l.Who.Industry += "x"
		},
		"Who.Country":     func(l *lead.Lead) { l.Who.Country += "x" },
		"Who.Website":     func(l *lead.Lead) { l.Who.Website += "x" },
		"Who.CompanySize": func(l *lead.Lead) { l.Who.CompanySize++ },
		"Who.Attributes": func(l *lead.Lead) {
			a := map[string]string{"k": "v"}
			for k, v := range l.Who.Attributes {
				a[k] = v + "x"
			}
			l.Who.Attributes = a
		},
		"Source":      func(l *lead.Lead) { l.Source += "x" },
		"EventKind":   func(l *lead.Lead) { l.EventKind += "x" },
		"ReferredBy":  func(l *lead.Lead) { l.ReferredBy += "x" },
		"Campaign":    func(l *lead.Lead) { l.Campaign += "x" },
		"Owner":       func(l *lead.Lead) { l.Owner += "x" },
		"Stage":       func(l *lead.Lead) { l.Stage++ },
		"StageAt":     func(l *lead.Lead) { l.StageAt = l.StageAt.Add(time.Nanosecond) },
		"Reason":      func(l *lead.Lead) { l.Reason += "x" },
		"RevisitAt":   func(l *lead.Lead) { l.RevisitAt = l.RevisitAt.Add(time.Nanosecond) },
		"NurturedBy":  func(l *lead.Lead) { l.NurturedBy++ },
		"Temperature": func(l *lead.Lead) { l.Temperature++ },
		"BuyBy":       func(l *lead.Lead) { l.BuyBy = l.BuyBy.Add(time.Nanosecond) },
		"Journey": func(l *lead.Lead) {
			l.Journey = append(l.Journey, lead.Touchpoint{Channel: lead.ChannelReferral, Kind: "visit", At: l.CreatedAt})
		},
		"CreatedAt":   func(l *lead.Lead) { l.CreatedAt = l.CreatedAt.Add(time.Nanosecond) },
		"UpdatedAt":   func(l *lead.Lead) { l.UpdatedAt = l.UpdatedAt.Add(time.Nanosecond) },
		"Conversion":  func(l *lead.Lead) { l.Conversion.ExistingAccount = !l.Conversion.ExistingAccount },
		"MergedFrom":  func(l *lead.Lead) { l.MergedFrom = append(l.MergedFrom, uuid.UUID{1}) },
		"Version":     func(l *lead.Lead) { l.Version++ },
		"Description": func(l *lead.Lead) { l.Description += "x" },
		"ArchivedAt":  func(l *lead.Lead) { l.ArchivedAt = l.ArchivedAt.Add(time.Nanosecond) },
	}
	// A field added to Lead or Person must be added to Equal and here.
	fields := map[string]bool{}
	for name := range changes {
		top, _, _ := strings.Cut(name, ".")
		fields[top] = true
	}
	require.Len(t, fields, reflect.TypeFor[lead.Lead]().NumField(), "Lead fields")
	require.Equal(t, 10, reflect.TypeFor[lead.Person]().NumField(), "Person fields: 10 checked above")
	rapid.Check(t, func(t *rapid.T) {
		l := rapid.Custom(func(t *rapid.T) lead.Lead { return leadtest.Lead().Draw(t, "lead") }).Draw(t, "l")
		for name, change := range changes {
			c := storedCopy(t, l)
			change(&c)
			require.False(t, l.Equal(c), "a change of %s went unseen", name)
		}
	})
}
