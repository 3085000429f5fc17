package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
)

// Projections is an optional interface of a Store that keeps a live funnel
// summary of its deals: the count and amount of the tenant's deals in each
// group of funnel.LiveSummary (reached stages, stage, status, owner,
// source, origin month, currency) of funnel.OpportunityOf of the deal,
// updated by every deal write (Create, Save, bulk import) in the same
// transaction as the write and its events. Reading it costs O(groups),
// whatever the number of deals and events, so a dashboard reads it on
// every refresh instead of summarising the deals; LiveSummary.Report
// turns it into the counts and amounts of a funnel.Report. Every store of
// crmkit implements it; find it by type assertion:
//
//	if p, ok := store.(storage.Projections); ok {
//		live, err := p.LiveDeals(ctx)
//		...
//		rep, err := live.Report(pipeline, funnel.Query{AsOf: now, By: []funnel.Dimension{funnel.ByOwner}})
//	}
type Projections interface {
	// LiveDeals returns a copy of the live summary of the tenant's deals
	// as of the last committed write.
	LiveDeals(ctx context.Context) (*funnel.LiveSummary, error)
}

// LiveGroupOf returns the funnel.LiveGroup of count deals in one stage
// with one status text (deal.Status's), owner, origin month ("2025-01",
// the UTC month of CreatedAt) and currency code ("" for deals without
// amount), whose amounts sum to minor minor units: the group of
// funnel.OpportunityOf of such a deal. It is for backends that keep the
// groups in a table of those columns. A value that does not parse is an
// error matching crmkit.ErrUnavailable (a row this code cannot read).
func LiveGroupOf(stage int, status, owner, month, currency string, count, minor int64) (funnel.LiveGroup, error) {
	d := deal.Deal{Stage: stage, Owner: owner}
	bad := func(err error) (funnel.LiveGroup, error) {
		// The cause is named, not wrapped: one root sentinel.
		return funnel.LiveGroup{}, fmt.Errorf("read live deal summary: %w: %v", crmkit.ErrUnavailable, err)
	}
	if err := d.Status.UnmarshalText([]byte(status)); err != nil {
		return bad(err)
	}
	var ok bool
	if d.CreatedAt, ok = parseMonth(month); !ok {
		return bad(fmt.Errorf("month %q is not of the form 2025-01", month))
	}
	if currency != "" {
		c, err := crmkit.ParseCurrency(currency)
		if err != nil {
			return bad(err)
		}
		if d.Amount, err = crmkit.NewMoney(minor, c); err != nil {
			return bad(err)
		}
	} else if minor != 0 {
		return bad(fmt.Errorf("amount %d without currency", minor))
	}
	o := funnel.OpportunityOf(&d)
	return funnel.LiveGroup{Key: funnel.LiveKeyOf(&o), Count: count, Amount: d.Amount}, nil
}

// parseMonth parses "2025-01" into the first instant of that month in UTC,
// without time.Parse's general path: a store's read of its live summary
// parses one per group.
func parseMonth(s string) (time.Time, bool) {
	if len(s) != 7 || s[4] != '-' {
		return time.Time{}, false
	}
	y, m := 0, 0
	for i, c := range []byte(s) {
		switch {
		case i == 4:
			continue
		case c < '0' || c > '9':
			return time.Time{}, false
		case i < 4:
			y = y*10 + int(c-'0')
		default:
			m = m*10 + int(c-'0')
		}
	}
	if m < 1 || m > 12 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC), true
}
