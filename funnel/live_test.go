package funnel_test

import (
	"context"
	"iter"
	"maps"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// countsOnly drops the durations of a report, which a LiveSummary does
// not keep.
func countsOnly(r funnel.Report) funnel.Report {
	strip := func(s *funnel.Summary) {
		s.Cycle, s.LossCycle = crmkit.Durations{}, crmkit.Durations{}
		for i := range s.Stages {
			s.Stages[i].Stay, s.Stages[i].OpenStay = crmkit.Durations{}, crmkit.Durations{}
		}
	}
	strip(&r.Total)
	r.Groups = slices.Clone(r.Groups)
	for i := range r.Groups {
		strip(&r.Groups[i].Summary)
	}
	return r
}

// drawState draws one state of entity e: any stage set, status, owner,
// source, origin month and amount in EUR, entered before 2025-06-01.
func drawState(t *rapid.T, e uuid.UUID) funnel.Opportunity {
	o := funnel.Opportunity{Entity: e, Stage: -1, Reached: rapid.Uint64Range(0, 15).Draw(t, "reached")}
	if o.Reached != 0 {
		var in []int
		for i := range 4 {
			if o.Reached&(1<<uint(i)) != 0 {
				in = append(in, i)
			}
		}
		o.Stage = rapid.SampledFrom(in).Draw(t, "stage")
	}
	o.Status = funnel.Status(rapid.IntRange(0, 4).Draw(t, "status"))
	o.Dims.Owner = rapid.SampledFrom([]string{"", "ann", "bob"}).Draw(t, "owner")
	o.Dims.Source = rapid.SampledFrom([]string{"", "web", "event"}).Draw(t, "source")
	o.Origin = ymd(2025, 1, 1+rapid.IntRange(0, 120).Draw(t, "origin day"))
	o.Entered = o.Origin
	if o.Status.Closed() {
		o.Closed = o.Origin.Add(day)
	}
	if rapid.Bool().Draw(t, "has amount") {
		o.Amount = crmkit.MustMoney("0", "EUR")
		o.Amount, _ = crmkit.NewMoney(rapid.Int64Range(0, 1_000_000).Draw(t, "amount"), eur)
	}
	return o
}

// TestLiveSummaryRecompute: after any sequence of creations, changes
// (forward, backward, reopen, terminate: any state to any state) and
// removals, the live summary's report equals Summarize over the current
// states, for every split the live summary allows.
func TestLiveSummaryRecompute(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var live funnel.LiveSummary
		type snapshot struct {
			live *funnel.LiveSummary
			rows []funnel.LiveGroup
		}
		var snaps []snapshot
		current := map[uuid.UUID]funnel.Opportunity{}
		steps := rapid.IntRange(0, 60).Draw(t, "steps")
		for range steps {
			e := uuid.UUID{15: byte(rapid.IntRange(1, 8).Draw(t, "entity"))}
			var before, after *funnel.Opportunity
			if o, ok := current[e]; ok {
				before = &o
			}
			if before == nil || rapid.IntRange(0, 9).Draw(t, "remove") > 0 {
				o := drawState(t, e)
				after = &o
			}
			if err := live.Apply(before, after); err != nil {
				t.Fatal(err)
			}
			if rapid.IntRange(0, 4).Draw(t, "clone") == 0 {
				// A clone taken now must keep this state, whatever
				// the original does next (they share it until then).
				snap := live.Clone()
				snaps = append(snaps, snapshot{snap, snap.Rows()})
			}
			if after == nil {
				delete(current, e)
			} else {
				current[e] = *after
			}
		}
		asOf := ymd(2025, 6, 1)
		// Splits by at most one dimension without a match read the
		// margins; the others read the groups.
		for _, by := range [][]funnel.Dimension{nil, {funnel.ByOwner}, {funnel.BySource}, {funnel.ByPeriod},
			{funnel.BySource, funnel.ByPeriod}, {funnel.ByOwner, funnel.BySource, funnel.ByPeriod}} {
			for _, match := range []funnel.Dims{{}, {Owner: "ann"}, {Source: "web"}} {
				q := funnel.Query{AsOf: asOf, By: by, Match: match, Quantiles: crmkit.QuantilesNone}
				want, err := funnel.Summarize(testStages(), maps.Values(current), q)
				if err != nil {
					t.Fatal(err)
				}
				got, err := live.Report(testStages(), q)
				if err != nil {
					t.Fatal(err)
				}
				assert.Equal(t, countsOnly(want), countsOnly(got), "by %v match %+v", by, match)
			}
		}
		for i, sn := range snaps {
			assert.Equal(t, sn.rows, sn.live.Rows(), "clone %d changed after it was taken", i)
		}
		n := int64(0)
		for _, r := range live.Rows() {
			n += r.Count
		}
		if n != int64(len(current)) {
			t.Fatalf("rows count %d entities, %d are current", n, len(current))
		}
	})
}

func TestLiveSummaryHand(t *testing.T) {
	var live funnel.LiveSummary
	a := funnel.Opportunity{Entity: id(1), Stage: 0, Reached: 1, Amount: money(t, 1000), Origin: ymd(2025, 1, 5), Entered: ymd(2025, 1, 5), Dims: funnel.Dims{Owner: "ann"}}
	b := funnel.Opportunity{Entity: id(2), Stage: 0, Reached: 1, Amount: money(t, 500), Origin: ymd(2025, 2, 5), Entered: ymd(2025, 2, 5), Dims: funnel.Dims{Owner: "bob"}}
	require.NoError(t, live.Apply(nil, &a))
	require.NoError(t, live.Apply(nil, &b))
	a2 := a
	a2.Stage, a2.Reached, a2.Status, a2.Closed = 1, 3, funnel.ClosedWon, ymd(2025, 3, 1)
	require.NoError(t, live.Apply(&a, &a2))
	// Moving a state the summary does not hold is refused and changes nothing.
	assert.ErrorIs(t, live.Apply(&a, &a2), crmkit.ErrInvalid)
	neg := b
	neg.Amount = money(t, -1)
	assert.ErrorIs(t, live.Apply(&b, &neg), crmkit.ErrInvalid)
	require.Equal(t, 2, live.Len())

	rep, err := live.Report(testStages(), funnel.Query{AsOf: ymd(2025, 3, 2), By: []funnel.Dimension{funnel.ByPeriod}})
	require.NoError(t, err)
	// Hand-computed: ann won 10.00 after lead and qualified; bob open in lead with 5.00.
	s := rep.Total
	assert.Equal(t, int64(2), s.Entities)
	assert.Equal(t, int64(1), s.Won)
	assert.Equal(t, int64(1), s.Open)
	assert.Equal(t, money(t, 1000), s.WonAmount)
	assert.Equal(t, money(t, 500), s.OpenAmount)
	assert.Equal(t, int64(2), s.Stages[0].Reached)
	assert.Equal(t, money(t, 1500), s.Stages[0].ReachedAmount)
	assert.Equal(t, int64(1), s.Stages[0].Advanced)
	assert.Equal(t, int64(1), s.Stages[1].Won)
	require.Len(t, rep.Groups, 2)
	assert.Equal(t, ymd(2025, 1, 1), rep.Groups[0].Key.Period)
	assert.Equal(t, int64(1), rep.Groups[0].Summary.Won)
	assert.Equal(t, ymd(2025, 2, 1), rep.Groups[1].Key.Period)

	for name, q := range map[string]funnel.Query{
		"by campaign": {AsOf: ymd(2025, 3, 2), By: []funnel.Dimension{funnel.ByCampaign}},
		"from":        {AsOf: ymd(2025, 3, 2), From: ymd(2025, 1, 1)},
		"match type":  {AsOf: ymd(2025, 3, 2), Match: funnel.Dims{Type: "renewal"}},
		"reporting":   {AsOf: ymd(2025, 3, 2), Reporting: funnel.Reporting{Currency: usd, Rates: &crmkit.RateTable{}, Rounding: crmkit.RoundHalfEven}},
	} {
		_, err := live.Report(testStages(), q)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, name)
	}
	var nilLive *funnel.LiveSummary
	assert.ErrorIs(t, nilLive.Apply(nil, &a), crmkit.ErrInvalid)
	assert.ErrorIs(t, nilLive.Add(funnel.LiveGroup{}), crmkit.ErrInvalid)
}

func TestLiveSummaryClone(t *testing.T) {
	var live funnel.LiveSummary
	a := funnel.Opportunity{Entity: id(1), Stage: 0, Reached: 1, Amount: money(t, 1000), Origin: ymd(2025, 1, 5)}
	require.NoError(t, live.Apply(nil, &a))
	c := live.Clone()
	require.NoError(t, c.Apply(&a, nil))
	assert.Equal(t, 0, c.Len())
	assert.Equal(t, []funnel.LiveGroup{{Key: funnel.LiveKeyOf(&a), Count: 1, Amount: money(t, 1000)}}, live.Rows(), "the original is unchanged")
	var nilLive *funnel.LiveSummary
	assert.Equal(t, 0, nilLive.Clone().Len())
}

// sliceSource is a funnel.Source over a slice, failing after fail
// opportunities when fail >= 0.
type sliceSource struct {
	opps []funnel.Opportunity
	fail int
}

func (s sliceSource) Opportunities(context.Context) iter.Seq2[funnel.Opportunity, error] {
	return func(yield func(funnel.Opportunity, error) bool) {
		for i, o := range s.opps {
			if i == s.fail {
				yield(funnel.Opportunity{}, crmkit.ErrUnavailable)
				return
			}
			if !yield(o, nil) {
				return
			}
		}
	}
}

func TestValues(t *testing.T) {
	opps := mixedDeals()
	var err error
	got := slices.Collect(funnel.Values(context.Background(), sliceSource{opps: opps, fail: -1}, &err))
	require.NoError(t, err)
	assert.Equal(t, opps, got)
	got = slices.Collect(funnel.Values(context.Background(), sliceSource{opps: opps, fail: 2}, &err))
	assert.ErrorIs(t, err, crmkit.ErrUnavailable)
	assert.Len(t, got, 2)
	err = nil
	assert.Empty(t, slices.Collect(funnel.Values(context.Background(), nil, &err)))
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// TestLiveSummaryMarginOverflow: sums that fit each group but not their
// total are ErrOverflow in every report, as a recompute would find.
func TestLiveSummaryMarginOverflow(t *testing.T) {
	var live funnel.LiveSummary
	big, err := crmkit.NewMoney(math.MaxInt64/2+1, eur)
	require.NoError(t, err)
	a := funnel.Opportunity{Entity: id(1), Stage: 0, Reached: 1, Amount: big, Dims: funnel.Dims{Owner: "ann"}, Origin: ymd(2025, 1, 5)}
	b := a
	b.Entity, b.Dims.Owner = id(2), "bob"
	require.NoError(t, live.Apply(nil, &a))
	require.NoError(t, live.Apply(nil, &b))
	for _, by := range [][]funnel.Dimension{nil, {funnel.ByOwner}, {funnel.ByPeriod}} {
		_, err := live.Report(testStages(), funnel.Query{AsOf: ymd(2025, 3, 1), By: by})
		assert.ErrorIs(t, err, crmkit.ErrOverflow, "by %v", by)
	}
	// Once one entity leaves, the other's report is right again.
	require.NoError(t, live.Apply(&b, nil))
	rep, err := live.Report(testStages(), funnel.Query{AsOf: ymd(2025, 3, 1), By: []funnel.Dimension{funnel.ByOwner}})
	require.NoError(t, err)
	assert.Equal(t, big, rep.Total.OpenAmount)
	require.Len(t, rep.Groups, 1)
	assert.Equal(t, "ann", rep.Groups[0].Key.Owner)
}

// TestLiveSummaryCloneConcurrent: clones are read by other goroutines
// while the original changes (run with -race).
func TestLiveSummaryCloneConcurrent(t *testing.T) {
	var live funnel.LiveSummary
	var wg sync.WaitGroup
	for i := range 50 {
		o := funnel.Opportunity{Entity: id(byte(i)), Stage: 0, Reached: 1, Amount: money(t, 100), Origin: ymd(2025, 1, 5)}
		require.NoError(t, live.Apply(nil, &o))
		c := live.Clone()
		wg.Add(1)
		go func(want int64) {
			defer wg.Done()
			rep, err := c.Report(testStages(), funnel.Query{AsOf: ymd(2025, 3, 1), By: []funnel.Dimension{funnel.ByOwner}})
			assert.NoError(t, err)
			assert.Equal(t, want, rep.Total.Entities)
		}(int64(i + 1))
	}
	wg.Wait()
}

func TestLiveSummaryAddEmpty(t *testing.T) {
	var live funnel.LiveSummary
	k := funnel.LiveKey{Stage: 0, Reached: 1, Currency: eur}
	require.NoError(t, live.Add(funnel.LiveGroup{Key: k}))
	assert.Equal(t, 0, live.Len(), "a row of no entity adds no group")
	assert.ErrorIs(t, live.Add(funnel.LiveGroup{Key: k, Amount: money(t, 100)}), crmkit.ErrInvalid)
	assert.Equal(t, 0, live.Len())
}

// TestLiveSummarySubAdd: a summary kept by replacing groups' values (Sub
// of the value read before, Add of the value read now, as a store's
// cache applies the groups changed since its last read) equals the
// summary built by Adding the last values alone, groups and reports
// alike, and clones taken on the way keep their state.
func TestLiveSummarySubAdd(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var keys []funnel.LiveKey
		for i := range rapid.IntRange(1, 6).Draw(t, "keys") {
			o := drawState(t, uuid.UUID{15: byte(i)})
			keys = append(keys, funnel.LiveKeyOf(&o))
		}
		var live funnel.LiveSummary
		read := map[funnel.LiveKey]funnel.LiveGroup{} // the last value of each group
		var clones []*funnel.LiveSummary
		var cloneRows [][]funnel.LiveGroup
		for range rapid.IntRange(0, 40).Draw(t, "steps") {
			k := keys[rapid.IntRange(0, len(keys)-1).Draw(t, "key")]
			g := funnel.LiveGroup{Key: k, Count: rapid.Int64Range(0, 5).Draw(t, "count")}
			if !k.Currency.IsZero() && g.Count > 0 {
				g.Amount, _ = crmkit.NewMoney(rapid.Int64Range(0, g.Count*1000).Draw(t, "amount"), k.Currency)
			}
			if old, ok := read[k]; ok {
				require.NoError(t, live.Sub(old))
			}
			require.NoError(t, live.Add(g))
			read[k] = g
			if rapid.IntRange(0, 4).Draw(t, "clone") == 0 {
				c := live.Clone()
				clones, cloneRows = append(clones, c), append(cloneRows, c.Rows())
			}
		}
		var want funnel.LiveSummary
		for _, g := range read {
			require.NoError(t, want.Add(g))
		}
		assert.Equal(t, want.Rows(), live.Rows())
		for _, by := range [][]funnel.Dimension{nil, {funnel.ByOwner}, {funnel.ByPeriod}, {funnel.ByOwner, funnel.BySource}} {
			q := funnel.Query{AsOf: ymd(2025, 6, 1), By: by, Quantiles: crmkit.QuantilesNone}
			w, err := want.Report(testStages(), q)
			require.NoError(t, err)
			g, err := live.Report(testStages(), q)
			require.NoError(t, err)
			assert.Equal(t, w, g, "by %v", by)
		}
		for i, c := range clones {
			assert.Equal(t, cloneRows[i], c.Rows(), "clone %d changed after it was taken", i)
		}
	})
}

// TestLiveSummarySub: Sub takes out what the summary holds and refuses
// the rest, changing nothing then.
func TestLiveSummarySub(t *testing.T) {
	var live funnel.LiveSummary
	k := funnel.LiveKey{Stage: 0, Reached: 1, Currency: eur, Owner: "ann"}
	require.NoError(t, live.Add(funnel.LiveGroup{Key: k, Count: 3, Amount: money(t, 300)}))
	before := live.Rows()
	for name, r := range map[string]funnel.LiveGroup{
		"more entities":       {Key: k, Count: 4, Amount: money(t, 100)},
		"more amount":         {Key: k, Count: 1, Amount: money(t, 301)},
		"all but an amount":   {Key: k, Count: 3, Amount: money(t, 200)},
		"another group":       {Key: funnel.LiveKey{Stage: 0, Reached: 1, Currency: eur, Owner: "bob"}, Count: 1, Amount: money(t, 1)},
		"negative count":      {Key: k, Count: -1},
		"amount of no entity": {Key: k, Amount: money(t, 1)},
		"unknown stage":       {Key: funnel.LiveKey{Stage: -2}, Count: 1},
		"another currency":    {Key: funnel.LiveKey{Stage: 0, Reached: 1, Owner: "ann"}, Count: 1, Amount: money(t, 1)},
	} {
		assert.ErrorIs(t, live.Sub(r), crmkit.ErrInvalid, name)
		assert.Equal(t, before, live.Rows(), name)
	}
	assert.ErrorIs(t, (*funnel.LiveSummary)(nil).Sub(funnel.LiveGroup{}), crmkit.ErrInvalid)
	require.NoError(t, live.Sub(funnel.LiveGroup{Key: k}), "no entity: nothing")
	require.NoError(t, live.Sub(funnel.LiveGroup{Key: k, Count: 1, Amount: money(t, 120)}))
	assert.Equal(t, []funnel.LiveGroup{{Key: k, Count: 2, Amount: money(t, 180)}}, live.Rows())
	require.NoError(t, live.Sub(funnel.LiveGroup{Key: k, Count: 2, Amount: money(t, 180)}))
	assert.Equal(t, 0, live.Len(), "a group left empty is dropped")
}
