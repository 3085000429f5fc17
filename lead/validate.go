package lead

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// Validate checks every invariant a lead holds, whichever way it was made
// (New and the commands, a store, JSON): a non-nil ID, a Version of at
// least 1, one of the six stages, an identity Person.Validate accepts, a
// source channel, an event kind exactly when the source is ChannelEvent
// (one of the known kinds), conversion IDs only once converted, a revisit date exactly while nurtured and a
// side only then, a zero or valid temperature, touchpoints with a
// channel, a kind and a time in time order, merged IDs that are not nil and
// are sorted without repeats, and a creation time not after the archiving,
// after the entry into the stage or the last change. The sources a
// channel must belong to are the host application's (see Sources): they
// are checked by the commands, not here. The error matches
// crmkit.ErrInvalid and is a *crmkit.ValidationError naming the field.
func (l Lead) Validate() error {
	if err := l.validate(); err != nil {
		return fmt.Errorf("lead %s: %w", l.ID, err)
	}
	return nil
}

func (l Lead) validate() error {
	switch {
	case l.ID == uuid.Nil:
		return crmkit.Invalid("id", "nil UUID")
	case l.Version < 1:
		return crmkit.Invalid("version", "version %d is below 1", l.Version)
	case !l.Stage.Valid():
		return crmkit.Invalid("stage", "%s is not a stage", l.Stage)
	case strings.TrimSpace(string(l.Source)) == "":
		return crmkit.Invalid("source", "no source channel")
	case l.Source == ChannelEvent && !slices.Contains(eventKinds[:], l.EventKind):
		return crmkit.Invalid("event kind", "unknown event kind %q for an event lead", string(l.EventKind))
	case l.Source != ChannelEvent && l.EventKind != "":
		return crmkit.Invalid("event kind", "event kind %q given for source %q", string(l.EventKind), string(l.Source))
	case l.NurturedBy > SideSales:
		return crmkit.Invalid("nurtured by", "%s is not a side", l.NurturedBy)
	case l.Stage == StageNurture && l.RevisitAt.IsZero():
		return crmkit.Invalid("revisit at", "a nurtured lead without a revisit date")
	case l.Stage != StageNurture && !l.RevisitAt.IsZero():
		return crmkit.Invalid("revisit at", "a revisit date on a lead in stage %s", l.Stage)
	case l.Stage != StageNurture && l.NurturedBy != 0:
		return crmkit.Invalid("nurtured by", "a side on a lead in stage %s", l.Stage)
	case l.Stage != StageConverted && l.Conversion != (ConversionRef{}):
		return crmkit.Invalid("conversion", "conversion IDs on a lead in stage %s", l.Stage)
	case l.Temperature != 0 && !l.Temperature.Valid():
		return crmkit.Invalid("temperature", "%s is not a temperature", l.Temperature)
	case l.CreatedAt.IsZero():
		return crmkit.Invalid("created at", "zero time")
	case l.StageAt.Before(l.CreatedAt):
		return crmkit.Invalid("stage at", "%s is before the creation at %s", l.StageAt.Format(time.RFC3339Nano), l.CreatedAt.Format(time.RFC3339Nano))
	case l.UpdatedAt.Before(l.CreatedAt):
		return crmkit.Invalid("updated at", "%s is before the creation at %s", l.UpdatedAt.Format(time.RFC3339Nano), l.CreatedAt.Format(time.RFC3339Nano))
	case !l.ArchivedAt.IsZero() && l.ArchivedAt.Before(l.CreatedAt):
		return crmkit.Invalid("archived at", "%s is before the creation at %s", l.ArchivedAt.Format(time.RFC3339Nano), l.CreatedAt.Format(time.RFC3339Nano))
	}
	if err := l.Who.Validate(); err != nil {
		return err
	}
	for i, tp := range l.Journey {
		f := fmt.Sprintf("journey[%d]", i)
		switch {
		case strings.TrimSpace(string(tp.Channel)) == "":
			return crmkit.Invalid(f+".channel", "no channel")
		case strings.TrimSpace(string(tp.Kind)) == "":
			return crmkit.Invalid(f+".kind", "empty touch kind")
		case tp.At.IsZero():
			return crmkit.Invalid(f+".at", "zero time")
		case i > 0 && compareTouch(l.Journey[i-1], tp) > 0:
			return crmkit.Invalid(f, "out of time order")
		}
	}
	for i, id := range l.MergedFrom {
		f := fmt.Sprintf("merged from[%d]", i)
		switch {
		case id == uuid.Nil:
			return crmkit.Invalid(f, "nil UUID")
		case i > 0 && bytes.Compare(l.MergedFrom[i-1][:], id[:]) >= 0:
			return crmkit.Invalid(f, "not sorted without repeats")
		}
	}
	return nil
}
