package value

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/kpi"
	"github.com/shopspring/decimal"
)

// ChurnRecord is one customer of a period: the group it belongs to (a
// contract type, a segment, an owning team) and whether it churned.
type ChurnRecord struct {
	Group   string
	Churned bool
}

// GroupChurn is the logo churn of one group (kpi.LogoChurn: churned /
// customers at start).
type GroupChurn struct {
	Group     string
	Customers int64
	Churned   int64
	Rate      decimal.Decimal
}

// ChurnByGroup counts customers and churners per group and returns each
// group's churn rate, groups in name order, plus the overall figures as a
// group named "" at the front. An empty stream is ErrInvalid (no
// customers at risk).
func ChurnByGroup(records iter.Seq[ChurnRecord]) ([]GroupChurn, error) {
	if records == nil {
		return nil, crmkit.Invalid("records", "nil sequence")
	}
	counts := map[string]*GroupChurn{}
	all := &GroupChurn{}
	for r := range records {
		g := counts[r.Group]
		if g == nil {
			g = &GroupChurn{Group: r.Group}
			counts[r.Group] = g
		}
		for _, x := range []*GroupChurn{g, all} {
			x.Customers++
			if r.Churned {
				x.Churned++
			}
		}
	}
	if all.Customers == 0 {
		return nil, crmkit.Invalid("records", "no customers")
	}
	out := []GroupChurn{*all}
	for _, g := range counts {
		out = append(out, *g)
	}
	slices.SortFunc(out[1:], func(a, b GroupChurn) int { return strings.Compare(a.Group, b.Group) })
	for i := range out {
		r, err := kpi.LogoChurn(out[i].Customers, out[i].Churned)
		if err != nil {
			return nil, fmt.Errorf("churn of group %q: %w", out[i].Group, err)
		}
		out[i].Rate = r
	}
	return out, nil
}

// TeamChurn is the churn a team owns over a period: the customers it
// started with, those it lost, and the most churn it is allowed (the
// limit, a share in [0, 1]). Churn is a KPI of key-account managers as well
// as of customer service, so Team is whatever owns it.
type TeamChurn struct {
	Team  string
	Start int64
	Lost  int64
	Limit decimal.Decimal
}

// ChurnCheck is a team's churn against its limit.
type ChurnCheck struct {
	Team     string
	Churn    decimal.Decimal
	Limit    decimal.Decimal
	Exceeded bool
}

// CheckChurnLimits computes every team's logo churn (kpi.LogoChurn) and
// reports whether it exceeds the team's limit (strictly above). It
// returns every team, in input order; Breaches filters the exceeded.
// Errors: an empty team, a limit outside [0, 1] or with more than
// crmkit.MaxFractionPlaces decimal places, and the kpi's own errors
// (no customers at start, more lost than at start), naming the team.
func CheckChurnLimits(teams []TeamChurn) ([]ChurnCheck, error) {
	out := make([]ChurnCheck, len(teams))
	for i, t := range teams {
		if strings.TrimSpace(t.Team) == "" {
			return nil, crmkit.Invalid(fmt.Sprintf("teams[%d]", i), "no team")
		}
		if _, err := checkRate("limit", t.Limit); err != nil {
			return nil, fmt.Errorf("team %q: churn limit: %w", t.Team, err)
		}
		c, err := kpi.LogoChurn(t.Start, t.Lost)
		if err != nil {
			return nil, fmt.Errorf("team %q: %w", t.Team, err)
		}
		out[i] = ChurnCheck{Team: t.Team, Churn: c, Limit: t.Limit, Exceeded: c.GreaterThan(t.Limit)}
	}
	return out, nil
}

// Breaches returns the checks whose churn exceeds the limit.
func Breaches(checks []ChurnCheck) []ChurnCheck {
	var out []ChurnCheck
	for _, c := range checks {
		if c.Exceeded {
			out = append(out, c)
		}
	}
	return out
}

// Activity is a customer being active (a purchase, a paid month) at a
// time.
type Activity struct {
	Customer string
	At       time.Time
}

// Cohort is the customers who were first active in one month, and how
// many of them were active again k months later (Active[0] is the cohort's
// size).
type Cohort struct {
	Month  crmkit.Period
	Active []int64
}

// Size returns the number of customers in the cohort.
func (c Cohort) Size() int64 {
	if len(c.Active) == 0 {
		return 0
	}
	return c.Active[0]
}

// Retention returns the share of the cohort active k months after its
// first month (Active[k] / Active[0], crmkit.Ratio); k beyond the
// table is ErrInvalid.
func (c Cohort) Retention(k int) (decimal.Decimal, error) {
	if k < 0 || k >= len(c.Active) || c.Active[0] == 0 {
		return decimal.Decimal{}, crmkit.Invalid("k", "month %d of a cohort with %d months", k, len(c.Active))
	}
	return crmkit.Ratio(decimal.NewFromInt(c.Active[k]), decimal.NewFromInt(c.Active[0]))
}

// MaxMonths is the longest span of months, from the first activity to the
// last, that Cohorts tabulates, a century: the table has up to that many
// rows of up to that many months, bounded before it is allocated.
const MaxMonths = 1200

// monthIndex numbers the months of cal consecutively.
func monthIndex(cal crmkit.Calendar, t time.Time) int {
	return cal.FiscalYear(t)*12 + cal.FiscalMonth(t) - 1
}

// Cohorts builds the cohort retention table of activities, by month of
// cal: one row per month in which customers were first active, oldest
// first; each row runs to the last month with any activity. Activities
// with an empty customer or zero time, a nil sequence and activities
// spanning more than MaxMonths months are ErrInvalid.
func Cohorts(cal crmkit.Calendar, activities iter.Seq[Activity]) ([]Cohort, error) {
	if activities == nil {
		return nil, crmkit.Invalid("activities", "nil sequence")
	}
	type pair struct {
		customer string
		month    int
	}
	first := map[string]int{}
	seen := map[pair]bool{}
	var pairs []pair
	starts := map[int]crmkit.Period{}
	last, earliest, any := 0, 0, false
	for a := range activities {
		if a.Customer == "" || a.At.IsZero() {
			return nil, crmkit.Invalid("activity", "customer %q at %s", a.Customer, a.At)
		}
		m := monthIndex(cal, a.At)
		if _, ok := starts[m]; !ok {
			starts[m] = cal.Month(a.At)
		}
		if f, ok := first[a.Customer]; !ok || m < f {
			first[a.Customer] = m
		}
		p := pair{a.Customer, m}
		if !seen[p] {
			seen[p] = true
			pairs = append(pairs, p)
		}
		if !any || m > last {
			last = m
		}
		if !any || m < earliest {
			earliest = m
		}
		any = true
	}
	if any && last-earliest >= MaxMonths {
		return nil, crmkit.Invalid("activities", "span %d months, more than %d", last-earliest+1, MaxMonths)
	}
	rows := map[int]*Cohort{}
	for _, p := range pairs {
		f := first[p.customer]
		c := rows[f]
		if c == nil {
			c = &Cohort{Month: starts[f], Active: make([]int64, last-f+1)}
			rows[f] = c
		}
		c.Active[p.month-f]++
	}
	out := make([]Cohort, 0, len(rows))
	for _, c := range rows {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Cohort) int { return cmp.Compare(a.Month.Start.UnixNano(), b.Month.Start.UnixNano()) })
	return out, nil
}

// CategoriesPerCustomer returns the average number of distinct product
// categories per customer (crmkit.Ratio), a breadth measure of key
// accounts, from (customer, category) purchases: two customers buying one
// and two categories give 1.5. It is not the cross-sell ratio, the share
// of customers buying at least two categories (0.5 for the same data),
// which is kpi.CrossSellRatio. No purchases is ErrInvalid.
func CategoriesPerCustomer(purchases iter.Seq2[string, string]) (decimal.Decimal, error) {
	if purchases == nil {
		return decimal.Decimal{}, crmkit.Invalid("purchases", "nil sequence")
	}
	cats := map[string]map[string]bool{}
	pairs := int64(0)
	for cust, cat := range purchases {
		if cust == "" || cat == "" {
			return decimal.Decimal{}, crmkit.Invalid("purchase", "customer %q, category %q", cust, cat)
		}
		m := cats[cust]
		if m == nil {
			m = map[string]bool{}
			cats[cust] = m
		}
		if !m[cat] {
			m[cat] = true
			pairs++
		}
	}
	if len(cats) == 0 {
		return decimal.Decimal{}, crmkit.Invalid("purchases", "no purchases")
	}
	return crmkit.Ratio(decimal.NewFromInt(pairs), decimal.NewFromInt(int64(len(cats))))
}
