// Package reportfold folds the rows of a funnel GROUP BY into the
// funnel.Report that funnel.Summarize computes over the same
// opportunities: the Go half of a push-down (funnel.Aggregator), shared by
// storage/postgres and the comparison benchmarks of internal/sqlbench.
package reportfold

import (
	"fmt"
	"math/big"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
)

// Group is one row of the GROUP BY: the deals with one reached set,
// current stage, status and currency, their count and amount in minor
// units, and the count, negatives, sum (decimal text), minimum and maximum
// in microseconds of their one duration: the age of the current stay for
// open and suspended deals, the time from origin to close for won and lost
// ones.
type Group struct {
	Reached              uint64
	Stage                int
	Status               funnel.Status
	Currency             crmkit.Currency
	Count, Amount        int64
	N, Negative          int64
	SumMicros            string
	MinMicros, MaxMicros int64
}

// Folder accumulates groups into a report. After an error from Add it
// is spent: start again with New.
type Folder struct {
	p                        *deal.Pipeline
	asOf                     time.Time
	cur                      crmkit.Currency
	sum                      funnel.Summary
	openAmt, wonAmt, lostAmt int64
	cycle, lossCycle         durAcc
	st                       []stageFig
}

// New returns a Folder for the stages of p and the report time asOf.
func New(p *deal.Pipeline, asOf time.Time) (*Folder, error) {
	if asOf.IsZero() {
		return nil, crmkit.Invalid("as of", "zero report time")
	}
	if p == nil || p.Len() == 0 {
		return nil, crmkit.Invalid("pipeline", "no pipeline (use deal.NewPipeline)")
	}
	return &Folder{p: p, asOf: asOf, st: make([]stageFig, p.Len())}, nil
}

func add(p *int64, v int64) error {
	r := *p + v
	if (v > 0 && r < *p) || (v < 0 && r > *p) {
		return fmt.Errorf("summarise: sum of amounts: %w", crmkit.ErrOverflow)
	}
	*p = r
	return nil
}

// Add folds one group. Amounts in two currencies are
// crmkit.ErrCurrencyMismatch, sums beyond int64 crmkit.ErrOverflow, stages
// beyond the pipeline and open deals that entered their stage after the
// report time (Negative > 0) crmkit.ErrInvalid, as Summarize refuses them.
func (fo *Folder) Add(gr Group) error {
	n := len(fo.st)
	if !gr.Currency.IsZero() {
		if !fo.cur.IsZero() && gr.Currency != fo.cur {
			return fmt.Errorf("summarise: amounts in %s and %s: %w", fo.cur, gr.Currency, crmkit.ErrCurrencyMismatch)
		}
		fo.cur = gr.Currency
	}
	r, stage, status, count, amount := gr.Reached, gr.Stage, gr.Status, gr.Count, gr.Amount
	dn, dneg := gr.N, gr.Negative
	if stage < -1 || stage >= n || (n < deal.MaxStages && r>>uint(n) != 0) {
		return crmkit.Invalid("stage", "deals in stage %d with stage set %#x, beyond the %d stages", stage, r, n)
	}
	if status <= funnel.Paused && stage >= 0 && dneg > 0 {
		return crmkit.Invalid("entered", "%d deals in stage %d entered it after the report time %s",
			dneg, stage, fo.asOf.Format(time.RFC3339))
	}
	ds, err := micros(gr.SumMicros)
	if err != nil {
		return err
	}
	lo, err := duration(gr.MinMicros)
	if err != nil {
		return err
	}
	hi, err := duration(gr.MaxMicros)
	if err != nil {
		return err
	}
	sum, st := &fo.sum, fo.st
	cycle, lossCycle := &fo.cycle, &fo.lossCycle
	sum.Entities += count
	won := funnel.Status(status) == funnel.ClosedWon
	if r == 0 {
		sum.NoStage += count
	}
	o := funnel.Opportunity{Reached: r}
	f := o.Furthest()
	for i := 0; i <= f; i++ {
		if r&(1<<uint(i)) == 0 {
			continue
		}
		g := &st[i]
		g.reached += count
		if err := add(&g.amount, amount); err != nil {
			return err
		}
		if i < f || won {
			g.advanced += count
		}
		if won {
			g.won += count
			if err := add(&g.wonAmount, amount); err != nil {
				return err
			}
		}
	}
	switch funnel.Status(status) {
	case funnel.Open, funnel.Paused:
		if funnel.Status(status) == funnel.Open {
			sum.Open += count
		} else {
			sum.Suspended += count
		}
		if err := add(&fo.openAmt, amount); err != nil {
			return err
		}
		if stage >= 0 {
			g := &st[stage]
			g.open += count
			if err := add(&g.openAmount, amount); err != nil {
				return err
			}
			g.openStay.add(dn, dneg, ds, lo, hi)
		}
	case funnel.ClosedWon:
		sum.Won += count
		if err := add(&fo.wonAmt, amount); err != nil {
			return err
		}
		cycle.add(dn, dneg, ds, lo, hi)
	case funnel.ClosedLost:
		sum.Lost += count
		if err := add(&fo.lostAmt, amount); err != nil {
			return err
		}
		if stage >= 0 {
			st[stage].dropped += count
		}
		lossCycle.add(dn, dneg, ds, lo, hi)
	case funnel.Dead:
		sum.Terminated += count
		if stage >= 0 {
			st[stage].dropped += count
		}
	default:
		return crmkit.Invalid("status", "unknown status %d", status)
	}
	return nil
}

// Report returns the report of the groups added.
func (fo *Folder) Report() (funnel.Report, error) {
	var err error
	cur, sum, p, st := fo.cur, fo.sum, fo.p, fo.st
	openAmt, wonAmt, lostAmt := fo.openAmt, fo.wonAmt, fo.lostAmt
	cycle, lossCycle := &fo.cycle, &fo.lossCycle
	money := func(v int64) crmkit.Money {
		if cur.IsZero() {
			return crmkit.Money{}
		}
		m, _ := crmkit.NewMoney(v, cur) // cur is not zero
		return m
	}
	sum.Currency = cur
	sum.OpenAmount, sum.WonAmount, sum.LostAmount = money(openAmt), money(wonAmt), money(lostAmt)
	if sum.Cycle, err = cycle.durations(); err != nil {
		return funnel.Report{}, err
	}
	if sum.LossCycle, err = lossCycle.durations(); err != nil {
		return funnel.Report{}, err
	}
	var empty durAcc
	stay, _ := empty.durations() // an empty set is always valid
	sum.Stages = make([]funnel.StageSummary, len(st))
	for i := range st {
		g := &st[i]
		open, err := g.openStay.durations()
		if err != nil {
			return funnel.Report{}, err
		}
		sum.Stages[i] = funnel.StageSummary{Name: p.StageName(i),
			Reached: g.reached, ReachedAmount: money(g.amount), Advanced: g.advanced,
			Won: g.won, WonAmount: money(g.wonAmount), DroppedOff: g.dropped,
			Open: g.open, OpenAmount: money(g.openAmount), Stay: stay, OpenStay: open}
	}
	return funnel.Report{AsOf: fo.asOf, Total: sum}, nil
}

// durAcc accumulates count, negatives, exact sum (nanoseconds), minimum
// and maximum of a set of durations given by groups.
type durAcc struct {
	n, neg   int64
	sum      big.Int
	min, max time.Duration
}

func (a *durAcc) add(n, neg int64, sum *big.Int, lo, hi time.Duration) {
	if n == 0 {
		return
	}
	if a.n == 0 || lo < a.min {
		a.min = lo
	}
	if a.n == 0 || hi > a.max {
		a.max = hi
	}
	a.n += n
	a.neg += neg
	a.sum.Add(&a.sum, sum)
}

func (a *durAcc) durations() (crmkit.Durations, error) {
	return crmkit.DurationsFromSummary(a.n, a.neg, &a.sum, a.min, a.max)
}

// micros parses a decimal number of microseconds into nanoseconds.
func micros(s string) (*big.Int, error) {
	b, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return nil, crmkit.Invalid("sum", "not a whole number of microseconds: %q", s)
	}
	return b.Mul(b, big.NewInt(1000)), nil
}

// duration converts microseconds into a Duration, reporting overflow.
func duration(us int64) (time.Duration, error) {
	const lim = int64(^uint64(0)>>1) / 1000
	if us > lim || us < -lim {
		return 0, fmt.Errorf("%d microseconds: %w", us, crmkit.ErrOverflow)
	}
	return time.Duration(us) * time.Microsecond, nil
}

// stageFig holds one stage's figures while the groups are folded.
type stageFig struct {
	reached, advanced, won, dropped, open int64
	amount, wonAmount, openAmount         int64
	openStay                              durAcc
}
