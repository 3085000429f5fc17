package report_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit/cmd/crmkit/internal/report"
	"github.com/crmkit/crmkit/storage"
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

// A row the store would refuse (an owner longer than a stored key may be)
// is rejected like any unreadable row, before anything is written; the
// other rows make the report, on the memory store and in a SQLite file.
func TestUnstorableRowRejected(t *testing.T) {
	long := strings.Repeat("x", storage.MaxKeyLen+1)
	path := filepath.Join(t.TempDir(), "deals.csv")
	require.NoError(t, os.WriteFile(path, []byte("id,owner,stage,amount,created,closed\n"+
		"A,Ann,won,10.00,2024-01-01,2024-01-05\n"+
		"B,"+long+",won,20.00,2024-01-02,2024-01-06\n"), 0o600))
	for _, db := range []string{"", filepath.Join(t.TempDir(), "r.db")} {
		args := []string{"-deals", path, "-currency", "EUR"}
		if db != "" {
			args = append(args, "-db", db)
		}
		r := runJSON(t, report.ExitRejected, args...)
		assert.Equal(t, int64(1), r.Deals.Total.Deals)
		assert.Equal(t, "10.00", r.Deals.Total.WonAmount)
		require.Len(t, r.Rejected.Reasons, 1)
		assert.Equal(t, "not storable", r.Rejected.Reasons[0].Reason)
		assert.Equal(t, 3, r.Rejected.Reasons[0].FirstLines[0].Line)
	}
}
