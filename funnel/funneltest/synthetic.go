package funneltest

import (
	"encoding/binary"
	"iter"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
)

// SyntheticDeals returns n opportunities as values for benchmarks and
// load tests, the same for the same arguments (a PCG seeded with 1 and n).
// Each deal starts within a year of start, walks forward from the first
// stage to a random furthest stage (one in ten skips a stage), and is then
// open (a third), won, lost or terminated; amounts are 10.00 to 10,010.00
// EUR; owners rotate over five keys. IDs are 1..n in the last 8 bytes, so
// the deals are in report order.
//
// The deals are in the stages of p; a nil p stands for one stage.
func SyntheticDeals(p *deal.Pipeline, start time.Time, n int) []funnel.Opportunity {
	stages := stageCount(p)
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	eur := crmkit.MustCurrency("EUR")
	owners := []string{"ann", "bob", "cid", "dan", "eve"}
	deals := make([]funnel.Opportunity, n)
	for i := range deals {
		var id uuid.UUID
		binary.BigEndian.PutUint64(id[8:], uint64(i+1))
		f := rng.IntN(stages)
		reached := uint64(1)<<uint(f+1) - 1
		if f >= 2 && rng.IntN(10) == 0 {
			reached &^= 1 << uint(1+rng.IntN(f-1))
		}
		origin := start.Add(time.Duration(rng.IntN(365*24)) * time.Hour)
		entered := origin.Add(time.Duration(rng.IntN(60*24)) * time.Hour)
		amount, _ := crmkit.NewMoney(int64(1000+rng.IntN(1_000_000)), eur)
		d := funnel.Opportunity{Entity: id, Origin: origin, Entered: entered, Amount: amount,
			Reached: reached, Stage: f, Dims: funnel.Dims{Owner: owners[i%len(owners)]}}
		switch r := rng.IntN(6); {
		case r < 2:
			d.Status = funnel.Open
		case r < 4:
			d.Status, d.Closed = funnel.ClosedWon, entered.Add(time.Duration(rng.IntN(30*24))*time.Hour)
		case r < 5:
			d.Status, d.Closed = funnel.ClosedLost, entered.Add(time.Duration(rng.IntN(30*24))*time.Hour)
		default:
			d.Status, d.Closed = funnel.Dead, entered
		}
		deals[i] = d
	}
	return deals
}

// SyntheticEvents yields about n records (the last deal is finished, so
// a few more) of deals walking forward through the stages, generated on
// the fly from a PCG seeded with 7 and n, so ten million records take no
// memory. They come in report order: a Created record, one StageEntered
// per stage up to a random furthest one, then (for two deals in three) a
// Won, Lost or Terminated record.
//
// The deals walk through the stages of p; a nil p stands for one stage.
func SyntheticEvents(p *deal.Pipeline, start time.Time, n int) iter.Seq[funnel.Record] {
	stages := stageCount(p)
	return func(yield func(funnel.Record) bool) {
		rng := rand.New(rand.NewPCG(7, uint64(n)))
		eur := crmkit.MustCurrency("EUR")
		owners := []string{"ann", "bob", "cid", "dan", "eve"}
		emitted := 0
		for i := 0; emitted < n; i++ {
			var id uuid.UUID
			binary.BigEndian.PutUint64(id[8:], uint64(i+1))
			at := start.Add(time.Duration(rng.IntN(365*24)) * time.Hour)
			amount, _ := crmkit.NewMoney(int64(1000+rng.IntN(1_000_000)), eur)
			r := funnel.Record{Entity: id, Kind: funnel.Created, At: at, Amount: amount, Dims: funnel.Dims{Owner: owners[i%len(owners)]}}
			if !yield(r) {
				return
			}
			emitted++
			f := rng.IntN(stages)
			for s := 0; s <= f; s++ {
				at = at.Add(time.Duration(1+rng.IntN(20*24)) * time.Hour)
				if !yield(funnel.Record{Entity: id, Kind: funnel.StageEntered, At: at, Stage: s}) {
					return
				}
				emitted++
			}
			at = at.Add(time.Duration(1+rng.IntN(20*24)) * time.Hour)
			var k funnel.Kind
			switch rng.IntN(6) {
			case 0, 1:
				continue // still open
			case 2, 3:
				k = funnel.Won
			case 4:
				k = funnel.Lost
			default:
				k = funnel.Terminated
			}
			if !yield(funnel.Record{Entity: id, Kind: k, At: at}) {
				return
			}
			emitted++
		}
	}
}

// stageCount is the number of stages of p, 1 for a nil pipeline.
func stageCount(p *deal.Pipeline) int {
	if p == nil {
		return 1
	}
	return max(1, p.Len())
}
