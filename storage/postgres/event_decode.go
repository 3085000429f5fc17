package postgres

import (
	"encoding/binary"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// maxInterned bounds the strings an interner keeps: past it, it starts
// again, so that a stream of ever new texts holds no more than this many.
const maxInterned = 4096

// interner returns one string per distinct text read by one stream, so
// that repeated texts (owners, actors, states) cost no allocation.
type interner map[string]string

func (in interner) text(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if s, ok := in[string(b)]; ok {
		return s
	}
	if len(in) >= maxInterned {
		clear(in)
	}
	s := string(b)
	in[s] = s
	return s
}

// eventDecoder decodes rows of eventCols in binary format. Payloads are
// carved from shared slabs, each slice capped at its own length, so that
// an event costs no allocation of its own once its texts are known.
type eventDecoder struct {
	texts interner
	slab  []byte
}

func newEventDecoder() *eventDecoder { return &eventDecoder{texts: interner{}} }

// checkBinary reports an error unless every result column is in binary
// format.
func checkBinary(rows pgx.Rows) error {
	for _, f := range rows.FieldDescriptions() {
		if f.Format != pgx.BinaryFormatCode {
			return fmt.Errorf("column %s not in binary format: %w", f.Name, crmkit.ErrUnavailable)
		}
	}
	return nil
}

// payload returns a copy of b that is not shared with another payload.
func (d *eventDecoder) payload(b []byte) []byte {
	if len(b) > cap(d.slab)-len(d.slab) {
		d.slab = make([]byte, 0, max(64<<10, len(b)))
	}
	n := len(d.slab)
	d.slab = append(d.slab, b...)
	return d.slab[n:len(d.slab):len(d.slab)]
}

// decode returns the event of one row of eventCols in binary format.
func (d *eventDecoder) decode(v [][]byte) (crmkit.Event, error) {
	if len(v) != 11 || len(v[0]) != 16 || len(v[2]) != 16 || len(v[6]) != 8 {
		return crmkit.Event{}, fmt.Errorf("postgres: malformed event row: %w", crmkit.ErrUnavailable)
	}
	e := crmkit.Event{ID: uuid.UUID(v[0]), AggregateKind: d.texts.text(v[1]), AggregateID: uuid.UUID(v[2]),
		Type: d.texts.text(v[3]), Actor: d.texts.text(v[4]), Version: int64(binary.BigEndian.Uint64(v[6])),
		From: d.texts.text(v[7]), To: d.texts.text(v[8]), Reason: d.texts.text(v[9])}
	at, ok := timestamptz(v[5])
	if !ok || v[5] == nil {
		return crmkit.Event{}, fmt.Errorf("postgres: event %s: time: %w", e.ID, crmkit.ErrUnavailable)
	}
	e.At = at
	if p := v[10]; len(p) > 0 {
		// jsonb's binary form is a version byte, 1, then the text.
		if p[0] != 1 {
			return crmkit.Event{}, fmt.Errorf("postgres: event %s: jsonb version %d: %w", e.ID, p[0], crmkit.ErrUnavailable)
		}
		if len(p) > 1 {
			e.Payload = d.payload(p[1:])
		}
	}
	return e, nil
}
