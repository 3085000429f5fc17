package storagetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testBadInput(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	long := strings.Repeat("x", storage.MaxTextLen+1)
	longKey := strings.Repeat("k", storage.MaxKeyLen+1)

	badLeads := map[string]func(l *lead.Lead){
		"nil id":                 func(l *lead.Lead) { l.ID = uuid.Nil },
		"version 0":              func(l *lead.Lead) { l.Version = 0 },
		"negative version":       func(l *lead.Lead) { l.Version = -3 },
		"zero stage":             func(l *lead.Lead) { l.Stage = 0 },
		"unknown stage":          func(l *lead.Lead) { l.Stage = 99 },
		"oversize name":          func(l *lead.Lead) { l.Who.Name = long },
		"oversize owner":         func(l *lead.Lead) { l.Owner = longKey },
		"oversize source":        func(l *lead.Lead) { l.Source = lead.Channel(longKey) },
		"oversize attribute":     func(l *lead.Lead) { l.Who.Attributes["note"] = long },
		"oversize attribute key": func(l *lead.Lead) { l.Who.Attributes[long] = "x" },
		"oversize touch content": func(l *lead.Lead) { l.Journey[0].Content = long },
		"nul byte":               func(l *lead.Lead) { l.Who.Email = "a\x00@example.com" },
		"invalid utf-8":          func(l *lead.Lead) { l.Who.Company = "Acme \xff" },
	}
	badEvents := map[string]func(e *crmkit.Event){
		"nil event id":      func(e *crmkit.Event) { e.ID = uuid.Nil },
		"nil aggregate id":  func(e *crmkit.Event) { e.AggregateID = uuid.Nil },
		"empty type":        func(e *crmkit.Event) { e.Type = "" },
		"empty kind":        func(e *crmkit.Event) { e.AggregateKind = "" },
		"zero time":         func(e *crmkit.Event) { e.At = time.Time{} },
		"version 0":         func(e *crmkit.Event) { e.Version = 0 },
		"malformed payload": func(e *crmkit.Event) { e.Payload = json.RawMessage(`{"a":`) },
		"oversize payload": func(e *crmkit.Event) {
			e.Payload = json.RawMessage(`"` + strings.Repeat("p", storage.MaxPayloadLen) + `"`)
		},
		"nul in payload":  func(e *crmkit.Event) { e.Payload = json.RawMessage(`{"a":"\u0000"}`) },
		"oversize reason": func(e *crmkit.Event) { e.Reason = long },
		"oversize actor":  func(e *crmkit.Event) { e.Actor = longKey },
		"nul in type":     func(e *crmkit.Event) { e.Type = "Lead\x00Captured" },
	}

	for name, spoil := range badLeads {
		l, ev := newLead("Ada", "ana", lead.StageSuspect, lead.ChannelEmail)
		spoil(&l)
		_, err := s.Leads().Create(ctx, l, "", ev)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "create with %s", name)
		err = s.Update(ctx, func(tx storage.Tx) error { _, err := tx.Leads().Create(ctx, l, "", ev); return err })
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "create in an Update with %s", name)
	}
	for name, spoil := range badEvents {
		l, ev := newLead("Ada", "ana", lead.StageSuspect, lead.ChannelEmail)
		spoil(&ev)
		_, err := s.Leads().Create(ctx, l, "", ev)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "create with an event with %s", name)
		assert.ErrorIs(t, s.Events().Append(ctx, ev), crmkit.ErrInvalid, "append an event with %s", name)
		good := event(crmkit.NewID(), "LeadCaptured", base, 1)
		assert.ErrorIs(t, s.Events().Append(ctx, good, ev), crmkit.ErrInvalid, "a good event beside one with %s", name)
	}
	l, ev := newLead("Ada", "ana", lead.StageSuspect, lead.ChannelEmail)
	_, err := s.Leads().Create(ctx, l, longKey, ev)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "oversize idempotency key")
	_, err = s.Leads().Create(ctx, l, "key\x00", ev)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "idempotency key with a NUL byte")
	assertEmpty(t, ctx, s)

	// Saves of an existing lead with bad values change nothing.
	_, err = s.Leads().Create(ctx, l, "", ev)
	require.NoError(t, err)
	before := take(t, ctx, s)
	for name, spoil := range badLeads {
		next, nev := changed(l, "bo", lead.StageMQL)
		spoil(&next)
		assert.ErrorIs(t, s.Leads().Save(ctx, next, 1, nev), crmkit.ErrInvalid, "save with %s", name)
	}
	for name, spoil := range badEvents {
		next, nev := changed(l, "bo", lead.StageMQL)
		spoil(&nev)
		assert.ErrorIs(t, s.Leads().Save(ctx, next, 1, nev), crmkit.ErrInvalid, "save with an event with %s", name)
	}
	same(t, before, take(t, ctx, s))

	// Deals.
	badDeals := map[string]func(d *deal.Deal){
		"nil id":         func(d *deal.Deal) { d.ID = uuid.Nil },
		"version 0":      func(d *deal.Deal) { d.Version = 0 },
		"zero status":    func(d *deal.Deal) { d.Status = 0 },
		"unknown status": func(d *deal.Deal) { d.Status = 42 },
		"negative stage": func(d *deal.Deal) { d.Stage = -1 },
		"stage too high": func(d *deal.Deal) { d.Stage = deal.MaxStages },
		"probability in percent": func(d *deal.Deal) {
			d.Probability = decimal.NewNullDecimal(decimal.NewFromInt(25))
		},
		"probability exponent": func(d *deal.Deal) {
			d.Probability = decimal.NewNullDecimal(decimal.New(1, -10001))
		},
		"no pipeline":    func(d *deal.Deal) { d.PipelineID = "" },
		"oversize name":  func(d *deal.Deal) { d.Name = long },
		"oversize owner": func(d *deal.Deal) { d.Owner = longKey },
		"oversize note": func(d *deal.Deal) {
			d.Activities = []deal.Activity{{Kind: deal.ActivityCall, At: base, By: "ana", Note: long}}
		},
		"nul in reason":   func(d *deal.Deal) { d.Outcome.Reason = "price\x00" },
		"utf-8 in member": func(d *deal.Deal) { d.Team = []deal.Member{{Rep: "\xfe", Split: decimal.NewFromInt(1)}} },
	}
	for name, spoil := range badDeals {
		d, dev := newDeal(t, dealSpec{name: "Fleet", owner: "ana"})
		spoil(&d)
		_, err := s.Deals().Create(ctx, d, "", dev)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "deal with %s", name)
	}

	// Reads.
	_, err = s.Leads().Get(ctx, uuid.Nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = s.Deals().Get(ctx, uuid.Nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	for _, err := range s.Events().ByAggregate(ctx, uuid.Nil) {
		assert.ErrorIs(t, err, crmkit.ErrInvalid)
	}
	badPeriods := []crmkit.Period{
		{Start: time.Time{}, End: base},
		{Start: base, End: time.Time{}},
		{Start: base, End: base.Add(-time.Second)},
	}
	for _, p := range badPeriods {
		n := 0
		for _, err := range s.Events().Between(ctx, p) {
			n++
			assert.ErrorIs(t, err, crmkit.ErrInvalid, "period %v", p)
		}
		assert.Equal(t, 1, n, "one error for period %v", p)
	}
	badLeadFilters := []storage.LeadFilter{
		{Stage: 99},
		{Owner: longKey},
		{Source: lead.Channel(longKey)},
		{Owner: "a\x00"},
	}
	for _, f := range badLeadFilters {
		_, _, err := s.Leads().List(ctx, f, storage.Page{})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "lead filter %+v", f)
	}
	badDealFilters := []storage.DealFilter{
		{Status: 9},
		{Stages: []int{-1}},
		{Stages: []int{deal.MaxStages}},
		{Owner: longKey},
		{Pipeline: "\xff"},
		{CloseFrom: base, CloseTo: base.Add(-time.Hour)},
	}
	for _, f := range badDealFilters {
		_, _, err := s.Deals().List(ctx, f, storage.Page{})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "deal filter %+v", f)
	}
	badPages := []storage.Page{
		{Size: -1},
		{Size: storage.MaxPageSize + 1},
		{After: "not a cursor"},
		{After: storage.Cursor(strings.Repeat("A", 500))},
		{After: storage.EncodeCursor(uuid.Nil)},
	}
	for _, p := range badPages {
		_, _, err := s.Leads().List(ctx, storage.LeadFilter{}, p)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "page %+v", p)
		_, _, err = s.Deals().List(ctx, storage.DealFilter{}, p)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "page %+v", p)
	}
	same(t, before, take(t, ctx, s), "bad input wrote nothing")

	// Limits are inclusive: exactly MaxTextLen and MaxKeyLen are fine.
	ok, okEv := newLead(strings.Repeat("n", storage.MaxTextLen), strings.Repeat("o", storage.MaxKeyLen), lead.StageSuspect, lead.ChannelEmail)
	_, err = s.Leads().Create(ctx, ok, strings.Repeat("k", storage.MaxKeyLen), okEv)
	require.NoError(t, err)
	got, err := s.Leads().Get(ctx, ok.ID)
	require.NoError(t, err)
	same(t, ok, got)
}
