package storagetest

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
)

// canon must hide representation and nothing else.
func TestCanonHidesRepresentationOnly(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a := deal.Deal{
		ID: crmkit.NewID(), Amount: eur("10.00"), CloseDate: at,
		Probability: decimal.NewNullDecimal(decimal.RequireFromString("0.50")),
		Team:        []deal.Member{},
	}
	b := a
	b.CloseDate = at.In(time.FixedZone("CET", 3600))
	b.Probability = decimal.NewNullDecimal(decimal.RequireFromString("0.5"))
	b.Team = nil
	eq := func(x, y any) bool { return reflect.DeepEqual(canon(reflect.ValueOf(x)), canon(reflect.ValueOf(y))) }
	assert.True(t, eq(a, b), "zone, decimal exponent and nil against empty are representation")

	for name, change := range map[string]func(d *deal.Deal){
		"time":        func(d *deal.Deal) { d.CloseDate = d.CloseDate.Add(time.Microsecond) },
		"decimal":     func(d *deal.Deal) { d.Probability = decimal.NewNullDecimal(decimal.RequireFromString("0.51")) },
		"money":       func(d *deal.Deal) { d.Amount = eur("10.01") },
		"currency":    func(d *deal.Deal) { d.Amount = crmkit.MustMoney("10.00", "USD") },
		"id":          func(d *deal.Deal) { d.ID = crmkit.NewID() },
		"slice":       func(d *deal.Deal) { d.Team = []deal.Member{{Rep: "x"}} },
		"zero time":   func(d *deal.Deal) { d.CloseDate = time.Time{} },
		"null":        func(d *deal.Deal) { d.Probability.Valid = false },
		"zero amount": func(d *deal.Deal) { d.Amount = eur("0.00") },
	} {
		c := a
		change(&c)
		assert.False(t, eq(a, c), name)
	}

	// JSON payloads compare as JSON.
	e1 := crmkit.Event{Payload: json.RawMessage(`{"a":1,"b":[2]}`)}
	e2 := crmkit.Event{Payload: json.RawMessage(`{ "b": [2], "a": 1 }`)}
	e3 := crmkit.Event{Payload: json.RawMessage(`{"a":2,"b":[2]}`)}
	assert.True(t, eq(e1, e2))
	assert.False(t, eq(e1, e3))
}
