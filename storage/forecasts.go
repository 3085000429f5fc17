package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
)

// Forecast snapshots are analytics data, not an aggregate (package funnel
// holds none): what a forecast figure said on its date, kept to compare
// with what closed (funnel.MeasureAccuracy). They are immutable and
// append-only: Put stores one, nothing changes or removes it. Each Put
// also appends one EventForecastSnapshotTaken to the tenant's log, so
// that the log holds every fact the store does and a snapshot is stored
// through the same checked Create as every record (tenant isolation,
// the stored domain, keyset pages), on every backend alike.

// ForecastSnapshotKind is the AggregateKind of a forecast snapshot's one
// event, and the kind its errors name.
const ForecastSnapshotKind = "forecast_snapshot"

// EventForecastSnapshotTaken is the type of the event Put appends: the
// snapshot's ID as aggregate ID, version 1, TakenBy as actor, Taken as At
// and the snapshot as payload.
const EventForecastSnapshotTaken = "ForecastSnapshotTaken"

// forecastSnapshotEvents is the UUID namespace of the event IDs of
// snapshots: a snapshot's event ID is derived from its ID, so that the
// same snapshot always gives the same event.
var forecastSnapshotEvents = uuid.MustParse("0b5e8f4a-7c2d-5a91-b3e6-9d4f1c8a2e70")

// ForecastSnapshot is one stored funnel.Snapshot with its identity and
// scope: which figure of which period it recorded, for whom.
type ForecastSnapshot struct {
	// ID identifies the snapshot (a UUIDv7: crmkit.NewID).
	ID uuid.UUID `json:"id"`
	// TakenBy is who took it (the host application's key of a user or a
	// job), at most MaxKeyLen bytes.
	TakenBy string `json:"taken_by"`
	// Owner and Pipeline are its scope: the rep and the pipeline (by ID)
	// the forecast covered, empty for all. At most MaxKeyLen bytes each.
	Owner    string `json:"owner,omitempty"`
	Pipeline string `json:"pipeline,omitempty"`
	// Taken, Period, Figure, Adjusted and Amount are the funnel.Snapshot.
	Taken    time.Time     `json:"taken"`
	Period   crmkit.Period `json:"period"`
	Figure   funnel.Figure `json:"figure"`
	Adjusted bool          `json:"adjusted,omitempty"`
	Amount   crmkit.Money  `json:"amount"`
}

// NewForecastSnapshot returns the record of s, taken by by for the
// given scope, with a fresh ID (crmkit.NewID).
func NewForecastSnapshot(s funnel.Snapshot, by, owner, pipeline string) ForecastSnapshot {
	return ForecastSnapshot{ID: crmkit.NewID(), TakenBy: by, Owner: owner, Pipeline: pipeline,
		Taken: s.Taken, Period: s.Period, Figure: s.Figure, Adjusted: s.Adjusted, Amount: s.Amount}
}

// Snapshot returns the funnel.Snapshot the record holds, for
// funnel.MeasureAccuracy.
func (f ForecastSnapshot) Snapshot() funnel.Snapshot {
	return funnel.Snapshot{Taken: f.Taken, Period: f.Period, Figure: f.Figure, Adjusted: f.Adjusted, Amount: f.Amount}
}

// Event returns the snapshot's one event, EventForecastSnapshotTaken.
func (f ForecastSnapshot) Event() (crmkit.Event, error) {
	e, err := crmkit.NewEvent(ForecastSnapshotKind, f.ID, EventForecastSnapshotTaken, f.TakenBy, f.Taken, 1, f)
	if err != nil {
		return crmkit.Event{}, fmt.Errorf("forecast snapshot %s: %w", f.ID, err)
	}
	e.ID = uuid.NewSHA1(forecastSnapshotEvents, f.ID[:])
	return e, nil
}

// ValidateForecastSnapshot checks a snapshot before it is stored: a
// non-nil ID, a TakenBy, Owner and Pipeline of at most MaxKeyLen bytes
// (TakenBy not empty), a non-zero Taken, a valid Period (see
// ValidatePeriod), a known Figure, an Amount with a currency, and every
// string and time within the stored domain (see ValidateValue).
func ValidateForecastSnapshot(f ForecastSnapshot) error {
	if err := ValidateID(ForecastSnapshotKind, f.ID); err != nil {
		return err
	}
	wrap := func(err error) error { return fmt.Errorf("forecast snapshot %s: %w", f.ID, err) }
	for _, s := range [...]struct{ name, v string }{{"taken_by", f.TakenBy}, {"owner", f.Owner}, {"pipeline", f.Pipeline}} {
		if err := checkString(s.name, s.v, MaxKeyLen); err != nil {
			return wrap(err)
		}
	}
	switch {
	case f.TakenBy == "":
		return wrap(crmkit.Invalid("taken_by", "empty"))
	case f.Taken.IsZero():
		return wrap(crmkit.Invalid("taken", "zero time"))
	case !f.Figure.Valid():
		return wrap(crmkit.Invalid("figure", "%d is not a forecast figure", f.Figure))
	case f.Amount.Currency().IsZero():
		return wrap(crmkit.Invalid("amount", "no currency"))
	}
	if err := ValidatePeriod(f.Period); err != nil {
		return wrap(err)
	}
	if err := ValidateValue("forecast snapshot", f); err != nil {
		return wrap(err)
	}
	return nil
}

// ForecastSnapshotFilter selects snapshots for List. A zero field matches
// every snapshot; the zero filter matches all.
type ForecastSnapshotFilter struct {
	// Within, if not zero, selects snapshots whose period lies inside it
	// (Within.Start <= Period.Start and Period.End <= Within.End). Its
	// bounds may be any times; a zero Start or End, or End before Start,
	// is an error matching crmkit.ErrInvalid. With Within set, List
	// returns the snapshots ordered by period start, then ID (see
	// Repository.List).
	Within crmkit.Period
	// Figure, if not zero, selects snapshots of that figure.
	Figure funnel.Figure
	// Owner and Pipeline, if not empty, select snapshots of that scope.
	Owner, Pipeline string
}

// Validate checks the filter: a zero or valid Within, a zero or known
// figure, and an owner and a pipeline of at most MaxKeyLen bytes.
func (f ForecastSnapshotFilter) Validate() error {
	if f.hasWithin() {
		if err := ValidatePeriod(f.Within); err != nil {
			return fmt.Errorf("within filter: %w", err)
		}
	}
	if f.Figure != 0 && !f.Figure.Valid() {
		return crmkit.Invalid("figure filter", "%d is not a forecast figure", f.Figure)
	}
	if err := checkString("owner filter", f.Owner, MaxKeyLen); err != nil {
		return err
	}
	return checkString("pipeline filter", f.Pipeline, MaxKeyLen)
}

// Match reports whether s passes the filter. A nil filter passes every
// snapshot, as the zero filter does; a nil s passes none.
func (f *ForecastSnapshotFilter) Match(s *ForecastSnapshot) bool {
	if f == nil || s == nil {
		return s != nil
	}
	if f.Figure != 0 && s.Figure != f.Figure || f.Owner != "" && s.Owner != f.Owner || f.Pipeline != "" && s.Pipeline != f.Pipeline {
		return false
	}
	return !f.hasWithin() || !s.Period.Start.Before(f.Within.Start) && !s.Period.End.After(f.Within.End)
}

func (f *ForecastSnapshotFilter) hasWithin() bool {
	return !f.Within.Start.IsZero() || !f.Within.End.IsZero()
}

// ForecastSnapshotRecords is what a backend implements to store forecast
// snapshots: a Repository of them, each at version 1 with its one event,
// never saved again (ForecastSnapshotVersion is their version).
// NewForecastSnapshotRepository builds the ForecastSnapshotRepository on
// it.
type ForecastSnapshotRecords = Repository[ForecastSnapshot, ForecastSnapshotFilter]

// ForecastSnapshotVersion returns a stored snapshot's version: always 1.
func ForecastSnapshotVersion(*ForecastSnapshot) int64 { return 1 }

// ForecastSnapshotRepository stores forecast snapshots, immutable and
// append-only (Tx.ForecastSnapshots). Its errors are those of Repository.
type ForecastSnapshotRepository interface {
	// Put stores s and appends its event (see ForecastSnapshot.Event). A
	// snapshot ID already stored is an error matching crmkit.ErrConflict:
	// a snapshot is never replaced.
	Put(ctx context.Context, s ForecastSnapshot) error
	// Get returns the snapshot with id, or an error matching
	// crmkit.ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (ForecastSnapshot, error)
	// List returns up to p.Size snapshots matching f, ordered by ID (taken
	// order for UUIDv7 IDs), or by period start then ID when f.Within is
	// set, and the cursor of the next page, as Repository.List.
	List(ctx context.Context, f ForecastSnapshotFilter, p Page) ([]ForecastSnapshot, Cursor, error)
}

// NewForecastSnapshotRepository returns the ForecastSnapshotRepository
// over a backend's records.
func NewForecastSnapshotRepository(r ForecastSnapshotRecords) ForecastSnapshotRepository {
	return snapshotRepo{r}
}

type snapshotRepo struct{ r ForecastSnapshotRecords }

func (s snapshotRepo) Put(ctx context.Context, f ForecastSnapshot) error {
	if err := CheckContext(ctx); err != nil {
		return err
	}
	if err := ValidateForecastSnapshot(f); err != nil {
		return err
	}
	e, err := f.Event()
	if err != nil {
		return err
	}
	_, err = s.r.Create(ctx, f, "", e)
	return err
}

func (s snapshotRepo) Get(ctx context.Context, id uuid.UUID) (ForecastSnapshot, error) {
	return s.r.Get(ctx, id)
}

func (s snapshotRepo) List(ctx context.Context, f ForecastSnapshotFilter, p Page) ([]ForecastSnapshot, Cursor, error) {
	return s.r.List(ctx, f, p)
}
