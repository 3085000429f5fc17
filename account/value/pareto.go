package value

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/crmkit/crmkit"
	"github.com/shopspring/decimal"
)

// ParetoInput is what Pareto ranks: a customer (its key, unique) and its
// revenue over some period.
type ParetoInput struct {
	Customer string
	Revenue  crmkit.Money
}

// ParetoEntry is one customer in a ParetoRanking: its revenue and the
// running total of the revenue of it and every customer ranked above it.
type ParetoEntry struct {
	Customer   string
	Revenue    crmkit.Money
	Cumulative crmkit.Money
}

// ParetoRanking ranks customers by revenue, largest first (equal
// revenues by customer key, ascending, so the ranking is deterministic),
// with running totals: the data of a Pareto (80:20) chart.
type ParetoRanking struct {
	Entries []ParetoEntry
	Total   crmkit.Money
}

// Pareto ranks customers by revenue in cur. Negative revenue and an empty
// key are ErrInvalid, a key given twice ErrConflict, an amount in another
// currency ErrCurrencyMismatch, a total beyond int64 ErrOverflow, and a
// zero total ErrInvalid (no shares to compute).
func Pareto(cur crmkit.Currency, customers []ParetoInput) (ParetoRanking, error) {
	if cur.IsZero() {
		return ParetoRanking{}, crmkit.Invalid("currency", "pareto without currency")
	}
	entries := make([]ParetoEntry, len(customers))
	for i, c := range customers {
		switch {
		case c.Customer == "":
			return ParetoRanking{}, crmkit.Invalid(fmt.Sprintf("customers[%d]", i), "empty customer key")
		case c.Revenue.Currency() != cur:
			return ParetoRanking{}, fmt.Errorf("pareto: customer %q revenue %s, want %s: %w", c.Customer, c.Revenue, cur, crmkit.ErrCurrencyMismatch)
		case c.Revenue.Sign() < 0:
			return ParetoRanking{}, crmkit.Invalid(fmt.Sprintf("customers[%d]", i), "customer %q has negative revenue %s", c.Customer, c.Revenue)
		}
		entries[i] = ParetoEntry{Customer: c.Customer, Revenue: c.Revenue}
	}
	if k, dup := duplicateKey(len(customers), func(i int) string { return customers[i].Customer }); dup {
		return ParetoRanking{}, fmt.Errorf("pareto: customer %q given twice: %w", k, crmkit.ErrConflict)
	}
	slices.SortFunc(entries, func(a, b ParetoEntry) int {
		if c := cmp.Compare(b.Revenue.Minor(), a.Revenue.Minor()); c != 0 {
			return c
		}
		return strings.Compare(a.Customer, b.Customer)
	})
	var run crmkit.Money
	for i := range entries {
		var err error
		if run, err = run.Add(entries[i].Revenue); err != nil {
			return ParetoRanking{}, fmt.Errorf("pareto: %w", err)
		}
		entries[i].Cumulative = run
	}
	if run.Sign() == 0 {
		return ParetoRanking{}, crmkit.Invalid("revenue", "total revenue is zero")
	}
	return ParetoRanking{Entries: entries, Total: run}, nil
}

// Share returns the cumulative share of revenue of the first i+1 ranked
// customers: Entries[i].Cumulative / Total. It rises with i and is exactly
// 1 at the last entry.
func (r ParetoRanking) Share(i int) decimal.Decimal {
	if i < 0 || i >= len(r.Entries) || r.Total.Sign() == 0 {
		return decimal.Zero
	}
	if i == len(r.Entries)-1 {
		return decimal.NewFromInt(1)
	}
	s, _ := crmkit.Ratio(decimal.NewFromInt(r.Entries[i].Cumulative.Minor()), decimal.NewFromInt(r.Total.Minor())) // Total is not zero
	return s
}

// KeyCustomers returns how many of the top-ranked customers it takes to
// reach share (such as 0.8) of the revenue: the smallest k with
// Cumulative of the k-th ≥ share × Total. share must be in (0, 1], with
// at most crmkit.MaxFractionPlaces decimal places. An empty ranking (the zero value)
// has no key customers: ErrInvalid.
func (r ParetoRanking) KeyCustomers(share decimal.Decimal) (int, error) {
	if len(r.Entries) == 0 {
		return 0, crmkit.Invalid("ranking", "no customers ranked")
	}
	if share.Sign() <= 0 {
		return 0, crmkit.Invalid("share", "%s is outside (0, 1]", crmkit.ShowDecimal(share))
	}
	share, err := checkRate("share", share)
	if err != nil {
		return 0, err
	}
	target := decimal.NewFromInt(r.Total.Minor()).Mul(share).Ceil().IntPart()
	k, _ := slices.BinarySearchFunc(r.Entries, target, func(e ParetoEntry, t int64) int { return cmp.Compare(e.Cumulative.Minor(), t) })
	return k + 1, nil
}
