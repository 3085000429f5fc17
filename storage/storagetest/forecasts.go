package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// testForecastSnapshots checks the append-only snapshot store: a put
// snapshot reads back as put with its one event logged, is never
// replaced, lists by period, figure and scope in keyset pages (the
// selection checked against an oracle written apart from the filter's
// Match), is invisible to other tenants, and bad input or a failed
// Update writes nothing.
func testForecastSnapshots(t *testing.T, o Opener) {
	ctx := context.Background()
	s := openBare(t, o, "acme")
	globex := openBare(t, o, "globex")
	r := s.ForecastSnapshots()

	q1 := crmkit.Period{Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	q2 := crmkit.Period{Start: q1.End, End: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}
	snap := storage.NewForecastSnapshot(funnel.Snapshot{Taken: base, Period: q1, Figure: funnel.CommitFigure,
		Amount: eur("120000.00")}, "forecast-job", "ana", "default")
	require.NoError(t, r.Put(ctx, snap))
	got, err := r.Get(ctx, snap.ID)
	require.NoError(t, err)
	same(t, snap, got)
	evs := collect(t, s.Events().ByAggregate(ctx, snap.ID))
	require.Len(t, evs, 1)
	assert.Equal(t, storage.EventForecastSnapshotTaken, evs[0].Type)
	assert.Equal(t, storage.ForecastSnapshotKind, evs[0].AggregateKind)

	// Never replaced: a second Put of the ID, changed or not, conflicts.
	changed := snap
	changed.Amount = eur("1.00")
	assert.ErrorIs(t, r.Put(ctx, changed), crmkit.ErrConflict)
	assert.ErrorIs(t, r.Put(ctx, snap), crmkit.ErrConflict)
	got, err = r.Get(ctx, snap.ID)
	require.NoError(t, err)
	assert.True(t, got.Amount.Equal(eur("120000.00")), "%s", got.Amount)

	// Used with funnel.MeasureAccuracy: 120,000 forecast, 150,000 won:
	// error 30,000, APE 30,000 / 150,000 = 0.2, accuracy 0.8.
	acc, err := funnel.MeasureAccuracy(got.Snapshot(), eur("150000.00"))
	require.NoError(t, err)
	assert.True(t, acc.Accuracy.Equal(decimal.RequireFromString("0.8")), "%s", acc.Accuracy)
	assert.True(t, acc.APE.Equal(decimal.RequireFromString("0.2")), "%s", acc.APE)

	// Tenants see only their own.
	_, err = globex.ForecastSnapshots().Get(ctx, snap.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound)
	page, _, err := globex.ForecastSnapshots().List(ctx, storage.ForecastSnapshotFilter{}, storage.Page{})
	require.NoError(t, err)
	assert.Empty(t, page)

	// Bad input writes nothing, on the store and inside Update.
	before := allEvents(t, ctx, s)
	for i, change := range []func(f *storage.ForecastSnapshot){
		func(f *storage.ForecastSnapshot) { f.ID = uuid.Nil },
		func(f *storage.ForecastSnapshot) { f.TakenBy = "" },
		func(f *storage.ForecastSnapshot) { f.Taken = time.Time{} },
		func(f *storage.ForecastSnapshot) { f.Period = crmkit.Period{Start: q1.End, End: q1.Start} },
		func(f *storage.ForecastSnapshot) { f.Figure = 0 },
		func(f *storage.ForecastSnapshot) { f.Figure = 99 },
		func(f *storage.ForecastSnapshot) { f.Amount = crmkit.Money{} },
		func(f *storage.ForecastSnapshot) { f.Owner = "a\x00" },
		func(f *storage.ForecastSnapshot) { f.Pipeline = string(make([]byte, storage.MaxKeyLen+1)) },
	} {
		bad := storage.NewForecastSnapshot(snap.Snapshot(), "job", "ana", "")
		change(&bad)
		assert.ErrorIs(t, r.Put(ctx, bad), crmkit.ErrInvalid, "bad snapshot %d", i)
		assert.ErrorIs(t, s.Update(ctx, func(tx storage.Tx) error { return tx.ForecastSnapshots().Put(ctx, bad) }), crmkit.ErrInvalid, "bad snapshot %d in Update", i)
	}
	for i, f := range []storage.ForecastSnapshotFilter{
		{Within: crmkit.Period{Start: q1.Start}}, {Within: crmkit.Period{Start: q1.End, End: q1.Start}}, {Figure: 42}, {Owner: "\xff"},
	} {
		_, _, err := r.List(ctx, f, storage.Page{})
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "bad filter %d", i)
	}
	_, err = r.Get(ctx, uuid.Nil)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	lost := storage.NewForecastSnapshot(snap.Snapshot(), "job", "ana", "")
	assert.ErrorIs(t, s.Update(ctx, func(tx storage.Tx) error {
		if err := tx.ForecastSnapshots().Put(ctx, lost); err != nil {
			return err
		}
		return errBoom
	}), errBoom)
	_, err = r.Get(ctx, lost.ID)
	assert.ErrorIs(t, err, crmkit.ErrNotFound, "the failed Update put nothing")
	assert.Len(t, allEvents(t, ctx, s), len(before), "nothing logged")

	// Lists: snapshots over two quarters, four figures, two owners and two
	// pipelines; every filter's pages hold exactly what the oracle picks.
	periods := []crmkit.Period{q1, q2, {Start: q1.Start, End: q2.End}}
	all := []storage.ForecastSnapshot{snap}
	for i := range 11 {
		f := storage.NewForecastSnapshot(funnel.Snapshot{Taken: base.Add(time.Duration(i) * time.Hour), Period: periods[i%3],
			Figure: funnel.Figure(1 + i%4), Amount: eur(fmt.Sprintf("%d.00", 1000*(i+1)))},
			"job", [...]string{"ana", "bo"}[i%2], [...]string{"default", "renewals", ""}[i%3])
		require.NoError(t, r.Put(ctx, f))
		all = append(all, f)
	}
	rapid.Check(t, func(rt *rapid.T) {
		f := storage.ForecastSnapshotFilter{
			Figure:   funnel.Figure(rapid.IntRange(0, 4).Draw(rt, "figure")),
			Owner:    rapid.SampledFrom([]string{"", "ana", "bo", "cy"}).Draw(rt, "owner"),
			Pipeline: rapid.SampledFrom([]string{"", "default", "renewals"}).Draw(rt, "pipeline"),
		}
		if rapid.Bool().Draw(rt, "within") {
			f.Within = rapid.SampledFrom(append(periods, crmkit.Period{Start: q1.Start.Add(time.Nanosecond), End: q2.End.Add(-time.Nanosecond)})).Draw(rt, "period")
		}
		var (
			want   []uuid.UUID
			starts []time.Time
		)
		for _, x := range all {
			in := f.Within.Start.IsZero() || (x.Period.Start.Equal(f.Within.Start) || x.Period.Start.After(f.Within.Start)) &&
				(x.Period.End.Equal(f.Within.End) || x.Period.End.Before(f.Within.End))
			if in && (f.Figure == 0 || x.Figure == f.Figure) && (f.Owner == "" || x.Owner == f.Owner) && (f.Pipeline == "" || x.Pipeline == f.Pipeline) {
				want, starts = append(want, x.ID), append(starts, x.Period.Start)
			}
		}
		// ID order, or by period start then ID with Within set.
		if f.Within.Start.IsZero() {
			want = sortedIDs(want...)
		} else {
			want = sortedByDate(want, starts)
		}
		size := rapid.IntRange(1, 4).Draw(rt, "page size")
		var (
			got   []uuid.UUID
			after storage.Cursor
		)
		for pages := 0; ; pages++ {
			if pages > len(all)+1 {
				rt.Fatalf("the walk does not end")
			}
			page, next, err := r.List(ctx, f, storage.Page{Size: size, After: after})
			if err != nil {
				rt.Fatal(err)
			}
			for _, x := range page {
				got = append(got, x.ID)
			}
			if next == "" {
				break
			}
			after = next
		}
		if !equalIDs(want, got) {
			rt.Fatalf("filter %+v: got %v, want %v", f, got, want)
		}
	})
}

// equalIDs reports whether a and b hold the same IDs in the same order.
func equalIDs(a, b []uuid.UUID) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
