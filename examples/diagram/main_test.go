package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPipelineDiagram checks the drawing against the rules DOMAIN.md
// states: a won deal is never reopened, and a suspended deal comes back
// only through reactivate.
func TestPipelineDiagram(t *testing.T) {
	var out bytes.Buffer
	run(&out)
	s := out.String()
	assert.Contains(t, s, "```mermaid\nstateDiagram")
	assert.Contains(t, s, "- bidding: win probability 30%")
	assert.NotRegexp(t, `won\d --> [a-z]`, s)
	assert.Contains(t, s, "suspended1 --> open1: reactivate")
}
