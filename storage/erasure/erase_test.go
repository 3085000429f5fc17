package erasure_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/crmkit/crmkit/storage/erasure"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckScrub: a scrubbed event may differ from the stored one in its
// Reason and Payload only, and those must stay in the stored domain
// (text at most storage.MaxTextLen bytes, a payload of valid JSON).
func TestCheckScrub(t *testing.T) {
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	stored := crmkit.Event{
		ID: crmkit.NewID(), AggregateID: crmkit.NewID(), AggregateKind: lead.LeadKind, Type: lead.EventLeadAssigned,
		Actor: "ana", At: at, Version: 2, Reason: "Ada Lovelace asked for bob", Payload: []byte(`{"owner":"bob","name":"Ada Lovelace"}`),
	}
	scrubbed := stored
	scrubbed.Reason = "(erased) asked for bob"
	scrubbed.Payload = []byte(`{"owner":"bob","name":"(erased)"}`)
	require.NoError(t, erasure.CheckScrub(stored, scrubbed))
	scrubbed.Payload = nil
	require.NoError(t, erasure.CheckScrub(stored, scrubbed), "a payload may go")

	for name, change := range map[string]func(e *crmkit.Event){
		"id":             func(e *crmkit.Event) { e.ID = crmkit.NewID() },
		"aggregate id":   func(e *crmkit.Event) { e.AggregateID = crmkit.NewID() },
		"aggregate kind": func(e *crmkit.Event) { e.AggregateKind = "deal" },
		"type":           func(e *crmkit.Event) { e.Type = lead.EventLeadErased },
		"actor":          func(e *crmkit.Event) { e.Actor = "bob" },
		"time":           func(e *crmkit.Event) { e.At = at.Add(time.Second) },
		"version":        func(e *crmkit.Event) { e.Version = 3 },
		"from":           func(e *crmkit.Event) { e.From = "suspect" },
		"to":             func(e *crmkit.Event) { e.To = "mql" },
		"reason too long": func(e *crmkit.Event) {
			e.Reason = strings.Repeat("x", storage.MaxTextLen+1)
		},
		"payload not JSON": func(e *crmkit.Event) { e.Payload = []byte(`{"name":`) },
	} {
		e := stored
		change(&e)
		assert.ErrorIs(t, erasure.CheckScrub(stored, e), crmkit.ErrInvalid, name)
	}
	// The same instant in another zone is the same time.
	e := stored
	e.At = at.In(time.FixedZone("CET", 3600))
	assert.NoError(t, erasure.CheckScrub(stored, e))
}

// Lead and Contact refuse a nil store with crmkit.ErrInvalid.
func TestNilStore(t *testing.T) {
	ctx := context.Background()
	cmd := crmkit.Cmd{By: "dpo", At: time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)}
	_, err := erasure.Lead(ctx, nil, crmkit.NewID(), cmd)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = erasure.Contact(ctx, nil, crmkit.NewID(), crmkit.NewID(), cmd)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// Erasable names the kinds whose records an erasure changes: leads and
// accounts (their contacts).
func TestErasable(t *testing.T) {
	for kind, want := range map[string]bool{"lead": true, "account": true, "deal": false, "contract": false, "": false} {
		assert.Equal(t, want, erasure.Erasable(kind), kind)
	}
}
