package storage

import (
	"encoding"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// The checks below are exported for backends: every backend runs them
// before it writes or reads anything, so that all backends accept and
// reject the same input.

// ValidateTenant checks a tenant name: not empty or blank, at most
// MaxKeyLen bytes, valid UTF-8 without NUL bytes.
func ValidateTenant(name string) error {
	if strings.TrimSpace(name) == "" {
		return crmkit.Invalid("tenant", "empty tenant name")
	}
	return checkString("tenant", name, MaxKeyLen)
}

// ValidateKey checks an idempotency key: empty (no key), or at most
// MaxKeyLen bytes of valid UTF-8 without NUL bytes.
func ValidateKey(key string) error {
	return checkString("idempotency key", key, MaxKeyLen)
}

// ValidateID rejects the nil UUID.
func ValidateID(kind string, id uuid.UUID) error {
	if id == uuid.Nil {
		return crmkit.Invalid(kind+" id", "nil UUID")
	}
	return nil
}

// ValidateLead checks a lead before it is stored: the value within the
// stored domain (see ValidateValue), the lead's own invariants
// (lead.Lead.Validate), and a source and an owner of at most MaxKeyLen
// bytes (they are keys filters select by). It holds no domain rule of its
// own.
func ValidateLead(l lead.Lead) error {
	if err := ValidateValue("lead", l); err != nil {
		return fmt.Errorf("lead %s: %w", l.ID, err)
	}
	if err := l.Validate(); err != nil {
		return err
	}
	if err := checkString("source", string(l.Source), MaxKeyLen); err != nil {
		return fmt.Errorf("lead %s: %w", l.ID, err)
	}
	if err := checkString("owner", l.Owner, MaxKeyLen); err != nil {
		return fmt.Errorf("lead %s: %w", l.ID, err)
	}
	return nil
}

// Validate checks the filter: a zero or valid stage, and a source and an
// owner of at most MaxKeyLen bytes of valid UTF-8 without NUL bytes.
func (f LeadFilter) Validate() error {
	if f.Stage != 0 && !f.Stage.Valid() {
		return crmkit.Invalid("stage filter", "%s is not a stage", f.Stage)
	}
	if err := checkString("source filter", string(f.Source), MaxKeyLen); err != nil {
		return err
	}
	if err := checkString("owner filter", f.Owner, MaxKeyLen); err != nil {
		return err
	}
	return validateCustomFilter(f.Custom)
}

// Match reports whether l passes the filter. A nil filter passes every
// lead, as the zero filter does; a nil l passes none.
func (f *LeadFilter) Match(l *lead.Lead) bool {
	if f == nil || l == nil {
		return l != nil
	}
	return (f.IncludeArchived || l.ArchivedAt.IsZero()) &&
		(f.Stage == 0 || l.Stage == f.Stage) &&
		(f.Source == "" || l.Source == f.Source) &&
		(f.Owner == "" || l.Owner == f.Owner) && l.Custom.Match(f.Custom)
}

// ValidateDeal checks a deal before it is stored: the value within the
// stored domain (see ValidateValue), the deal's own invariants
// (deal.Deal.Validate), and a pipeline ID and an owner of at most
// MaxKeyLen bytes (they are keys filters select by). It holds no domain
// rule of its own.
func ValidateDeal(d deal.Deal) error {
	if err := ValidateValue("deal", d); err != nil {
		return fmt.Errorf("deal %s: %w", d.ID, err)
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if err := checkString("pipeline", d.PipelineID, MaxKeyLen); err != nil {
		return fmt.Errorf("deal %s: %w", d.ID, err)
	}
	if err := checkString("owner", d.Owner, MaxKeyLen); err != nil {
		return fmt.Errorf("deal %s: %w", d.ID, err)
	}
	return nil
}

// validStatus reports whether s is a deal status, for DealFilter: the
// status's own text form decides (deal.Status.MarshalText refuses what is
// not a status) until package deal exports Status.Valid.
func validStatus(s deal.Status) bool {
	_, err := s.MarshalText()
	return err == nil
}

// Validate checks the filter: an owner and a pipeline of at most
// MaxKeyLen bytes of valid UTF-8 without NUL bytes, stage indexes in 0 ..
// deal.MaxStages-1 (at most deal.MaxStages of them), a zero or valid
// status, and CloseTo not before CloseFrom.
func (f DealFilter) Validate() error {
	if err := checkString("owner filter", f.Owner, MaxKeyLen); err != nil {
		return err
	}
	if err := checkString("pipeline filter", f.Pipeline, MaxKeyLen); err != nil {
		return err
	}
	if len(f.Stages) > deal.MaxStages {
		return crmkit.Invalid("stages filter", "%d stages, more than %d", len(f.Stages), deal.MaxStages)
	}
	for i, s := range f.Stages {
		if s < 0 || s >= deal.MaxStages {
			return crmkit.Invalid(fmt.Sprintf("stages filter[%d]", i), "stage index %d is outside 0..%d", s, deal.MaxStages-1)
		}
	}
	if f.Status != 0 && !validStatus(f.Status) {
		return crmkit.Invalid("status filter", "%s is not a status", f.Status)
	}
	if !f.CloseFrom.IsZero() && !f.CloseTo.IsZero() && f.CloseTo.Before(f.CloseFrom) {
		return crmkit.Invalid("close filter", "close-to %s is before close-from %s", f.CloseTo.Format(time.RFC3339), f.CloseFrom.Format(time.RFC3339))
	}
	return validateCustomFilter(f.Custom)
}

// Match reports whether d passes the filter. A nil filter passes every
// deal, as the zero filter does; a nil d passes none.
func (f *DealFilter) Match(d *deal.Deal) bool {
	if f == nil || d == nil {
		return d != nil
	}
	if !f.IncludeArchived && !d.ArchivedAt.IsZero() ||
		f.Account != uuid.Nil && d.AccountID != f.Account ||
		f.Owner != "" && d.Owner != f.Owner ||
		f.Pipeline != "" && d.PipelineID != f.Pipeline ||
		f.Status != 0 && d.Status != f.Status || !d.Custom.Match(f.Custom) {
		return false
	}
	if len(f.Stages) > 0 && !slices.Contains(f.Stages, d.Stage) {
		return false
	}
	if !f.CloseFrom.IsZero() || !f.CloseTo.IsZero() {
		if d.CloseDate.IsZero() ||
			!f.CloseFrom.IsZero() && d.CloseDate.Before(f.CloseFrom) ||
			!f.CloseTo.IsZero() && !d.CloseDate.Before(f.CloseTo) {
			return false
		}
	}
	return true
}

// ValidateEvent checks an event before it is appended: crmkit's own
// Event.Validate, an aggregate kind and a type of at most MaxKeyLen bytes,
// every string within the text rules, a time in the stored domain
// (MinTime..MaxTime) and a payload within the stored domain (see
// ValidatePayload).
func ValidateEvent(e crmkit.Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	if err := checkString("aggregate kind", e.AggregateKind, MaxKeyLen); err != nil {
		return fmt.Errorf("event %s: %w", e.ID, err)
	}
	if err := checkString("event type", e.Type, MaxKeyLen); err != nil {
		return fmt.Errorf("event %s: %w", e.ID, err)
	}
	if err := checkString("actor", e.Actor, MaxKeyLen); err != nil {
		return fmt.Errorf("event %s: %w", e.ID, err)
	}
	for _, f := range [...]struct{ name, s string }{{"from", e.From}, {"to", e.To}, {"reason", e.Reason}} {
		if err := checkString(f.name, f.s, MaxTextLen); err != nil {
			return fmt.Errorf("event %s: %w", e.ID, err)
		}
	}
	if r := timeProblem(e.At); r != "" {
		return invalid("event time", fmt.Sprintf("event %s: %s", e.ID, r))
	}
	if r := payloadProblem(e.Payload); r != "" {
		return invalid("payload", fmt.Sprintf("event %s: %s", e.ID, r))
	}
	return nil
}

// ValidateEvents checks a batch of events written together: at most
// MaxEvents of them, each valid under ValidateEvent, and no event ID given
// twice (crmkit.ErrConflict). Its time is linear in the batch.
func ValidateEvents(events []crmkit.Event) error {
	if len(events) > MaxEvents {
		return crmkit.Invalid("events", "%d events, more than %d", len(events), MaxEvents)
	}
	var seen map[uuid.UUID]struct{}
	if len(events) > smallBatch {
		seen = make(map[uuid.UUID]struct{}, len(events))
	}
	for i, e := range events {
		if err := ValidateEvent(e); err != nil {
			return fmt.Errorf("events[%d]: %w", i, err)
		}
		if seen == nil {
			for _, f := range events[:i] {
				if f.ID == e.ID {
					return fmt.Errorf("events[%d]: %w", i, DuplicateEvent(e.ID))
				}
			}
			continue
		}
		if _, ok := seen[e.ID]; ok {
			return fmt.Errorf("events[%d]: %w", i, DuplicateEvent(e.ID))
		}
		seen[e.ID] = struct{}{}
	}
	return nil
}

// smallBatch is the largest batch ValidateEvents checks for duplicates
// by comparing pairs (at most 28 comparisons, no allocation); larger ones
// use a set.
const smallBatch = 8

// ValidatePeriod checks the range of EventLog.Between: a non-zero Start
// and End, End not before Start.
func ValidatePeriod(p crmkit.Period) error {
	switch {
	case p.Start.IsZero():
		return crmkit.Invalid("period", "zero start")
	case p.End.IsZero():
		return crmkit.Invalid("period", "zero end")
	case p.End.Before(p.Start):
		return crmkit.Invalid("period", "end %s is before start %s", p.End.Format(time.RFC3339Nano), p.Start.Format(time.RFC3339Nano))
	}
	return nil
}

// Resolve checks the page of a List in ID order (see Repository.List)
// and returns its size (DefaultPageSize for 0) and the ID after which it
// starts (uuid.Nil for the first page). A size below 0 or above
// MaxPageSize, or a cursor that is not one EncodeCursor made (a cursor
// of a List in date order included: see ResolveAt), is an error matching
// crmkit.ErrInvalid.
func (p Page) Resolve() (size int, after uuid.UUID, err error) {
	if size, err = p.size(); err != nil {
		return 0, uuid.Nil, err
	}
	if p.After != "" {
		if after, err = DecodeCursor(p.After); err != nil {
			return 0, uuid.Nil, err
		}
	}
	return size, after, nil
}

// ResolveAt is Resolve for a List in date order, the order of a List
// whose filter has a range (see Repository.List): it returns the page's
// size and the (date, ID) after which it starts, from a cursor
// EncodeCursorAt made; the zero time and uuid.Nil for the first page. A
// cursor of a List in ID order, or any other string EncodeCursorAt does
// not give, is an error matching crmkit.ErrInvalid.
func (p Page) ResolveAt() (size int, at time.Time, after uuid.UUID, err error) {
	if size, err = p.size(); err != nil {
		return 0, time.Time{}, uuid.Nil, err
	}
	if p.After == "" {
		return size, time.Time{}, uuid.Nil, nil
	}
	if len(p.After) == cursorLen {
		return 0, time.Time{}, uuid.Nil, crmkit.Invalid("cursor", "cursor of a List in ID order given to a List in date order (a filter with a range)")
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(string(p.After))
	if err != nil || len(b) != cursorAtBytes || b[0] != cursorAtVersion {
		return 0, time.Time{}, uuid.Nil, crmkit.Invalid("cursor", "malformed cursor %q", string(p.After))
	}
	at = time.UnixMicro(int64(binary.BigEndian.Uint64(b[1:9]))).UTC()
	after = uuid.UUID(b[9:])
	if after == uuid.Nil || !at.IsZero() && (at.Before(MinTime) || at.After(MaxTime)) || EncodeCursorAt(at, after) != p.After {
		return 0, time.Time{}, uuid.Nil, crmkit.Invalid("cursor", "malformed cursor %q", string(p.After))
	}
	return size, at, after, nil
}

// size returns the page's size: DefaultPageSize for 0.
func (p Page) size() (int, error) {
	switch {
	case p.Size == 0:
		return DefaultPageSize, nil
	case p.Size < 0 || p.Size > MaxPageSize:
		return 0, crmkit.Invalid("page size", "%d is outside 1..%d", p.Size, MaxPageSize)
	}
	return p.Size, nil
}

// cursorVersion is the first byte of every cursor, so that the format can
// change without misreading old cursors: 1 for a List in ID order (the
// ID), cursorAtVersion for one in date order.
const cursorVersion = 1

// EncodeCursor returns the cursor of a page, of a List in ID order, that
// ended with the entity id.
func EncodeCursor(id uuid.UUID) Cursor {
	var b [17]byte
	b[0] = cursorVersion
	copy(b[1:], id[:])
	return Cursor(base64.RawURLEncoding.EncodeToString(b[:]))
}

// DecodeCursor returns the ID a cursor made by EncodeCursor holds. Any
// other string is an error matching crmkit.ErrInvalid, including another
// spelling of the same bytes (base64 with padding or with non-zero unused
// bits): a cursor decodes only if it is exactly what EncodeCursor gives
// for its ID, so a decoded cursor always encodes back to itself.
func DecodeCursor(c Cursor) (uuid.UUID, error) {
	if len(c) != cursorLen {
		if len(c) == cursorAtLen {
			return uuid.Nil, crmkit.Invalid("cursor", "cursor of a List in date order (a filter with a range) given to a List in ID order")
		}
		return uuid.Nil, crmkit.Invalid("cursor", "malformed cursor")
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(string(c))
	if err != nil || len(b) != 17 || b[0] != cursorVersion {
		return uuid.Nil, crmkit.Invalid("cursor", "malformed cursor %q", string(c))
	}
	id := uuid.UUID(b[1:])
	if id == uuid.Nil || EncodeCursor(id) != c {
		return uuid.Nil, crmkit.Invalid("cursor", "malformed cursor %q", string(c))
	}
	return id, nil
}

// cursorLen is the length of every cursor EncodeCursor makes.
var cursorLen = base64.RawURLEncoding.EncodedLen(17)

// cursorAtVersion is the first byte of a cursor EncodeCursorAt makes:
// then the date in microseconds since 1970 (big-endian, two's
// complement), then the ID.
const (
	cursorAtVersion = 2
	cursorAtBytes   = 1 + 8 + 16
)

// cursorAtLen is the length of every cursor EncodeCursorAt makes.
var cursorAtLen = base64.RawURLEncoding.EncodedLen(cursorAtBytes)

// EncodeCursorAt returns the cursor of a page, of a List in date order
// (see Repository.List), that ended with the entity id whose date is at:
// a stored time (the zero time or in MinTime..MaxTime, kept to the
// microsecond; a finer at is truncated as CanonicalTime truncates).
// Page.ResolveAt reads it back.
func EncodeCursorAt(at time.Time, id uuid.UUID) Cursor {
	var b [cursorAtBytes]byte
	b[0] = cursorAtVersion
	binary.BigEndian.PutUint64(b[1:9], uint64(CanonicalTime(at).UnixMicro()))
	copy(b[9:], id[:])
	return Cursor(base64.RawURLEncoding.EncodeToString(b[:]))
}

// ValidateText checks every string reachable in v (struct fields, slice
// and array elements, map keys and values; not through pointers): at most
// MaxTextLen bytes, valid UTF-8, no NUL byte (PostgreSQL text cannot hold
// one). The error names the field path under name, as in
// "lead.Who.Attributes[segment]".
func ValidateText(name string, v any) error {
	if path, reason, bad := walk(reflect.ValueOf(v), &walker{}); bad {
		return invalid(name+path, reason)
	}
	return nil
}

// ValidateValue checks that everything reachable in v (as ValidateText
// walks it) lies in the stored domain (see MinTime): the text rules of
// ValidateText, every enum a declared value or its explicit unset (one
// whose MarshalText succeeds, see crmkit.Enum), every time in MinTime..MaxTime, every decimal within
// MaxDecimalDigits, every json.RawMessage within ValidatePayload's rules,
// at most MaxSliceLen elements in every slice and map, and at most
// MaxValueSize bytes in all (its strings, and 16 per element). The error
// matches crmkit.ErrInvalid and names the field path under name. The
// Validate functions of this package call it on every aggregate.
func ValidateValue(name string, v any) error {
	if path, reason, bad := walk(reflect.ValueOf(v), &walker{full: true, budget: MaxValueSize}); bad {
		return invalid(name+path, reason)
	}
	return nil
}

var (
	timeType = reflect.TypeFor[time.Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
	uuidType = reflect.TypeFor[uuid.UUID]()
	// textMarshalerType is what a stored enum implements.
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	noTextKinds       = [...]reflect.Kind{reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr, reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.Pointer, reflect.Func, reflect.Chan, reflect.UnsafePointer, reflect.Invalid}
	noTextLookup      = func() (m [reflect.UnsafePointer + 1]bool) {
		for _, k := range noTextKinds {
			m[k] = true
		}
		return m
	}()
)

// walker is the state of one walk: what it checks (strings only, or
// everything ValidateValue checks) and, for a full walk, how much of
// MaxValueSize is left.
type walker struct {
	full   bool
	budget int
}

// spend takes n from the budget of a full walk and reports whether it is
// exhausted.
func (w *walker) spend(n int) bool {
	if !w.full {
		return false
	}
	w.budget -= n
	return w.budget < 0
}

// elementSize is what one slice, array or map element counts towards
// MaxValueSize beside its strings: about its JSON punctuation.
const elementSize = 16

// tooLarge is the reason of a value beyond MaxValueSize.
var tooLarge = fmt.Sprintf("the value is larger than %d bytes (its strings, and %d per element)", MaxValueSize, elementSize)

// walk returns the path to the first bad value in v and why it is bad.
func walk(v reflect.Value, w *walker) (path, reason string, bad bool) {
	k := v.Kind()
	if w.full && reflect.Int <= k && k <= reflect.Uint64 && v.Type().Implements(textMarshalerType) && v.CanInterface() {
		// An enum is stored as its text: a value without one (not
		// declared) cannot be kept, by any store.
		if _, err := v.Interface().(encoding.TextMarshaler).MarshalText(); err != nil {
			return "", fmt.Sprintf("%v is not a declared %s", v.Interface(), v.Type().Name()), true
		}
	}
	if noTextLookup[k] {
		return "", "", false
	}
	switch k {
	case reflect.String:
		if r := textProblem(v.String(), MaxTextLen); r != "" {
			return "", r, true
		}
		if w.spend(v.Len()) {
			return "", tooLarge, true
		}
	case reflect.Struct:
		t := v.Type()
		switch {
		case t == timeType:
			if w.full && v.CanInterface() {
				if r := timeProblem(v.Interface().(time.Time)); r != "" {
					return "", r, true
				}
			}
			return "", "", false
		case t == decimalType || t == nullDecimalType:
			if w.full && v.CanInterface() {
				var d decimal.Decimal
				if t == decimalType {
					d = v.Interface().(decimal.Decimal)
				} else if nd := v.Interface().(decimal.NullDecimal); nd.Valid {
					d = nd.Decimal
				}
				if r := decimalProblem(d); r != "" {
					return "", r, true
				}
			}
			return "", "", false
		}
		for i := range t.NumField() {
			if p, r, b := walk(v.Field(i), w); b {
				return "." + t.Field(i).Name + p, r, true
			}
		}
	case reflect.Slice, reflect.Array:
		t := v.Type()
		if w.full && k == reflect.Slice && t != rawType && v.Len() > MaxSliceLen {
			return "", fmt.Sprintf("%d elements, more than %d", v.Len(), MaxSliceLen), true
		}
		if t == rawType || t == uuidType || t.Elem().Kind() == reflect.Uint8 {
			if t == rawType && w.full {
				if r := payloadProblem(v.Bytes()); r != "" {
					return "", r, true
				}
			}
			if w.spend(v.Len()) {
				return "", tooLarge, true
			}
			return "", "", false
		}
		if w.spend(v.Len() * elementSize) {
			return "", tooLarge, true
		}
		for i := range v.Len() {
			if p, r, b := walk(v.Index(i), w); b {
				return "[" + strconv.Itoa(i) + "]" + p, r, true
			}
		}
	case reflect.Map:
		if w.full && v.Len() > MaxSliceLen {
			return "", fmt.Sprintf("%d entries, more than %d", v.Len(), MaxSliceLen), true
		}
		if w.spend(v.Len() * elementSize) {
			return "", tooLarge, true
		}
		it := v.MapRange()
		for it.Next() {
			key := it.Key()
			if p, r, b := walk(key, w); b {
				return "{key}" + p, r, true
			}
			if p, r, b := walk(it.Value(), w); b {
				label := "{value}"
				if key.Kind() == reflect.String && len(key.String()) <= 64 && textProblem(key.String(), 64) == "" {
					label = "[" + key.String() + "]"
				}
				return label + p, r, true
			}
		}
	case reflect.Interface:
		if !v.IsNil() {
			return walk(v.Elem(), w)
		}
	}
	return "", "", false
}

// textProblem says what is wrong with s, or "" when nothing is.
func textProblem(s string, limit int) string {
	switch {
	case len(s) > limit:
		return fmt.Sprintf("%d bytes, more than %d", len(s), limit)
	case strings.IndexByte(s, 0) >= 0:
		return "contains a NUL byte"
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	}
	return ""
}

// invalid is crmkit.Invalid with a reason taken as it is.
func invalid(field, reason string) error { return crmkit.Invalid(field, "%s", reason) }

// checkString applies the text rules with the given limit to one string.
func checkString(field, s string, limit int) error {
	if r := textProblem(s, limit); r != "" {
		return crmkit.Invalid(field, "%s", r)
	}
	return nil
}
