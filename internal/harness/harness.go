// Package harness runs bad-input cases against crmkit's exported API for
// the packages' own tests: each case runs in its own goroutine with a
// deadline, so a panic or a hang fails that case alone, and every refusal
// must match exactly one of crmkit's root sentinels. Sweep, SweepFuncs and
// SweepValues go further without a table: they call every exported method
// and function of the library packages with zero arguments, on nil, zero
// and ready receivers, the same way.
package harness

import (
	"errors"
	"fmt"
	"runtime/debug"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
)

// Timeout is the default deadline of one case. It is far above what any
// case needs (they are refused before they compute), so only a hang
// reaches it, even on a loaded machine under -race.
const Timeout = 20 * time.Second

// Case is one bad input: Call runs it and returns the error of the call.
type Case struct {
	Name string
	Call func() error
	// Want is the sentinel the error must match; nil means
	// crmkit.ErrInvalid, ErrAny any one root sentinel.
	Want error
	// Timeout overrides the package Timeout for this case.
	Timeout time.Duration
}

// ErrAny, as a wanted error, accepts a refusal matching any one root
// sentinel.
var ErrAny = errors.New("any root sentinel")

// Sentinels are crmkit's root sentinels: every refusal matches one.
var Sentinels = crmkit.Sentinels()

type outcome struct {
	err   error
	panic any
	stack []byte
}

// Run runs every case as a subtest and fails a case that panics, does not
// return before its deadline, returns nil, or returns an error that does
// not match exactly one root sentinel or not the wanted one.
func Run(t *testing.T, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			done := make(chan outcome, 1)
			go func() {
				defer func() {
					if p := recover(); p != nil {
						done <- outcome{panic: p, stack: debug.Stack()}
					}
				}()
				done <- outcome{err: c.Call()}
			}()
			d := c.Timeout
			if d == 0 {
				d = Timeout
			}
			timer := time.NewTimer(d)
			defer timer.Stop()
			select {
			case o := <-done:
				if o.panic != nil {
					t.Fatalf("panic: %v\n%s", o.panic, o.stack)
				}
				if err := Check(o.err, c.Want); err != nil {
					t.Fatal(err)
				}
			case <-timer.C:
				t.Fatalf("no answer within %s: the call hangs", d)
			}
		})
	}
}

// countSentinels returns how many of Sentinels err matches.
func countSentinels(err error) int {
	n := 0
	for _, s := range Sentinels {
		if errors.Is(err, s) {
			n++
		}
	}
	return n
}

// Check reports why err is not an acceptable refusal: nil, matching no
// root sentinel or more than one, or not matching want (crmkit.ErrInvalid
// when want is nil, anything when want is ErrAny).
func Check(err, want error) error {
	if err == nil {
		return errors.New("accepted: want a refusal")
	}
	if n := countSentinels(err); n != 1 {
		return fmt.Errorf("error %q matches %d root sentinels, want exactly 1", err, n)
	}
	if want == nil {
		want = crmkit.ErrInvalid
	}
	if want != ErrAny && !errors.Is(err, want) {
		return fmt.Errorf("error %q does not match %q", err, want)
	}
	return nil
}
