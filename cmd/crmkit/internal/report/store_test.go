package report_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit/cmd/crmkit/internal/report"
)

// -db keeps the rows in a SQLite file and reads the report back from it:
// the same figures as the in-memory store. A second run into the same
// file is refused rather than mixed with the first.
func TestSQLiteFile(t *testing.T) {
	args := []string{"-deals", "testdata/pipeline/sales_pipeline.csv", "-currency", "USD", "-stages", "Prospecting,Engaging",
		"-teams", "testdata/pipeline/sales_teams.csv"}
	mem := runJSON(t, report.ExitRejected, args...)
	db := filepath.Join(t.TempDir(), "report.db")
	lite := runJSON(t, report.ExitRejected, append(args, "-db", db)...)
	assert.Equal(t, "memory", mem.Store)
	assert.Equal(t, "sqlite:"+db, lite.Store)
	mem.Store, lite.Store = "", ""
	require.Equal(t, mem, lite)

	_, errs, code := run(t, append(args, "-db", db)...)
	assert.Equal(t, report.ExitUsage, code)
	assert.Contains(t, errs, "already holds")
}
