package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// crmkit report reaches the report command with its arguments.
func TestReportDispatch(t *testing.T) {
	code, out, errOut := runMain("report", "-deals", "internal/report/testdata/presets/odoo.csv", "-preset", "odoo", "-currency", "EUR")
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "deals 3: won 1, lost 0, open 2")
	code, _, errOut = runMain("help", "report")
	assert.Equal(t, 0, code)
	assert.Contains(t, errOut, "usage: crmkit report")
}
