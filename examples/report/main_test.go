package main

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// By hand, from testdata/deals.csv: won D1 1000 (Jan 5 -> Jan 25, 20
// days) and D2 3000 (Jan 10 -> Feb 19, 40 days), lost D3, open D4 5000 and
// D5 2500. Win rate 2/3; won 4000.00; open 7500.00; cycle mean 30 days.
// Stages (a deal at stage i has entered 0..i): Qualification all 5, 4 went
// on (D3 was lost there); Proposal D1 D2 D4 D5, D2 and D4 went on and D1
// was won: 3 of 4; Negotiation D2 D4, D2 won: 1 of 2.
func TestOutput(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(context.Background(), "testdata/deals.csv", &out))
	assert.Equal(t, `deals 5: won 2, lost 1, open 2
win rate 66.67%
won 4000.00 EUR, open pipeline 7500.00 EUR
sales cycle, mean: 30.0 days
Qualification  reached 5, went on 4 (80.00%), open 0
Proposal       reached 4, went on 3 (75.00%), open 1
Negotiation    reached 2, went on 1 (50.00%), open 1
`, out.String())
}
