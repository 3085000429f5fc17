package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/internal/reportfold"
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
		FROM deals WHERE tenant_id = $1` + notArchived + `) AS r) AS t
GROUP BY stage, st, cur`

// AggregateFunnel computes the report funnel.Summarize would compute over
// the tenant's deals as funnel.OpportunityOf adapts them (so the report
// over Opportunities) with one GROUP BY over the deals table
// (summaryQuery), folding its few rows in Go. It makes the Store a
// funnel.Aggregator, which funnel.SummarizeSource finds.
// It pushes down only a query without split, selection or
// quantiles (Query.Quantiles == crmkit.QuantilesNone) and returns an error
// matching errors.ErrUnsupported for any other, so that
// funnel.SummarizeSource scans instead. Amounts in two currencies are
// crmkit.ErrCurrencyMismatch; sums beyond int64 are crmkit.ErrOverflow.
func (s *Store) AggregateFunnel(ctx context.Context, p *deal.Pipeline, q funnel.Query) (funnel.Report, error) {
	if err := storage.CheckContext(ctx); err != nil {
		return funnel.Report{}, err
	}
	switch {
	case q.Quantiles != crmkit.QuantilesNone:
		return funnel.Report{}, fmt.Errorf("quantiles mode %s: %w", q.Quantiles, errors.ErrUnsupported)
	case len(q.By) > 0 || !q.From.IsZero() || !q.To.IsZero() || q.Match != (funnel.Dims{}) || q.Where != nil:
		return funnel.Report{}, fmt.Errorf("split or selection: %w", errors.ErrUnsupported)
	}
	fo, err := reportfold.New(p, q.AsOf)
	if err != nil {
		return funnel.Report{}, err
	}
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
		g            reportfold.Group
		stage        int32
		status       int16
		code, amount string
	)
	for rows.Next() {
		if err := rows.Scan(&stage, &status, &code, &g.Count, &amount, &g.N, &g.Negative, &g.SumMicros, &g.MinMicros, &g.MaxMicros); err != nil {
			return funnel.Report{}, fmt.Errorf("postgres: summarise deals: %w", mapErr(ctx, err))
		}
		g.Stage, g.Status, g.Reached, g.Currency, g.Amount = int(stage), funnel.Status(status), 0, crmkit.Currency{}, 0
		if stage >= 0 && stage < deal.MaxStages {
			g.Reached = uint64(1)<<uint(stage+1) - 1 // as funnel.OpportunityOf
		}
		if code != "" {
			c, err := crmkit.ParseCurrency(code)
			if err != nil {
				return funnel.Report{}, fmt.Errorf("postgres: summarise deals: %w", err)
			}
			m, err := crmkit.ParseMoney(amount, c)
			if err != nil {
				return funnel.Report{}, fmt.Errorf("postgres: summarise deals: sum of amounts in %s: %w", c, err)
			}
			g.Currency, g.Amount = c, m.Minor()
		}
		if err := fo.Add(g); err != nil {
			return funnel.Report{}, fmt.Errorf("postgres: summarise deals: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return funnel.Report{}, fmt.Errorf("postgres: summarise deals: %w", mapErr(ctx, err))
	}
	return fo.Report()
}
