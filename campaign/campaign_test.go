package campaign_test

import (
	"context"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/campaign"
	"github.com/looplab/fsm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func at(days int) time.Time { return t0.AddDate(0, 0, days) }

func money(t *testing.T, minor int64) crmkit.Money {
	t.Helper()
	m, err := crmkit.NewMoney(minor, crmkit.MustCurrency("EUR"))
	require.NoError(t, err)
	return m
}

// create calls campaign.New with the given fields, created by "ann" at day 0.
func create(code, name string, budget crmkit.Money, planned campaign.Targets, schedule crmkit.Period) (campaign.Campaign, crmkit.Event, error) {
	return campaign.New(campaign.Spec{Code: code, Name: name, Budget: budget, Planned: planned, Schedule: schedule, Owner: "ann"},
		crmkit.Cmd{By: "ann", At: at(0)})
}

func newCampaign(t *testing.T, code string, budget int64, planned campaign.Targets) campaign.Campaign {
	c, e, err := create(code, code+" campaign", money(t, budget), planned, crmkit.Period{Start: at(0), End: at(30)})
	require.NoError(t, err)
	require.Equal(t, campaign.EventCampaignCreated, e.Type)
	return c
}

func TestCampaignLifecycle(t *testing.T) {
	c := newCampaign(t, "spring", 100000, campaign.Targets{})
	assert.Equal(t, campaign.Planned, c.Status)
	c, e, err := c.Submit(crmkit.Cmd{By: "ann", At: at(1)})
	require.NoError(t, err)
	assert.Equal(t, [3]string{"planned", "pending approval", ""}, [3]string{e.From, e.To, e.Reason})
	assert.Equal(t, int64(2), e.Version, "version 1 is the creation")

	_, _, err = c.Approve(crmkit.Cmd{By: "ann", At: at(2)})
	assert.ErrorIs(t, err, crmkit.ErrForbidden, "no approving one's own submission")
	_, _, err = c.Reject(crmkit.Cmd{By: "bob", At: at(2), Reason: ""})
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a rejection needs a reason")
	rejected, e, err := c.Reject(crmkit.Cmd{By: "bob", At: at(2), Reason: "budget too high"})
	require.NoError(t, err)
	assert.Equal(t, campaign.Planned, rejected.Status)
	assert.Equal(t, "budget too high", e.Reason)

	c, _, err = c.Approve(crmkit.Cmd{By: "bob", At: at(2)})
	require.NoError(t, err)
	assert.Equal(t, "bob", c.ApprovedBy)
	_, _, err = c.Complete(crmkit.Cmd{By: "ann", At: at(3)}, money(t, 1))
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition, "an approved campaign must run before it completes")
	c, _, err = c.Start(crmkit.Cmd{By: "ann", At: at(3)})
	require.NoError(t, err)
	_, _, err = c.Complete(crmkit.Cmd{By: "ann", At: at(20)}, crmkit.MustMoney("1", "USD"))
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
	_, _, err = c.Complete(crmkit.Cmd{By: "ann", At: at(20)}, money(t, -1))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	done, e, err := c.Complete(crmkit.Cmd{By: "ann", At: at(20)}, money(t, 120000))
	require.NoError(t, err)
	assert.Equal(t, campaign.Completed, done.Status)
	assert.Equal(t, money(t, 120000), done.ActualCost)
	assert.Equal(t, int64(5), done.Version, "created, submitted, approved, started, completed")
	assert.Equal(t, campaign.EventCampaignStatusChanged, e.Type)
	assert.Equal(t, campaign.Running, c.Status, "commands return a copy")

	_, _, err = done.Cancel(crmkit.Cmd{By: "ann", At: at(21), Reason: "too late"})
	assert.ErrorIs(t, err, crmkit.ErrIllegalTransition)
	cancelled, _, err := c.Cancel(crmkit.Cmd{By: "ann", At: at(5), Reason: "venue closed"})
	require.NoError(t, err)
	assert.Equal(t, campaign.Cancelled, cancelled.Status)

	_, _, err = c.Start(crmkit.Cmd{By: "", At: at(3)})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	_, _, err = create("", "x", money(t, 1), campaign.Targets{}, crmkit.Period{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = create("x", "x", money(t, 1), campaign.Targets{Revenue: crmkit.MustMoney("1", "USD")}, crmkit.Period{})
	assert.ErrorIs(t, err, crmkit.ErrCurrencyMismatch)
}

// The compiled table agrees with the looplab machine on every (status,
// event) pair.
func TestCampaignTableAgreesWithLooplab(t *testing.T) {
	for s := campaign.Planned; s <= campaign.Cancelled; s++ {
		for e := campaign.TriggerSubmit; e <= campaign.TriggerCancel; e++ {
			m := fsm.NewFSM(s.String(), campaign.Definition(), nil)
			err := m.Event(context.Background(), e.String())
			next, ok := campaign.Next(s, e)
			assert.Equal(t, err == nil, ok, "%s from %s", e, s)
			if ok {
				assert.Equal(t, next.String(), m.Current(), "%s from %s", e, s)
			}
		}
	}
	_, ok := campaign.Next(campaign.Status(9), campaign.TriggerSubmit)
	assert.False(t, ok)
}

// Random command sequences: the commands and the table agree, and the
// version counts the successful commands.
func TestPropertyCampaignCommandsFollowTable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, _, err := create("c", "c", crmkit.MustMoney("10", "EUR"), campaign.Targets{}, crmkit.Period{})
		if err != nil {
			t.Fatal(err)
		}
		n := rapid.IntRange(0, 12).Draw(t, "steps")
		ok := int64(1) // the creation
		for range n {
			e := campaign.Trigger(rapid.IntRange(0, 5).Draw(t, "event"))
			want, legal := campaign.Next(c.Status, e)
			var next campaign.Campaign
			switch e {
			case campaign.TriggerSubmit:
				next, _, err = c.Submit(crmkit.Cmd{By: "ann", At: at(1)})
			case campaign.TriggerApprove:
				next, _, err = c.Approve(crmkit.Cmd{By: "bob", At: at(1)})
			case campaign.TriggerReject:
				next, _, err = c.Reject(crmkit.Cmd{By: "bob", At: at(1), Reason: "no"})
			case campaign.TriggerStart:
				next, _, err = c.Start(crmkit.Cmd{By: "ann", At: at(1)})
			case campaign.TriggerComplete:
				next, _, err = c.Complete(crmkit.Cmd{By: "ann", At: at(1)}, crmkit.MustMoney("5", "EUR"))
			case campaign.TriggerCancel:
				next, _, err = c.Cancel(crmkit.Cmd{By: "ann", At: at(1), Reason: "no"})
			}
			if legal != (err == nil) {
				t.Fatalf("%s from %s: table says %v, command says %v", e, c.Status, legal, err)
			}
			if err == nil {
				if next.Status != want {
					t.Fatalf("%s from %s: command reached %s, table %s", e, c.Status, next.Status, want)
				}
				c = next
				ok++
			}
		}
		if c.Version != ok {
			t.Fatalf("version %d after the creation and its transitions (%d)", c.Version, ok)
		}
	})
}

func TestCampaignMermaid(t *testing.T) {
	m, err := campaign.Mermaid()
	require.NoError(t, err)
	assert.Contains(t, m, "stateDiagram")
	assert.Contains(t, m, "approve")
	assert.Contains(t, m, "cancel")
}

// New refuses a command without an actor or a time and a schedule that
// ends before it starts, all ErrInvalid, and returns no campaign.
func TestNewRefuses(t *testing.T) {
	spec := campaign.Spec{Code: "c", Name: "c", Budget: money(t, 100)}
	for name, tc := range map[string]struct {
		spec campaign.Spec
		cmd  crmkit.Cmd
	}{
		"no actor":           {spec, crmkit.Cmd{At: at(0)}},
		"blank actor":        {spec, crmkit.Cmd{By: " ", At: at(0)}},
		"no time":            {spec, crmkit.Cmd{By: "ann"}},
		"backward schedule":  {campaign.Spec{Code: "c", Name: "c", Budget: money(t, 100), Schedule: crmkit.Period{Start: at(2), End: at(1)}}, crmkit.Cmd{By: "ann", At: at(0)}},
		"no budget currency": {campaign.Spec{Code: "c", Name: "c"}, crmkit.Cmd{By: "ann", At: at(0)}},
		"negative leads":     {campaign.Spec{Code: "c", Name: "c", Budget: money(t, 100), Planned: campaign.Targets{Leads: -1}}, crmkit.Cmd{By: "ann", At: at(0)}},
	} {
		c, e, err := campaign.New(tc.spec, tc.cmd)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
		assert.Equal(t, campaign.Campaign{}, c, name)
		assert.Equal(t, crmkit.Event{}, e, name)
	}
}

// Whatever New accepts is a valid stored campaign at version 1, the
// owner defaulting to the creator, and its event describes it.
func TestPropertyNewIsValidAtVersion1(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		by := rapid.SampledFrom([]string{"ann", "bo"}).Draw(t, "by")
		owner := rapid.SampledFrom([]string{"", "cy"}).Draw(t, "owner")
		start := at(rapid.IntRange(0, 100).Draw(t, "start"))
		spec := campaign.Spec{
			Code: rapid.SampledFrom([]string{"", "C-1"}).Draw(t, "code"), Name: "Webinar",
			Budget:   crmkit.MustMoney("100.00", rapid.SampledFrom([]string{"EUR", "USD"}).Draw(t, "budget currency")),
			Planned:  campaign.Targets{Leads: rapid.Int64Range(-1, 10).Draw(t, "leads"), Revenue: crmkit.MustMoney("10.00", "EUR")},
			Schedule: crmkit.Period{Start: start, End: start.AddDate(0, 0, rapid.IntRange(-1, 30).Draw(t, "days"))},
			Owner:    owner,
		}
		c, e, err := campaign.New(spec, crmkit.Cmd{By: by, At: at(0)})
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("New returned an invalid campaign: %v", err)
		}
		wantOwner := owner
		if wantOwner == "" {
			wantOwner = by
		}
		if c.Version != 1 || e.Version != 1 || e.AggregateID != c.ID || e.AggregateKind != campaign.CampaignKind ||
			e.Type != campaign.EventCampaignCreated || e.Actor != by || c.Owner != wantOwner || c.Status != campaign.Planned {
			t.Fatalf("campaign %+v, event %+v", c, e)
		}
		var p campaign.CreatedPayload
		if err := e.DecodePayload(&p); err != nil || p.Code != c.Code || p.Owner != c.Owner {
			t.Fatalf("payload %+v, %v", p, err)
		}
	})
}
