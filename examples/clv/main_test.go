package main

import (
	"fmt"
	"os"
)

// Example scores the three customers of testdata/tiny.csv; the figures
// were worked out by hand and by an independent transcription of the
// papers' equations (see TestTiny in cmd/crmkit/internal/clv).
func Example() {
	if err := run("testdata/tiny.csv", "2024-03-31", os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output:
	// customer  x P(alive)      CLV
	// a         2    0.673    90.80
	// b         0    1.000    23.59
	// c         1    0.686    77.92
}
