package crmkit

import (
	"sync"
	"time"
)

// Clock tells the time. Everything in crmkit that needs "now" takes a Clock,
// so tests can fix it and replays can run in the past.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock: time.Now. Its zero value is ready to use.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// FakeClock is a settable Clock for tests and simulations. It is safe for
// concurrent use. The zero FakeClock reads the zero time until Set. A nil
// *FakeClock always reads the zero time: Set and Advance do nothing.
type FakeClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewFakeClock returns a FakeClock reading t.
func NewFakeClock(t time.Time) *FakeClock { return &FakeClock{now: t} }

// Now returns the clock's current time.
func (c *FakeClock) Now() time.Time {
	if c == nil {
		return time.Time{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t (backwards too).
func (c *FakeClock) Set(t time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d and returns the new time.
func (c *FakeClock) Advance(d time.Duration) time.Time {
	if c == nil {
		return time.Time{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return c.now
}
