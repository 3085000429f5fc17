package report_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit/cmd/crmkit/internal/report"
)

// Files with nothing to count give an empty report or a usage error,
// never a crash.
func TestEdgeFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, body string
		code       int
	}{
		{"empty", "", report.ExitUsage},
		{"header only", "id,stage,amount,created,closed\n", report.ExitOK},
		{"all rejected", "id,stage,amount,created,closed\nA,won,x,2024-01-01,2024-01-02\nB,won,-1,2024-01-01,2024-01-02\n", report.ExitRejected},
		{"ragged rows", "id,stage,amount\nA,won\nB\nC,lost,5,extra,cells\nD,won,5\n", report.ExitRejected},
		{"bom and crlf", "\ufeffid,stage\r\nA,won\r\nB,open\r\n", report.ExitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".csv")
			require.NoError(t, os.WriteFile(path, []byte(tc.body), 0o600))
			for _, extra := range [][]string{nil, {"-json"}, {"-html", filepath.Join(dir, tc.name+".html")}} {
				_, errs, code := run(t, append([]string{"-deals", path, "-currency", "EUR"}, extra...)...)
				assert.Equal(t, tc.code, code, errs)
			}
		})
	}
}
