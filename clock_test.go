package crmkit_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
)

func TestFakeClock(t *testing.T) {
	start := day(2026, 11, 24)
	c := crmkit.NewFakeClock(start)
	var _ crmkit.Clock = c
	var _ crmkit.Clock = crmkit.SystemClock{}
	assert.Equal(t, start, c.Now())
	assert.Equal(t, start.Add(time.Hour), c.Advance(time.Hour))
	c.Set(start)
	assert.Equal(t, start, c.Now())
	assert.False(t, crmkit.SystemClock{}.Now().IsZero())
}

func TestNewIDIsV7AndOrdered(t *testing.T) {
	a, b := crmkit.NewID(), crmkit.NewID()
	assert.Equal(t, uuid.Version(7), a.Version())
	assert.NotEqual(t, a, b)
	assert.LessOrEqual(t, a.String()[:8], b.String()[:8], "UUIDv7 starts with the timestamp")
	p, err := crmkit.ParseID(a.String())
	require.NoError(t, err)
	assert.Equal(t, a, p)
	_, err = crmkit.ParseID("not-a-uuid")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = crmkit.ParseID(uuid.Nil.String())
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestValidationError(t *testing.T) {
	err := crmkit.Invalid("amount", "negative %d", -5)
	assert.EqualError(t, err, "invalid amount: negative -5")
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.NotErrorIs(t, err, crmkit.ErrNotFound)
	var ve *crmkit.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "amount", ve.Field)
	assert.Equal(t, "negative -5", ve.Reason)
	assert.EqualError(t, &crmkit.ValidationError{Reason: "empty"}, "invalid input: empty")
}

func TestEvent(t *testing.T) {
	agg := crmkit.NewID()
	at := day(2026, 11, 24)
	type moved struct {
		Stage string `json:"stage"`
	}
	e, err := crmkit.NewEvent("deal", agg, "StageChanged", "rep-1", at, 3, moved{Stage: "bidding"})
	require.NoError(t, err)
	e.From, e.To = "tracking", "bidding"
	var m moved
	require.NoError(t, e.DecodePayload(&m))
	assert.Equal(t, "bidding", m.Stage)

	b, err := json.Marshal(e)
	require.NoError(t, err)
	var back crmkit.Event
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, e.ID, back.ID)
	assert.True(t, e.At.Equal(back.At))
	assert.Equal(t, e.From, back.From)
	assert.JSONEq(t, string(e.Payload), string(back.Payload))

	bad := []struct {
		kind, typ string
		agg       uuid.UUID
		at        time.Time
		version   int64
		payload   any
	}{
		{"", "X", agg, at, 1, nil},
		{"deal", "", agg, at, 1, nil},
		{"deal", "X", uuid.Nil, at, 1, nil},
		{"deal", "X", agg, time.Time{}, 1, nil},
		{"deal", "X", agg, at, 0, nil},
		{"deal", "X", agg, at, 1, func() {}},
	}
	for i, b := range bad {
		_, err := crmkit.NewEvent(b.kind, b.agg, b.typ, "a", b.at, b.version, b.payload)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "case %d", i)
	}
	empty, err := crmkit.NewEvent("deal", agg, "X", "a", at, 1, nil)
	require.NoError(t, err)
	assert.ErrorIs(t, empty.DecodePayload(&m), crmkit.ErrInvalid)
}
