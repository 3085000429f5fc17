// Package uuidv7 generates UUIDv7 identifiers (RFC 9562, section 5.7)
// with the random reads amortised: a generator seeds a ChaCha8 stream (a
// cryptographically strong generator, math/rand/v2) with 32 bytes read
// once from the operating system's random source and draws each ID's
// random bits from it, where github.com/google/uuid's NewV7 reads the
// operating system (and allocates) once per ID.
//
// Layout: 48 bits of Unix milliseconds, the version, 12 bits of sub-
// millisecond precision that also serve as a counter (RFC 9562 section
// 6.2, method 3), the variant and 62 random bits. IDs of one Generator are
// strictly increasing while the time given does not go back; IDs for
// distinct milliseconds sort by time; a time that goes back gets its own
// (earlier) timestamp and stays unique by its random bits.
package uuidv7

import (
	"crypto/rand"
	"encoding/binary"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Generator makes UUIDv7s. Its zero value is ready to use and it is safe
// for concurrent use.
type Generator struct {
	mu     sync.Mutex
	realMS int64  // the latest millisecond given
	lastMS int64  // the latest millisecond issued (ahead of realMS after a burst)
	seq    uint16 // 12 bits: sub-millisecond precision, then a counter
	rng    *mrand.ChaCha8
}

// Default is the process-wide generator behind New.
var Default Generator

// New returns a UUIDv7 for the current time from Default: successive
// calls return increasing IDs while the system clock does not go back.
func New() uuid.UUID { return Default.NewAt(time.Now()) }

// at is the generator behind NewAt, apart from Default so that times from
// fake or replaying clocks do not disturb New's order.
var at Generator

// NewAt returns a UUIDv7 whose timestamp is t, from a process-wide
// generator kept apart from New's: the ID of an event made at t sorts
// with the event's time, as the Clock that gave t sees it.
func NewAt(t time.Time) uuid.UUID { return at.NewAt(t) }

// NewAt returns a UUIDv7 whose timestamp is t (Unix milliseconds, clamped
// to the 48 bits the format has). It panics only if the operating
// system's random source fails, as crypto/rand does.
func (g *Generator) NewAt(t time.Time) uuid.UUID {
	ms := t.UnixMilli()
	switch {
	case ms < 0:
		ms = 0
	case ms >= 1<<48:
		ms = 1<<48 - 1
	}
	sub := uint16(int64(t.Nanosecond()%1e6) * 4096 / 1e6)

	g.mu.Lock()
	seq := sub
	switch {
	case ms > g.realMS:
		// Time moved on. After a burst that borrowed milliseconds the
		// issued time may still be ahead: keep counting there.
		g.realMS = ms
		if ms > g.lastMS {
			g.lastMS, g.seq = ms, sub
		} else {
			g.next()
		}
		ms, seq = g.lastMS, g.seq
	case ms == g.realMS:
		// Same millisecond: keep increasing.
		if ms == g.lastMS && sub > g.seq {
			g.seq = sub
		} else {
			g.next()
		}
		ms, seq = g.lastMS, g.seq
	default:
		// The clock went back (a fake clock replaying the past): the ID
		// carries the earlier time as given and is unique by its random
		// bits; the state stays with the latest time seen.
	}
	if ms >= 1<<48 { // a borrow at the very end of the format's range
		ms = 1<<48 - 1
	}
	if g.rng == nil {
		var seed [32]byte
		if _, err := rand.Read(seed[:]); err != nil {
			g.mu.Unlock()
			panic("uuidv7: random source failed: " + err.Error())
		}
		g.rng = mrand.NewChaCha8(seed)
	}
	r := g.rng.Uint64()
	g.mu.Unlock()

	var id uuid.UUID
	binary.BigEndian.PutUint64(id[0:8], uint64(ms)<<16|0x7000|uint64(seq&0xFFF))
	binary.BigEndian.PutUint64(id[8:16], r&(1<<62-1)|1<<63) // variant 10
	return id
}

// next advances the counter, borrowing a millisecond when its 12 bits run
// out (more than 4,096 IDs in one millisecond).
func (g *Generator) next() {
	if g.seq++; g.seq > 0xFFF {
		g.lastMS++
		g.seq = 0
	}
}
