package storage

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// Feed is the change feed of a tenant: the optional ability of a Store
// (found by type assertion, as database/sql finds a driver's optional
// interfaces) to deliver the tenant's events to named consumers, each
// keeping its Position in the same store.
//
//	f, ok := store.(storage.Feed)
//
// Order. A tenant's events have one total order, the feed order: the
// order in which their transactions became visible. A consumer reads it
// from its position onwards and never moves past an event that a
// transaction still in flight will commit before it: an event gets its
// place in the feed only once it is committed, after every place already
// given. So there are no gaps, and a Position is a dense count: the
// feed's n-th event is at position n. Two events of one aggregate written
// by Create and Save come in version order (the second write waits for
// the first to commit); events appended with EventLog.Append come in
// commit order, whatever their versions.
//
// Delivery. Consume hands the next batch to a function running inside an
// Update and moves the consumer's position past the batch in that same
// Update: what the function writes through tx lands together with the
// new position or not at all, so a handler that writes only through tx
// has its effect exactly once. A handler with external effects (a
// webhook, an e-mail) has them at least once: the position moves after
// the effect, and a failed commit delivers the batch again. Subscribe
// runs Consume in a loop, at the handler's pace (the next batch is read
// when the handler has returned: back-pressure), waking on new events
// with Wait.
//
// Parking. A consumer that keeps failing on one event parks it (Park):
// the event and the error text go to the consumer's parked list and the
// position moves past it, so the consumer goes on. Parked lists them;
// Unpark hands one to a function in the Update that removes it from the
// list (exactly once again), or just clears it.
//
// Errors. An empty or malformed consumer name, a batch size outside
// 0..MaxPageSize, a nil function or ctx, a Position of another tenant,
// malformed, or beyond the end of the feed are errors matching
// crmkit.ErrInvalid; an unknown consumer matches crmkit.ErrNotFound. A
// function that panics is a *PanicError (matching crmkit.ErrInvalid).
// After any error the consumer's position and parked list are unchanged.
type Feed interface {
	// Register adds consumer at position from: its first Consume gets
	// the events after from (the zero Position for the feed's start,
	// Head for only what comes next). A consumer that exists is an error
	// matching crmkit.ErrConflict.
	Register(ctx context.Context, consumer string, from Position) error

	// Position returns consumer's position: it has handled every event
	// up to it.
	Position(ctx context.Context, consumer string) (Position, error)

	// Head returns the position of the feed's last event now (the zero
	// Position for an empty feed).
	Head(ctx context.Context) (Position, error)

	// Consume runs fn in one Update with up to max events after
	// consumer's position, in feed order (max 0 means DefaultPageSize),
	// and moves the position past them in the same Update. It returns
	// how many events fn handled: 0, without calling fn, when there are
	// none. If fn returns an error, Consume returns it as is and nothing
	// fn wrote is kept; if fn panics, Consume returns a *PanicError. Two
	// Consume calls of one consumer take turns (so fn must not call
	// Consume, Park or Unpark of its own consumer: it would wait for
	// itself). fn must use tx, not the Store, for what belongs to the
	// batch, and must not keep tx after it returns; events are its own
	// copies.
	Consume(ctx context.Context, consumer string, max int, fn func(tx Tx, events []crmkit.Event) error) (int, error)

	// Park moves consumer past its next event and keeps the event in its
	// parked list with reason (the handler's error text, cut to
	// MaxTextLen bytes), in one transaction, and returns the event.
	// With no event after the position it is an error matching
	// crmkit.ErrNotFound.
	Park(ctx context.Context, consumer string, reason string) (Parked, error)

	// Parked returns up to MaxPageSize of consumer's parked events,
	// oldest position first.
	Parked(ctx context.Context, consumer string) ([]Parked, error)

	// Unpark removes the parked event id from consumer's list and, if
	// fn is not nil, runs fn on it in the same Update: a retry that
	// happens exactly once. An id not parked is an error matching
	// crmkit.ErrNotFound; an error or panic of fn leaves the event
	// parked.
	Unpark(ctx context.Context, consumer string, id uuid.UUID, fn func(tx Tx, e crmkit.Event) error) error

	// Wait blocks until the feed may hold events after consumer's
	// position, or ctx ends (an error matching crmkit.ErrUnavailable and
	// the context's error). It may return early; callers Consume and
	// Wait again.
	Wait(ctx context.Context, consumer string) error
}

// Parked is an event a consumer parked: where it was in the feed and why
// the consumer gave up on it.
type Parked struct {
	// Event is the parked event.
	Event crmkit.Event
	// Position is the event's position in the feed.
	Position Position
	// Reason is the error text the consumer parked it with.
	Reason string
}

// Position is a place in one tenant's change feed: the number of events
// before and at it. It is opaque: a store makes it with EncodePosition
// and reads it with DecodePosition, which refuses a position made for
// another tenant. The zero Position ("") is the start of every feed.
type Position string

// positionVersion is the first byte of every encoded position.
const positionVersion = 1

// positionLen is the length of every non-zero position.
var positionLen = base64.RawURLEncoding.EncodedLen(17)

// tenantTag is the 8 bytes of a tenant's name a position carries.
func tenantTag(tenant string) [8]byte {
	h := sha256.Sum256([]byte(tenant))
	return [8]byte(h[:8])
}

// EncodePosition returns the position of tenant's feed after n events (n
// at least 0; 0 is the zero Position).
func EncodePosition(tenant string, n int64) Position {
	if n <= 0 {
		return ""
	}
	var b [17]byte
	b[0] = positionVersion
	tag := tenantTag(tenant)
	copy(b[1:9], tag[:])
	binary.BigEndian.PutUint64(b[9:], uint64(n))
	return Position(base64.RawURLEncoding.EncodeToString(b[:]))
}

// DecodePosition returns the event count a position of tenant's feed
// holds. A malformed position, or one made for another tenant, is an
// error matching crmkit.ErrInvalid. It does not check the feed's end:
// the store does.
func DecodePosition(tenant string, p Position) (int64, error) {
	if p == "" {
		return 0, nil
	}
	if len(p) != positionLen {
		return 0, crmkit.Invalid("position", "malformed position")
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(string(p))
	if err != nil || len(b) != 17 || b[0] != positionVersion {
		return 0, crmkit.Invalid("position", "malformed position %q", string(p))
	}
	if tag := tenantTag(tenant); [8]byte(b[1:9]) != tag {
		return 0, crmkit.Invalid("position", "position %q is of another tenant's feed", string(p))
	}
	n := binary.BigEndian.Uint64(b[9:])
	if n == 0 || n > 1<<62 || EncodePosition(tenant, int64(n)) != p {
		return 0, crmkit.Invalid("position", "malformed position %q", string(p))
	}
	return int64(n), nil
}

// BeyondEnd returns the error a store reports for a position past its
// feed's head: it matches crmkit.ErrInvalid.
func BeyondEnd(n, head int64) error {
	return crmkit.Invalid("position", "event %d is beyond the end of the feed (%d events)", n, head)
}

// ValidateConsumer checks a consumer name: not empty or blank, at most
// MaxKeyLen bytes of valid UTF-8 without NUL bytes.
func ValidateConsumer(name string) error {
	if strings.TrimSpace(name) == "" {
		return crmkit.Invalid("consumer", "empty consumer name")
	}
	return checkString("consumer", name, MaxKeyLen)
}

// ValidateBatch resolves a Consume batch size: 0 is DefaultPageSize, 1 to
// MaxPageSize as given, anything else an error matching
// crmkit.ErrInvalid.
func ValidateBatch(n int) (int, error) {
	switch {
	case n == 0:
		return DefaultPageSize, nil
	case n < 0 || n > MaxPageSize:
		return 0, crmkit.Invalid("batch", "%d is outside 0..%d", n, MaxPageSize)
	}
	return n, nil
}

// UnknownConsumer returns the error a store reports for a consumer that
// was never registered: it matches crmkit.ErrNotFound.
func UnknownConsumer(name string) error {
	return fmt.Errorf("consumer %q: %w (register it first)", name, crmkit.ErrNotFound)
}

// ParkReason cuts an error text to what a store keeps as a parked
// event's reason: at most MaxTextLen bytes, valid UTF-8, NUL bytes
// replaced.
func ParkReason(reason string) string {
	reason = strings.ToValidUTF8(strings.ReplaceAll(reason, "\x00", " "), "\uFFFD")
	if len(reason) <= MaxTextLen {
		return reason
	}
	cut := MaxTextLen
	for cut > 0 && !isRuneStart(reason[cut]) {
		cut--
	}
	return reason[:cut]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// PanicError is the error Consume and Unpark return when their function
// panics: the transaction is rolled back and the position is unchanged.
// It matches crmkit.ErrInvalid (a handler must not panic).
type PanicError struct {
	// Value is what the function panicked with.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
}

// Error implements error. A nil *PanicError reads "feed handler
// panicked".
func (e *PanicError) Error() string {
	if e == nil {
		return "feed handler panicked"
	}
	return fmt.Sprintf("feed handler panicked: %v", e.Value)
}

// Is reports whether target is crmkit.ErrInvalid.
func (e *PanicError) Is(target error) bool { return target == crmkit.ErrInvalid }

// Guard calls fn and turns a panic of fn into a *PanicError, for backends
// running a feed handler.
func Guard(fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, Stack: debug.Stack()}
		}
	}()
	return fn()
}

// Subscription configures Subscribe.
type Subscription struct {
	// Consumer is the registered consumer whose position Subscribe
	// moves.
	Consumer string
	// Batch is the most events per handler call (0 for
	// DefaultPageSize, at most MaxPageSize).
	Batch int
	// Attempts is how many times in a row the handler may fail on one
	// event before Subscribe parks it (0 for 3). A failing batch of
	// several events is first retried one event at a time, so only the
	// failing event is parked.
	Attempts int
	// Handler handles a batch inside the Update that moves the position
	// (see Feed.Consume). Its error (or panic) makes Subscribe retry,
	// then park.
	Handler func(tx Tx, events []crmkit.Event) error
}

// defaultAttempts is Subscription.Attempts when it is 0.
const defaultAttempts = 3

// Subscribe runs s.Handler on every event of f after the consumer's
// position, in feed order, until ctx ends; it then returns an error
// matching crmkit.ErrUnavailable and the context's error. It reads the
// next batch only after the handler returned (the handler's pace is the
// feed's), and waits with f.Wait when it is at the head. A handler error
// is retried on the failing event alone and, after s.Attempts failures
// in a row, the event is parked with the error text and Subscribe goes
// on. Commit conflicts (a concurrent Consume of the same consumer) are
// retried. Any other store error ends Subscribe and is returned. A nil
// f, ctx or handler, or an invalid consumer or batch, is an error
// matching crmkit.ErrInvalid.
func Subscribe(ctx context.Context, f Feed, s Subscription) error {
	if f == nil {
		return crmkit.Invalid("feed", "nil feed")
	}
	if s.Handler == nil {
		return crmkit.Invalid("handler", "nil handler")
	}
	if err := CheckContext(ctx); err != nil {
		return err
	}
	if err := ValidateConsumer(s.Consumer); err != nil {
		return err
	}
	batch, err := ValidateBatch(s.Batch)
	if err != nil {
		return err
	}
	attempts := s.Attempts
	if attempts <= 0 {
		attempts = defaultAttempts
	}
	single := 0   // events still to take one at a time after a failed batch
	failures := 0 // failures in a row on the next event, when single
	for {
		n := batch
		if single > 0 {
			n = 1
		}
		var handlerErr error
		got, err := f.Consume(ctx, s.Consumer, n, func(tx Tx, events []crmkit.Event) error {
			handlerErr = Guard(func() error { return s.Handler(tx, events) })
			return handlerErr
		})
		if cerr := CheckContext(ctx); cerr != nil {
			return cerr
		}
		switch {
		case err == nil && got == 0:
			if err := f.Wait(ctx, s.Consumer); err != nil {
				return err
			}
		case err == nil:
			failures = 0
			if single > 0 {
				single--
			}
		case handlerErr != nil:
			if n > 1 {
				single = n
				continue
			}
			failures++
			if failures < attempts {
				continue
			}
			if _, err := f.Park(ctx, s.Consumer, handlerErr.Error()); err != nil {
				return err
			}
			failures = 0
			if single > 0 {
				single--
			}
		case errors.Is(err, crmkit.ErrConflict):
			// A concurrent Consume of the consumer moved it on: read again.
		default:
			return err
		}
	}
}
