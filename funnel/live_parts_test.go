package funnel_test

import (
	"fmt"
	"maps"
	"math"
	"sync"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// liveModel is what a LiveSummary should hold, kept with plain int64
// arithmetic beside it: count and minor units (EUR) of each group.
type liveModel map[funnel.LiveKey][2]int64

// rows returns m's groups as a LiveSummary reports them, by key.
func (m liveModel) rows(t *rapid.T) map[funnel.LiveKey]funnel.LiveGroup {
	out := make(map[funnel.LiveKey]funnel.LiveGroup, len(m))
	for k, v := range m {
		amt, err := crmkit.NewMoney(v[1], eur)
		require.NoError(t, err)
		out[k] = funnel.LiveGroup{Key: k, Count: v[0], Amount: amt}
	}
	return out
}

// add adds count and amount to group k when the sums fit in int64 (else
// it reports false and changes nothing), dropping a group left empty.
func (m liveModel) add(k funnel.LiveKey, count, amount int64) bool {
	old := m[k]
	c, a := old[0]+count, old[1]+amount
	if count > 0 && c < old[0] || amount > 0 && a < old[1] {
		return false
	}
	if c == 0 {
		delete(m, k)
	} else {
		m[k] = [2]int64{c, a}
	}
	return true
}

// rowsByKey returns live's rows by key, checking they come sorted.
func rowsByKey(t *rapid.T, live *funnel.LiveSummary) map[funnel.LiveKey]funnel.LiveGroup {
	rows := live.Rows()
	out := make(map[funnel.LiveKey]funnel.LiveGroup, len(rows))
	for i, r := range rows {
		if i > 0 {
			require.NotEqual(t, rows[i-1].Key, r.Key, "a key twice")
		}
		out[r.Key] = r
	}
	require.Equal(t, len(rows), live.Len())
	return out
}

// TestLiveSummaryPartsCopyOnWrite: summaries cloned at random points,
// each then changed on its own (Apply, Add, Sub, refused or not, with
// sums beyond int64 in groups and in margins), each hold exactly what a
// plain map kept beside it holds: a change to one never shows in
// another, whichever of the original and its clones changes. Frozen
// clones are read by other goroutines meanwhile (run with -race), and
// each report equals the one of a summary built afresh from its model.
func TestLiveSummaryPartsCopyOnWrite(t *testing.T) {
	big := int64(math.MaxInt64/2 + 1)
	rapid.Check(t, func(t *rapid.T) {
		// A pool of states over enough owners and months to fall in many
		// parts.
		var pool []funnel.Opportunity
		for i := range rapid.IntRange(1, 40).Draw(t, "states") {
			o := funnel.Opportunity{Entity: uuid.UUID{15: byte(i)}, Stage: -1, Reached: rapid.Uint64Range(0, 15).Draw(t, "reached")}
			for s := range 4 {
				if o.Reached&(1<<uint(s)) != 0 {
					o.Stage = s
				}
			}
			o.Status = funnel.Status(rapid.IntRange(0, 4).Draw(t, "status"))
			o.Dims.Owner = fmt.Sprint("rep-", rapid.IntRange(0, 9).Draw(t, "owner"))
			o.Dims.Source = rapid.SampledFrom([]string{"", "web", "event"}).Draw(t, "source")
			o.Origin = ymd(2025, 1, 3).AddDate(0, rapid.IntRange(0, 11).Draw(t, "origin month"), 0)
			amt := rapid.Int64Range(0, 1000).Draw(t, "amount")
			if rapid.IntRange(0, 9).Draw(t, "big") == 0 {
				amt = big
			}
			o.Amount, _ = crmkit.NewMoney(amt, eur)
			pool = append(pool, o)
		}
		state := func(label string) *funnel.Opportunity {
			i := rapid.IntRange(-1, len(pool)-1).Draw(t, label)
			if i < 0 {
				return nil
			}
			return &pool[i]
		}
		lives := []*funnel.LiveSummary{new(funnel.LiveSummary)}
		models := []liveModel{{}}
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			errs []string
		)
		queries := [][]funnel.Dimension{nil, {funnel.ByOwner}, {funnel.ByPeriod}, {funnel.ByOwner, funnel.BySource}}
		for range rapid.IntRange(0, 60).Draw(t, "steps") {
			i := rapid.IntRange(0, len(lives)-1).Draw(t, "summary")
			live, m := lives[i], models[i]
			switch rapid.IntRange(0, 4).Draw(t, "action") {
			case 0: // Clone, read from another goroutine while all change
				c := live.Clone()
				lives, models = append(lives, c), append(models, maps.Clone(m))
				frozen := c.Clone()
				want := frozen.Rows()
				wantReps := make([]funnel.Report, len(queries))
				wantErrs := make([]error, len(queries))
				for q, by := range queries {
					wantReps[q], wantErrs[q] = frozen.Report(testStages(), funnel.Query{AsOf: ymd(2026, 1, 1), By: by, Quantiles: crmkit.QuantilesNone})
				}
				wg.Go(func() {
					for range 3 {
						got := frozen.Rows()
						bad := !assert.ObjectsAreEqual(want, got)
						for q, by := range queries {
							rep, err := frozen.Report(testStages(), funnel.Query{AsOf: ymd(2026, 1, 1), By: by, Quantiles: crmkit.QuantilesNone})
							bad = bad || (err == nil) != (wantErrs[q] == nil) || err == nil && !assert.ObjectsAreEqual(wantReps[q], rep)
						}
						if bad {
							mu.Lock()
							errs = append(errs, fmt.Sprintf("a frozen clone of %d changed", i))
							mu.Unlock()
							return
						}
					}
				})
			case 1, 2: // Apply
				before, after := state("before"), state("after")
				var ok bool
				var bk, ak funnel.LiveKey
				if before != nil {
					bk = funnel.LiveKeyOf(before)
					v, held := m[bk]
					ok = held && v[0] >= 1 && v[1] >= before.Amount.Minor()
				} else {
					ok = true
				}
				over := false
				if ok && after != nil {
					ak = funnel.LiveKeyOf(after)
					_, held := m[ak]
					over = held && m[ak][1]+after.Amount.Minor() < m[ak][1]
				}
				err := live.Apply(before, after)
				switch {
				case !ok:
					require.ErrorIs(t, err, crmkit.ErrInvalid)
				case over:
					require.ErrorIs(t, err, crmkit.ErrOverflow)
				default:
					require.NoError(t, err)
					if before != nil {
						require.True(t, m.add(bk, -1, -before.Amount.Minor()))
					}
					if after != nil {
						require.True(t, m.add(ak, 1, after.Amount.Minor()))
					}
				}
			case 3: // Add
				s := state("add")
				if s == nil {
					continue
				}
				k, n := funnel.LiveKeyOf(s), rapid.Int64Range(1, 3).Draw(t, "count")
				err := live.Add(funnel.LiveGroup{Key: k, Count: n, Amount: s.Amount})
				if m.add(k, n, s.Amount.Minor()) {
					require.NoError(t, err)
				} else {
					require.ErrorIs(t, err, crmkit.ErrOverflow)
				}
			case 4: // Sub of what the group holds, or of more
				s := state("sub")
				if s == nil {
					continue
				}
				k := funnel.LiveKeyOf(s)
				v := m[k]
				n, amt := v[0], v[1]
				if n == 0 || rapid.Bool().Draw(t, "more") {
					n, amt = n+1, amt+1
				}
				g := funnel.LiveGroup{Key: k, Count: n}
				g.Amount, _ = crmkit.NewMoney(amt, eur)
				err := live.Sub(g)
				if n == v[0] && amt == v[1] {
					require.NoError(t, err)
					require.True(t, m.add(k, -n, -amt))
				} else {
					require.ErrorIs(t, err, crmkit.ErrInvalid)
				}
			}
			// Every summary holds its model: the one changed, and all the
			// others it may share parts with.
			for j := range lives {
				require.Equal(t, models[j].rows(t), rowsByKey(t, lives[j]), "summary %d of %d after a change to %d", j, len(lives), i)
			}
		}
		// Reports: the margins kept across copies equal a summary's built
		// afresh.
		for j, live := range lives {
			var fresh funnel.LiveSummary
			for _, g := range models[j].rows(t) {
				require.NoError(t, fresh.Add(g))
			}
			for _, by := range queries {
				q := funnel.Query{AsOf: ymd(2026, 1, 1), By: by, Quantiles: crmkit.QuantilesNone}
				w, werr := fresh.Report(testStages(), q)
				g, gerr := live.Report(testStages(), q)
				if werr != nil {
					require.ErrorIs(t, gerr, crmkit.ErrOverflow, "summary %d by %v: fresh %v", j, by, werr)
					require.ErrorIs(t, werr, crmkit.ErrOverflow)
					continue
				}
				require.NoError(t, gerr, "summary %d by %v", j, by)
				require.Equal(t, w, g, "summary %d by %v", j, by)
			}
		}
		wg.Wait()
		require.Empty(t, errs)
	})
}
