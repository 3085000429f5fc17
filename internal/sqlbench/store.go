package sqlbench

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/big"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// DB is what a Store needs of a connection: *pgxpool.Pool, *pgxpool.Conn
// and pgx.Tx have these methods.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// Store is a table of deals held as funnel.Opportunity values, one row
// each, in the schema Schema (which must exist). It is a funnel.Source and
// a funnel.Aggregator. Times are kept to the microsecond, as PostgreSQL
// keeps them.
type Store struct {
	// DB is the connection the store runs its statements on.
	DB DB
	// Schema is the schema holding the deals table.
	Schema string
}

var (
	_ funnel.Source     = Store{}
	_ funnel.Aggregator = Store{}
)

// columns are the deals table's columns, in COPY order.
var columns = []string{"entity", "reached", "stage", "status", "amount", "currency",
	"origin", "entered", "closed", "close_date",
	"owner", "source", "campaign", "product", "pipeline", "type", "competitor", "reason"}

// Table returns the quoted name of the deals table.
func (s Store) Table() string { return pgx.Identifier{s.Schema, "deals"}.Sanitize() }

// CreateTable creates the deals table.
func (s Store) CreateTable(ctx context.Context) error {
	_, err := s.DB.Exec(ctx, `CREATE TABLE `+s.Table()+` (
		entity uuid PRIMARY KEY,
		reached bigint NOT NULL,
		stage integer NOT NULL,
		status smallint NOT NULL,
		amount bigint NOT NULL,
		currency text NOT NULL,
		origin timestamptz,
		entered timestamptz,
		closed timestamptz,
		close_date timestamptz,
		owner text NOT NULL, source text NOT NULL, campaign text NOT NULL, product text NOT NULL,
		pipeline text NOT NULL, type text NOT NULL, competitor text NOT NULL, reason text NOT NULL)`)
	if err != nil {
		return fmt.Errorf("create table %s: %w", s.Table(), err)
	}
	return nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// Load copies opportunities into the table with COPY and returns the
// number of rows copied. It does not validate them: load only what
// funnel.Summarize accepts.
func (s Store) Load(ctx context.Context, opportunities []funnel.Opportunity) (int64, error) {
	src := pgx.CopyFromSlice(len(opportunities), func(i int) ([]any, error) {
		o := &opportunities[i]
		cur := ""
		if c := o.Amount.Currency(); !c.IsZero() {
			cur = c.Code()
		}
		d := &o.Dims
		return []any{o.Entity, int64(o.Reached), int32(o.Stage), int16(o.Status), o.Amount.Minor(), cur,
			nullTime(o.Origin), nullTime(o.Entered), nullTime(o.Closed), nullTime(o.CloseDate),
			d.Owner, d.Source, d.Campaign, d.Product, d.Pipeline, d.Type, d.Competitor, d.Reason}, nil
	})
	n, err := s.DB.CopyFrom(ctx, pgx.Identifier{s.Schema, "deals"}, columns, src)
	if err != nil {
		return n, fmt.Errorf("copy into %s: %w", s.Table(), err)
	}
	return n, nil
}

// Opportunities yields every row of the table, in entity order.
func (s Store) Opportunities(ctx context.Context) iter.Seq2[funnel.Opportunity, error] {
	return func(yield func(funnel.Opportunity, error) bool) {
		rows, err := s.DB.Query(ctx, `SELECT `+strings.Join(columns, ", ")+` FROM `+s.Table()+` ORDER BY entity`)
		if err != nil {
			yield(funnel.Opportunity{}, fmt.Errorf("query %s: %w", s.Table(), err))
			return
		}
		defer rows.Close()
		for rows.Next() {
			var (
				o                                 funnel.Opportunity
				id                                uuid.UUID
				reached, amount                   int64
				stage                             int32
				status                            int16
				cur                               string
				origin, entered, closed, closeDue pgtype.Timestamptz
			)
			d := &o.Dims
			if err := rows.Scan(&id, &reached, &stage, &status, &amount, &cur, &origin, &entered, &closed, &closeDue,
				&d.Owner, &d.Source, &d.Campaign, &d.Product, &d.Pipeline, &d.Type, &d.Competitor, &d.Reason); err != nil {
				yield(funnel.Opportunity{}, fmt.Errorf("scan %s: %w", s.Table(), err))
				return
			}
			o.Entity, o.Reached, o.Stage, o.Status = id, uint64(reached), int(stage), funnel.Status(status)
			if cur != "" {
				c, err := crmkit.ParseCurrency(cur)
				if err != nil {
					yield(funnel.Opportunity{}, fmt.Errorf("entity %s: %w", id, err))
					return
				}
				o.Amount, _ = crmkit.NewMoney(amount, c) // c is not zero
			}
			o.Origin, o.Entered, o.Closed, o.CloseDate = origin.Time, entered.Time, closed.Time, closeDue.Time
			if !yield(o, nil) {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(funnel.Opportunity{}, fmt.Errorf("read %s: %w", s.Table(), err))
		}
	}
}

// SummaryQuery returns the one GROUP BY that AggregateFunnel runs over the
// deals table named table (quoted): per reached set, current stage,
// status and currency, the number of deals, their amount and the count,
// negatives, sum, minimum and maximum in microseconds of one duration:
// the age of the current stay for open and suspended deals (to $1, the
// report time), the time from origin to close for won and lost deals.
// Durations are computed in double precision and rounded to the
// microsecond, exact below 285 years; sums of bigint are exact.
func SummaryQuery(table string) string {
	return `SELECT reached, stage, status, currency, count(*), sum(amount)::bigint,
	count(d), count(*) FILTER (WHERE d < 0), coalesce(sum(d), 0)::text,
	coalesce(min(d), 0), coalesce(max(d), 0)
FROM (SELECT reached, stage, status, currency, amount,
	(CASE WHEN status <= 1 AND stage >= 0 THEN date_part('epoch', $1::timestamptz - entered)
	     WHEN status IN (2, 3) THEN date_part('epoch', closed - origin) END * 1000000)::bigint AS d
	FROM ` + table + `) AS t
GROUP BY reached, stage, status, currency`
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

// AggregateFunnel computes the report funnel.Summarize would compute over
// the table's rows with one GROUP BY (SummaryQuery), folding its rows in
// Go. It pushes down only a query without split, selection or
// quantiles (Query.Quantiles == crmkit.QuantilesNone) and returns an error
// matching errors.ErrUnsupported for any other, so that
// funnel.SummarizeSource scans instead. Amounts in two currencies are
// crmkit.ErrCurrencyMismatch; sums beyond int64 are crmkit.ErrOverflow.
func (s Store) AggregateFunnel(ctx context.Context, p *deal.Pipeline, q funnel.Query) (funnel.Report, error) {
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
	rows, err := s.DB.Query(ctx, SummaryQuery(s.Table()), q.AsOf)
	if err != nil {
		return funnel.Report{}, fmt.Errorf("summarise %s: %w", s.Table(), err)
	}
	defer rows.Close()
	var (
		cur                      crmkit.Currency
		sum                      funnel.Summary
		openAmt, wonAmt, lostAmt int64
		cycle, lossCycle         durAcc
		st                       = make([]stageFig, n)
		reached                  int64
		stage                    int32
		status                   int16
		code                     string
		count, amount, dn, dneg  int64
		dsum                     string
		dmin, dmax               int64
	)
	add := func(p *int64, v int64) error {
		r := *p + v
		if (v > 0 && r < *p) || (v < 0 && r > *p) {
			return fmt.Errorf("summarise %s: sum of amounts: %w", s.Table(), crmkit.ErrOverflow)
		}
		*p = r
		return nil
	}
	for rows.Next() {
		if err := rows.Scan(&reached, &stage, &status, &code, &count, &amount, &dn, &dneg, &dsum, &dmin, &dmax); err != nil {
			return funnel.Report{}, fmt.Errorf("scan summary of %s: %w", s.Table(), err)
		}
		if code != "" {
			c, err := crmkit.ParseCurrency(code)
			if err != nil {
				return funnel.Report{}, fmt.Errorf("summarise %s: %w", s.Table(), err)
			}
			if !cur.IsZero() && c != cur {
				return funnel.Report{}, fmt.Errorf("summarise %s: amounts in %s and %s: %w", s.Table(), cur, c, crmkit.ErrCurrencyMismatch)
			}
			cur = c
		}
		r := uint64(reached)
		if int(stage) < -1 || int(stage) >= n || (n < deal.MaxStages && r>>uint(n) != 0) {
			return funnel.Report{}, crmkit.Invalid("stage", "a deal in stage %d with stage set %#x, beyond the %d stages", stage, r, n)
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
		return funnel.Report{}, fmt.Errorf("summarise %s: %w", s.Table(), err)
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
