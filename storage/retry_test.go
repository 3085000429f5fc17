package storage_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// recorder is an injected Sleep that records the waits.
type recorder struct{ waits []time.Duration }

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.waits = append(r.waits, d)
	return ctx.Err()
}

func TestBackoff(t *testing.T) {
	p := storage.Policy{BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}
	want := []time.Duration{1, 2, 4, 8, 10, 10, 10} // ms, doubling up to the cap
	for i, w := range want {
		assert.Equal(t, w*time.Millisecond, p.Backoff(i+1), "attempt %d", i+1)
	}
	assert.Equal(t, storage.DefaultBaseDelay, storage.Policy{}.Backoff(1))
	assert.Equal(t, storage.DefaultMaxDelay, storage.Policy{}.Backoff(1000))
}

func TestRetrySucceedsAfterConflicts(t *testing.T) {
	rec := &recorder{}
	calls := 0
	p := storage.Policy{MaxAttempts: 5, BaseDelay: time.Millisecond, MaxDelay: 3 * time.Millisecond,
		Rand: rand.New(rand.NewPCG(1, 2)), Sleep: rec.sleep}
	err := storage.Retry(context.Background(), p, func(context.Context) error {
		calls++
		switch calls {
		case 1:
			return fmt.Errorf("lead x: %w", crmkit.ErrConflict)
		case 2:
			return fmt.Errorf("pg: %w", storage.ErrSerialization)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 3, calls)
	require.Len(t, rec.waits, 2)
	assert.LessOrEqual(t, rec.waits[0], time.Millisecond)
	assert.LessOrEqual(t, rec.waits[1], 2*time.Millisecond)

	// The same seed gives the same waits.
	rec2 := &recorder{}
	p.Rand, p.Sleep = rand.New(rand.NewPCG(1, 2)), rec2.sleep
	calls = 0
	_ = storage.Retry(context.Background(), p, func(context.Context) error {
		calls++
		if calls < 3 {
			return crmkit.ErrConflict
		}
		return nil
	})
	assert.Equal(t, rec.waits, rec2.waits)
}

func TestRetryStops(t *testing.T) {
	ctx := context.Background()
	rec := &recorder{}
	calls := 0
	other := errors.New("disk on fire")
	err := storage.Retry(ctx, storage.Policy{Sleep: rec.sleep}, func(context.Context) error { calls++; return other })
	assert.Same(t, other, err, "a non-retryable error comes back as is")
	assert.Equal(t, 1, calls)
	assert.Empty(t, rec.waits)

	calls = 0
	err = storage.Retry(ctx, storage.Policy{MaxAttempts: 3, Sleep: rec.sleep}, func(context.Context) error {
		calls++
		return crmkit.ErrConflict
	})
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	assert.ErrorContains(t, err, "after 3 attempts")
	assert.Equal(t, 3, calls)

	// The default policy makes DefaultMaxAttempts attempts.
	calls = 0
	_ = storage.Retry(ctx, storage.Policy{Sleep: rec.sleep}, func(context.Context) error { calls++; return storage.ErrSerialization })
	assert.Equal(t, storage.DefaultMaxAttempts, calls)

	// A done context: fn does not start.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	calls = 0
	err = storage.Retry(cctx, storage.Policy{}, func(context.Context) error { calls++; return nil })
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 0, calls)

	// Cancelled while waiting: the error matches the cause and the last
	// error.
	cctx, cancel = context.WithCancel(ctx)
	calls = 0
	err = storage.Retry(cctx, storage.Policy{MaxAttempts: 10}, func(context.Context) error {
		calls++
		cancel()
		return crmkit.ErrConflict
	})
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	assert.Equal(t, 1, calls)

	// The real timer honours a deadline.
	dctx, dcancel := context.WithTimeout(ctx, time.Millisecond)
	defer dcancel()
	err = storage.Retry(dctx, storage.Policy{MaxAttempts: 1000, BaseDelay: time.Hour, MaxDelay: time.Hour}, func(context.Context) error {
		return crmkit.ErrConflict
	})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestRetryRejectsBadPolicies(t *testing.T) {
	for _, p := range []storage.Policy{
		{MaxAttempts: -1},
		{BaseDelay: -time.Second},
		{MaxDelay: -time.Second},
		{BaseDelay: time.Second, MaxDelay: time.Millisecond},
	} {
		called := false
		err := storage.Retry(context.Background(), p, func(context.Context) error { called = true; return nil })
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%+v", p)
		assert.False(t, called)
	}
}

// Every wait lies in [0, Backoff(attempt)], whatever the policy and seed.
func TestRetryWaitsWithinBackoff(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		base := time.Duration(rapid.Int64Range(1, int64(time.Second)).Draw(t, "base"))
		p := storage.Policy{
			MaxAttempts: rapid.IntRange(1, 40).Draw(t, "attempts"),
			BaseDelay:   base,
			MaxDelay:    base + time.Duration(rapid.Int64Range(0, int64(time.Minute)).Draw(t, "extra")),
			Rand:        rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 0)),
		}
		rec := &recorder{}
		p.Sleep = rec.sleep
		calls := 0
		err := storage.Retry(context.Background(), p, func(context.Context) error { calls++; return crmkit.ErrConflict })
		if !errors.Is(err, crmkit.ErrConflict) || calls != p.MaxAttempts || len(rec.waits) != p.MaxAttempts-1 {
			t.Fatalf("calls %d, waits %d, err %v", calls, len(rec.waits), err)
		}
		for i, w := range rec.waits {
			if w < 0 || w > p.Backoff(i+1) || w > p.MaxDelay {
				t.Fatalf("wait %d = %s, cap %s", i+1, w, p.Backoff(i+1))
			}
		}
	})
}

func TestIsRetryable(t *testing.T) {
	assert.True(t, storage.IsRetryable(storage.Conflict("lead", crmkit.NewID(), 1, 2)))
	assert.True(t, storage.IsRetryable(fmt.Errorf("x: %w", storage.ErrSerialization)))
	assert.False(t, storage.IsRetryable(storage.NotFound("lead", crmkit.NewID())))
	assert.False(t, storage.IsRetryable(crmkit.Invalid("x", "y")))
	assert.False(t, storage.IsRetryable(nil))
}
