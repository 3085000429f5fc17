// Package quotatest has pgregory.net/rapid generators for package quota:
// plans split over periods and dimensions, adjustments, histories of
// actuals, commission tables and sales, for property tests of code built
// on quota (a store, a report, a payroll export), like net/http/httptest
// is for HTTP handlers.
//
//	rapid.Check(t, func(t *rapid.T) {
//		p := quotatest.Plan().Draw(t, "plan")
//		a := quotatest.Adjustment(p).Draw(t, "adjustment")
//		q, _, err := p.Adjust(quotatest.Cmd(), a)
//		...
//	})
//
// Every generated value is valid input (it passes the package's own
// validation); sizes stay small so that properties run fast.
package quotatest

import (
	"fmt"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// FiscalYear is the fiscal year of generated plans; generated histories
// cover it and the year before.
const FiscalYear = 2025

// Dimensions returns the dimension names the generators use, outermost
// first.
func Dimensions() []string { return []string{"region", "rep", "product", "channel"} }

// Members returns the member names the generators use for a dimension.
func Members(dim string) []string {
	switch dim {
	case "region":
		return []string{"EMEA", "APAC", "AMER"}
	case "rep":
		return []string{"ana", "ben", "cai", "dee", "eli"}
	case "product":
		return []string{"core", "addon", "service"}
	}
	return []string{"direct", "partner-a", "partner-b"}
}

// Cmd returns the fixed command (who, when, why) of generated changes.
func Cmd() crmkit.Cmd {
	return crmkit.Cmd{By: "quotatest", At: time.Date(FiscalYear, 1, 1, 0, 0, 0, 0, time.UTC), Reason: "generated"}
}

// Calendar returns a generator of calendar specs: fiscal calendars with
// any start month (UTC or a zone with daylight saving) and the NRF retail
// calendar.
func Calendar() *rapid.Generator[quota.CalendarSpec] {
	return rapid.Custom(func(t *rapid.T) quota.CalendarSpec {
		loc := rapid.SampledFrom([]string{"", "Europe/Budapest", "America/New_York"}).Draw(t, "zone")
		if rapid.IntRange(0, 4).Draw(t, "retail") == 0 {
			return quota.CalendarSpec{Kind: "retail", Pattern: "4-5-4", YearEndMonth: time.January,
				YearEndWeekday: time.Saturday, Rule: "nearest", Location: loc}
		}
		return quota.Fiscal(time.Month(rapid.IntRange(1, 12).Draw(t, "start month")), loc)
	})
}

// Unit returns a generator of plan units: EUR, JPY (no minor unit), KWD
// (three digits) or a count of deals.
func Unit() *rapid.Generator[quota.Unit] {
	return rapid.Custom(func(t *rapid.T) quota.Unit {
		switch rapid.IntRange(0, 3).Draw(t, "unit") {
		case 0:
			return quota.CountUnit("deals")
		case 1:
			return quota.MoneyUnit(crmkit.MustCurrency("JPY"))
		case 2:
			return quota.MoneyUnit(crmkit.MustCurrency("KWD"))
		}
		return quota.MoneyUnit(crmkit.MustCurrency("EUR"))
	})
}

// Weights returns a generator of split weights for n children of a
// period split (period true) or a dimension split: equal, custom (with a
// positive sum) or, for period splits, seasonal.
func Weights(n int, period bool) *rapid.Generator[quota.Weights] {
	return rapid.Custom(func(t *rapid.T) quota.Weights {
		kinds := []quota.WeightKind{quota.WeightEqual, quota.WeightCustom}
		if period {
			kinds = append(kinds, quota.WeightSeasonal)
		}
		switch rapid.SampledFrom(kinds).Draw(t, "kind") {
		case quota.WeightCustom:
			ws := make([]decimal.Decimal, n)
			for i := range ws {
				ws[i] = decimal.New(rapid.Int64Range(0, 1000).Draw(t, "weight"), -int32(rapid.IntRange(0, 2).Draw(t, "exp")))
			}
			ws[rapid.IntRange(0, n-1).Draw(t, "positive")] = decimal.NewFromInt(rapid.Int64Range(1, 1000).Draw(t, "w"))
			return quota.CustomWeights(ws...)
		case quota.WeightSeasonal:
			idx := make([]decimal.Decimal, 12)
			for i := range idx {
				idx[i] = decimal.New(rapid.Int64Range(50, 150).Draw(t, "index"), -2)
			}
			return quota.SeasonalWeights(idx)
		}
		return quota.EqualWeights()
	})
}

// Plan returns a generator of valid plans: an annual target up to ten
// billion units, split one to six times over periods (halves, quarters,
// months) and dimensions (Dimensions, each at most once on a path), with
// some cells locked and some carrying a completion-risk coefficient.
func Plan() *rapid.Generator[quota.Plan] {
	return rapid.Custom(func(t *rapid.T) quota.Plan {
		u := Unit().Draw(t, "unit")
		spec := quota.PlanSpec{ID: uuid.UUID{1}, Name: "generated", FiscalYear: FiscalYear,
			Calendar: Calendar().Draw(t, "calendar"), Rounding: crmkit.RoundHalfEven}
		target := rapid.Int64Range(0, 1e10).Draw(t, "target")
		if u.IsMoney() {
			m, _ := crmkit.NewMoney(target, u.Currency) // a money unit has a currency
			spec.Target = quota.Amount(m)
		} else {
			spec.Target = quota.Count(target, u.Count)
		}
		p, _, err := quota.NewPlan(spec, Cmd())
		if err != nil {
			t.Fatalf("quotatest: new plan: %v", err)
		}
		for range rapid.IntRange(1, 6).Draw(t, "splits") {
			leaves := slices.Collect(p.Leaves())
			leaf := rapid.SampledFrom(leaves).Draw(t, "leaf")
			s, ok := splitFor(t, leaf)
			if !ok {
				continue
			}
			next, _, err := p.Split(Cmd(), s)
			if err != nil {
				t.Fatalf("quotatest: split %v: %v", s, err)
			}
			p = next
		}
		var keys []string
		for c := range p.Cells() {
			if c.Key != "" {
				keys = append(keys, c.Key)
			}
		}
		if len(keys) > 0 {
			if n := rapid.IntRange(0, min(3, len(keys))).Draw(t, "locks"); n > 0 {
				var lock []string
				for range n {
					lock = append(lock, rapid.SampledFrom(keys).Draw(t, "lock"))
				}
				p, _, _ = p.Lock(Cmd(), true, lock...)
			}
			if rapid.Bool().Draw(t, "risk") {
				k := rapid.SampledFrom(keys).Draw(t, "risk key")
				p, _, _ = p.SetRisk(Cmd(), k, decimal.New(rapid.Int64Range(100, 130).Draw(t, "risk"), -2))
			}
		}
		return p
	})
}

// splitFor draws a split of leaf: over a dimension not yet on its path,
// or over a finer grain of periods.
func splitFor(t *rapid.T, leaf quota.Cell) (quota.Split, bool) {
	segs, _ := quota.ParseKey(leaf.Key)
	used := map[string]bool{}
	finest := quota.Grain(0)
	for _, s := range segs {
		used[s.Dim] = true
		if s.Dim == quota.DimPeriod {
			switch s.Member[0] {
			case 'H':
				finest = max(finest, quota.Halves)
			case 'Q':
				finest = max(finest, quota.Quarters)
			default:
				finest = max(finest, quota.Months)
			}
		}
	}
	var dims []string
	for _, d := range Dimensions() {
		if !used[d] {
			dims = append(dims, d)
		}
	}
	if finest < quota.Months && (len(dims) == 0 || rapid.Bool().Draw(t, "by period")) {
		g := quota.Grain(rapid.IntRange(int(finest)+1, int(quota.Months)).Draw(t, "grain"))
		n := map[quota.Grain]int{quota.Halves: 2, quota.Quarters: 4, quota.Months: 12}[g]
		if finest == quota.Halves {
			n /= 2
		} else if finest == quota.Quarters {
			n /= 4
		}
		return quota.Split{Key: leaf.Key, Grain: g, Weights: Weights(n, true).Draw(t, "weights")}, true
	}
	if len(dims) == 0 {
		return quota.Split{}, false
	}
	dim := rapid.SampledFrom(dims).Draw(t, "dim")
	all := Members(dim)
	n := rapid.IntRange(1, len(all)).Draw(t, "members")
	return quota.Split{Key: leaf.Key, Dim: dim, Members: all[:n], Weights: Weights(n, false).Draw(t, "weights")}, true
}

// Adjustment returns a generator of adjustments of a cell of p other than
// the root: the usual +-5% and +-10%, any relative change from -50% to
// +100%, or an amount (a count in count plans), keeping or changing the
// parent's total. The
// adjustment may still fail on p (a locked cell, a fall below zero).
func Adjustment(p quota.Plan) *rapid.Generator[quota.Adjustment] {
	return rapid.Custom(func(t *rapid.T) quota.Adjustment {
		var keys []string
		for c := range p.Cells() {
			if c.Key != "" {
				keys = append(keys, c.Key)
			}
		}
		key := ""
		if len(keys) > 0 {
			key = rapid.SampledFrom(keys).Draw(t, "key")
		}
		total := rapid.SampledFrom([]quota.TotalPolicy{quota.KeepTotal, quota.ChangeTotal}).Draw(t, "total")
		if key == "" {
			total = quota.ChangeTotal
		}
		switch rapid.IntRange(0, 2).Draw(t, "how") {
		case 0:
			pct := rapid.SampledFrom([]int64{5, 10, -5, -10}).Draw(t, "usual")
			return quota.ByRate(key, decimal.New(pct, -2), total)
		case 1:
			return quota.ByRate(key, decimal.New(rapid.Int64Range(-5000, 10000).Draw(t, "percent"), -4), total)
		}
		c, _ := p.Cell(key)
		if !p.Unit.IsMoney() {
			target, _ := c.Target.Count() // a count plan's targets are counts
			n := rapid.Int64Range(-target, target+1000).Draw(t, "count")
			return quota.ByAmount(key, quota.Count(n, p.Unit.Count), total)
		}
		target, _ := c.Target.Money() // a money plan's targets are money
		n := rapid.Int64Range(-target.Minor(), target.Minor()+1000).Draw(t, "minor units")
		m, _ := crmkit.NewMoney(n, p.Unit.Currency) // a money unit has a currency
		return quota.ByAmount(key, quota.Amount(m), total)
	})
}

// History returns a generator of up to maxRecords actuals for plan p:
// amounts in its currency (some negative, as refunds) or counts, at times
// in its fiscal year and the year before, carrying members of
// Dimensions; some miss a dimension or name a member no plan has, so
// that evaluations see unplanned actuals.
func History(p quota.Plan, maxRecords int) *rapid.Generator[[]quota.Record] {
	cal := p.CalendarValue()
	from := cal.LastYear(p.Root.Period).Start
	span := p.Root.Period.End.Sub(from)
	return rapid.Custom(func(t *rapid.T) []quota.Record {
		n := rapid.IntRange(0, maxRecords).Draw(t, "records")
		out := make([]quota.Record, n)
		for i := range out {
			r := quota.Record{At: from.Add(time.Duration(rapid.Int64Range(0, int64(span/time.Minute)-1).Draw(t, "minute")) * time.Minute),
				Dims: map[string]string{}}
			if p.Unit.IsMoney() {
				m, _ := crmkit.NewMoney(rapid.Int64Range(-1000, 1_000_000).Draw(t, "amount"), p.Unit.Currency) // a money unit has a currency
				r.Amount = quota.Amount(m)
			} else {
				r.Amount = quota.Count(rapid.Int64Range(0, 5).Draw(t, "count"), p.Unit.Count)
			}
			for _, d := range Dimensions() {
				switch rapid.IntRange(0, 9).Draw(t, "member of "+d) {
				case 0:
				case 1:
					r.Dims[d] = "unplanned"
				default:
					r.Dims[d] = rapid.SampledFrom(Members(d)).Draw(t, d)
				}
			}
			out[i] = r
		}
		return out
	})
}

// Tiers returns a generator of valid tier tables: one to five contiguous
// tiers from 0, the last open-ended, bounds in steps of 0.25 (attainment)
// or of whole units times scale (revenue), rates from 0% to 30% in
// hundredths of a percent.
func Tiers(scale int64) *rapid.Generator[[]quota.Tier] {
	return rapid.Custom(func(t *rapid.T) []quota.Tier {
		n := rapid.IntRange(1, 5).Draw(t, "tiers")
		tiers := make([]quota.Tier, n)
		from := decimal.Zero
		for i := range tiers {
			tiers[i] = quota.Tier{From: from, Rate: decimal.New(rapid.Int64Range(0, 3000).Draw(t, "rate"), -4)}
			if i < n-1 {
				to := from.Add(decimal.New(rapid.Int64Range(1, 6).Draw(t, "step")*25, -2).Mul(decimal.NewFromInt(scale)))
				tiers[i].To = decimal.NewNullDecimal(to)
				from = to
			}
		}
		return tiers
	})
}

// CommissionPlan returns a generator of valid monthly commission plans in
// EUR on attainment or on revenue, marginal or retroactive, sometimes with
// a cap, a draw (recoverable or not) and a clawback window.
func CommissionPlan() *rapid.Generator[quota.CommissionPlan] {
	return rapid.Custom(func(t *rapid.T) quota.CommissionPlan {
		eur := crmkit.MustCurrency("EUR")
		cp := quota.CommissionPlan{ID: uuid.UUID{2}, Version: 1, Name: "generated", Currency: eur,
			Basis:    rapid.SampledFrom([]quota.TierBasis{quota.OnAttainment, quota.OnRevenue}).Draw(t, "basis"),
			Method:   rapid.SampledFrom([]quota.TierMethod{quota.Marginal, quota.Retroactive}).Draw(t, "method"),
			Rounding: crmkit.RoundHalfEven, Calendar: quota.Fiscal(time.January, ""), Grain: quota.Months,
			ClawbackDays: rapid.SampledFrom([]int{0, 30, 90}).Draw(t, "clawback")}
		scale := int64(1)
		if cp.Basis == quota.OnRevenue {
			scale = 100_000
		}
		cp.Tiers = Tiers(scale).Draw(t, "tiers")
		if rapid.Bool().Draw(t, "capped") {
			cp.Cap, _ = crmkit.NewMoney(rapid.Int64Range(0, 2_000_000).Draw(t, "cap"), eur)
		}
		if rapid.Bool().Draw(t, "draw") {
			cp.Draw.Amount, _ = crmkit.NewMoney(rapid.Int64Range(1, 500_000).Draw(t, "draw"), eur)
			cp.Draw.Recoverable = rapid.Bool().Draw(t, "recoverable")
		}
		return cp
	})
}

// Sales returns a generator of up to maxSales valid EUR sales closed in
// the months around month (the month before, it and the next), each split
// among one to three of Members("rep"), some cancelled a few days to a few
// months later.
func Sales(month time.Time, maxSales int) *rapid.Generator[[]quota.Sale] {
	return rapid.Custom(func(t *rapid.T) []quota.Sale {
		eur := crmkit.MustCurrency("EUR")
		from := month.AddDate(0, -1, 0)
		n := rapid.IntRange(0, maxSales).Draw(t, "sales")
		out := make([]quota.Sale, n)
		reps := Members("rep")
		for i := range out {
			s := quota.Sale{ID: fmt.Sprintf("s%d", i),
				Closed: from.Add(time.Duration(rapid.IntRange(0, 90*24).Draw(t, "hour")) * time.Hour)}
			s.Amount, _ = crmkit.NewMoney(rapid.Int64Range(0, 10_000_000).Draw(t, "amount"), eur)
			k := rapid.IntRange(1, 3).Draw(t, "splits")
			first := rapid.IntRange(0, len(reps)-1).Draw(t, "rep")
			for j := range k {
				s.Splits = append(s.Splits, quota.SaleSplit{Rep: reps[(first+j)%len(reps)], Weight: rapid.Int64Range(1, 100).Draw(t, "weight")})
			}
			if rapid.IntRange(0, 3).Draw(t, "cancelled") == 0 {
				s.Cancelled = s.Closed.Add(time.Duration(rapid.IntRange(0, 120*24).Draw(t, "hours to cancel")) * time.Hour)
			}
			out[i] = s
		}
		return out
	})
}

// Ramp returns a generator of valid ramps: up to six monthly shares from
// 0% to 100%.
func Ramp() *rapid.Generator[quota.Ramp] {
	return rapid.Custom(func(t *rapid.T) quota.Ramp {
		var r quota.Ramp
		for range rapid.IntRange(0, 6).Draw(t, "months") {
			r = append(r, decimal.New(rapid.Int64Range(0, 100).Draw(t, "share"), -2))
		}
		return r
	})
}
