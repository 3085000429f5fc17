package storage_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestValidateTime(t *testing.T) {
	ok := []time.Time{
		{}, // the zero time: unset
		time.Time{}.In(time.FixedZone("-5", -5*3600)),
		storage.MinTime,
		storage.MaxTime,
		storage.MaxTime.Add(999), // truncates to MaxTime
		time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("-5", -5*3600)).Add(-5 * time.Hour),
		time.Date(2026, 3, 2, 9, 0, 0, 1, time.UTC),
	}
	for _, tm := range ok {
		assert.NoError(t, storage.ValidateTime("t", tm), "%s", tm)
	}
	bad := []time.Time{
		storage.MinTime.Add(-time.Nanosecond), // would be kept as the zero time
		time.Time{}.Add(-time.Nanosecond),
		storage.MaxTime.Add(time.Microsecond),
		time.Date(586550, 1, 1, 0, 0, 0, 0, time.UTC), // wrapped to 1995 by the driver
		time.Date(-300000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(0, 12, 31, 23, 59, 59, 0, time.UTC),
	}
	for _, tm := range bad {
		assert.ErrorIs(t, storage.ValidateTime("t", tm), crmkit.ErrInvalid, "%s", tm)
	}
}

func TestCanonicalTime(t *testing.T) {
	zone := time.FixedZone("odd", 30) // an offset of seconds, which RFC 3339 cannot write
	in := time.Date(2026, 3, 2, 9, 0, 0, 123_456_789, zone)
	got := storage.CanonicalTime(in)
	// By hand: 09:00:00.123456789 at +00:00:30 is 08:59:30.123456789 UTC.
	assert.Equal(t, time.Date(2026, 3, 2, 8, 59, 30, 123_456_000, time.UTC), got)
	assert.Equal(t, time.UTC, got.Location())
	assert.True(t, storage.CanonicalTime(time.Time{}).IsZero())
	// Truncation is towards the past before 1970 too.
	assert.Equal(t, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), storage.CanonicalTime(time.Date(1900, 1, 1, 0, 0, 0, 999, time.UTC)))
}

// Canonical changes every reachable time and nothing else, and never the
// value passed in.
func TestCanonicalDoesNotChangeItsInput(t *testing.T) {
	zone := time.FixedZone("+1", 3600)
	at := time.Date(2026, 3, 2, 10, 0, 0, 1_999, zone)
	l := lead.Lead{ID: crmkit.NewID(), CreatedAt: at, Journey: []lead.Touchpoint{{At: at, Content: "x"}, {At: at}},
		Who: lead.Person{Attributes: map[string]string{"a": "b"}}}
	before := l.Clone()
	c := storage.Canonical(l)
	want := time.Date(2026, 3, 2, 9, 0, 0, 1_000, time.UTC)
	assert.Equal(t, want, c.CreatedAt)
	assert.Equal(t, want, c.Journey[0].At)
	assert.Equal(t, want, c.Journey[1].At)
	assert.Equal(t, "x", c.Journey[0].Content)
	assert.Equal(t, before, l, "the input is unchanged")
	assert.Equal(t, at, l.Journey[0].At, "its slice was copied, not written")

	evs := []crmkit.Event{{At: at}, {At: want}}
	cev := storage.Canonical(evs)
	assert.Equal(t, want, cev[0].At)
	assert.Equal(t, at, evs[0].At)
	m := map[string][]time.Time{"k": {at}}
	cm := storage.Canonical(m)
	assert.Equal(t, want, cm["k"][0])
	assert.Equal(t, at, m["k"][0])
	p := &struct{ T time.Time }{at}
	cp := storage.Canonical(p)
	assert.Equal(t, want, cp.T)
	assert.Equal(t, at, p.T)
	xs := []any{at, "x", []time.Time{at}}
	cx := storage.Canonical(xs)
	assert.Equal(t, want, cx[0])
	assert.Equal(t, []time.Time{want}, cx[2])
	assert.Equal(t, at, xs[0])
	assert.Equal(t, []time.Time{at}, xs[2])
}

// TimeBound makes a database's microsecond comparison exact: for every
// stored x and any bound t, x >= t ⇔ x >= TimeBound(t), x < t ⇔ x <
// TimeBound(t) and x > t ⇔ x >= TimeBoundAfter(t).
func TestTimeBoundIsExact(t *testing.T) {
	span := storage.MaxTime.Sub(storage.MinTime) // saturates at MaxInt64 ns, ~292 years
	rapid.Check(t, func(t *rapid.T) {
		anchor := rapid.SampledFrom([]time.Time{{}, storage.MinTime, storage.MaxTime, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}).Draw(t, "anchor")
		x := storage.CanonicalTime(clamp(anchor.Add(time.Duration(rapid.Int64Range(-int64(span), int64(span)).Draw(t, "x")))))
		near := x.Add(time.Duration(rapid.Int64Range(-3000, 3000).Draw(t, "near")))
		far := time.Date(rapid.IntRange(-1_000_000, 1_000_000).Draw(t, "year"), 1, 1, 0, 0, 0, 0, time.UTC)
		b := rapid.SampledFrom([]time.Time{near, far, x}).Draw(t, "bound")
		lo, hi := storage.TimeBound(b), storage.TimeBoundAfter(b)
		if !x.Before(b) != !x.Before(lo) || x.Before(b) != x.Before(lo) || x.After(b) != !x.Before(hi) {
			t.Fatalf("x %s, bound %s: TimeBound %s, TimeBoundAfter %s", x, b, lo, hi)
		}
		for _, v := range []time.Time{lo, hi} {
			if v.Before(time.Time{}) || v.After(storage.MaxTime.Add(time.Microsecond)) || v != storage.CanonicalTime(v) {
				t.Fatalf("bound %s of %s is not a storable microsecond", v, b)
			}
		}
	})
}

func clamp(t time.Time) time.Time {
	switch {
	case t.Before(time.Time{}):
		return time.Time{}
	case t.After(storage.MaxTime):
		return storage.MaxTime
	}
	return t
}

func TestValidateDecimal(t *testing.T) {
	ok := []decimal.Decimal{
		decimal.Zero, decimal.New(0, 1_000_000), decimal.New(0, -1_000_000),
		decimal.RequireFromString("0.125"),
		decimal.New(1, -999),                        // "0." and 999 digits: 1000 digits
		decimal.New(1, 999),                         // 1000 digits
		decimal.New(5, 0).Mul(decimal.New(1, -998)), // 999 digits
		decimal.RequireFromString("1" + strings.Repeat("0", 3000) + "e-3000"), // the value 1, in a long representation
	}
	for _, d := range ok {
		assert.NoError(t, storage.ValidateDecimal("d", d), "%s", d.String()[:min(20, len(d.String()))])
	}
	bad := []decimal.Decimal{
		decimal.New(1, -10_001), // the probability: never read back by JSON
		decimal.New(1, -1000),   // 1001 digits
		decimal.New(1, 1000),    // 1001 digits
		decimal.New(1, 1<<30),
		decimal.New(1, -1<<30),
		decimal.RequireFromString(strings.Repeat("9", 1001)),
	}
	for _, d := range bad {
		assert.ErrorIs(t, storage.ValidateDecimal("d", d), crmkit.ErrInvalid, "exponent %d", d.Exponent())
	}
	// A deal holds decimals: ValidateDeal refuses the probability.
	dl, _, err := deal.New(deal.DefaultPipeline(), deal.NewDeal{Name: "x", Type: deal.NewBusiness,
		Amount: crmkit.MustMoney("1.00", "EUR"), AccountID: crmkit.NewID(), ContactID: crmkit.NewID(), Owner: "o"},
		deal.Cmd{Cmd: crmkit.Cmd{By: "t", At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}})
	require.NoError(t, err)
	dl.Probability = decimal.NewNullDecimal(decimal.New(1, -10_001))
	assert.ErrorIs(t, storage.ValidateDeal(dl), crmkit.ErrInvalid)
}

func TestValidatePayload(t *testing.T) {
	ok := []string{
		``, `{}`, `[]`, `null`, `1`, `"x"`, `{"a":[1,2,{"b":null}],"c":"\ud83d\ude00"}`,
		`1e999`, `-0`, `0.` + strings.Repeat("0", 998) + `1`,
		`{"a":1,"b":{"a":2}}`, // one name in two objects
		`"\\ud800"`,           // an escaped backslash, not an escape
		strings.Repeat("[", storage.MaxPayloadDepth) + strings.Repeat("]", storage.MaxPayloadDepth),
	}
	for _, p := range ok {
		assert.NoError(t, storage.ValidatePayload("p", []byte(p)), "%.60s", p)
	}
	bad := map[string]string{
		"not json":            `{"a":`,
		"two values":          `1 2`,
		"invalid utf-8":       "\"\xff\"",
		"invalid utf-8 key":   "{\"\xc3\":1}",
		"lone high surrogate": `"\ud800"`,
		"lone low surrogate":  `"\udc00x"`,
		"reversed pair":       `"\udc00\ud800"`,
		"high then escape":    `"\ud800\n"`,
		"high at the end":     `["\ud800"]`,
		"nul escape":          `{"a":"\u0000"}`,
		"huge exponent":       `1e1000000`,
		"tiny exponent":       `1e-1000000`,
		"too many digits":     strings.Repeat("9", 1001),
		"duplicate member":    `{"a":1,"a":2}`,
		"duplicate by escape": `{"a":1,"\u0061":2}`,
		"duplicate nested":    `[{"x":{"k":1,"k":1}}]`,
		"too deep":            strings.Repeat("[", storage.MaxPayloadDepth+1) + strings.Repeat("]", storage.MaxPayloadDepth+1),
		"oversize":            `"` + strings.Repeat("p", storage.MaxPayloadLen) + `"`,
	}
	for name, p := range bad {
		assert.ErrorIs(t, storage.ValidatePayload("p", []byte(p)), crmkit.ErrInvalid, name)
	}
}

// FuzzValidatePayload: any bytes are refused with ErrInvalid or are one
// JSON value that encoding/json reads and writes again to a payload that
// is accepted too.
func FuzzValidatePayload(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,"\ud83d\ude00"]}`, `"\ud800"`, "\"\xff\"", `{"a":1,"a":2}`, `1e99999`, `[[[[]]]]`, `"\u0000"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		err := storage.ValidatePayload("p", p)
		if err != nil {
			if !errors.Is(err, crmkit.ErrInvalid) {
				t.Fatalf("%q: %v does not match ErrInvalid", p, err)
			}
			return
		}
		if len(p) == 0 {
			return
		}
		// Numbers as json.Number: an accepted 1e700 is a number, not a
		// float64.
		dec := json.NewDecoder(bytes.NewReader(p))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%q accepted but not JSON: %v", p, err)
		}
		again, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%q accepted but not re-encodable: %v", p, err)
		}
		if err := storage.ValidatePayload("p", again); err != nil {
			t.Fatalf("%q accepted, its re-encoding %q refused: %v", p, again, err)
		}
	})
}

func TestValidateValueSizes(t *testing.T) {
	l := lead.Lead{ID: crmkit.NewID(), Version: 1, Stage: lead.StageMQL}
	l.Journey = make([]lead.Touchpoint, storage.MaxSliceLen+1)
	assert.ErrorIs(t, storage.ValidateValue("lead", l), crmkit.ErrInvalid)
	l.Journey = l.Journey[:storage.MaxSliceLen]
	assert.NoError(t, storage.ValidateValue("lead", l))
	l.Who.Attributes = make(map[string]string, storage.MaxSliceLen+1)
	for i := range storage.MaxSliceLen + 1 {
		l.Who.Attributes[fmt.Sprint(i)] = "v"
	}
	assert.ErrorIs(t, storage.ValidateValue("lead", l), crmkit.ErrInvalid)
	l.Who.Attributes = nil
	l.Journey[7].At = time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC)
	err := storage.ValidateValue("lead", l)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.ErrorContains(t, err, "lead.Journey[7].At")

	events := make([]crmkit.Event, storage.MaxEvents+1)
	assert.ErrorIs(t, storage.ValidateEvents(events), crmkit.ErrInvalid)
}

// ValidateEvents finds a duplicate wherever it is, in small batches
// (pairs) and large ones (a set) alike.
func TestValidateEventsDuplicates(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 40).Draw(t, "n")
		events := makeEvents(n)
		i := rapid.IntRange(0, n-1).Draw(t, "i")
		j := rapid.IntRange(0, n-1).Draw(t, "j")
		dup := i != j
		if dup {
			events[j].ID = events[i].ID
		}
		err := storage.ValidateEvents(events)
		if dup != errors.Is(err, crmkit.ErrConflict) || !dup && err != nil {
			t.Fatalf("n %d, duplicate %v: %v", n, dup, err)
		}
	})
}

func makeEvents(n int) []crmkit.Event {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	agg := crmkit.NewID()
	out := make([]crmkit.Event, n)
	for i := range out {
		var id uuid.UUID
		id[0], id[1], id[2], id[15] = byte(i>>16), byte(i>>8), byte(i), 1
		out[i] = crmkit.Event{ID: id, AggregateID: agg, AggregateKind: "lead", Type: "LeadScored", Actor: "bench", At: at, Version: int64(i + 1), Payload: json.RawMessage(`{"score":42}`)}
	}
	return out
}

// BenchmarkValidateEvents shows ValidateEvents linear: ns/event stays
// flat from 4,000 to 40,000 events, beside the pairwise duplicate check it
// replaced (ValidateEvent on each, then every earlier ID compared), which
// grows with the batch (the issue measured 2.35 s at 40,000).
func BenchmarkValidateEvents(b *testing.B) {
	for _, n := range []int{4_000, 40_000} {
		events := makeEvents(n)
		b.Run(fmt.Sprintf("linear/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := storage.ValidateEvents(events); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/event")
		})
		b.Run(fmt.Sprintf("pairwise/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := pairwise(events); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/event")
		})
	}
}

// pairwise is the ValidateEvents before issue 16: quadratic.
func pairwise(events []crmkit.Event) error {
	for i, e := range events {
		if err := storage.ValidateEvent(e); err != nil {
			return fmt.Errorf("events[%d]: %w", i, err)
		}
		for _, f := range events[:i] {
			if f.ID == e.ID {
				return fmt.Errorf("events[%d]: %w", i, storage.DuplicateEvent(e.ID))
			}
		}
	}
	return nil
}

// A value may hold at most MaxValueSize bytes in all: MaxSliceLen
// touchpoints of a MaxTextLen note each (by hand: 10,000 × 4,096 =
// 40,960,000 bytes of text, more than 16,777,216) is refused, though every
// slice and string keeps its own limit.
func TestValidateValueTotalSize(t *testing.T) {
	l := lead.Lead{ID: crmkit.NewID(), Version: 1, Stage: lead.StageMQL}
	note := strings.Repeat("n", storage.MaxTextLen)
	l.Journey = make([]lead.Touchpoint, storage.MaxSliceLen)
	for i := range l.Journey {
		l.Journey[i].Content = note
	}
	err := storage.ValidateValue("lead", l)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.ErrorContains(t, err, "larger than")
	// 3,000 of them: 12,288,000 bytes of text plus 16 per element, within.
	l.Journey = l.Journey[:3000]
	assert.NoError(t, storage.ValidateValue("lead", l))
}
