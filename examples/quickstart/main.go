// Command quickstart tells crmkit's story in a few seconds on the in-memory
// defaults: it is the first command a new user runs.
//
//	go run ./examples/quickstart
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/crmkit/crmkit"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	eur := crmkit.MustCurrency("EUR")

	fmt.Fprintln(w, "== Money: exact amounts, explicit rounding")
	deal, err := crmkit.ParseMoney("120000.00", eur)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "deal amount        %s\n", deal)

	// A deal split between an account executive (60%), a solutions
	// engineer (25%) and a partner (15%): the parts add up to the cent.
	shares, err := deal.Allocate(60, 25, 15)
	if err != nil {
		return err
	}
	for i, who := range []string{"account executive", "solutions engineer", "partner"} {
		fmt.Fprintf(w, "  %-18s %s\n", who, shares[i])
	}

	// A bonus pool that does not divide evenly still sums exactly.
	pool, err := crmkit.ParseMoney("1000.00", eur)
	if err != nil {
		return err
	}
	thirds, err := pool.Allocate(1, 1, 1)
	if err != nil {
		return err
	}
	total, err := crmkit.Sum(eur, thirds...)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "bonus pool %s in thirds: %v (sum %s)\n", pool, thirds, total)

	// Mixing currencies is an error, never a silent sum.
	_, err = deal.Add(crmkit.MustMoney("10.00", "USD"))
	fmt.Fprintf(w, "EUR + USD          error: %v\n", err)
	return nil
}
