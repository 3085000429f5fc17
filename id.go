package crmkit

import (
	"github.com/google/uuid"
)

// NewID returns a new entity ID from a UUIDv7 source on the system clock
// (see UUIDv7): time-ordered, so that IDs created together sit together in
// an index, and strictly increasing within the process. Code that has a
// Clock takes an IDSource instead, so that replays under a fake clock are
// deterministic.
func NewID() uuid.UUID {
	return systemIDs.NewID()
}

// systemIDs is the process's UUIDv7 source on the system clock, shared so
// that NewID and NewEvent stay strictly increasing together.
var systemIDs UUIDv7

// ParseID parses an ID in its canonical text form. The nil UUID is
// rejected: no crmkit entity has it.
func ParseID(s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, Invalid("id", "%q is not a UUID", s)
	}
	if id == uuid.Nil {
		return uuid.Nil, Invalid("id", "nil UUID")
	}
	return id, nil
}
