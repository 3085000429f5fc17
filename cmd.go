package crmkit

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/crmkit/crmkit/internal/uuidv7"
	"github.com/google/uuid"
)

// Cmd says who issues a command, when and why: the one command shape of
// every crmkit aggregate. A package whose commands need more (an approval,
// a guard's context) embeds Cmd in its own command type.
//
// By is the host application's key of the actor (a user or a system job);
// At is when the command takes effect, usually the Clock's now; Reason is
// free text, kept in the revision and in the event. Validate checks By
// and At the same way in every package.
type Cmd struct {
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason,omitempty"`
	// IDs hands out the IDs of the entities and events the command
	// creates; nil means the process default, a UUIDv7 at At. A fixed
	// source (NewDeterministicIDs) makes a replay byte-for-byte
	// repeatable.
	IDs IDSource `json:"-"`
}

// NewID returns a new ID for an entity or event the command creates:
// from c.IDs, or a UUIDv7 at c.At when c.IDs is nil.
func (c Cmd) NewID() uuid.UUID {
	if c.IDs != nil {
		return c.IDs.NewID()
	}
	return uuidv7.NewAt(c.At)
}

// NewEvent builds the command's event with NewEventFrom: its ID from
// c.NewID, its Actor, At and Reason c's. Errors as NewEventFrom.
func (c Cmd) NewEvent(kind string, aggregate uuid.UUID, typ string, version int64, payload any) (Event, error) {
	e, err := NewEventFrom(cmdIDs{c}, kind, aggregate, typ, c.By, c.At, version, payload)
	if err != nil {
		return Event{}, err
	}
	e.Reason = c.Reason
	return e, nil
}

// cmdIDs is the IDSource of a command: Cmd.NewID.
type cmdIDs struct{ c Cmd }

func (s cmdIDs) NewID() uuid.UUID { return s.c.NewID() }

// Validate reports a command without an actor (By empty or blank after
// trimming), with an actor that is not valid UTF-8 or holds a character
// that is not printable (a control character, a line break), or without a
// time (At zero). Errors match ErrInvalid and name the field "by" or "at".
func (c Cmd) Validate() error {
	switch {
	case strings.TrimSpace(c.By) == "":
		return Invalid("by", "no actor: say who issues the command")
	case !utf8.ValidString(c.By):
		return Invalid("by", "%q is not valid UTF-8", c.By)
	case strings.IndexFunc(c.By, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0:
		return Invalid("by", "%q holds a character that is not printable", c.By)
	case c.At.IsZero():
		return Invalid("at", "zero time: say when the command takes effect")
	}
	return nil
}
