package livecache

import (
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestCache(t *testing.T) {
	var c Cache[int64]
	assert.Nil(t, c.Get("acme"))
	s := New[int64]().Done(7)
	c.Put("acme", s)
	assert.Same(t, s, c.Get("acme"))
	assert.Nil(t, c.Get("globex"), "per tenant")
	c.Reset()
	assert.Nil(t, c.Get("acme"))
	var none *Snapshot[int64]
	assert.Equal(t, 0, none.Summary().Len())
	assert.Equal(t, 0, none.Delta().Done(1).Summary().Len())
}

// group is the summary row of live_deals row k holding n entities with
// amount minor (in EUR, or none when k has no currency).
func group(t require.TestingT, k Key, n, minor int64) funnel.LiveGroup {
	st := funnel.Open
	if k.Status == "won" {
		st = funnel.ClosedWon
	}
	month, err := time.Parse("2006-01", k.Month)
	require.NoError(t, err)
	g := funnel.LiveGroup{Key: funnel.LiveKey{Reached: 1<<uint(k.Stage+1) - 1, Stage: k.Stage, Status: st, Owner: k.Owner, Month: month}, Count: n}
	if k.Currency != "" {
		g.Key.Currency = crmkit.MustCurrency(k.Currency)
		g.Amount, err = crmkit.NewMoney(minor, g.Key.Currency)
		require.NoError(t, err)
	}
	return g
}

// TestDelta: a snapshot kept by applying, read after read, the rows
// changed since the last one (Delta) equals the snapshot of a read of
// every row (New) at the same point, and earlier snapshots keep their
// summaries.
func TestDelta(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var keys []Key
		for i := range rapid.IntRange(1, 8).Draw(t, "keys") {
			keys = append(keys, Key{Stage: i % 3, Status: rapid.SampledFrom([]string{"open", "won"}).Draw(t, "status"),
				Owner: rapid.SampledFrom([]string{"ann", "bob"}).Draw(t, "owner"), Month: fmt.Sprintf("2025-%02d", 1+i%2),
				Currency: rapid.SampledFrom([]string{"", "EUR"}).Draw(t, "currency")})
		}
		table := map[Key][2]int64{} // the live_deals rows: entities, amount
		var snap *Snapshot[int]
		var old []*Snapshot[int]
		var oldRows [][]funnel.LiveGroup
		for read := range rapid.IntRange(1, 8).Draw(t, "reads") {
			changed := map[Key]bool{}
			for range rapid.IntRange(0, 5).Draw(t, "writes") {
				k := keys[rapid.IntRange(0, len(keys)-1).Draw(t, "key")]
				n := rapid.Int64Range(0, 4).Draw(t, "entities")
				var a int64
				if k.Currency != "" {
					a = rapid.Int64Range(0, n*100).Draw(t, "amount")
				}
				table[k], changed[k] = [2]int64{n, a}, true
			}
			b := snap.Delta()
			for k := range changed {
				require.NoError(t, b.Set(k, group(t, k, table[k][0], table[k][1])))
			}
			if snap != nil {
				old, oldRows = append(old, snap), append(oldRows, snap.Summary().Rows())
			}
			snap = b.Done(read)
			full := New[int]()
			for k, v := range table {
				require.NoError(t, full.Set(k, group(t, k, v[0], v[1])))
			}
			want := full.Done(read)
			assert.Equal(t, want.Summary().Rows(), snap.Summary().Rows(), "read %d", read)
			assert.Equal(t, want.rows, snap.rows, "read %d", read)
		}
		for i, s := range old {
			assert.Equal(t, oldRows[i], s.Summary().Rows(), "snapshot %d changed", i)
		}
	})
}

// BenchmarkDelta is the client's share of a read after a write: a
// snapshot of about 1,700 groups (the live benchmarks' count) with two
// groups replaced (one Save moving a deal between stages), beside New of
// every group (a read without a delta).
func BenchmarkDelta(b *testing.B) {
	var keys []Key
	for owner := range 8 {
		for month := range 25 {
			for stage := range 9 {
				keys = append(keys, Key{Stage: stage % 4, Status: []string{"open", "won"}[stage/4%2], Owner: fmt.Sprintf("rep-%d", owner),
					Month: fmt.Sprintf("%d-%02d", 2025+month/12, 1+month%12), Currency: "EUR"})
			}
		}
	}
	keys = keys[:1700]
	full := New[int]()
	for _, k := range keys {
		require.NoError(b, full.Set(k, group(b, k, 5, 500)))
	}
	snap := full.Done(0)
	b.Run("Delta", func(b *testing.B) {
		b.ReportAllocs()
		n := int64(5)
		for b.Loop() {
			n = 11 - n // 5, 6, 5, ...
			d := snap.Delta()
			for _, k := range keys[:2] {
				if err := d.Set(k, group(b, k, n, 100*n)); err != nil {
					b.Fatal(err)
				}
			}
			snap = d.Done(0)
			_ = snap.Summary()
		}
	})
	b.Run("New", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d := New[int]()
			for _, k := range keys {
				if err := d.Set(k, group(b, k, 5, 500)); err != nil {
					b.Fatal(err)
				}
			}
			_ = d.Done(0).Summary()
		}
	})
}
