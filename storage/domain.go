package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
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

// structureProblem scans valid JSON p once, without decoding it: depth,
// member names given twice in one object, numbers. It allocates only for
// objects of more than smallObject members and for member names with
// escapes.
func structureProblem(p []byte) string {
	var (
		stack [MaxPayloadDepth]struct {
			object bool
			first  int                 // index in names of the object's first member name
			set    map[string]struct{} // the names, once there are more than smallObject
		}
		depth int
		names [][]byte // member names of the open objects, innermost last
		buf   [16][]byte
	)
	names = buf[:0]
	expectName := false // the next string of the current object is a member name
	for i := 0; i < len(p); {
		switch c := p[i]; {
		case c == '{' || c == '[':
			if depth == MaxPayloadDepth {
				return fmt.Sprintf("nested more than %d deep", MaxPayloadDepth)
			}
			stack[depth].object, stack[depth].first, stack[depth].set = c == '{', len(names), nil
			depth++
			expectName = c == '{'
			i++
		case c == '}' || c == ']':
			depth--
			names = names[:stack[depth].first]
			expectName = false
			i++
		case c == ',':
			expectName = depth > 0 && stack[depth-1].object
			i++
		case c == '"':
			end, escaped := stringEnd(p, i)
			if expectName {
				var r string
				top := &stack[depth-1]
				top.set, names, r = addName(top.set, names, top.first, p[i:end], escaped)
				if r != "" {
					return r
				}
				expectName = false
			}
			i = end
		case c == '-' || c >= '0' && c <= '9':
			end := i + 1
			for end < len(p) && strings.IndexByte("0123456789+-.eE", p[end]) >= 0 {
				end++
			}
			if r := numberProblem(p[i:end]); r != "" {
				return r
			}
			i = end
		default: // whitespace, ':', true, false, null
			i++
		}
	}
	return ""
}

// smallObject is how many member names an object may have before
// structureProblem checks them with a set instead of pairwise.
const smallObject = 16

// stringEnd returns the index after the string literal starting at p[i]
// and whether it holds an escape.
func stringEnd(p []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(p); j++ {
		switch p[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped
		}
	}
	return len(p), escaped
}

// addName records the member name lit (a string literal) of the object
// whose names start at names[first] (or are in set, once it has more than
// smallObject), reporting one given twice.
func addName(set map[string]struct{}, names [][]byte, first int, lit []byte, escaped bool) (map[string]struct{}, [][]byte, string) {
	name := lit[1 : len(lit)-1]
	if escaped {
		var s string
		if err := json.Unmarshal(lit, &s); err != nil {
			return set, names, "not valid JSON"
		}
		name = []byte(s)
	}
	dup := func() string { return fmt.Sprintf("member %q given twice in one object", truncate(string(name))) }
	own := names[first:]
	if set == nil && len(own) < smallObject {
		for _, n := range own {
			if bytes.Equal(n, name) {
				return set, names, dup()
			}
		}
		return set, append(names, name), ""
	}
	if set == nil {
		set = make(map[string]struct{}, 2*smallObject)
		for _, n := range own {
			set[string(n)] = struct{}{}
		}
	}
	if _, ok := set[string(name)]; ok {
		return set, names, dup()
	}
	set[string(name)] = struct{}{}
	return set, names, ""
}

// maxExponent bounds the exponent written in a JSON number (1e4000).
const maxExponent = 4 * MaxDecimalDigits

// numberProblem checks a JSON number literal (valid, as json.Valid
// checked) against the decimal rule: written out in plain notation, at
// most MaxDecimalDigits digits, and a written exponent within
// ±maxExponent. It computes the digits from the literal, without
// arithmetic: for a coefficient of n significant digits times 10^e, plain
// notation has n+e digits for e >= 0, n for -n < e < 0, and 1-e ("0."
// then -e digits) for e <= -n.
func numberProblem(lit []byte) string {
	i := 0
	if lit[0] == '-' {
		i++
	}
	start := i
	for i < len(lit) && lit[i] >= '0' && lit[i] <= '9' {
		i++
	}
	intDigits, fracDigits := lit[start:i], lit[i:i]
	if i < len(lit) && lit[i] == '.' {
		i++
		start = i
		for i < len(lit) && lit[i] >= '0' && lit[i] <= '9' {
			i++
		}
		fracDigits = lit[start:i]
	}
	frac := len(fracDigits)
	// mant(k) is digit k of the integer digits followed by the fraction's.
	mant := func(k int) byte {
		if k < len(intDigits) {
			return intDigits[k]
		}
		return fracDigits[k-len(intDigits)]
	}
	total := len(intDigits) + frac
	exp := 0
	if i < len(lit) && (lit[i] == 'e' || lit[i] == 'E') {
		i++
		neg := false
		if lit[i] == '+' || lit[i] == '-' {
			neg = lit[i] == '-'
			i++
		}
		for ; i < len(lit); i++ {
			exp = exp*10 + int(lit[i]-'0')
			if exp > maxExponent {
				return fmt.Sprintf("number %s has an exponent beyond ±%d", truncate(string(lit)), maxExponent)
			}
		}
		if neg {
			exp = -exp
		}
	}
	// Significant digits: strip leading and trailing zeros.
	lo, hi := 0, total
	for lo < hi && mant(lo) == '0' {
		lo++
	}
	for hi > lo && mant(hi-1) == '0' {
		hi--
	}
	if lo == hi {
		return "" // zero
	}
	n, e := hi-lo, exp-frac+(total-hi)
	var digits int
	switch {
	case e >= 0:
		digits = n + e
	case n+e > 0:
		digits = n
	default:
		digits = 1 - e
	}
	if digits > MaxDecimalDigits {
		return fmt.Sprintf("number %s has %d digits written out, more than %d", truncate(string(lit)), digits, MaxDecimalDigits)
	}
	return ""
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
