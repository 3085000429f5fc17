package crmkit

import (
	"github.com/google/uuid"
)

// NewID returns a new entity ID: a UUIDv7 (RFC 9562), time-ordered so that
// IDs created together sit together in an index. It panics only if the
// operating system's random source fails, as crypto/rand does.
func NewID() uuid.UUID {
	return uuid.Must(uuid.NewV7())
}

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
