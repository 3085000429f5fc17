package lead_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/leadtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestMergeByHand(t *testing.T) {
	clock := crmkit.NewFakeClock(t0.Add(48 * time.Hour))
	a := lead.Lead{
		ID: uuid.MustParse("01900000-0000-7000-8000-00000000000a"), Version: 3,
		Who:    lead.Person{Name: "Ada", Email: "ada@acme.com", Attributes: map[string]string{"segment": "smb"}},
		Source: lead.ChannelEmail, Stage: lead.StageSuspect, StageAt: t0, CreatedAt: t0, UpdatedAt: t0.Add(time.Hour),
		Temperature: lead.TemperatureCold,
		Journey: []lead.Touchpoint{
			{Channel: lead.ChannelEmail, Kind: lead.TouchEmailOpen, At: t0},
			{Channel: lead.ChannelSocial, Kind: lead.TouchLike, At: t0.Add(time.Hour)},
		},
	}
	b := lead.Lead{
		ID: uuid.MustParse("01900000-0000-7000-8000-00000000000b"), Version: 5,
		Who:    lead.Person{Name: "Ada L.", Phone: "+36 1 234 5678", Company: "Acme", Attributes: map[string]string{"segment": "mid", "language": "hu"}},
		Source: lead.ChannelLiveChat, Owner: "rep-2", Stage: lead.StageMQL, StageAt: t0.Add(3 * time.Hour), Reason: "asked for a demo",
		CreatedAt: t0.Add(2 * time.Hour), UpdatedAt: t0.Add(4 * time.Hour), Temperature: lead.TemperatureWarm, BuyBy: t0.AddDate(0, 1, 0),
		Journey: []lead.Touchpoint{
			{Channel: lead.ChannelSocial, Kind: lead.TouchLike, At: t0.Add(time.Hour)}, // same as a's
			{Channel: lead.ChannelLiveChat, Kind: lead.TouchChat, At: t0.Add(2 * time.Hour)},
		},
	}
	m, ev, err := lead.Merge(crmkit.Cmd{By: "dedupe-job", At: clock.Now()}, b, a)
	require.NoError(t, err)
	require.NotEqual(t, uuid.Nil, ev.ID, "a merge that changes the lead has its event")
	assert.Equal(t, a.ID, m.ID, "earliest creation survives")
	assert.Equal(t, t0, m.CreatedAt)
	assert.Equal(t, lead.ChannelEmail, m.Source)
	assert.Equal(t, "Ada", m.Who.Name, "survivor's fields win")
	assert.Equal(t, "+36 1 234 5678", m.Who.Phone, "empty fields filled")
	assert.Equal(t, "Acme", m.Who.Company)
	assert.Equal(t, map[string]string{"segment": "smb", "language": "hu"}, m.Who.Attributes)
	assert.Equal(t, "rep-2", m.Owner)
	assert.Equal(t, lead.StageMQL, m.Stage, "furthest stage")
	assert.Equal(t, "asked for a demo", m.Reason)
	assert.Equal(t, t0.Add(3*time.Hour), m.StageAt)
	assert.Equal(t, lead.TemperatureWarm, m.Temperature)
	assert.Equal(t, t0.AddDate(0, 1, 0), m.BuyBy)
	require.Len(t, m.Journey, 3)
	assert.Equal(t, []lead.TouchKind{lead.TouchEmailOpen, lead.TouchLike, lead.TouchChat},
		[]lead.TouchKind{m.Journey[0].Kind, m.Journey[1].Kind, m.Journey[2].Kind})
	assert.Equal(t, []uuid.UUID{b.ID}, m.MergedFrom)
	assert.Equal(t, int64(4), m.Version)
	assert.Equal(t, clock.Now(), m.UpdatedAt)
	assert.Equal(t, lead.EventLeadsMerged, ev.Type)
	assert.Equal(t, "suspect", ev.From)
	assert.Equal(t, "mql", ev.To)
	assert.Equal(t, int64(4), ev.Version)
	var p lead.MergePayload
	require.NoError(t, ev.DecodePayload(&p))
	assert.Equal(t, []uuid.UUID{b.ID}, p.Merged)
	// The inputs are untouched.
	assert.Equal(t, map[string]string{"segment": "smb"}, a.Who.Attributes)
	assert.Len(t, a.Journey, 2)

	// Merging again changes nothing.
	again, ev2, err := lead.Merge(crmkit.Cmd{By: "dedupe-job", At: clock.Now()}, m, b)
	require.NoError(t, err)
	assert.Equal(t, crmkit.Event{}, ev2, "no change: the zero event")
	assert.Equal(t, m, again)
}

func TestMergeRejections(t *testing.T) {
	clock := crmkit.NewFakeClock(t0.Add(time.Hour))
	_, _, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = lead.Merge(crmkit.Cmd{By: "x"}, lead.Lead{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, lead.Lead{Stage: lead.StageMQL, Version: 1})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "nil id")

	c1 := lead.Lead{ID: crmkit.NewID(), Stage: lead.StageConverted, Version: 2, CreatedAt: t0, UpdatedAt: t0,
		Conversion: lead.ConversionRef{AccountID: crmkit.NewID(), ContactID: crmkit.NewID(), OpportunityID: crmkit.NewID()}}
	c2 := c1
	c2.ID = crmkit.NewID()
	c2.Conversion.OpportunityID = crmkit.NewID()
	_, _, err = lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, c1, c2)
	assert.ErrorIs(t, err, crmkit.ErrConflict)

	diverged := c1
	diverged.Owner = "someone else"
	_, _, err = lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, c1, diverged)
	assert.ErrorIs(t, err, crmkit.ErrConflict)

	late := c1
	late.ID = crmkit.NewID()
	late.Stage = lead.StageSuspect
	late.Conversion = lead.ConversionRef{}
	late.UpdatedAt = t0.Add(2 * time.Hour) // after the clock
	_, _, err = lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, c1, late)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// mergeable draws 1-4 leads of which at most one is converted (two separate
// conversions cannot merge) and a clock after all of them.
func mergeable(t *rapid.T) ([]lead.Lead, *crmkit.FakeClock) {
	ls := rapid.SliceOfN(leadtest.Lead(), 1, 4).Draw(t, "leads")
	converted := false
	for i := range ls {
		if ls[i].Stage == lead.StageConverted {
			if converted {
				ls[i].Stage, ls[i].Conversion = lead.StageSQL, lead.ConversionRef{}
			}
			converted = true
		}
	}
	return ls, crmkit.NewFakeClock(leadtest.Epoch.Add(leadtest.Window + 365*24*time.Hour))
}

func TestMergeIsOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ls, clock := mergeable(t)
		perm := rapid.Permutation(ls).Draw(t, "order")
		m1, e1, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, ls...)
		require.NoError(t, err)
		m2, e2, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, perm...)
		require.NoError(t, err)
		require.Equal(t, e1.ID == uuid.Nil, e2.ID == uuid.Nil)
		if !reflect.DeepEqual(m1, m2) {
			t.Fatalf("order changed the result:\n%#v\n%#v", m1, m2)
		}
		e1.ID, e2.ID = uuid.Nil, uuid.Nil
		require.Equal(t, e1, e2)
	})
}

func TestMergeIsIdempotent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ls, clock := mergeable(t)
		m, _, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, ls...)
		require.NoError(t, err)
		// Merging the result with itself, or with any of its inputs,
		// changes nothing.
		again, ev, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, append([]lead.Lead{m}, ls...)...)
		require.NoError(t, err)
		require.Equal(t, crmkit.Event{}, ev)
		require.True(t, reflect.DeepEqual(m, again))
		self, ev3, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, m)
		require.NoError(t, err)
		require.Equal(t, crmkit.Event{}, ev3)
		require.True(t, reflect.DeepEqual(m, self))
	})
}

func TestMergeKeepsEarliestAndEveryTouch(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ls, clock := mergeable(t)
		m, _, err := lead.Merge(crmkit.Cmd{By: "x", At: clock.Now()}, ls...)
		require.NoError(t, err)
		for _, l := range ls {
			require.False(t, l.CreatedAt.Before(m.CreatedAt), "a lead was created before the survivor")
			for _, tp := range l.Journey {
				require.True(t, slices.Contains(m.Journey, tp), "lost touch %v", tp)
			}
			if l.ID != m.ID {
				require.Contains(t, m.MergedFrom, l.ID)
			}
		}
		require.True(t, slices.IsSortedFunc(m.Journey, func(a, b lead.Touchpoint) int { return a.At.Compare(b.At) }))
		for i := 1; i < len(m.Journey); i++ {
			require.NotEqual(t, m.Journey[i-1], m.Journey[i], "repeated touch")
		}
	})
}

// BenchmarkFindDuplicates groups 100,000 leads drawn from 20,000
// identities (e-mail, company domain or phone).
