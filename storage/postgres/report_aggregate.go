package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/storage"
)

// summaryQuery is the one GROUP BY AggregateFunnel runs over the tenant's
// deals: per current stage, status (as a funnel.Status number) and
// currency, the number of deals, the exact sum of their amounts (numeric,
// as text) and the count, negatives, sum, minimum and maximum in
// microseconds of one duration: the age of the current stay for open and
// suspended deals (to $2, the report time), the time from creation to the
// outcome for won and lost deals. Amounts, currencies and times the table
// has no column for are read from the stored body in SQL, as
// funnel.OpportunityOf reads them from the deal. Durations are computed
// in double precision and rounded to the microsecond, exact below 285
// years.
const summaryQuery = `SELECT stage, st, cur, count(*), coalesce(sum(amt), 0)::text,
	count(d), count(*) FILTER (WHERE d < 0), coalesce(sum(d), 0)::text,
	coalesce(min(d), 0), coalesce(max(d), 0)
FROM (SELECT stage, st, cur, amt,
	(CASE WHEN st <= 1 AND stage >= 0 THEN date_part('epoch', $2::timestamptz - (body->>'stage_entered_at')::timestamptz)
	     WHEN st IN (2, 3) THEN date_part('epoch', coalesce((body->'outcome'->>'at')::timestamptz, (body->>'updated_at')::timestamptz)
	          - (body->>'created_at')::timestamptz) END * 1000000)::bigint AS d
	FROM (SELECT stage::int, body,
		CASE status WHEN 'open' THEN 0 WHEN 'suspended' THEN 1 WHEN 'won' THEN 2 WHEN 'lost' THEN 3 WHEN 'terminated' THEN 4 ELSE 5 END AS st,
		coalesce(body->'amount'->>'currency', '') AS cur,
		coalesce((body->'amount'->>'amount')::numeric, 0) AS amt
		FROM deals WHERE tenant_id = $1) AS r) AS t
GROUP BY stage, st, cur`

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

// AggregateFunnel computes the report funnel.Summarize would compute over
// the tenant's deals as funnel.OpportunityOf adapts them (so the report
// over Opportunities) with one GROUP BY over the deals table
// (summaryQuery), folding its few rows in Go. It makes the Store a
// funnel.Aggregator, which funnel.SummarizeSource finds. It pushes down only a query without split, selection or
// quantiles (Query.Quantiles == crmkit.QuantilesNone) and returns an error
// matching errors.ErrUnsupported for any other, so that
// funnel.SummarizeSource scans instead. Amounts in two currencies are
// crmkit.ErrCurrencyMismatch; sums beyond int64 are crmkit.ErrOverflow.
func (s *Store) AggregateFunnel(ctx context.Context, p *deal.Pipeline, q funnel.Query) (funnel.Report, error) {
	if err := storage.CheckContext(ctx); err != nil {
		return funnel.Report{}, err
	}
	switch {
	case q.AsOf.IsZero():
		return funnel.Report{}, crmkit.Invalid("as of", "zero report time")
	case q.Quantiles != crmkit.QuantilesNone:
		return funnel.Report{}, fmt.Errorf("quantiles mode %s: %w", q.Quantiles, errors.ErrUnsupported)
	case len(q.By) > 0 || !q.From.IsZero() || !q.To.IsZero() || q.Match != (funnel.Dims{}) || q.Where != nil:
		return funnel.Report{}, fmt.Errorf("split or selection: %w", errors.ErrUnsupported)
	}
	if p == nil || p.Len() == 0 {
		return funnel.Report{}, crmkit.Invalid("pipeline", "no pipeline (use deal.NewPipeline)")
	}
	n := p.Len()
	sc := s.scope()
	qr, release, err := sc.acquire()
	if err != nil {
		return funnel.Report{}, err
	}
	defer release()
	rows, err := qr.Query(ctx, summaryQuery, sc.tenant, q.AsOf)
	if err != nil {
		return funnel.Report{}, fmt.Errorf("postgres: summarise deals: %w", mapErr(ctx, err))
	}
	defer rows.Close()
	var (
		cur                      crmkit.Currency
		sum                      funnel.Summary
		openAmt, wonAmt, lostAmt int64
		cycle, lossCycle         durAcc
		st                       = make([]stageFig, n)
		stage                    int32
		status                   int16
		code, amountText         string
		count, amount, dn, dneg  int64
		dsum                     string
		dmin, dmax               int64
	)
	add := func(p *int64, v int64) error {
		r := *p + v
		if (v > 0 && r < *p) || (v < 0 && r > *p) {
			return fmt.Errorf("summarise %s: sum of amounts: %w", "deals", crmkit.ErrOverflow)
		}
		*p = r
		return nil
	}
	for rows.Next() {
		if err := rows.Scan(&stage, &status, &code, &count, &amountText, &dn, &dneg, &dsum, &dmin, &dmax); err != nil {
			return funnel.Report{}, fmt.Errorf("postgres: summarise deals: %w", mapErr(ctx, err))
		}
		amount = 0
		if code != "" {
			c, err := crmkit.ParseCurrency(code)
			if err != nil {
				return funnel.Report{}, fmt.Errorf("summarise %s: %w", "deals", err)
			}
			if !cur.IsZero() && c != cur {
				return funnel.Report{}, fmt.Errorf("summarise %s: amounts in %s and %s: %w", "deals", cur, c, crmkit.ErrCurrencyMismatch)
			}
			cur = c
			m, err := crmkit.ParseMoney(amountText, c)
			if err != nil {
				return funnel.Report{}, fmt.Errorf("postgres: summarise deals: sum of amounts in %s: %w", c, err)
			}
			amount = m.Minor()
		}
		if int(stage) < -1 || int(stage) >= n {
			return funnel.Report{}, crmkit.Invalid("stage", "a deal in stage %d, beyond the %d stages of the pipeline", stage, n)
		}
		var r uint64
		if stage >= 0 {
			r = uint64(1)<<uint(stage+1) - 1
		}
		ds, err := micros(dsum)
		if err != nil {
			return funnel.Report{}, err
		}
		lo, err := duration(dmin)
		if err != nil {
			return funnel.Report{}, err
		}
		hi, err := duration(dmax)
		if err != nil {
			return funnel.Report{}, err
		}
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
				return funnel.Report{}, err
			}
			if i < f || won {
				g.advanced += count
			}
			if won {
				g.won += count
				if err := add(&g.wonAmount, amount); err != nil {
					return funnel.Report{}, err
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
			if err := add(&openAmt, amount); err != nil {
				return funnel.Report{}, err
			}
			if stage >= 0 && dneg > 0 {
				// as Summarize refuses such a deal
				return funnel.Report{}, crmkit.Invalid("entered", "%d deals in stage %d entered it after the report time %s",
					dneg, stage, q.AsOf.Format(time.RFC3339))
			}
			if stage >= 0 {
				g := &st[stage]
				g.open += count
				if err := add(&g.openAmount, amount); err != nil {
					return funnel.Report{}, err
				}
				g.openStay.add(dn, dneg, ds, lo, hi)
			}
		case funnel.ClosedWon:
			sum.Won += count
			if err := add(&wonAmt, amount); err != nil {
				return funnel.Report{}, err
			}
			cycle.add(dn, dneg, ds, lo, hi)
		case funnel.ClosedLost:
			sum.Lost += count
			if err := add(&lostAmt, amount); err != nil {
				return funnel.Report{}, err
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
			return funnel.Report{}, crmkit.Invalid("status", "unknown status %d", status)
		}
	}
	if err := rows.Err(); err != nil {
		return funnel.Report{}, fmt.Errorf("summarise %s: %w", "deals", err)
	}
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
	sum.Stages = make([]funnel.StageSummary, n)
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
	return funnel.Report{AsOf: q.AsOf, Total: sum}, nil
}
