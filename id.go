package crmkit

import (
	"github.com/crmkit/crmkit/internal/uuidv7"
	"github.com/google/uuid"
)

// NewID returns a new entity ID: a UUIDv7 (RFC 9562), time-ordered so that
// IDs created together sit together in an index: successive calls return
// increasing IDs while the system clock does not go back, unique under
// concurrency. The random bits come from a ChaCha8 stream seeded once
// from the operating system's random source (no allocation per ID). It
// panics only if that source fails, as crypto/rand does. Code that has a
// Clock takes an IDSource instead (see UUIDv7), so that replays under a
// fake clock are deterministic.
func NewID() uuid.UUID {
	return systemIDs.NewID()
}

// systemSource is the IDSource of NewID and NewEvent: UUIDv7 on the system
// clock from one process-wide generator, so that the two stay increasing
// together.
type systemSource struct{}

// NewID returns NewID().
func (systemSource) NewID() uuid.UUID { return uuidv7.New() }

// systemIDs is the process's one system-clock source.
var systemIDs systemSource

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
