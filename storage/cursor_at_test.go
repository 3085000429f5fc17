package storage_test

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// A date-order cursor decodes to the stored date and ID it was made of,
// whatever the zone and sub-microsecond part of the date given.
func TestCursorAtRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var id uuid.UUID
		copy(id[:], rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "id"))
		if id == uuid.Nil {
			id[15] = 1
		}
		us := rapid.Int64Range(storage.MinTime.UnixMicro(), storage.MaxTime.UnixMicro()).Draw(t, "micros")
		ns := rapid.IntRange(0, 999).Draw(t, "nanos")
		zone := time.FixedZone("z", rapid.IntRange(-14*3600, 14*3600).Draw(t, "offset"))
		at := time.UnixMicro(us).Add(time.Duration(ns)).In(zone)
		size, gotAt, gotID, err := storage.Page{Size: 3, After: storage.EncodeCursorAt(at, id)}.ResolveAt()
		if err != nil || size != 3 || gotID != id || !gotAt.Equal(time.UnixMicro(us)) || gotAt.Location() != time.UTC {
			t.Fatalf("round trip of (%s, %s): %d %s %s %v", at, id, size, gotAt, gotID, err)
		}
	})
}

func TestPageResolveAt(t *testing.T) {
	size, at, after, err := storage.Page{}.ResolveAt()
	require.NoError(t, err)
	assert.Equal(t, storage.DefaultPageSize, size)
	assert.True(t, at.IsZero())
	assert.Equal(t, uuid.Nil, after)

	id := crmkit.NewID()
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	// The bytes of a cursor in date order, written out here: version 2,
	// microseconds since 1970 big-endian, the ID.
	raw := func(version byte, us int64, id uuid.UUID) storage.Cursor {
		b := make([]byte, 25)
		b[0] = version
		binary.BigEndian.PutUint64(b[1:9], uint64(us))
		copy(b[9:], id[:])
		return storage.Cursor(base64.RawURLEncoding.EncodeToString(b))
	}
	good := raw(2, day.UnixMicro(), id)
	assert.Equal(t, good, storage.EncodeCursorAt(day, id), "the layout")
	_, gotAt, gotID, err := storage.Page{After: good}.ResolveAt()
	require.NoError(t, err)
	assert.Equal(t, day, gotAt)
	assert.Equal(t, id, gotID)
	// The zero time is a stored date too (no range matches it, but a
	// cursor of it is well-formed).
	_, gotAt, _, err = storage.Page{After: storage.EncodeCursorAt(time.Time{}, id)}.ResolveAt()
	require.NoError(t, err)
	assert.True(t, gotAt.IsZero())

	for name, c := range map[string]storage.Cursor{
		"ID order":             storage.EncodeCursor(id),
		"nil ID":               raw(2, day.UnixMicro(), uuid.Nil),
		"version 1 layout":     raw(1, day.UnixMicro(), id),
		"version 3":            raw(3, day.UnixMicro(), id),
		"after MaxTime":        raw(2, storage.MaxTime.UnixMicro()+1, id),
		"before the zero time": raw(2, time.Time{}.UnixMicro()-1, id),
		"padded":               good + "=",
		"one character more":   good + "A",
		"cut short":            good[:len(good)-1],
		"not base64":           "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
		"empty ID cursor":      storage.Cursor("AQ"),
	} {
		_, _, _, err := storage.Page{After: c}.ResolveAt()
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	_, _, err = storage.Page{After: good}.Resolve()
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "a date-order cursor in an ID-order List")
	for _, p := range []storage.Page{{Size: -1}, {Size: storage.MaxPageSize + 1}} {
		_, _, _, err := p.ResolveAt()
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%+v", p)
	}
}

func FuzzResolveAt(f *testing.F) {
	f.Add(string(storage.EncodeCursorAt(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), crmkit.NewID())))
	f.Add(string(storage.EncodeCursor(crmkit.NewID())))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		_, at, id, err := storage.Page{After: storage.Cursor(s)}.ResolveAt()
		if err != nil {
			if !errors.Is(err, crmkit.ErrInvalid) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		if s == "" {
			return
		}
		if id == uuid.Nil || storage.EncodeCursorAt(at, id) != storage.Cursor(s) {
			t.Fatalf("%q decodes to (%s, %s), which encodes differently", s, at, id)
		}
	})
}
