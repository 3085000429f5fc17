package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit/cmd/crmkit/internal/report"
)

// run runs the command and returns its stdout, stderr and exit status.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := report.Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	if os.Getenv("REPORT_DEBUG") != "" {
		t.Logf("args %q -> %d\n%s\n%s", args, code, out.String(), errb.String())
	}
	return out.String(), errb.String(), code
}

// runJSON runs the command with -json and decodes the report.
func runJSON(t *testing.T, wantCode int, args ...string) report.Report {
	t.Helper()
	out, errs, code := run(t, append([]string{"-json"}, args...)...)
	require.Equal(t, wantCode, code, "stderr: %s", errs)
	var r report.Report
	require.NoError(t, json.Unmarshal([]byte(out), &r), out)
	return r
}
