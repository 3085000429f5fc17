package lead_test

import (
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
	l, ev, err := lead.New(clock, lead.Capture{
		Who:    lead.Person{Name: "Ada Lovelace", Email: "ada@example.com"},
		Source: lead.ChannelReferral, Actor: "rep-1",
	})
	require.NoError(t, err)
	assert.Equal(t, lead.StageSuspect, l.Stage)
	assert.Equal(t, lead.TemperatureCold, l.Temperature)
	assert.Equal(t, int64(1), l.Version)
	assert.Equal(t, t0, l.CreatedAt)
	assert.Equal(t, lead.LeadCaptured, ev.Type)
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
		"future creation":  func(c *lead.Capture) { c.At = t0.Add(time.Hour) },
		"negative size":    func(c *lead.Capture) { c.Who.CompanySize = -1 },
		"touch in future": func(c *lead.Capture) {
			c.Journey = []lead.Touchpoint{{Channel: lead.ChannelEmail, Kind: lead.TouchView, At: t0.Add(time.Second)}}
		},
		"touch before": func(c *lead.Capture) {
			c.At = t0.Add(-time.Hour)
			c.Journey = []lead.Touchpoint{{Channel: lead.ChannelEmail, Kind: lead.TouchView, At: t0.Add(-2 * time.Hour)}}
		},
		"touch bad channel": func(c *lead.Capture) { c.Journey = []lead.Touchpoint{{Channel: "fax", Kind: lead.TouchView, At: t0}} },
		"negative hot":      func(c *lead.Capture) { c.Temperature.HotWithin = -time.Hour },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			c := ok
			mutate(&c)
			l, ev, err := lead.New(clock, c)
			require.Error(t, err)
			assert.True(t, errors.Is(err, crmkit.ErrInvalid), "%v", err)
			assert.Equal(t, lead.Lead{}, l)
			assert.Equal(t, crmkit.Event{}, ev)
		})
	}
}
