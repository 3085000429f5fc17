package lead

import (
	"slices"

	"github.com/crmkit/crmkit"
)

// The name tables of lead's enums (see crmkit.Enum): each value's one
// stable text form, used by String, text and JSON encoding, and storage.
// A zero value that is not a value is written "unset".
var (
	stageNames       = crmkit.NewEnum("Stage", StageSuspect, "suspect", "mql", "sql", "converted", "nurture", "disqualified")
	sideNames        = crmkit.NewEnum("Side", SideMarketing, "marketing", "sales")
	temperatureNames = crmkit.NewEnum("Temperature", TemperatureCold, "cold", "warm", "hot")
	actionNames      = crmkit.NewEnum("Action", ActionQualify, "qualify", "accept", "nurture", "recycle", "disqualify", "convert")
)

// String returns the stage's name: "suspect", "mql", "sql", "converted",
// "nurture", "disqualified", or "unset" for the zero Stage.
func (s Stage) String() string { return stageNames.String(s) }

// Valid reports whether s is one of the six stages (not the unset zero).
func (s Stage) Valid() bool { return stageNames.Valid(s) }

// MarshalText implements encoding.TextMarshaler: the name String gives;
// an undeclared value is an error matching crmkit.ErrInvalid.
func (s Stage) MarshalText() ([]byte, error) { return stageNames.MarshalText(s) }

// UnmarshalText implements encoding.TextUnmarshaler: "unset" or a name
// ParseStage reads. Anything else is an error matching crmkit.ErrInvalid.
func (s *Stage) UnmarshalText(b []byte) error {
	if s == nil {
		return crmkit.Invalid("Stage", "nil destination")
	}
	v, err := stageNames.Parse(string(b))
	if err != nil {
		v, err = ParseStage(string(b))
	}
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// String returns "marketing", "sales", or "unset" for the zero Side.
func (s Side) String() string { return sideNames.String(s) }

// Valid reports whether s is marketing or sales (not the unset zero).
func (s Side) Valid() bool { return sideNames.Valid(s) }

// MarshalText implements encoding.TextMarshaler: the name String gives;
// an undeclared value is an error matching crmkit.ErrInvalid.
func (s Side) MarshalText() ([]byte, error) { return sideNames.MarshalText(s) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a name
// String gives. Anything else is an error matching crmkit.ErrInvalid.
func (s *Side) UnmarshalText(b []byte) error { return sideNames.UnmarshalText(b, s) }

// String returns "cold", "warm", "hot", or "unset" for the zero
// Temperature.
func (t Temperature) String() string { return temperatureNames.String(t) }

// Valid reports whether t is one of the three temperatures (not the unset
// zero).
func (t Temperature) Valid() bool { return temperatureNames.Valid(t) }

// MarshalText implements encoding.TextMarshaler: the name String gives;
// an undeclared value is an error matching crmkit.ErrInvalid.
func (t Temperature) MarshalText() ([]byte, error) { return temperatureNames.MarshalText(t) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a name
// String gives. Anything else is an error matching crmkit.ErrInvalid.
func (t *Temperature) UnmarshalText(b []byte) error { return temperatureNames.UnmarshalText(b, t) }

// String returns the action's name, which is also its looplab/fsm event
// name: "qualify", "accept", "nurture", "recycle", "disqualify", "convert",
// or "unset" for the zero Action.
func (a Action) String() string { return actionNames.String(a) }

// Valid reports whether a is one of the ladder actions (not the unset
// zero).
func (a Action) Valid() bool { return actionNames.Valid(a) }

// MarshalText implements encoding.TextMarshaler: the name String gives;
// an undeclared value is an error matching crmkit.ErrInvalid.
func (a Action) MarshalText() ([]byte, error) { return actionNames.MarshalText(a) }

// UnmarshalText implements encoding.TextUnmarshaler: exactly a name
// String gives. Anything else is an error matching crmkit.ErrInvalid.
func (a *Action) UnmarshalText(b []byte) error { return actionNames.UnmarshalText(b, a) }

// EventKind and TouchKind are string enums: their value is their text
// form, so they need no name table.

// Valid reports whether k is one of the known event kinds (EventKinds),
// not the empty, unset kind.
func (k EventKind) Valid() bool { return slices.Contains(eventKinds[:], k) }

// Valid reports whether k is one of the known touchpoint kinds
// (TouchKinds), not the empty, unset kind.
func (k TouchKind) Valid() bool { return slices.Contains(touchKinds[:], k) }

// marketingAreas are the declared marketing areas.
var marketingAreas = [...]MarketingArea{AreaLeadGeneration, AreaEvents, AreaSocialMedia, AreaSales, AreaOther}

// Valid reports whether a is one of the five marketing areas, not the
// empty, unset area.
func (a MarketingArea) Valid() bool { return slices.Contains(marketingAreas[:], a) }
