package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(&out))
	s := out.String()
	// 60/25/15 % of 120,000.00 EUR, by hand.
	assert.Contains(t, s, "account executive  72000.00 EUR")
	assert.Contains(t, s, "solutions engineer 30000.00 EUR")
	assert.Contains(t, s, "partner            18000.00 EUR")
	// 1000.00 / 3 = 333.33 r 0.01: the cent goes to the first part.
	assert.Contains(t, s, "[333.34 EUR 333.33 EUR 333.33 EUR] (sum 1000.00 EUR)")
	assert.Contains(t, s, "currency mismatch")
}
