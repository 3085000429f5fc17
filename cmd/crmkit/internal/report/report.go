// Package report is a placeholder for the crmkit report subcommand, built
// in parallel on another branch; the merge replaces this file.
package report

import (
	"context"
	"fmt"
	"io"
)

// Run is the report subcommand's entry point; this placeholder only says
// that it is not built yet and returns 2.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "report: not built yet")
	return 2
}
