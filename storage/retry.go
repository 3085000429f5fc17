package storage

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/crmkit/crmkit"
)

// Policy bounds Retry: how often it runs the function and how long it
// waits between runs. The zero Policy is DefaultPolicy.
//
// The wait before attempt n+1 is drawn uniformly from [0, min(MaxDelay,
// BaseDelay·2^(n-1))] ("full jitter", from the AWS Architecture Blog's
// "Exponential Backoff and Jitter"), so that writers that collided once
// spread out instead of colliding again.
type Policy struct {
	// MaxAttempts is the most times fn runs, the first included: 0 means
	// DefaultMaxAttempts.
	MaxAttempts int
	// BaseDelay is the cap of the first wait: 0 means DefaultBaseDelay.
	BaseDelay time.Duration
	// MaxDelay caps every wait: 0 means DefaultMaxDelay.
	MaxDelay time.Duration
	// Rand draws the jitter. Nil means a source seeded from crypto/rand,
	// made for each Retry call when it first waits. A *rand.Rand is not
	// safe for concurrent use: give each goroutine its own, seeded (for
	// example rand.New(rand.NewPCG(seed, worker))) for reproducible
	// waits.
	Rand *rand.Rand
	// Sleep waits for d or until ctx is done, returning ctx's error then.
	// Nil means a timer. Tests inject it to record the waits.
	Sleep func(ctx context.Context, d time.Duration) error
}

// The defaults of a zero Policy.
const (
	DefaultMaxAttempts = 10
	DefaultBaseDelay   = time.Millisecond
	DefaultMaxDelay    = 100 * time.Millisecond
)

// DefaultPolicy is the zero Policy with its defaults written out.
var DefaultPolicy = Policy{MaxAttempts: DefaultMaxAttempts, BaseDelay: DefaultBaseDelay, MaxDelay: DefaultMaxDelay}

// Validate rejects negative attempts or delays and a MaxDelay below
// BaseDelay.
func (p Policy) Validate() error {
	switch {
	case p.MaxAttempts < 0:
		return crmkit.Invalid("max attempts", "negative %d", p.MaxAttempts)
	case p.BaseDelay < 0:
		return crmkit.Invalid("base delay", "negative %s", p.BaseDelay)
	case p.MaxDelay < 0:
		return crmkit.Invalid("max delay", "negative %s", p.MaxDelay)
	}
	q := p.withDefaults()
	if q.MaxDelay < q.BaseDelay {
		return crmkit.Invalid("max delay", "%s is below the base delay %s", q.MaxDelay, q.BaseDelay)
	}
	return nil
}

func (p Policy) withDefaults() Policy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay == 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	return p
}

// Backoff returns the cap of the wait after the given failed attempt
// (1 for the first): min(MaxDelay, BaseDelay·2^(attempt-1)). The doubling
// saturates at MaxDelay, so no policy overflows, however large MaxDelay
// or attempt; an attempt below 1 counts as 1, and an invalid policy (see
// Validate) waits 0.
func (p Policy) Backoff(attempt int) time.Duration {
	if p.Validate() != nil {
		return 0
	}
	p = p.withDefaults()
	d := p.BaseDelay
	for i := 1; i < attempt && d < p.MaxDelay; i++ {
		if d > p.MaxDelay/2 {
			return p.MaxDelay
		}
		d *= 2
	}
	return min(d, p.MaxDelay)
}

// Retry runs fn until it returns nil or an error that is not retryable
// (see IsRetryable), at most p.MaxAttempts times, waiting a jittered,
// growing delay between runs. It returns nil on success, fn's error as is
// when it is not retryable, and otherwise an error wrapping the last one
// that says how many attempts were made. It stops as soon as ctx is done,
// returning an error that matches both ctx's error and the last error
// from fn (if any; without one it matches crmkit.ErrUnavailable, see
// Stopped); fn is not started with a done ctx. An invalid policy, a nil
// ctx or a nil fn is an error matching crmkit.ErrInvalid, and fn does not
// run.
//
// fn must be safe to run again: typically it reads what it changes (Get),
// decides, and writes with the version it read, all inside one
// Store.Update.
func Retry(ctx context.Context, p Policy, fn func(ctx context.Context) error) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if ctx == nil {
		return crmkit.Invalid("context", "nil context")
	}
	if fn == nil {
		return crmkit.Invalid("retry", "nil function")
	}
	p = p.withDefaults()
	sleep := p.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	rng := p.Rand
	var last error
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return stopped(attempt-1, err, last)
		}
		last = fn(ctx)
		if last == nil || !IsRetryable(last) {
			return last
		}
		if attempt >= p.MaxAttempts {
			return fmt.Errorf("storage: gave up after %d attempts: %w", attempt, last)
		}
		if rng == nil {
			rng = newRand()
		}
		// Uniform in [0, Backoff]; in uint64, so that a Backoff of
		// math.MaxInt64 does not overflow the bound.
		wait := time.Duration(rng.Uint64N(uint64(p.Backoff(attempt)) + 1))
		if err := sleep(ctx, wait); err != nil {
			return stopped(attempt, err, last)
		}
	}
}

// stopped is Retry's error when ctx ends it.
func stopped(attempts int, ctxErr, last error) error {
	if last == nil {
		return Stopped(fmt.Errorf("storage: retry stopped after %d attempts: %w", attempts, ctxErr))
	}
	return fmt.Errorf("storage: retry stopped after %d attempts: %w", attempts, errors.Join(ctxErr, last))
}

// newRand returns a ChaCha8 generator seeded from the operating system.
func newRand() *rand.Rand {
	var seed [32]byte
	_, _ = crand.Read(seed[:]) // crypto/rand.Read never fails (Go 1.24+)
	return rand.New(rand.NewChaCha8(seed))
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
