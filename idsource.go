package crmkit

import (
	crand "crypto/rand"
	"encoding/binary"
	"math/rand/v2"
	"reflect"
	"sync"
	"time"

	"github.com/google/uuid"
)

// IDSource hands out entity and event IDs. It sits beside the Clock: code
// that takes a Clock for "now" takes an IDSource for new IDs, so that a
// replay or simulation under a FakeClock and a DeterministicIDs source
// produces byte-for-byte the same IDs, events and states every time.
//
// NewID must return a non-nil UUID and be safe for concurrent use.
type IDSource interface {
	NewID() uuid.UUID
}

// Compile-time checks that both sources implement IDSource.
var (
	_ IDSource = (*UUIDv7)(nil)
	_ IDSource = (*DeterministicIDs)(nil)
)

// UUIDv7 is the default IDSource: UUIDv7 IDs (RFC 9562, section 5.7)
// whose 48-bit millisecond timestamp and 12 bits of sub-millisecond
// precision (the RFC's method 3) come from its Clock, and whose remaining
// 62 bits come from crypto/rand. IDs from one source are strictly
// increasing, also when the clock stands still or goes back (a FakeClock):
// the source then continues from its last ID plus one in the 12-bit
// fraction, as RFC 9562 section 6.2 allows.
//
// The zero UUIDv7 reads the system clock; use NewUUIDv7 to read another.
// It is safe for concurrent use.
type UUIDv7 struct {
	gen v7gen
}

// NewUUIDv7 returns a UUIDv7 source reading its time from c. A nil c
// (also a nil pointer in the interface) is an error matching ErrInvalid.
func NewUUIDv7(c Clock) (*UUIDv7, error) {
	if isNil(c) {
		return nil, Invalid("clock", "nil clock")
	}
	return &UUIDv7{gen: v7gen{clock: c}}, nil
}

// NewID returns the next ID. A nil *UUIDv7 reads the system clock, as the
// zero value does.
func (s *UUIDv7) NewID() uuid.UUID {
	if s == nil {
		var z UUIDv7
		return z.NewID()
	}
	return s.gen.next(func(b []byte) { _, _ = crand.Read(b) })
}

// DeterministicIDs is an IDSource for tests, replays and simulations, not
// for production: its IDs are UUIDv7 in form (timestamp and fraction from
// its Clock, strictly increasing as for UUIDv7) but their 62 "random" bits
// come from a PCG generator seeded with the seed it was made with, so two
// sources made with the same seed, driven by clocks reading the same
// times, hand out the same IDs in the same order. Those bits are
// predictable by anyone who knows the seed: never use it where IDs must be
// unguessable.
//
// It is safe for concurrent use, but concurrent callers get the IDs in an
// unspecified order; a replay that must be repeatable calls it from one
// goroutine.
type DeterministicIDs struct {
	gen v7gen
	rng *rand.PCG
}

// NewDeterministicIDs returns a DeterministicIDs source reading its time
// from c and seeded with seed. A nil c (also a nil pointer in the
// interface) is an error matching ErrInvalid.
func NewDeterministicIDs(c Clock, seed uint64) (*DeterministicIDs, error) {
	if isNil(c) {
		return nil, Invalid("clock", "nil clock")
	}
	return &DeterministicIDs{gen: v7gen{clock: c}, rng: rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)}, nil
}

// NewID returns the next ID. A nil or zero DeterministicIDs is not usable
// (it has no clock and no seed) and returns uuid.Nil, which every crmkit
// constructor and Event.Validate reject as ErrInvalid.
func (s *DeterministicIDs) NewID() uuid.UUID {
	if s == nil || s.rng == nil {
		return uuid.Nil
	}
	// The generator is only read under the lock of gen.next.
	return s.gen.next(func(b []byte) {
		binary.BigEndian.PutUint64(b, s.rng.Uint64())
	})
}

// v7gen builds strictly increasing UUIDv7 values: 48 bits of Unix
// milliseconds, 12 bits of sub-millisecond fraction, 62 bits from fill.
type v7gen struct {
	mu    sync.Mutex
	clock Clock  // nil: the system clock
	last  uint64 // the last (milliseconds << 12 | fraction) handed out
}

// maxV7Stamp is the largest 60-bit (milliseconds, fraction) stamp.
const maxV7Stamp = 1<<60 - 1

func (g *v7gen) next(fill func([]byte)) uuid.UUID {
	g.mu.Lock()
	defer g.mu.Unlock()
	var now time.Time
	if g.clock == nil {
		now = time.Now()
	} else {
		now = g.clock.Now()
	}
	stamp := v7Stamp(now)
	if stamp <= g.last {
		// The clock stood still or went back: continue from the last ID.
		// At the very end of the 48-bit millisecond range (the year
		// 10889) the stamp stays there rather than wrapping to 1970.
		stamp = min(g.last+1, maxV7Stamp)
	}
	g.last = stamp

	var id uuid.UUID
	var r [8]byte
	fill(r[:])
	binary.BigEndian.PutUint64(id[0:8], stamp>>12<<16|0x7000|stamp&0xfff)
	copy(id[8:], r[:])
	id[8] = id[8]&0x3f | 0x80 // variant 10
	return id
}

// v7Stamp returns the 60-bit stamp of t: its Unix milliseconds, clamped to
// [0, 2^48), and the sub-millisecond remainder scaled to 12 bits.
func v7Stamp(t time.Time) uint64 {
	ms := t.UnixMilli()
	switch {
	case ms < 0:
		return 0
	case ms >= 1<<48:
		return maxV7Stamp
	}
	frac := uint64(t.Nanosecond()%int(time.Millisecond)) << 12 / uint64(time.Millisecond)
	return uint64(ms)<<12 | frac
}

// isNil reports whether c is nil or a nil pointer (or other nil-able
// value) in a non-nil interface.
func isNil(c Clock) bool {
	if c == nil {
		return true
	}
	v := reflect.ValueOf(c)
	switch v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
}
