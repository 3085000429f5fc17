package crmkit

import "time"

// Period is a half-open range of time [Start, End): it contains Start and
// every instant before End, but not End itself. Consecutive periods that
// share a boundary (one's End is the next one's Start) therefore tile time
// with no gap and no overlap, and a Period with Start == End is empty.
//
// Period compares instants, not wall clocks: the time zones of Start and End
// do not matter for Contains, Overlaps or Intersect. Calendar returns
// periods whose boundaries are local midnights in its time zone.
//
// The zero Period is the empty period at the zero time. A Period built as a
// literal with End before Start is treated as empty by every method; use
// NewPeriod to have such input rejected.
type Period struct {
	// Start is the first instant of the period (inclusive).
	Start time.Time `json:"start"`
	// End is the first instant after the period (exclusive).
	End time.Time `json:"end"`
}

// NewPeriod returns the period [start, end). An end before start is an
// error that matches ErrInvalid; start == end gives an empty period.
// Monotonic clock readings are stripped, so the period compares and prints
// by wall-clock instant only.
func NewPeriod(start, end time.Time) (Period, error) {
	if end.Before(start) {
		return Period{}, Invalid("period", "end %s is before start %s",
			end.Format(time.RFC3339Nano), start.Format(time.RFC3339Nano))
	}
	return Period{Start: start.Round(0), End: end.Round(0)}, nil
}

// Contains reports whether t is in the period: Start <= t < End.
func (p Period) Contains(t time.Time) bool {
	return !t.Before(p.Start) && t.Before(p.End)
}

// Duration returns End - Start, or 0 for an empty period. A local day or
// month that contains a daylight-saving change is an hour shorter or longer
// than its nominal length, and Duration says so.
func (p Period) Duration() time.Duration {
	if p.IsEmpty() {
		return 0
	}
	return p.End.Sub(p.Start)
}

// IsEmpty reports whether the period contains no instant (End <= Start).
func (p Period) IsEmpty() bool {
	return !p.Start.Before(p.End)
}

// Overlaps reports whether p and q share at least one instant. Empty periods
// overlap nothing, and periods that only touch (p.End == q.Start) do not
// overlap.
func (p Period) Overlaps(q Period) bool {
	return !p.IsEmpty() && !q.IsEmpty() && p.Start.Before(q.End) && q.Start.Before(p.End)
}

// Intersect returns the instants that p and q have in common and true, or
// the zero Period and false when they do not overlap.
func (p Period) Intersect(q Period) (Period, bool) {
	if !p.Overlaps(q) {
		return Period{}, false
	}
	r := p
	if q.Start.After(r.Start) {
		r.Start = q.Start
	}
	if q.End.Before(r.End) {
		r.End = q.End
	}
	return r, true
}

// Equal reports whether p and q have the same Start and End instants,
// whatever their time zones. Use it rather than ==, which also compares
// locations.
func (p Period) Equal(q Period) bool {
	return p.Start.Equal(q.Start) && p.End.Equal(q.End)
}

// String formats the period as "[start, end)" with RFC 3339 times.
func (p Period) String() string {
	return "[" + p.Start.Format(time.RFC3339Nano) + ", " + p.End.Format(time.RFC3339Nano) + ")"
}
