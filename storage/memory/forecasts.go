package memory

import (
	"time"

	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// Forecast snapshots: immutable records at version 1, put once
// (storage.NewForecastSnapshotRepository).

var forecastSnapshotKind = &kind[storage.ForecastSnapshot, storage.ForecastSnapshotFilter]{
	ops: ops[storage.ForecastSnapshot]{
		name:     storage.ForecastSnapshotKind,
		slot:     slotForecastSnapshot,
		id:       func(s *storage.ForecastSnapshot) uuid.UUID { return s.ID },
		version:  storage.ForecastSnapshotVersion,
		clone:    func(s storage.ForecastSnapshot) storage.ForecastSnapshot { return s }, // no shared parts
		validate: storage.ValidateForecastSnapshot,
	},
	validateFilter: storage.ForecastSnapshotFilter.Validate,
	match:          (*storage.ForecastSnapshotFilter).Match,
	dated: func(f *storage.ForecastSnapshotFilter) func(*storage.ForecastSnapshot) time.Time {
		if f.Within.Start.IsZero() && f.Within.End.IsZero() {
			return nil
		}
		return func(s *storage.ForecastSnapshot) time.Time { return s.Period.Start }
	},
}

// ForecastSnapshots returns the forecast snapshot repository; each call
// on it is its own transaction.
func (s *Store) ForecastSnapshots() storage.ForecastSnapshotRepository {
	return storage.NewForecastSnapshotRepository(&repo[storage.ForecastSnapshot, storage.ForecastSnapshotFilter]{st: s.state(), k: forecastSnapshotKind})
}

// ForecastSnapshots returns the forecast snapshot repository of the
// transaction.
func (tx *txn) ForecastSnapshots() storage.ForecastSnapshotRepository {
	return storage.NewForecastSnapshotRepository(&repo[storage.ForecastSnapshot, storage.ForecastSnapshotFilter]{st: tx.st, k: forecastSnapshotKind, tx: tx})
}
