package crmkit_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
)

// v7 splits a UUIDv7 into its 48-bit milliseconds and 12-bit fraction.
func v7(id uuid.UUID) (ms, frac uint64) {
	hi := binary.BigEndian.Uint64(id[0:8])
	return hi >> 16, hi & 0xfff
}

func TestUUIDv7TakesItsTimeFromTheClock(t *testing.T) {
	// 2026-01-02T03:04:05.006007008Z: 1767323045 s since the epoch (by
	// date arithmetic), so 1767323045006 ms; the remaining 7008 ns are
	// floor(7008 * 4096 / 10^6) = 28 in 12 bits.
	at := time.Date(2026, 1, 2, 3, 4, 5, 6007008, time.UTC)
	src, err := crmkit.NewUUIDv7(crmkit.NewFakeClock(at))
	require.NoError(t, err)
	id := src.NewID()
	assert.Equal(t, uuid.Version(7), id.Version())
	assert.Equal(t, uuid.RFC4122, id.Variant())
	ms, frac := v7(id)
	assert.Equal(t, uint64(1767323045006), ms)
	assert.Equal(t, uint64(28), frac)
	assert.Equal(t, "019b7ca9-8c8e-701c", id.String()[:18])
}

func TestIDSourcesRejectANilClock(t *testing.T) {
	_, err := crmkit.NewUUIDv7(nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	var fc *crmkit.FakeClock
	_, err = crmkit.NewUUIDv7(fc)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = crmkit.NewDeterministicIDs(nil, 1)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = crmkit.NewDeterministicIDs(fc, 1)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)

	// The zero and nil UUIDv7 read the system clock; the zero and nil
	// DeterministicIDs hand out the nil UUID, which events refuse.
	var z crmkit.UUIDv7
	assert.Equal(t, uuid.Version(7), z.NewID().Version())
	var nz *crmkit.UUIDv7
	assert.Equal(t, uuid.Version(7), nz.NewID().Version())
	var zd crmkit.DeterministicIDs
	assert.Equal(t, uuid.Nil, zd.NewID())
	var nd *crmkit.DeterministicIDs
	assert.Equal(t, uuid.Nil, nd.NewID())
	_, err = crmkit.NewEventFrom(&zd, "deal", crmkit.NewID(), "X", "a", time.Now(), 1, nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = crmkit.NewEventFrom(nil, "deal", crmkit.NewID(), "X", "a", time.Now(), 1, nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// TestIDSourcesAreStrictlyIncreasing: whatever the clock does (stand still,
// go back, jump), each source's IDs are valid UUIDv7, strictly increasing,
// and carry the clock's millisecond whenever the clock is past the last ID.
func TestIDSourcesAreStrictlyIncreasing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		clock := crmkit.NewFakeClock(start)
		det, err := crmkit.NewDeterministicIDs(clock, rapid.Uint64().Draw(t, "seed"))
		require.NoError(t, err)
		sys, err := crmkit.NewUUIDv7(clock)
		require.NoError(t, err)
		for _, src := range []crmkit.IDSource{det, sys} {
			var last uuid.UUID
			steps := rapid.SliceOfN(rapid.Int64Range(-int64(time.Second), int64(time.Second)), 1, 200).Draw(t, "steps")
			for _, step := range steps {
				now := clock.Advance(time.Duration(step))
				id := src.NewID()
				require.Equal(t, uuid.Version(7), id.Version())
				require.Equal(t, uuid.RFC4122, id.Variant())
				require.Positive(t, bytes.Compare(id[:], last[:]), "%s after %s", id, last)
				lastMS, _ := v7(last)
				if ms, _ := v7(id); uint64(now.UnixMilli()) > lastMS {
					require.Equal(t, uint64(now.UnixMilli()), ms)
				}
				last = id
			}
		}
	})
}

// TestDeterministicIDsReplay: the same commands under a fake clock and a
// fixed ID source give byte-identical events twice; another seed gives
// other IDs.
func TestDeterministicIDsReplay(t *testing.T) {
	agg := uuid.MustParse("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b")
	run := func(seed uint64) []byte {
		start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		clock := crmkit.NewFakeClock(start)
		ids, err := crmkit.NewDeterministicIDs(clock, seed)
		require.NoError(t, err)
		var out []crmkit.Event
		for v := int64(1); v <= 50; v++ {
			at := clock.Advance(time.Duration(v) * time.Minute / 7)
			e, err := crmkit.NewEventFrom(ids, "deal", agg, "StageChanged", "rep-1", at, v, map[string]int64{"n": v})
			require.NoError(t, err)
			out = append(out, e)
		}
		b, err := json.Marshal(out)
		require.NoError(t, err)
		return b
	}
	a, b := run(42), run(42)
	assert.Equal(t, string(a), string(b))
	assert.NotEqual(t, string(a), string(run(43)))
}

func TestNewIDAndNewEventShareOneSequence(t *testing.T) {
	a := crmkit.NewID()
	e, err := crmkit.NewEvent("deal", a, "X", "a", time.Now(), 1, nil)
	require.NoError(t, err)
	b := crmkit.NewID()
	assert.Positive(t, bytes.Compare(e.ID[:], a[:]))
	assert.Positive(t, bytes.Compare(b[:], e.ID[:]))
}
