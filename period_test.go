package crmkit_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
)

func utcDate(y int, m time.Month, d, h int) time.Time {
	return time.Date(y, m, d, h, 0, 0, 0, time.UTC)
}

func TestNewPeriodRejectsEndBeforeStart(t *testing.T) {
	start, end := utcDate(2024, 3, 2, 0), utcDate(2024, 3, 1, 0)
	_, err := crmkit.NewPeriod(start, end)
	require.Error(t, err)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	var ve *crmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "period", ve.Field)
	assert.Contains(t, err.Error(), "2024-03-01T00:00:00Z")
	assert.Contains(t, err.Error(), "before start 2024-03-02T00:00:00Z")

	// One nanosecond is enough to be rejected.
	_, err = crmkit.NewPeriod(start, start.Add(-1))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestNewPeriodEmptyAllowed(t *testing.T) {
	at := utcDate(2024, 3, 1, 12)
	p, err := crmkit.NewPeriod(at, at)
	require.NoError(t, err)
	assert.True(t, p.IsEmpty())
	assert.False(t, p.Contains(at))
	assert.Equal(t, time.Duration(0), p.Duration())
}

func TestNewPeriodStripsMonotonicClock(t *testing.T) {
	now := time.Now()
	p, err := crmkit.NewPeriod(now, now.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, now.Round(0), p.Start) // == holds only without the monotonic reading
	assert.Equal(t, time.Hour, p.Duration())
}

func TestPeriodHalfOpen(t *testing.T) {
	p, err := crmkit.NewPeriod(utcDate(2024, 1, 1, 0), utcDate(2024, 2, 1, 0))
	require.NoError(t, err)
	assert.True(t, p.Contains(utcDate(2024, 1, 1, 0)), "start is inside")
	assert.True(t, p.Contains(utcDate(2024, 2, 1, 0).Add(-time.Nanosecond)), "last nanosecond is inside")
	assert.False(t, p.Contains(utcDate(2024, 2, 1, 0)), "end is outside")
	assert.False(t, p.Contains(utcDate(2023, 12, 31, 23)))
	assert.Equal(t, 31*24*time.Hour, p.Duration())
	assert.False(t, p.IsEmpty())
}

func TestPeriodZeroValue(t *testing.T) {
	var p crmkit.Period
	assert.True(t, p.IsEmpty())
	assert.False(t, p.Contains(time.Time{}))
	assert.Equal(t, time.Duration(0), p.Duration())
	assert.False(t, p.Overlaps(p))
	assert.Equal(t, "[0001-01-01T00:00:00Z, 0001-01-01T00:00:00Z)", p.String())
}

func TestPeriodLiteralWithEndBeforeStartIsEmpty(t *testing.T) {
	p := crmkit.Period{Start: utcDate(2024, 2, 1, 0), End: utcDate(2024, 1, 1, 0)}
	assert.True(t, p.IsEmpty())
	assert.Equal(t, time.Duration(0), p.Duration())
	assert.False(t, p.Contains(utcDate(2024, 1, 15, 0)))
	full := crmkit.Period{Start: utcDate(2000, 1, 1, 0), End: utcDate(2100, 1, 1, 0)}
	assert.False(t, p.Overlaps(full))
	_, ok := full.Intersect(p)
	assert.False(t, ok)
}

func TestPeriodOverlapsAndIntersect(t *testing.T) {
	jan := crmkit.Period{Start: utcDate(2024, 1, 1, 0), End: utcDate(2024, 2, 1, 0)}
	feb := crmkit.Period{Start: utcDate(2024, 2, 1, 0), End: utcDate(2024, 3, 1, 0)}
	midJanFeb := crmkit.Period{Start: utcDate(2024, 1, 15, 0), End: utcDate(2024, 2, 10, 0)}
	inside := crmkit.Period{Start: utcDate(2024, 1, 10, 0), End: utcDate(2024, 1, 11, 0)}
	emptyInside := crmkit.Period{Start: utcDate(2024, 1, 10, 0), End: utcDate(2024, 1, 10, 0)}

	tests := []struct {
		name string
		p, q crmkit.Period
		want crmkit.Period
		ok   bool
	}{
		{"touching", jan, feb, crmkit.Period{}, false},
		{"crossing", jan, midJanFeb, crmkit.Period{Start: utcDate(2024, 1, 15, 0), End: utcDate(2024, 2, 1, 0)}, true},
		{"crossing reversed", midJanFeb, jan, crmkit.Period{Start: utcDate(2024, 1, 15, 0), End: utcDate(2024, 2, 1, 0)}, true},
		{"inside", jan, inside, inside, true},
		{"same", feb, feb, feb, true},
		{"empty inside", jan, emptyInside, crmkit.Period{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.ok, tc.p.Overlaps(tc.q))
			got, ok := tc.p.Intersect(tc.q)
			assert.Equal(t, tc.ok, ok)
			assert.True(t, tc.want.Equal(got), "got %v want %v", got, tc.want)
		})
	}
}

func TestPeriodEqualIgnoresZone(t *testing.T) {
	kolkata := loadZone(t, "Asia/Kolkata")
	p := crmkit.Period{Start: utcDate(2024, 1, 1, 0), End: utcDate(2024, 1, 2, 0)}
	q := crmkit.Period{Start: p.Start.In(kolkata), End: p.End.In(kolkata)}
	assert.True(t, p.Equal(q))
	assert.NotEqual(t, p, q, "== compares locations, which is why Equal exists")
	assert.False(t, p.Equal(crmkit.Period{Start: p.Start, End: p.End.Add(1)}))
}

func TestPeriodString(t *testing.T) {
	ny := loadZone(t, "America/New_York")
	p := crmkit.Period{
		Start: time.Date(2024, 3, 1, 0, 0, 0, 0, ny),
		End:   time.Date(2024, 3, 15, 13, 30, 0, 500, ny),
	}
	assert.Equal(t, "[2024-03-01T00:00:00-05:00, 2024-03-15T13:30:00.0000005-04:00)", p.String())
}

// genPeriodTime draws instants within a few days, so periods often overlap.
func genPeriodTime(t *rapid.T, label string) time.Time {
	base := utcDate(2024, 3, 1, 0)
	return base.Add(time.Duration(rapid.Int64Range(0, 5*24*3600).Draw(t, label)) * time.Second)
}

func genPeriod(t *rapid.T, label string) crmkit.Period {
	a, b := genPeriodTime(t, label+".a"), genPeriodTime(t, label+".b")
	if b.Before(a) {
		a, b = b, a
	}
	p, err := crmkit.NewPeriod(a, b)
	if err != nil {
		t.Fatalf("NewPeriod(%v, %v): %v", a, b, err)
	}
	return p
}

func TestPeriodIntersectProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p, q := genPeriod(t, "p"), genPeriod(t, "q")
		x := genPeriodTime(t, "x")

		r, ok := p.Intersect(q)
		r2, ok2 := q.Intersect(p)
		if ok != ok2 || !r.Equal(r2) {
			t.Fatalf("intersect not commutative: %v,%v vs %v,%v", r, ok, r2, ok2)
		}
		if ok != p.Overlaps(q) {
			t.Fatalf("Overlaps %v but Intersect ok %v", p.Overlaps(q), ok)
		}
		if ok && r.IsEmpty() {
			t.Fatalf("non-empty intersection reported empty: %v", r)
		}
		// x is in the intersection exactly when it is in both.
		in := ok && r.Contains(x)
		if in != (p.Contains(x) && q.Contains(x)) {
			t.Fatalf("x=%v: in intersection %v, in p %v, in q %v", x, in, p.Contains(x), q.Contains(x))
		}
		if d := p.Duration(); d != p.End.Sub(p.Start) || d < 0 {
			t.Fatalf("duration %v of %v", d, p)
		}
	})
}

func TestNewPeriodErrorIsInvalidOnly(t *testing.T) {
	_, err := crmkit.NewPeriod(utcDate(2024, 1, 2, 0), utcDate(2024, 1, 1, 0))
	assert.True(t, errors.Is(err, crmkit.ErrInvalid))
	assert.False(t, errors.Is(err, crmkit.ErrOverflow))
}
