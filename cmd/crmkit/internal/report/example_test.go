package report_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/crmkit/crmkit/cmd/crmkit/internal/report"
)

// A HubSpot deals export, read with its preset: the open deal without an
// amount or close date is counted as open, not rejected.
func ExampleRun() {
	var out strings.Builder
	code := report.Run(context.Background(),
		[]string{"-deals", "testdata/presets/hubspot.csv", "-preset", "hubspot", "-currency", "USD"},
		nil, &out, os.Stderr)
	lines := strings.Split(out.String(), "\n")
	fmt.Println(strings.Join(lines[:14], "\n"))
	fmt.Println("exit status", code)
	// Output:
	// crmkit report, as of 2024-05-21, store memory
	//
	// == Deals (amounts in USD; durations in days, mean/median)
	// deals 3: won 1, lost 1, open 1 (1 open without an amount)
	// win rate            50.00%
	// won revenue         100.00
	// open pipeline       0.00
	// average won deal    100.00
	// sales cycle         9.00/9.00 over 1 won deals (0 negative)
	//
	// == Stages (reached: entered the stage; conversion: went on to a later stage or a win)
	// stage                     reached         amount advanced conversion    won   to won  dropped   open    open amount
	// Appointment scheduled           3         150.00        1     33.33%      1   33.33%        1      1           0.00
	//
	// exit status 0
}
