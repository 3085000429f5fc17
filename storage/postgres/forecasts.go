package postgres

import (
	"strings"
	"time"

	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// Forecast snapshots (migration 0008): immutable records at version 1,
// put once (storage.NewForecastSnapshotRepository), with the columns the
// filter selects by.

var forecastSnapshotKind = (&kind[storage.ForecastSnapshot, storage.ForecastSnapshotFilter]{
	name:  storage.ForecastSnapshotKind,
	table: "forecast_snapshots",
	cols: []column{
		{"period_start", "timestamptz"}, {"period_end", "timestamptz"}, {"figure", "text"},
		{"owner", "text"}, {"pipeline", "text"},
	},
	colValues: func(s *storage.ForecastSnapshot, dst []any) []any {
		return append(dst, s.Period.Start, s.Period.End, s.Figure.String(), s.Owner, s.Pipeline)
	},
	id:             func(s *storage.ForecastSnapshot) uuid.UUID { return s.ID },
	version:        storage.ForecastSnapshotVersion,
	validate:       storage.ValidateForecastSnapshot,
	validateFilter: storage.ForecastSnapshotFilter.Validate,
	dated: func(f *storage.ForecastSnapshotFilter) (string, func(*storage.ForecastSnapshot) time.Time) {
		if f.Within.Start.IsZero() && f.Within.End.IsZero() {
			return "", nil
		}
		return "period_start", func(s *storage.ForecastSnapshot) time.Time { return s.Period.Start }
	},
	where: func(f *storage.ForecastSnapshotFilter, b *strings.Builder, args []any) []any {
		args = forecastWithin(f, b, args)
		if f.Figure != 0 {
			b.WriteString(" AND figure = " + param(&args, f.Figure.String()))
		}
		if f.Owner != "" {
			b.WriteString(" AND owner = " + param(&args, f.Owner))
		}
		if f.Pipeline != "" {
			b.WriteString(" AND pipeline = " + param(&args, f.Pipeline))
		}
		return args
	},
}).build()

// forecastWithin appends the conditions of the snapshot filter's Within:
// start >= Within.Start and end <= Within.End, compared exactly as
// ForecastSnapshotFilter.Match compares (see storage.TimeBound and
// TimeBoundAfter).
func forecastWithin(f *storage.ForecastSnapshotFilter, b *strings.Builder, args []any) []any {
	if !f.Within.Start.IsZero() || !f.Within.End.IsZero() {
		b.WriteString(" AND period_start >= " + param(&args, storage.TimeBound(f.Within.Start)))
		// A stored period never ends before it starts
		// (storage.ValidatePeriod), so its start is below the same bound:
		// said, it bounds the walk of the period_start index at both ends.
		end := param(&args, storage.TimeBoundAfter(f.Within.End))
		b.WriteString(" AND period_end < " + end + " AND period_start < " + end)
	}
	return args
}

// ForecastSnapshots returns the forecast snapshot repository; each call
// on it is its own transaction.
func (s *Store) ForecastSnapshots() storage.ForecastSnapshotRepository {
	return storage.NewForecastSnapshotRepository(&repo[storage.ForecastSnapshot, storage.ForecastSnapshotFilter]{sc: s.scope(), k: forecastSnapshotKind})
}

// ForecastSnapshots returns the forecast snapshot repository of the
// transaction.
func (v *txView) ForecastSnapshots() storage.ForecastSnapshotRepository {
	return storage.NewForecastSnapshotRepository(&repo[storage.ForecastSnapshot, storage.ForecastSnapshotFilter]{sc: v.sc, k: forecastSnapshotKind})
}
