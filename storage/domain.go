package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
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
//     and is kept to the microsecond in UTC: a store keeps Canonical(v),
//     which truncates every time of v to the microsecond (towards the
//     past) and moves it to UTC, and returns that form from Create and
//     every read. (PostgreSQL keeps
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
//   - A slice or map holds at most MaxSliceLen elements, a value at most
//     MaxValueSize bytes; a write carries at most MaxEvents events.
//   - An event payload (and any json.RawMessage) is empty or one JSON
//     value of at most MaxPayloadLen bytes as I-JSON (RFC 7493) has it:
//     UTF-8 throughout, no unpaired surrogate escape, no \u0000, no member
//     name twice in one object; nested at most MaxPayloadDepth deep, and
//     every number within the decimal rule (with a written exponent
//     within ±4·MaxDecimalDigits). It comes back as the same JSON
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
	// MaxValueSize bounds a stored value's size: the bytes of all its
	// strings, plus 16 for every slice, array and map element, at most
	// 16 MiB (PostgreSQL's jsonb holds at most 256 MiB, and a value is
	// copied whole on every read).
	MaxValueSize = 16 << 20
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
// elements, map values and pointers replaced by CanonicalTime. It never
// changes v: a slice, map or pointer holding a changed time is copied.
// Backends call it on every value and event they write, after the
// Validate functions.
func Canonical[T any](v T) T {
	// v is Canonical's own copy: its struct fields and array elements
	// change in place; what it shares with the caller (slices, maps,
	// pointers) is copied before it changes.
	canonicalize(reflect.ValueOf(&v).Elem())
	return v
}

// canonicalize makes the times of the addressable value v canonical in
// place, copying the slices, maps and pointers on the way to a time that
// changes, and reports whether anything changed.
func canonicalize(v reflect.Value) bool {
	if !holdsTime(v.Type()) {
		return false
	}
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			t := (*time.Time)(v.Addr().UnsafePointer())
			c := CanonicalTime(*t)
			if c == *t {
				return false
			}
			*t = c
			return true
		}
		changed := false
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && canonicalize(v.Field(i)) {
				changed = true
			}
		}
		return changed
	case reflect.Array:
		changed := false
		for i := range v.Len() {
			if canonicalize(v.Index(i)) {
				changed = true
			}
		}
		return changed
	case reflect.Slice:
		if !needsCanonical(v) {
			return false
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		for i := range c.Len() {
			canonicalize(c.Index(i))
		}
		v.Set(c)
		return true
	case reflect.Pointer:
		if !needsCanonical(v) {
			return false
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(v.Elem())
		canonicalize(p.Elem())
		v.Set(p)
		return true
	case reflect.Map:
		if !needsCanonical(v) {
			return false
		}
		c := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		e := reflect.New(v.Type().Elem()).Elem()
		for it.Next() {
			e.Set(it.Value())
			canonicalize(e)
			c.SetMapIndex(it.Key(), e)
		}
		v.Set(c)
		return true
	case reflect.Interface:
		if v.IsNil() || !holdsTime(v.Elem().Type()) {
			return false
		}
		e := reflect.New(v.Elem().Type()).Elem()
		e.Set(v.Elem())
		if canonicalize(e) {
			v.Set(e)
			return true
		}
	}
	return false
}

// needsCanonical reports whether v holds a time that CanonicalTime
// changes, without changing anything.
func needsCanonical(v reflect.Value) bool {
	if !holdsTime(v.Type()) {
		return false
	}
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			var t time.Time
			if v.CanAddr() {
				t = *(*time.Time)(v.Addr().UnsafePointer())
			} else {
				t = v.Interface().(time.Time)
			}
			return CanonicalTime(t) != t
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && needsCanonical(v.Field(i)) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if needsCanonical(v.Index(i)) {
				return true
			}
		}
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && needsCanonical(v.Elem())
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if needsCanonical(it.Value()) {
				return true
			}
		}
	}
	return false
}

// timeHolders caches holdsTime by type.
var timeHolders sync.Map // reflect.Type -> bool

// holdsTime reports whether a value of type t can reach a time.Time
// through exported fields, elements, map values or pointers (interfaces
// may hold anything).
func holdsTime(t reflect.Type) bool {
	if b, ok := timeHolders.Load(t); ok {
		return b.(bool)
	}
	b := holdsTimeIn(t, map[reflect.Type]bool{})
	timeHolders.Store(t, b)
	return b
}

func holdsTimeIn(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == timeType {
		return true
	}
	if seen[t] {
		return false // a cycle: decided where it started
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Struct:
		if t == decimalType || t == nullDecimalType {
			return false
		}
		for i := range t.NumField() {
			if t.Field(i).IsExported() && holdsTimeIn(t.Field(i).Type, seen) {
				return true
			}
		}
	case reflect.Slice, reflect.Array, reflect.Pointer, reflect.Map:
		return holdsTimeIn(t.Elem(), seen)
	}
	return false
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
// MaxDecimalDigits digits in plain notation. A representation of more
// than 4·MaxDecimalDigits coefficient digits, or with an exponent below
// -4·MaxDecimalDigits, is refused without being written out (so a huge
// representation costs nothing to refuse), whatever its value.
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
