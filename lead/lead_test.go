package lead_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

func TestNewCapturesSuspect(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	l, ev, err := lead.New(lead.Capture{
		Who:    lead.Person{Name: "Ada Lovelace", Email: "ada@example.com"},
		Source: lead.ChannelReferral,
	}, crmkit.Cmd{By: "rep-1", At: clock.Now()})
	require.NoError(t, err)
	assert.Equal(t, lead.StageSuspect, l.Stage)
	assert.Equal(t, lead.TemperatureCold, l.Temperature)
	assert.Equal(t, int64(1), l.Version)
	assert.Equal(t, t0, l.CreatedAt)
	assert.Equal(t, lead.EventLeadCaptured, ev.Type)
	assert.Equal(t, l.ID, ev.AggregateID)
	assert.Equal(t, "suspect", ev.To)
	assert.Equal(t, int64(1), ev.Version)
}

func TestNewRejectsBadInput(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	ok := lead.Capture{Who: lead.Person{Name: "Ada"}, Source: lead.ChannelEmail}
	cases := map[string]func(c *lead.Capture){
		"empty identity":   func(c *lead.Capture) { c.Who = lead.Person{Title: "CTO"} },
		"blank identity":   func(c *lead.Capture) { c.Who = lead.Person{Name: "  "} },
		"bad email":        func(c *lead.Capture) { c.Who.Email = "ada-at-example" },
		"unknown source":   func(c *lead.Capture) { c.Source = "carrier_pigeon" },
		"empty source":     func(c *lead.Capture) { c.Source = "" },
		"event no kind":    func(c *lead.Capture) { c.Source = lead.ChannelEvent },
		"kind without evt": func(c *lead.Capture) { c.EventKind = lead.EventLunch },
		"negative size":    func(c *lead.Capture) { c.Who.CompanySize = -1 },
		"touch before": func(c *lead.Capture) {
			c.Journey = []lead.Touchpoint{{Channel: lead.ChannelEmail, Kind: lead.TouchView, At: t0.Add(-2 * time.Hour)}}
		},
		"touch bad channel": func(c *lead.Capture) { c.Journey = []lead.Touchpoint{{Channel: "fax", Kind: lead.TouchView, At: t0}} },
		"negative hot":      func(c *lead.Capture) { c.Temperature.HotWithin = -time.Hour },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			c := ok
			mutate(&c)
			l, ev, err := lead.New(c, crmkit.Cmd{By: "rep", At: clock.Now()})
			require.Error(t, err)
			assert.True(t, errors.Is(err, crmkit.ErrInvalid), "%v", err)
			assert.Equal(t, lead.Lead{}, l)
			assert.Equal(t, crmkit.Event{}, ev)
		})
	}
}

func errorsIsInvalid(err error) bool { return errors.Is(err, crmkit.ErrInvalid) }

func TestRecordTouch(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	l := captured(t, clock)
	clock.Advance(3 * time.Hour)
	late := lead.Touchpoint{Channel: lead.ChannelInboundContent, Content: "video/demo", Kind: lead.TouchView, At: t0.Add(2 * time.Hour)}
	early := lead.Touchpoint{Channel: lead.ChannelSocial, Kind: lead.TouchLike, At: t0.Add(time.Hour)}
	a, ev, err := l.RecordTouch(lead.Sources{}, late, crmkit.Cmd{By: "web", At: clock.Now()})
	require.NoError(t, err)
	assert.Equal(t, lead.EventTouchpointRecorded, ev.Type)
	assert.Equal(t, clock.Now(), ev.At)
	var tp lead.Touchpoint
	require.NoError(t, ev.DecodePayload(&tp))
	assert.Equal(t, late.Content, tp.Content)
	assert.True(t, late.At.Equal(tp.At))
	b, _, err := a.RecordTouch(lead.Sources{}, early, crmkit.Cmd{By: "web", At: clock.Now()}) // arrives late, sorted in
	require.NoError(t, err)
	assert.Equal(t, []lead.Touchpoint{early, late}, b.Journey)
	assert.Len(t, a.Journey, 1, "input journey untouched")
	assert.Empty(t, l.Journey)
	assert.Equal(t, l.Version+2, b.Version)
	assert.Equal(t, lead.StageSuspect, b.Stage)

	_, _, err = b.RecordTouch(lead.Sources{}, early, crmkit.Cmd{By: "web", At: clock.Now()})
	assert.ErrorIs(t, err, crmkit.ErrConflict, "same touch twice")
	for name, bad := range map[string]lead.Touchpoint{
		"future":         {Channel: lead.ChannelEmail, Kind: lead.TouchEmailOpen, At: clock.Now().Add(time.Second)},
		"before created": {Channel: lead.ChannelEmail, Kind: lead.TouchEmailOpen, At: t0.Add(-time.Second)},
		"zero time":      {Channel: lead.ChannelEmail, Kind: lead.TouchEmailOpen},
		"no kind":        {Channel: lead.ChannelEmail, At: t0},
		"bad channel":    {Channel: "fax", Kind: lead.TouchView, At: t0},
	} {
		got, ev, err := b.RecordTouch(lead.Sources{}, bad, crmkit.Cmd{By: "web", At: clock.Now()})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.Equal(t, lead.Lead{}, got, name)
		assert.Equal(t, crmkit.Event{}, ev, name)
	}
	_, _, err = b.RecordTouch(lead.Sources{}, early, crmkit.Cmd{By: "web", At: time.Time{}})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestAssign(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	l := captured(t, clock)
	a, ev, err := l.Assign("rep-9", crmkit.Cmd{By: "router", At: clock.Now()})
	require.NoError(t, err)
	assert.Equal(t, "rep-9", a.Owner)
	assert.Equal(t, lead.EventLeadAssigned, ev.Type)
	assert.Equal(t, "", ev.From)
	assert.Equal(t, "rep-9", ev.To)
	_, _, err = a.Assign("rep-9", crmkit.Cmd{By: "router", At: clock.Now()})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	lad := newLadder(t, clock)
	d, _, err := lad.Fire(context.Background(), a, lead.Command{Cmd: crmkit.Cmd{By: "rep", Reason: "spam", At: clock.Now()}, Action: lead.ActionDisqualify})
	require.NoError(t, err)
	_, _, err = d.Assign("rep-1", crmkit.Cmd{By: "router", At: clock.Now()})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
}

func TestCloneSharesNothing(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	l, _, err := lead.New(lead.Capture{
		Who:     lead.Person{Name: "A", Attributes: map[string]string{"k": "v"}},
		Source:  lead.ChannelEmail,
		Journey: []lead.Touchpoint{{Channel: lead.ChannelEmail, Kind: lead.TouchView, At: t0}},
	}, crmkit.Cmd{By: "rep", At: clock.Now()})
	require.NoError(t, err)
	c := l.Clone()
	c.Who.Attributes["k"] = "changed"
	c.Journey[0].Kind = lead.TouchCall
	assert.Equal(t, "v", l.Who.Attributes["k"])
	assert.Equal(t, lead.TouchView, l.Journey[0].Kind)
}

func TestNewCopiesCallerData(t *testing.T) {
	clock := crmkit.NewFakeClock(t0)
	attrs := map[string]string{"segment": "smb"}
	journey := []lead.Touchpoint{{Channel: lead.ChannelEmail, Kind: lead.TouchView, At: t0}}
	l, _, err := lead.New(lead.Capture{Who: lead.Person{Name: "A", Attributes: attrs}, Source: lead.ChannelEmail, Journey: journey}, crmkit.Cmd{By: "rep", At: clock.Now()})
	require.NoError(t, err)
	attrs["segment"] = "enterprise"
	journey[0].Kind = lead.TouchCall
	assert.Equal(t, "smb", l.Who.Attributes["segment"])
	assert.Equal(t, lead.TouchView, l.Journey[0].Kind)
}
