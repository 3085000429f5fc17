package sqlbench

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/internal/reportfold"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DB is what a Store needs of a connection: *pgxpool.Pool, *pgxpool.Conn
// and pgx.Tx have these methods.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// Store is a table of deals held as funnel.Opportunity values, one row
// each, in the schema Schema (which must exist): the comparison's side in
// SQL. It is neither a funnel.Source nor a funnel.Aggregator (the store's
// are storage/postgres's); Summarize computes with SQL the report funnel
// computes. Times are kept to the microsecond, as PostgreSQL keeps them.
type Store struct {
	// DB is the connection the store runs its statements on.
	DB DB
	// Schema is the schema holding the deals table.
	Schema string
}

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

// SummaryQuery returns the one GROUP BY that Summarize runs over the
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

// Summarize computes the report funnel.Summarize computes over the
// table's rows without quantiles (QuantilesNone), split or selection,
// with one GROUP BY (SummaryQuery), folding its rows in Go through
// internal/reportfold: the SQL side of the comparison, proved to be the
// same report by the package's tests. Amounts in two currencies are
// crmkit.ErrCurrencyMismatch; sums beyond int64 are crmkit.ErrOverflow;
// a zero report time is crmkit.ErrInvalid.
func (s Store) Summarize(ctx context.Context, p *deal.Pipeline, asOf time.Time) (funnel.Report, error) {
	fo, err := reportfold.New(p, asOf)
	if err != nil {
		return funnel.Report{}, err
	}
	rows, err := s.DB.Query(ctx, SummaryQuery(s.Table()), asOf)
	if err != nil {
		return funnel.Report{}, fmt.Errorf("summarise %s: %w", s.Table(), err)
	}
	defer rows.Close()
	var (
		g       reportfold.Group
		reached int64
		stage   int32
		status  int16
		code    string
	)
	for rows.Next() {
		if err := rows.Scan(&reached, &stage, &status, &code, &g.Count, &g.Amount, &g.N, &g.Negative, &g.SumMicros, &g.MinMicros, &g.MaxMicros); err != nil {
			return funnel.Report{}, fmt.Errorf("scan summary of %s: %w", s.Table(), err)
		}
		g.Reached, g.Stage, g.Status, g.Currency = uint64(reached), int(stage), funnel.Status(status), crmkit.Currency{}
		if code != "" {
			c, err := crmkit.ParseCurrency(code)
			if err != nil {
				return funnel.Report{}, fmt.Errorf("summarise %s: %w", s.Table(), err)
			}
			g.Currency = c
		}
		if err := fo.Add(g); err != nil {
			return funnel.Report{}, fmt.Errorf("summarise %s: %w", s.Table(), err)
		}
	}
	if err := rows.Err(); err != nil {
		return funnel.Report{}, fmt.Errorf("summarise %s: %w", s.Table(), err)
	}
	return fo.Report()
}
