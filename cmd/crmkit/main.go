// Command crmkit reads the files a CRM exports and reports on them with the
// crmkit library.
//
// Install it with
//
//	go install github.com/crmkit/crmkit/cmd/crmkit@latest
//
// Usage:
//
//	crmkit <command> [flags]
//
// The commands are:
//
//	report   funnel, conversion and cycle-time report of a deals or leads export
//	clv      customer lifetime value from a transactions file (BG/NBD, Gamma-Gamma),
//	         with a calibration/holdout check
//	diagram  the library's state machines as Mermaid diagrams (docs/diagrams.md)
//	help     this text, or a command's flags: crmkit help clv
//
// Each command prints its flags with -h. A command exits 0 when it ran on
// every input row, 1 when it ran but rejected rows (listed on standard
// error), and 2 when it could not run (bad flags, unreadable file).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/crmkit/crmkit/cmd/crmkit/internal/clv"
	"github.com/crmkit/crmkit/cmd/crmkit/internal/diagram"
	"github.com/crmkit/crmkit/cmd/crmkit/internal/report"
)

// command is one subcommand: its name, a one-line summary and its entry
// point.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

var commands = []command{
	{"report", "funnel, conversion and cycle-time report of a deals or leads export", report.Run},
	{"clv", "customer lifetime value from a transactions file, with a holdout check", clv.Run},
	{"diagram", "the library's state machines as Mermaid diagrams", diagram.Run},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches args[0] to its subcommand and returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) == 0 {
			usage(stdout)
			return 0
		}
		if c, ok := lookup(rest[0]); ok {
			return c.run(ctx, []string{"-h"}, stdin, stdout, stderr)
		}
		fmt.Fprintf(stderr, "crmkit help: unknown command %q\n", rest[0])
		usage(stderr)
		return 2
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(stderr, "crmkit: unknown command %q\n", name)
		usage(stderr)
		return 2
	}
	return c.run(ctx, rest, stdin, stdout, stderr)
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

func usage(w io.Writer) {
	fmt.Fprint(w, "crmkit reads CRM exports and reports on them.\n\nUsage:\n\n\tcrmkit <command> [flags]\n\nCommands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\thelp     this text, or a command's flags: crmkit help <command>\n\n")
	fmt.Fprint(w, "Exit status: 0 ran on every row, 1 ran but rejected rows, 2 could not run.\n")
}
