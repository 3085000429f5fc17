package uuidv7_test

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/crmkit/crmkit/internal/uuidv7"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestLayout(t *testing.T) {
	var g uuidv7.Generator
	at := time.Date(2026, 3, 1, 12, 0, 0, 500_000, time.UTC) // 0.5 ms into the millisecond
	id := g.NewAt(at)
	assert.Equal(t, uuid.Version(7), id.Version())
	assert.Equal(t, uuid.RFC4122, id.Variant())
	// The timestamp is the Unix milliseconds of at, read back by the uuid
	// package's own decoder.
	sec, nsec := id.Time().UnixTime()
	assert.Equal(t, at.UnixMilli(), sec*1000+nsec/1e6)
	// rand_a holds the sub-millisecond fraction: 0.5 ms is 2048/4096.
	assert.Equal(t, uint16(2048), uint16(id[6]&0x0F)<<8|uint16(id[7]))
}

// TestOrderedByTime: IDs made for increasing times are strictly
// increasing, and IDs for distinct milliseconds sort by time whatever the
// order they were made in.
func TestOrderedByTime(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var g uuidv7.Generator
		base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		steps := rapid.SliceOfN(rapid.Int64Range(0, 3_000_000), 1, 200).Draw(t, "steps (ns)")
		at := base
		var prev uuid.UUID
		for i, d := range steps {
			at = at.Add(time.Duration(d))
			id := g.NewAt(at)
			if i > 0 && bytes.Compare(prev[:], id[:]) >= 0 {
				t.Fatalf("id %d (%s at %s) not after %s", i, id, at, prev)
			}
			prev = id
		}
		// Two times in distinct milliseconds, either order.
		a := base.Add(time.Duration(rapid.Int64Range(0, 1e12).Draw(t, "a")))
		b := a.Add(time.Duration(rapid.Int64Range(1, 1e6).Draw(t, "b-a ms")) * time.Millisecond)
		var h uuidv7.Generator
		idB, idA := h.NewAt(b), h.NewAt(a) // the later one first: the clock went back
		if bytes.Compare(idA[:], idB[:]) >= 0 {
			t.Fatalf("id for %s (%s) sorts after id for %s (%s)", a, idA, b, idB)
		}
	})
}

// TestBurstStaysMonotonic makes more IDs in one millisecond than the 12
// counter bits hold.
func TestBurstStaysMonotonic(t *testing.T) {
	var g uuidv7.Generator
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	prev := g.NewAt(at)
	for i := range 10_000 {
		id := g.NewAt(at)
		require.Positive(t, bytes.Compare(id[:], prev[:]), "id %d", i)
		prev = id
	}
	// Time moving on by one millisecond while still borrowed ahead keeps
	// the order.
	id := g.NewAt(at.Add(time.Millisecond))
	assert.Positive(t, bytes.Compare(id[:], prev[:]))
}

// TestUniqueUnderConcurrency: 8 goroutines sharing the default generator
// and one fixed time make 80,000 distinct IDs, each goroutine's in
// increasing order.
func TestUniqueUnderConcurrency(t *testing.T) {
	const workers, each = 8, 10_000
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var g uuidv7.Generator
	out := make([][]uuid.UUID, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			ids := make([]uuid.UUID, each)
			for i := range ids {
				ids[i] = g.NewAt(at)
			}
			out[w] = ids
		})
	}
	wg.Wait()
	seen := make(map[uuid.UUID]bool, workers*each)
	for _, ids := range out {
		for i, id := range ids {
			require.False(t, seen[id], "duplicate %s", id)
			seen[id] = true
			if i > 0 {
				require.Positive(t, bytes.Compare(id[:], ids[i-1][:]))
			}
		}
	}
	assert.Len(t, seen, workers*each)
	assert.NotEqual(t, uuidv7.New(), uuidv7.New())
}

var sink uuid.UUID

// BenchmarkNewID compares, in one run, google/uuid's NewV7 (one random
// read and one allocation per ID) with the amortised generator.
//
//	go test -run='^$' -bench=NewID -benchmem ./internal/uuidv7/
func BenchmarkNewID(b *testing.B) {
	b.Run("google-uuid-NewV7", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink = uuid.Must(uuid.NewV7())
		}
	})
	b.Run("amortised", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sink = uuidv7.New()
		}
	})
	b.Run("amortised-parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				sink = uuidv7.New()
			}
		})
	})
}

// BenchmarkNewAt is the generator alone, for a given time (the command
// path's case: the event's time is known).
func BenchmarkNewAt(b *testing.B) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		at = at.Add(time.Microsecond)
		sink = uuidv7.NewAt(at)
	}
}
