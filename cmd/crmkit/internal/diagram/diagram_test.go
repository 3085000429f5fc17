package diagram

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDiagramsUpToDate keeps docs/diagrams.md in step with the state
// machines: regenerate it with go run ./cmd/crmkit diagram > docs/diagrams.md.
func TestDiagramsUpToDate(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, write(&out))
	committed, err := os.ReadFile("../../../../docs/diagrams.md")
	require.NoError(t, err)
	assert.Equal(t, string(committed), out.String(), "docs/diagrams.md is stale: go run ./cmd/crmkit diagram > docs/diagrams.md")
}

// TestDiagramsShowTheRules checks the drawing against the rules DOMAIN.md
// states, independently of the generator: terminated deals have no way
// out, a suspended deal comes back only through reactivate, and the lead
// ladder has its nurture recycle.
func TestDiagramsShowTheRules(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, write(&out))
	s := out.String()
	assert.NotRegexp(t, `terminated\d --> [a-z]`, s, "no event leaves Terminated")
	assert.Contains(t, s, "terminated0 --> [*]", "Terminated is drawn as final")
	assert.NotRegexp(t, `won\d --> [a-z]`, s, "a won deal is never reopened")
	assert.Contains(t, s, "suspended1 --> open1: reactivate")
	assert.NotContains(t, s, "suspended1 --> open2", "a suspended deal cannot move stage")
	assert.Contains(t, s, "nurture --> mql: recycle")
	assert.Contains(t, s, "| bidding | 30% | best_case | 720h0m0s |")
	assert.Contains(t, s, "draft --> approved: approve", "a contract is approved before it is signed")
	assert.NotRegexp(t, `closed --> [a-z]`, s, "no event leaves a closed contract")
	assert.Contains(t, s, "pending_approval --> planned: reject", "a rejected campaign goes back to planning")
	assert.NotRegexp(t, `cancelled --> [a-z]`, s, "no event leaves a cancelled campaign")
}
