package storagetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// sortedByDate returns ids ordered as a List in date order returns them:
// by their dates (dates[i] is the date of ids[i]), then by ID.
func sortedByDate(ids []uuid.UUID, dates []time.Time) []uuid.UUID {
	if len(ids) == 0 {
		return nil
	}
	idx := make([]int, len(ids))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := dates[a].Compare(dates[b]); c != 0 {
			return c
		}
		return compareID(ids[a], ids[b])
	})
	out := make([]uuid.UUID, len(ids))
	for i, j := range idx {
		out[i] = ids[j]
	}
	return out
}

// inRange reports whether date lies in [from, to), a zero bound being
// open and a zero date in no range: the rule of the filters' ranges,
// written out here for the oracle.
func inRange(date, from, to time.Time) bool {
	return !date.IsZero() && (from.IsZero() || !date.Before(from)) && (to.IsZero() || date.Before(to))
}

// walk lists every page of list from the first, failing the test if a
// page is longer than size or the walk does not end within limit pages,
// and returns the IDs in the order the pages gave them.
func walk[T any](t tb, limit, size int, id func(*T) uuid.UUID, list func(p storage.Page) ([]T, storage.Cursor, error)) []uuid.UUID {
	t.Helper()
	var (
		got   []uuid.UUID
		after storage.Cursor
	)
	for pages := 0; ; pages++ {
		if pages > limit {
			t.Errorf("the walk does not end after %d pages", pages)
			t.FailNow()
		}
		page, next, err := list(storage.Page{Size: size, After: after})
		if err != nil {
			t.Errorf("page %d: %v", pages, err)
			t.FailNow()
		}
		if len(page) > size {
			t.Errorf("page %d holds %d entities, more than its size %d", pages, len(page), size)
			t.FailNow()
		}
		for i := range page {
			got = append(got, id(&page[i]))
		}
		if next == "" {
			return got
		}
		after = next
	}
}

// testRangeOrder: a List whose filter has a range (deal close dates,
// contract renewal dates) is in date order. Its pages, of any size,
// concatenate to exactly the matching entities ordered by (date, ID),
// many sharing a date, on every store and inside Update (the
// transaction's own writes in their place); a cursor of the other order,
// or one EncodeCursorAt would not make, is crmkit.ErrInvalid and changes
// nothing.
func testRangeOrder(t *testing.T, o Opener) {
	ctx := context.Background()
	s := open(t, o, "acme")
	day := func(k int) time.Time { return base.AddDate(0, 0, k) }
	// Deal i closes on day 1 + (i*5)%7, none for a seventh of them: six
	// dates shared by about five deals each, in an order unlike the IDs'.
	const n = 40
	type row struct {
		id    uuid.UUID
		owner string
		close time.Time
	}
	var deals []row
	for i := range n {
		var close time.Time
		if k := (i * 5) % 7; k != 6 {
			close = day(1 + k)
		}
		owner := [...]string{"ana", "bo", "cy"}[i%3]
		d, ev := newDeal(t, dealSpec{name: fmt.Sprintf("Range %d", i), owner: owner, close: close})
		_, err := s.Deals().Create(ctx, d, "", ev)
		require.NoError(t, err)
		deals = append(deals, row{d.ID, owner, close})
	}
	// Contract i renews on day 10 + i%4 (ties), its term covering it.
	var contracts []row
	for i := range 12 {
		c, ev, err := account.NewContract(account.ContractSpec{
			AccountID: suiteAccount, Title: fmt.Sprintf("Range %d", i), Start: base, End: base.AddDate(1, 0, 0),
			RenewalDate: day(10 + i%4), Monthly: eur("10.00"), Value: eur("120.00"),
		}, crmkit.Cmd{By: actor, At: base})
		require.NoError(t, err)
		_, err = s.Contracts().Create(ctx, c, "", ev)
		require.NoError(t, err)
		contracts = append(contracts, row{id: c.ID, close: c.Current().RenewalDate})
	}
	// The bounds the property draws from: the days, an instant either
	// side of them, unset.
	bound := func(rt *rapid.T, label string, lo, hi int) time.Time {
		if rapid.IntRange(0, 4).Draw(rt, label+" unset") == 0 {
			return time.Time{}
		}
		d := day(rapid.IntRange(lo, hi).Draw(rt, label))
		return d.Add(rapid.SampledFrom([]time.Duration{0, time.Nanosecond, -time.Microsecond}).Draw(rt, label+" offset"))
	}
	// expect returns the rows in [from, to) of owner ("" for any) in
	// date order.
	expect := func(rows []row, from, to time.Time, owner string) []uuid.UUID {
		var ids []uuid.UUID
		var dates []time.Time
		for _, r := range rows {
			if inRange(r.close, from, to) && (owner == "" || r.owner == owner) {
				ids, dates = append(ids, r.id), append(dates, r.close)
			}
		}
		return sortedByDate(ids, dates)
	}
	t.Run("deals", func(t *testing.T) {
		rapid.Check(t, func(rt *rapid.T) {
			f := storage.DealFilter{CloseFrom: bound(rt, "from", 0, 8), CloseTo: bound(rt, "to", 0, 8)}
			if f.CloseFrom.IsZero() && f.CloseTo.IsZero() {
				f.CloseFrom = day(3)
			}
			if !f.CloseTo.IsZero() && f.CloseTo.Before(f.CloseFrom) {
				f.CloseFrom, f.CloseTo = f.CloseTo, f.CloseFrom
			}
			f.Owner = rapid.SampledFrom([]string{"", "", "ana", "bo"}).Draw(rt, "owner")
			size := rapid.IntRange(1, 7).Draw(rt, "page size")
			got := walk(rt, n+1, size, dealID, func(p storage.Page) ([]deal.Deal, storage.Cursor, error) { return s.Deals().List(ctx, f, p) })
			want := expect(deals, f.CloseFrom, f.CloseTo, f.Owner)
			if !equalIDs(want, got) {
				rt.Fatalf("filter %+v, pages of %d: got %v, want %v", f, size, got, want)
			}
		})
	})
	t.Run("contracts", func(t *testing.T) {
		contractID := func(c *account.Contract) uuid.UUID { return c.ID }
		rapid.Check(t, func(rt *rapid.T) {
			f := storage.ContractFilter{RenewalFrom: bound(rt, "from", 9, 14), RenewalTo: bound(rt, "to", 9, 14)}
			if f.RenewalFrom.IsZero() && f.RenewalTo.IsZero() {
				f.RenewalTo = day(12)
			}
			if !f.RenewalTo.IsZero() && f.RenewalTo.Before(f.RenewalFrom) {
				f.RenewalFrom, f.RenewalTo = f.RenewalTo, f.RenewalFrom
			}
			size := rapid.IntRange(1, 5).Draw(rt, "page size")
			got := walk(rt, len(contracts)+1, size, contractID, func(p storage.Page) ([]account.Contract, storage.Cursor, error) {
				return s.Contracts().List(ctx, f, p)
			})
			// Only this test's contracts renew on these days.
			want := expect(contracts, f.RenewalFrom, f.RenewalTo, "")
			if !equalIDs(want, got) {
				rt.Fatalf("filter %+v, pages of %d: got %v, want %v", f, size, got, want)
			}
		})
	})

	// Inside Update: a new deal on a shared date, a deal moved to another
	// date, one archived; the pages show the transaction's view in date
	// order. The Update is rolled back.
	week := storage.DealFilter{CloseFrom: day(1), CloseTo: day(8)}
	cmd := deal.Cmd{Cmd: crmkit.Cmd{By: actor, At: base}}
	err := s.Update(ctx, func(tx storage.Tx) error {
		view := slices.Clone(deals)
		d, ev := newDeal(t, dealSpec{name: "Range new", owner: "ana", close: day(2)})
		if _, err := tx.Deals().Create(ctx, d, "", ev); err != nil {
			return err
		}
		view = append(view, row{d.ID, "ana", day(2)})
		moved, err := tx.Deals().Get(ctx, deals[0].id)
		if err != nil {
			return err
		}
		next, ev, err := moved.SetCloseDate(day(5), cmd)
		if err != nil {
			return err
		}
		if err := tx.Deals().Save(ctx, next, moved.Version, ev); err != nil {
			return err
		}
		view[0].close = day(5)
		gone, err := tx.Deals().Get(ctx, deals[1].id)
		if err != nil {
			return err
		}
		next, ev, err = gone.Archive(cmd)
		if err != nil {
			return err
		}
		if err := tx.Deals().Save(ctx, next, gone.Version, ev); err != nil {
			return err
		}
		view = slices.Delete(view, 1, 2)
		for _, size := range []int{1, 3, 50} {
			got := walk(t, n+2, size, dealID, func(p storage.Page) ([]deal.Deal, storage.Cursor, error) { return tx.Deals().List(ctx, week, p) })
			assert.Equal(t, expect(view, week.CloseFrom, week.CloseTo, ""), got, "in Update, pages of %d", size)
		}
		return errBoom
	})
	require.ErrorIs(t, err, errBoom)
	got := walk(t, n+1, 4, dealID, func(p storage.Page) ([]deal.Deal, storage.Cursor, error) { return s.Deals().List(ctx, week, p) })
	assert.Equal(t, expect(deals, week.CloseFrom, week.CloseTo, ""), got, "after the rolled-back Update")

	// Cursors of the other order, and date cursors no List made.
	_, idCursor, err := s.Deals().List(ctx, storage.DealFilter{}, storage.Page{Size: 1})
	require.NoError(t, err)
	require.NotEmpty(t, idCursor)
	_, dateCursor, err := s.Deals().List(ctx, week, storage.Page{Size: 1})
	require.NoError(t, err)
	require.NotEmpty(t, dateCursor)
	assert.NotEqual(t, idCursor, dateCursor)
	eventsBefore := len(allEvents(t, ctx, s))
	all := walk(t, n+2, 50, dealID, func(p storage.Page) ([]deal.Deal, storage.Cursor, error) {
		return s.Deals().List(ctx, storage.DealFilter{}, p)
	})
	bad := []struct {
		name string
		err  func() error
	}{
		{"ID cursor, close range", func() error {
			_, _, err := s.Deals().List(ctx, week, storage.Page{After: idCursor})
			return err
		}},
		{"ID cursor, renewal range", func() error {
			_, _, err := s.Contracts().List(ctx, storage.ContractFilter{RenewalFrom: day(9)}, storage.Page{After: idCursor})
			return err
		}},
		{"date cursor, no range", func() error {
			_, _, err := s.Deals().List(ctx, storage.DealFilter{Owner: "ana"}, storage.Page{After: dateCursor})
			return err
		}},
		{"date cursor, leads", func() error {
			_, _, err := s.Leads().List(ctx, storage.LeadFilter{}, storage.Page{After: dateCursor})
			return err
		}},
		{"date cursor, contracts without a range", func() error {
			_, _, err := s.Contracts().List(ctx, storage.ContractFilter{}, storage.Page{After: dateCursor})
			return err
		}},
		{"date cursor beyond MaxTime", func() error {
			_, _, err := s.Deals().List(ctx, week, storage.Page{After: storage.EncodeCursorAt(storage.MaxTime.Add(time.Second), deals[0].id)})
			return err
		}},
		{"date cursor of the nil ID", func() error {
			_, _, err := s.Deals().List(ctx, week, storage.Page{After: storage.EncodeCursorAt(day(2), uuid.Nil)})
			return err
		}},
		{"date cursor cut short", func() error {
			_, _, err := s.Deals().List(ctx, week, storage.Page{After: dateCursor[:len(dateCursor)-1]})
			return err
		}},
		{"date cursor in Update", func() error {
			return s.Update(ctx, func(tx storage.Tx) error {
				_, _, err := tx.Deals().List(ctx, storage.DealFilter{}, storage.Page{After: dateCursor})
				return err
			})
		}},
		{"ID cursor in Update", func() error {
			return s.Update(ctx, func(tx storage.Tx) error {
				_, _, err := tx.Deals().List(ctx, week, storage.Page{After: idCursor})
				return err
			})
		}},
	}
	for _, b := range bad {
		assert.ErrorIs(t, b.err(), crmkit.ErrInvalid, b.name)
	}
	assert.Equal(t, all, walk(t, n+2, 50, dealID, func(p storage.Page) ([]deal.Deal, storage.Cursor, error) {
		return s.Deals().List(ctx, storage.DealFilter{}, p)
	}), "the deals are as they were")
	assert.Len(t, allEvents(t, ctx, s), eventsBefore, "nothing logged")
	// The cursors still work where they belong.
	_, _, err = s.Deals().List(ctx, week, storage.Page{After: dateCursor})
	assert.NoError(t, err)
	_, _, err = s.Deals().List(ctx, storage.DealFilter{}, storage.Page{After: idCursor})
	assert.NoError(t, err)
}
