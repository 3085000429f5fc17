package storage_test

import (
	"context"
	"errors"
	"fmt"
	"math"
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
	// A serialization failure is a concurrency conflict: it matches
	// crmkit.ErrConflict, its one root sentinel (issue 16).
	assert.ErrorIs(t, storage.ErrSerialization, crmkit.ErrConflict)
	assert.NotErrorIs(t, storage.ErrSerialization, crmkit.ErrUnavailable)
	assert.Equal(t, "serialization failure", storage.ErrSerialization.Error())
	assert.False(t, storage.IsRetryable(storage.NotFound("lead", crmkit.NewID())))
	assert.False(t, storage.IsRetryable(crmkit.Invalid("x", "y")))
	assert.False(t, storage.IsRetryable(nil))
}

// The doubling saturates: with a MaxDelay near math.MaxInt64 (which
// Validate accepts) no Backoff overflows and Retry does not panic.
func TestBackoffSaturates(t *testing.T) {
	p := storage.Policy{BaseDelay: time.Nanosecond, MaxDelay: math.MaxInt64}
	require.NoError(t, p.Validate())
	// By hand: 2^(attempt-1) ns while that is below 2^63-1.
	assert.Equal(t, time.Duration(1), p.Backoff(1))
	assert.Equal(t, time.Duration(1<<62), p.Backoff(63))
	assert.Equal(t, time.Duration(math.MaxInt64), p.Backoff(64))
	assert.Equal(t, time.Duration(math.MaxInt64), p.Backoff(math.MaxInt))
	assert.Equal(t, time.Duration(1), p.Backoff(math.MinInt), "an attempt below 1 counts as 1")
	assert.Equal(t, time.Duration(0), storage.Policy{BaseDelay: -1}.Backoff(5), "an invalid policy waits 0")

	rec := &recorder{}
	p.MaxAttempts, p.Sleep, p.Rand = 80, rec.sleep, rand.New(rand.NewPCG(7, 7))
	err := storage.Retry(context.Background(), p, func(context.Context) error { return crmkit.ErrConflict })
	assert.ErrorIs(t, err, crmkit.ErrConflict)
	require.Len(t, rec.waits, 79)
	for _, w := range rec.waits {
		assert.GreaterOrEqual(t, w, time.Duration(0))
	}
}

// Nothing but invalid input: a nil context or function is ErrInvalid, not
// a panic.
func TestRetryNilInput(t *testing.T) {
	//lint:ignore SA1012 a nil context is the input under test
	err := storage.Retry(nil, storage.Policy{}, func(context.Context) error { return nil })
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.ErrorIs(t, storage.Retry(context.Background(), storage.Policy{}, nil), crmkit.ErrInvalid)
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = storage.Retry(cctx, storage.Policy{}, func(context.Context) error { return nil })
	assert.ErrorIs(t, err, crmkit.ErrUnavailable, "a done context before any attempt matches ErrUnavailable")
}

// FuzzRetryPolicy runs Retry under any policy: Validate decides, and a
// valid policy never panics, never waits outside [0, Backoff] and makes
// exactly MaxAttempts attempts against a function that always conflicts.
func FuzzRetryPolicy(f *testing.F) {
	f.Add(0, int64(0), int64(0), uint64(1))
	f.Add(3, int64(1), int64(math.MaxInt64), uint64(2))
	f.Add(64, int64(math.MaxInt64), int64(math.MaxInt64), uint64(3))
	f.Add(-1, int64(5), int64(1), uint64(4))
	f.Add(2, int64(-1), int64(-1), uint64(5))
	f.Add(100, int64(1<<62), int64(1<<62+1), uint64(6))
	f.Fuzz(func(t *testing.T, attempts int, base, maxDelay int64, seed uint64) {
		attempts %= 200 // bound the work, not the policy's validity
		p := storage.Policy{MaxAttempts: attempts, BaseDelay: time.Duration(base), MaxDelay: time.Duration(maxDelay), Rand: rand.New(rand.NewPCG(seed, 0))}
		rec := &recorder{}
		p.Sleep = rec.sleep
		calls := 0
		err := storage.Retry(context.Background(), p, func(context.Context) error { calls++; return crmkit.ErrConflict })
		if verr := p.Validate(); verr != nil {
			if !errors.Is(err, crmkit.ErrInvalid) || calls != 0 {
				t.Fatalf("invalid policy %+v: err %v, %d calls", p, err, calls)
			}
			return
		}
		want := attempts
		if want == 0 {
			want = storage.DefaultMaxAttempts
		}
		if !errors.Is(err, crmkit.ErrConflict) || calls != want || len(rec.waits) != want-1 {
			t.Fatalf("policy %+v: err %v, %d calls, %d waits", p, err, calls, len(rec.waits))
		}
		for i, w := range rec.waits {
			if w < 0 || w > p.Backoff(i+1) {
				t.Fatalf("wait %d = %d outside [0, %d]", i+1, w, p.Backoff(i+1))
			}
		}
	})
}
