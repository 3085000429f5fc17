package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// The stored domain: the values every store keeps, and gives back equal.
// Every store refuses anything outside it with an error matching
// crmkit.ErrInvalid before it writes (see ValidateValue), so a value one
// store accepts, every store accepts.
//
//   - A time is the zero time.Time (unset) or lies in [MinTime, MaxTime],
//     and is kept to the microsecond in UTC: a store keeps Canonical(v), which truncates every time of v to
//     the microsecond (towards the past) and moves it to UTC, and returns
//     that form from Create and every read. (PostgreSQL keeps
//     microseconds; beyond about ±292,277 years its driver silently
//     wraps a time, and JSON cannot write years outside 0..9999.)
//   - Query bounds (EventLog.Between, DealFilter.CloseFrom and CloseTo,
//     ...) may be any time: they are compared exactly with the stored
//     times, as the filters' Match methods compare them.
//   - A decimal, written out in plain notation (decimal.Decimal.String),
//     has at most MaxDecimalDigits digits; it comes back as the same
//     number, perhaps in another representation (1.50 as 1.5: compare
//     with decimal.Decimal.Equal).
//   - Strings are valid UTF-8 without NUL bytes, at most MaxTextLen bytes
//     (MaxKeyLen for keys and filter strings).
//   - A slice or map holds at most MaxSliceLen elements; a write carries at
//     most MaxEvents events.
//   - An event payload (and any json.RawMessage) is empty or one JSON
//     value of at most MaxPayloadLen bytes as I-JSON (RFC 7493) has it:
//     UTF-8 throughout, no unpaired surrogate escape, no \u0000, no member
//     name twice in one object; nested at most MaxPayloadDepth deep, and
//     every number within the decimal rule. It comes back as the same JSON
//     value: whitespace, member order, escapes and the spelling of numbers
//     (1e2 as 100) may differ.
const (
	// MaxDecimalDigits is the most digits a stored decimal or JSON number
	// has when written out in plain notation, before and after the point
	// together.
	MaxDecimalDigits = 1000
	// MaxPayloadDepth is how deep arrays and objects may nest in a stored
	// JSON payload.
	MaxPayloadDepth = 64
	// MaxSliceLen is the most elements of one slice or map in a stored
	// value.
	MaxSliceLen = 10_000
	// MaxEvents is the most events one write (Create, Save, Append)
	// carries.
	MaxEvents = 1 << 16
	// TimePrecision is the precision stores keep times to.
	TimePrecision = time.Microsecond
)

// MinTime and MaxTime bound the stored times other than the zero
// time.Time (which means unset): from the first microsecond after the
// zero time, in year 1, to the last microsecond of year 9999, UTC. A time
// between the zero time and MinTime would be kept as the zero time, so it
// is refused.
var (
	MinTime = time.Date(1, 1, 1, 0, 0, 0, 1_000, time.UTC)
	MaxTime = time.Date(9999, 12, 31, 23, 59, 59, 999_999_000, time.UTC)
)

// CanonicalTime returns the form in which stores keep t: in UTC,
// truncated to TimePrecision (towards the past), without a monotonic
// clock reading. The zero time stays the zero time.
func CanonicalTime(t time.Time) time.Time { return t.Truncate(TimePrecision).UTC() }

// Canonical returns the form in which stores keep v: v with every
// time.Time reachable through its exported struct fields, slice and array
// elements and map values replaced by CanonicalTime. It never changes v:
// a slice, map or pointer holding a changed time is copied. Backends call
// it on every value and event they write, after the Validate functions.
func Canonical[T any](v T) T {
	rv := reflect.ValueOf(&v).Elem()
	if nv, changed := canonicalValue(rv); changed {
		rv.Set(nv)
	}
	return v
}

// canonicalValue returns the canonical copy of v and whether it differs.
func canonicalValue(v reflect.Value) (reflect.Value, bool) {
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		if t == timeType {
			tm := v.Interface().(time.Time)
			c := CanonicalTime(tm)
			if c == tm {
				return v, false
			}
			return reflect.ValueOf(c), true
		}
		if t == decimalType || t == nullDecimalType {
			return v, false
		}
		var out reflect.Value
		for i := range t.NumField() {
			if !t.Field(i).IsExported() {
				continue
			}
			nf, changed := canonicalValue(v.Field(i))
			if !changed {
				continue
			}
			if !out.IsValid() {
				out = reflect.New(t).Elem()
				out.Set(v)
			}
			out.Field(i).Set(nf)
		}
		if out.IsValid() {
			return out, true
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() || v.Type().Elem().Kind() == reflect.Uint8 {
			return v, false
		}
		var out reflect.Value
		for i := range v.Len() {
			ne, changed := canonicalValue(v.Index(i))
			if !changed {
				continue
			}
			if !out.IsValid() {
				if v.Kind() == reflect.Slice {
					out = reflect.MakeSlice(v.Type(), v.Len(), v.Len())
					reflect.Copy(out, v)
				} else {
					out = reflect.New(v.Type()).Elem()
					out.Set(v)
				}
			}
			out.Index(i).Set(ne)
		}
		if out.IsValid() {
			return out, true
		}
	case reflect.Map:
		if v.IsNil() {
			return v, false
		}
		var out reflect.Value
		it := v.MapRange()
		for it.Next() {
			if _, changed := canonicalValue(it.Value()); changed {
				out = reflect.MakeMapWithSize(v.Type(), v.Len())
				break
			}
		}
		if out.IsValid() {
			it = v.MapRange()
			for it.Next() {
				nv, _ := canonicalValue(it.Value())
				out.SetMapIndex(it.Key(), nv)
			}
			return out, true
		}
	case reflect.Pointer:
		if v.IsNil() {
			return v, false
		}
		if ne, changed := canonicalValue(v.Elem()); changed {
			p := reflect.New(v.Type().Elem())
			p.Elem().Set(ne)
			return p, true
		}
	}
	return v, false
}

// TimeBound returns the time a backend compares its stored times with in
// place of the query bound t, so that for every stored time x (see
// CanonicalTime: the zero time or in [MinTime, MaxTime], whole
// microseconds)
//
//	x >= t  ⇔  x >= TimeBound(t)    and    x < t  ⇔  x < TimeBound(t)
//
// It is t rounded up to the microsecond and clamped to [the zero time,
// MaxTime+1µs], in UTC: a time any database with microsecond times holds,
// however far t lies outside the domain. For x > t see TimeBoundAfter.
func TimeBound(t time.Time) time.Time {
	switch {
	case t.Before(zeroTime):
		return zeroTime
	case t.After(MaxTime):
		return MaxTime.Add(TimePrecision)
	}
	c := CanonicalTime(t)
	if c.Before(t) {
		c = c.Add(TimePrecision)
	}
	return c
}

// TimeBoundAfter is TimeBound for the other strict comparison: for every
// stored time x, x > t ⇔ x >= TimeBoundAfter(t).
func TimeBoundAfter(t time.Time) time.Time {
	switch {
	case t.Before(zeroTime):
		return zeroTime
	case !t.Before(MaxTime):
		return MaxTime.Add(TimePrecision)
	}
	return TimeBound(t.Add(time.Nanosecond))
}

// zeroTime is the zero time.Time, the smallest stored time.
var zeroTime time.Time

// timeProblem says what keeps t out of the stored domain, or "".
func timeProblem(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if t.Before(MinTime) || t.After(MaxTime) && CanonicalTime(t).After(MaxTime) {
		return fmt.Sprintf("time %s is outside %s..%s", t.Format(time.RFC3339Nano), MinTime.Format(time.RFC3339), MaxTime.Format(time.RFC3339Nano))
	}
	return ""
}

// ValidateTime checks that t lies in the stored domain: the zero time, or
// [MinTime, MaxTime] (to the microsecond: a time in the last microsecond
// of year 9999 is kept truncated).
func ValidateTime(field string, t time.Time) error {
	if r := timeProblem(t); r != "" {
		return invalid(field, r)
	}
	return nil
}

// decimalProblem says what keeps d out of the stored domain, or "".
func decimalProblem(d decimal.Decimal) string {
	if d.IsZero() {
		return ""
	}
	// Look at the representation first, so that a huge one is refused
	// without being written out: more than 4·MaxDecimalDigits coefficient
	// digits, or an exponent that alone needs more than MaxDecimalDigits
	// digits (a non-zero coefficient times 10^e has more than e integer
	// digits).
	n, e := d.NumDigits(), int64(d.Exponent())
	if n > 4*MaxDecimalDigits || e >= MaxDecimalDigits || e < -4*MaxDecimalDigits {
		return fmt.Sprintf("decimal with %d digits and exponent %d has more than %d digits", n, e, MaxDecimalDigits)
	}
	if digits := countDigits(d.String()); digits > MaxDecimalDigits {
		return fmt.Sprintf("decimal has %d digits, more than %d", digits, MaxDecimalDigits)
	}
	return ""
}

// countDigits counts the ASCII digits of s.
func countDigits(s string) int {
	n := 0
	for i := range len(s) {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// ValidateDecimal checks that d lies in the stored domain: at most
// MaxDecimalDigits digits in plain notation.
func ValidateDecimal(field string, d decimal.Decimal) error {
	if r := decimalProblem(d); r != "" {
		return invalid(field, r)
	}
	return nil
}

// ValidatePayload checks a JSON payload against the stored domain: empty,
// or one JSON value of at most MaxPayloadLen bytes that is I-JSON (UTF-8,
// no unpaired surrogate escape, no member name twice in an object), holds
// no \u0000 escape (PostgreSQL's jsonb cannot), nests at most
// MaxPayloadDepth deep and has only numbers within the decimal rule.
func ValidatePayload(field string, p []byte) error {
	if r := payloadProblem(p); r != "" {
		return invalid(field, r)
	}
	return nil
}

// payloadProblem says what keeps p out of the stored domain, or "".
func payloadProblem(p []byte) string {
	switch {
	case len(p) == 0:
		return ""
	case len(p) > MaxPayloadLen:
		return fmt.Sprintf("%d bytes, more than %d", len(p), MaxPayloadLen)
	case !utf8.Valid(p):
		return "not valid UTF-8"
	case !json.Valid(p):
		return "not valid JSON"
	}
	if r := escapeProblem(p); r != "" {
		return r
	}
	return structureProblem(p)
}

// escapeProblem checks the \u escapes of valid JSON p: no \u0000 and no
// surrogate that is not half of a pair. Outside strings valid JSON has no
// backslash, so a plain scan finds every escape.
func escapeProblem(p []byte) string {
	for i := 0; i < len(p); i++ {
		if p[i] != '\\' {
			continue
		}
		if p[i+1] != 'u' {
			i++ // a two-byte escape such as \" or \\
			continue
		}
		r := hex4(p[i+2 : i+6])
		i += 5
		switch {
		case r == 0:
			return `contains a \u0000 escape`
		case utf16.IsSurrogate(r):
			if r >= 0xdc00 || i+6 >= len(p) || p[i+1] != '\\' || p[i+2] != 'u' {
				return "contains an unpaired surrogate escape"
			}
			if lo := hex4(p[i+3 : i+7]); lo < 0xdc00 || lo > 0xdfff {
				return "contains an unpaired surrogate escape"
			}
			i += 6
		}
	}
	return ""
}

// hex4 reads four hex digits (valid JSON guarantees them).
func hex4(b []byte) rune {
	v, _ := strconv.ParseUint(string(b), 16, 32)
	return rune(v)
}

// structureProblem walks the tokens of valid JSON p: depth, duplicate
// member names, numbers.
func structureProblem(p []byte) string {
	dec := json.NewDecoder(bytes.NewReader(p))
	dec.UseNumber()
	// One frame per open array or object: the member names seen so far
	// (nil for an array) and whether the next string is a member name.
	type frame struct {
		names  map[string]struct{}
		object bool
		key    bool
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return ""
		}
		if err != nil {
			return "not valid JSON"
		}
		top := len(stack) - 1
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				if top >= 0 && stack[top].object {
					stack[top].key = true
				}
				if len(stack) == MaxPayloadDepth {
					return fmt.Sprintf("nested more than %d deep", MaxPayloadDepth)
				}
				stack = append(stack, frame{object: d == '{', key: d == '{'})
			default:
				stack = stack[:top]
			}
			continue
		}
		if top >= 0 && stack[top].object {
			f := &stack[top]
			if f.key {
				name := tok.(string)
				if _, dup := f.names[name]; dup {
					return fmt.Sprintf("member %q given twice in one object", truncate(name))
				}
				if f.names == nil {
					f.names = make(map[string]struct{})
				}
				f.names[name] = struct{}{}
				f.key = false
				continue
			}
			f.key = true
		}
		if n, ok := tok.(json.Number); ok {
			d, err := decimal.NewFromString(string(n))
			if err != nil {
				return fmt.Sprintf("number %s is outside the stored range", truncate(string(n)))
			}
			if r := decimalProblem(d); r != "" {
				return "number: " + r
			}
		}
	}
}

// truncate shortens s for an error message.
func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

var (
	decimalType     = reflect.TypeFor[decimal.Decimal]()
	nullDecimalType = reflect.TypeFor[decimal.NullDecimal]()
)
