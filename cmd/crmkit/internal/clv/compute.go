package clv

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/clv"
)

// Report is everything the command prints, in the shape of its -json output.
type Report struct {
	Input InputSummary `json:"input"`
	RFM   RFMSummary   `json:"rfm"`
	// BGNBD and GammaGamma are the models used, fitted or given.
	BGNBD      ModelReport `json:"bgnbd"`
	GammaGamma ModelReport `json:"gamma_gamma"`
	// Holdout is the calibration/holdout check; nil without a holdout
	// period.
	Holdout *HoldoutReport `json:"holdout"`
	CLV     CLVReport      `json:"clv"`
}

// InputSummary describes the transactions read.
type InputSummary struct {
	File   string `json:"file"`
	Format string `json:"format"`
	// Transactions counts the rows read; Spend is their exact total.
	Transactions int          `json:"transactions"`
	Spend        crmkit.Money `json:"spend"`
	// Customers counts the cohort: the customers whose first purchase is in
	// the calibration period. Excluded counts the other customers of the
	// file, whose first purchase is after it.
	Customers      int    `json:"customers"`
	Excluded       int    `json:"excluded_after_calibration"`
	FirstPurchase  string `json:"first_purchase"`
	CalibrationEnd string `json:"calibration_end"`
	// HoldoutEnd is the last day of the holdout period, empty without one.
	HoldoutEnd   string   `json:"holdout_end,omitempty"`
	Unit         string   `json:"unit"`
	RepeatBuyers int      `json:"repeat_buyers"`
	RepeatDays   int      `json:"repeat_purchases"`
	Rejected     Rejected `json:"rejected"`
}

// RFMSummary is the RFM quintile table.
type RFMSummary struct {
	Scores []RFMScore `json:"scores"`
	// Cells are the most common RFM cells ("555" best), most customers first.
	Cells []RFMCell `json:"top_cells"`
}

// RFMScore is one score (5 best) of the three RFM dimensions.
type RFMScore struct {
	Score     int      `json:"score"`
	Recency   RFMRange `json:"recency_days"`
	Frequency RFMRange `json:"frequency_days"`
	Monetary  RFMRange `json:"monetary_mean"`
}

// RFMRange counts the customers with a score in one dimension and the range
// of their values.
type RFMRange struct {
	Customers int     `json:"customers"`
	Min       float64 `json:"min"`
	Max       float64 `json:"max"`
}

// RFMCell counts the customers in one RFM cell.
type RFMCell struct {
	Cell      string `json:"cell"`
	Customers int    `json:"customers"`
}

// ModelReport is a model's parameters and fit.
type ModelReport struct {
	Params        map[string]float64 `json:"params"`
	Fitted        bool               `json:"fitted"`
	LogLikelihood float64            `json:"log_likelihood"`
	// Customers counts the customers the model was fitted to or scored on.
	Customers  int `json:"customers"`
	Iterations int `json:"iterations,omitempty"`
	// ExcludedNonPositiveSpend counts, for Gamma-Gamma, the repeat buyers
	// left out because their repeat purchases add up to zero.
	ExcludedNonPositiveSpend int `json:"excluded_non_positive_spend"`
}

// HoldoutReport is the calibration/holdout check of Fader, Hardie and Lee
// (2005), figure 5: the customers grouped by calibration repeat purchases,
// their mean holdout purchases actual and expected under BG/NBD.
type HoldoutReport struct {
	// Start and End are the first and last days of the holdout period;
	// Length is its length in the time unit.
	Start  string  `json:"start"`
	End    string  `json:"end"`
	Length float64 `json:"length"`
	// Bins run from x = 0 to 7+.
	Bins []HoldoutRow `json:"bins"`
	// Actual and Expected are the totals over all customers.
	Actual   int     `json:"actual"`
	Expected float64 `json:"expected"`
}

// HoldoutRow is one group of the holdout check.
type HoldoutRow struct {
	// Frequency is the number of calibration repeat purchases x; OrMore
	// marks the last group, x or more.
	Frequency int  `json:"x"`
	OrMore    bool `json:"or_more"`
	Customers int  `json:"customers"`
	// Actual and Expected are the group's total holdout purchases;
	// ActualMean and ExpectedMean are per customer (0 for an empty group).
	Actual       int     `json:"actual"`
	Expected     float64 `json:"expected"`
	ActualMean   float64 `json:"actual_mean"`
	ExpectedMean float64 `json:"expected_mean"`
}

// CLVReport is the CLV ranking.
type CLVReport struct {
	Months       int     `json:"months"`
	DiscountRate float64 `json:"discount_rate"`
	Margin       float64 `json:"margin"`
	// Total is the sum over the customers ranked.
	Total float64 `json:"total"`
	// Ranked counts the customers given a CLV; ExcludedNonPositiveSpend the
	// repeat buyers left out because the spend model has no estimate for
	// a customer whose repeat purchases add up to zero.
	Ranked                   int           `json:"ranked"`
	ExcludedNonPositiveSpend int           `json:"excluded_non_positive_spend"`
	Top                      []CustomerCLV `json:"top"`
}

// CustomerCLV is one customer's summary and predictions.
type CustomerCLV struct {
	ID                string  `json:"id"`
	Frequency         int     `json:"x"`
	Recency           float64 `json:"t_x"`
	T                 float64 `json:"T"`
	MonetaryValue     float64 `json:"m"`
	ProbAlive         float64 `json:"p_alive"`
	ExpectedPurchases float64 `json:"expected_purchases"`
	ExpectedSpend     float64 `json:"expected_spend"`
	CLV               float64 `json:"clv"`
}

func transactions(ps []purchase) iter.Seq[clv.Transaction] {
	return func(yield func(clv.Transaction) bool) {
		for _, p := range ps {
			if !yield(p.tx) {
				return
			}
		}
	}
}

// compute summarises the purchases and fits, checks and ranks.
func compute(ctx context.Context, c config, ps []purchase) (Report, error) {
	amounts := make([]crmkit.Money, len(ps))
	var last time.Time
	for i, p := range ps {
		amounts[i] = p.amount
		if p.tx.Time.After(last) {
			last = p.tx.Time
		}
	}
	spend, err := crmkit.Sum(c.currency, amounts...)
	if err != nil {
		return Report{}, fmt.Errorf("total spend: %w", err)
	}
	if c.calibrationEnd.IsZero() {
		c.calibrationEnd = last
	}
	if c.holdoutEnd.IsZero() && last.After(c.calibrationEnd) {
		c.holdoutEnd = last
	}
	s, err := clv.Summarize(transactions(ps), clv.SummaryOptions{CalibrationEnd: c.calibrationEnd, HoldoutEnd: c.holdoutEnd, Unit: c.unit})
	if err != nil {
		return Report{}, fmt.Errorf("summarising %s: %w", c.in, err)
	}
	rep := Report{Input: InputSummary{
		File: c.in, Format: c.format, Transactions: len(ps), Spend: spend,
		Customers: len(s.Customers), Excluded: s.Excluded,
		FirstPurchase:  s.Start.Format(time.DateOnly),
		CalibrationEnd: s.CalibrationEnd.Format(time.DateOnly),
		Unit:           c.unitName,
	}}
	if s.Holdout > 0 {
		rep.Input.HoldoutEnd = s.HoldoutEnd.Format(time.DateOnly)
	}
	for _, cu := range s.Customers {
		if cu.Frequency > 0 {
			rep.Input.RepeatBuyers++
		}
		rep.Input.RepeatDays += cu.Frequency
	}
	rep.RFM = rfm(ps, s.CalibrationEnd)

	bg := clv.BGNBD{}
	if c.bgnbd != nil {
		bg = *c.bgnbd
		ll, err := bg.LogLikelihood(s.Customers, nil)
		if err != nil {
			return Report{}, fmt.Errorf("BG/NBD log-likelihood: %w", err)
		}
		rep.BGNBD = ModelReport{LogLikelihood: ll}
	} else {
		m, res, err := clv.FitBGNBD(s.Customers, clv.FitOptions{})
		if err != nil {
			return Report{}, fmt.Errorf("fitting BG/NBD to %d customers: %w", len(s.Customers), err)
		}
		bg = m
		rep.BGNBD = ModelReport{Fitted: true, LogLikelihood: res.LogLikelihood, Iterations: res.Iterations}
	}
	rep.BGNBD.Customers = len(s.Customers)
	rep.BGNBD.Params = map[string]float64{"r": bg.R, "alpha": bg.Alpha, "a": bg.A, "b": bg.B}
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}

	spenders, zeroSpend := clv.GammaGammaCustomers(s.Customers)
	if len(spenders) == 0 {
		return Report{}, fmt.Errorf("Gamma-Gamma: no repeat buyer with a positive spend among the %d customers (%d repeat buyers spent nothing on repeat purchases)", len(s.Customers), zeroSpend)
	}
	gg := clv.GammaGamma{}
	if c.gammaGamma != nil {
		gg = *c.gammaGamma
		ll, err := gg.LogLikelihood(spenders, nil)
		if err != nil {
			return Report{}, fmt.Errorf("Gamma-Gamma log-likelihood: %w", err)
		}
		rep.GammaGamma = ModelReport{LogLikelihood: ll}
	} else {
		m, res, err := clv.FitGammaGamma(spenders, clv.FitOptions{})
		if err != nil {
			return Report{}, fmt.Errorf("fitting Gamma-Gamma to the %d repeat buyers with a positive spend: %w", len(spenders), err)
		}
		gg = m
		rep.GammaGamma = ModelReport{Fitted: true, LogLikelihood: res.LogLikelihood, Iterations: res.Iterations}
	}
	rep.GammaGamma.Customers = len(spenders)
	rep.GammaGamma.ExcludedNonPositiveSpend = zeroSpend
	rep.GammaGamma.Params = map[string]float64{"p": gg.P, "q": gg.Q, "gamma": gg.Gamma}

	if s.Holdout > 0 {
		bins, err := s.HoldoutFit(bg, holdoutBins)
		if err != nil {
			return Report{}, fmt.Errorf("holdout check: %w", err)
		}
		h := &HoldoutReport{
			Start:  s.CalibrationEnd.AddDate(0, 0, 1).Format(time.DateOnly),
			End:    s.HoldoutEnd.Format(time.DateOnly),
			Length: s.Holdout,
		}
		for _, b := range bins {
			row := HoldoutRow{Frequency: b.Frequency, OrMore: b.OrMore, Customers: b.Customers, Actual: b.Actual, Expected: b.Expected}
			if b.Customers > 0 {
				row.ActualMean = float64(b.Actual) / float64(b.Customers)
				row.ExpectedMean = b.Expected / float64(b.Customers)
			}
			h.Bins = append(h.Bins, row)
			h.Actual += b.Actual
			h.Expected += b.Expected
		}
		rep.Holdout = h
	}
	if err := ctx.Err(); err != nil {
		return Report{}, err
	}
	rep.CLV, err = rank(s.Customers, bg, gg, c)
	if err != nil {
		return Report{}, err
	}
	return rep, nil
}

// rfm scores the customers' calibration purchases (same-day purchases merged,
// as Summarize does) on recency, frequency and monetary value.
func rfm(ps []purchase, calEnd time.Time) RFMSummary {
	type agg struct {
		days  map[time.Time]bool
		last  time.Time
		spend float64
	}
	end := day(calEnd)
	per := map[string]*agg{}
	for _, p := range ps {
		t := p.tx
		d := day(t.Time)
		if d.After(end) {
			continue
		}
		a := per[t.Customer]
		if a == nil {
			a = &agg{days: map[time.Time]bool{}}
			per[t.Customer] = a
		}
		a.days[d] = true
		if d.After(a.last) {
			a.last = d
		}
		a.spend += t.Amount
	}
	ids := make([]string, 0, len(per))
	for id := range per {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	n := len(ids)
	// Values oriented so that larger is better; recency is negated days.
	vals := [3][]float64{make([]float64, n), make([]float64, n), make([]float64, n)}
	raw := [3][]float64{make([]float64, n), make([]float64, n), make([]float64, n)}
	for i, id := range ids {
		a := per[id]
		rd := float64(int(end.Sub(a.last).Hours()+0.5) / 24)
		f := float64(len(a.days))
		m := a.spend / f
		raw[0][i], raw[1][i], raw[2][i] = rd, f, m
		vals[0][i], vals[1][i], vals[2][i] = -rd, f, m
	}
	out := RFMSummary{Scores: make([]RFMScore, 5)}
	for s := range out.Scores {
		out.Scores[s].Score = 5 - s
	}
	scores := make([][3]int, n)
	for dim := range 3 {
		sorted := slices.Clone(vals[dim])
		slices.Sort(sorted)
		for i, v := range vals[dim] {
			worse, _ := slices.BinarySearch(sorted, v) // first index of v: count strictly below
			sc := 1 + 5*worse/n
			scores[i][dim] = sc
			row := &out.Scores[5-sc]
			r := [3]*RFMRange{&row.Recency, &row.Frequency, &row.Monetary}[dim]
			x := raw[dim][i]
			if r.Customers == 0 || x < r.Min {
				r.Min = x
			}
			if r.Customers == 0 || x > r.Max {
				r.Max = x
			}
			r.Customers++
		}
	}
	cells := map[string]int{}
	for _, sc := range scores {
		cells[fmt.Sprintf("%d%d%d", sc[0], sc[1], sc[2])]++
	}
	for cell, k := range cells {
		out.Cells = append(out.Cells, RFMCell{Cell: cell, Customers: k})
	}
	slices.SortFunc(out.Cells, func(a, b RFMCell) int {
		if a.Customers != b.Customers {
			return b.Customers - a.Customers
		}
		return strings.Compare(b.Cell, a.Cell)
	})
	if len(out.Cells) > 5 {
		out.Cells = out.Cells[:5]
	}
	return out
}

func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// rank predicts the CLV of every customer the spend model can score and
// keeps the top c.top.
func rank(customers []clv.Customer, bg clv.BGNBD, gg clv.GammaGamma, c config) (CLVReport, error) {
	// lifetimes' factor: 4.345 weeks or 30 days in a month.
	periodLength := 4.345
	if c.unit == clv.Day {
		periodLength = 30
	}
	opts := clv.CLVOptions{Periods: c.months, PeriodLength: periodLength, DiscountRate: c.discount, Margin: c.margin}
	rep := CLVReport{Months: c.months, DiscountRate: c.discount, Margin: c.margin}
	all := make([]CustomerCLV, 0, len(customers))
	for _, cu := range customers {
		if cu.Frequency > 0 && cu.MonetaryValue <= 0 {
			rep.ExcludedNonPositiveSpend++
			continue
		}
		v, err := gg.CLV(bg, cu, opts)
		if err != nil {
			return rep, fmt.Errorf("CLV of customer %s: %w", cu.ID, err)
		}
		pa, err := bg.ProbAlive(cu)
		if err != nil {
			return rep, fmt.Errorf("P(alive) of customer %s: %w", cu.ID, err)
		}
		ep, err := bg.ConditionalExpectedPurchases(float64(c.months)*periodLength, cu)
		if err != nil {
			return rep, fmt.Errorf("expected purchases of customer %s: %w", cu.ID, err)
		}
		es, err := gg.ConditionalExpectedSpend(cu)
		if err != nil {
			return rep, fmt.Errorf("expected spend of customer %s: %w", cu.ID, err)
		}
		rep.Total += v
		all = append(all, CustomerCLV{
			ID: cu.ID, Frequency: cu.Frequency, Recency: cu.Recency, T: cu.T, MonetaryValue: cu.MonetaryValue,
			ProbAlive: pa, ExpectedPurchases: ep, ExpectedSpend: es, CLV: v,
		})
	}
	rep.Ranked = len(all)
	slices.SortStableFunc(all, func(a, b CustomerCLV) int {
		switch {
		case a.CLV > b.CLV:
			return -1
		case a.CLV < b.CLV:
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	rep.Top = all[:min(c.top, len(all))]
	return rep, nil
}
