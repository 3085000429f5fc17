package deal_test

import (
	"encoding/json"
	"testing"

	"github.com/crmkit/crmkit/deal"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestProbabilityJSON: a deal (and a DealCreated payload) without a
// probability override leaves the key out; "probability": null, which
// older code wrote and stores still hold, and the absent key decode to the
// same value; an override, zero included, is written and read back.
func TestProbabilityJSON(t *testing.T) {
	b, err := json.Marshal(deal.Deal{Name: "d"})
	require.NoError(t, err)
	assert.NotContains(t, string(b), "probability")
	b, err = json.Marshal(deal.DealCreatedPayload{Pipeline: "default", NewDeal: deal.NewDeal{Name: "d"}})
	require.NoError(t, err)
	assert.NotContains(t, string(b), "probability")

	var old, absent deal.Deal
	require.NoError(t, json.Unmarshal([]byte(`{"name": "d", "probability": null}`), &old))
	require.NoError(t, json.Unmarshal([]byte(`{"name": "d"}`), &absent))
	assert.Equal(t, absent, old)
	assert.False(t, old.Probability.Valid)
	var oldNew deal.DealCreatedPayload
	require.NoError(t, json.Unmarshal([]byte(`{"pipeline": "default", "name": "d", "probability": null}`), &oldNew))
	assert.Equal(t, deal.DealCreatedPayload{Pipeline: "default", NewDeal: deal.NewDeal{Name: "d"}}, oldNew)

	for _, c := range []struct{ p, json string }{{"0", `"0"`}, {"0.25", `"0.25"`}, {"1", `"1"`}} {
		d := deal.Deal{Probability: decimal.NewNullDecimal(decimal.RequireFromString(c.p))}
		b, err := json.Marshal(d)
		require.NoError(t, err)
		assert.Contains(t, string(b), `"probability":`+c.json)
		var back deal.Deal
		require.NoError(t, json.Unmarshal(b, &back))
		assert.True(t, back.Probability.Valid, c.p)
		assert.True(t, back.Probability.Decimal.Equal(d.Probability.Decimal), c.p)
	}
}

// TestProbabilityJSONRoundTrip: any override or none survives a JSON
// round trip, valid and equal.
func TestProbabilityJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var p decimal.NullDecimal
		if rapid.Bool().Draw(t, "override") {
			p = decimal.NewNullDecimal(decimal.New(rapid.Int64Range(0, 10000).Draw(t, "ten-thousandths"), -4))
		}
		b, err := json.Marshal(deal.Deal{Probability: p})
		require.NoError(t, err)
		var back deal.Deal
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, p.Valid, back.Probability.Valid)
		assert.True(t, p.Decimal.Equal(back.Probability.Decimal))
	})
}
