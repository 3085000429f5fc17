package clv

import (
	"fmt"
	"io"
)

func printText(w io.Writer, r Report) error {
	ew := &errWriter{w: w}
	in := r.Input
	ew.printf("== Input\n")
	ew.printf("%s (%s): %d transactions, spend %s; calibration period %s..%s: %d customers (%d excluded: first purchase after it)\n",
		in.File, in.Format, in.Transactions, in.Spend, in.FirstPurchase, in.CalibrationEnd, in.Customers, in.Excluded)
	ew.printf("repeat buyers %d, repeat purchases %d, time unit %s\n", in.RepeatBuyers, in.RepeatDays, in.Unit)
	if in.Rejected.Rows > 0 {
		ew.printf("%s (listed on standard error)\n", in.Rejected.summary())
	}

	ew.printf("\n== RFM (score 5 best; recency in days before %s, frequency in purchase days, monetary = mean spend per purchase day)\n", in.CalibrationEnd)
	ew.printf("%5s  %6s %-13s  %6s %-13s  %6s %s\n", "score", "R cust", "R days", "F cust", "F days", "M cust", "M mean")
	for _, s := range r.RFM.Scores {
		ew.printf("%5d  %6d %-13s  %6d %-13s  %6d %s\n", s.Score,
			s.Recency.Customers, span(s.Recency, "%.0f"),
			s.Frequency.Customers, span(s.Frequency, "%.0f"),
			s.Monetary.Customers, span(s.Monetary, "%.2f"))
	}
	ew.printf("top cells:")
	for _, c := range r.RFM.Cells {
		ew.printf(" %s=%d", c.Cell, c.Customers)
	}
	ew.printf("\n")

	how := func(m ModelReport) string {
		if m.Fitted {
			return fmt.Sprintf("fitted, %d iterations", m.Iterations)
		}
		return "given"
	}
	p := r.BGNBD.Params
	ew.printf("\n== BG/NBD (%s, %d customers)\n", how(r.BGNBD), r.BGNBD.Customers)
	ew.printf("r=%.3f alpha=%.3f a=%.3f b=%.3f LL=%.1f\n", p["r"], p["alpha"], p["a"], p["b"], r.BGNBD.LogLikelihood)
	p = r.GammaGamma.Params
	ew.printf("\n== Gamma-Gamma (%s, %d repeat buyers", how(r.GammaGamma), r.GammaGamma.Customers)
	if n := r.GammaGamma.ExcludedNonPositiveSpend; n > 0 {
		ew.printf("; %d excluded: repeat purchases add up to zero", n)
	}
	ew.printf(")\n")
	ew.printf("p=%.2f q=%.2f gamma=%.2f LL=%.1f\n", p["p"], p["q"], p["gamma"], r.GammaGamma.LogLikelihood)

	if h := r.Holdout; h != nil {
		ew.printf("\n== Holdout check %s..%s (%.2f %ss): mean repeat purchases per customer, actual and BG/NBD conditional expectation\n",
			h.Start, h.End, h.Length, in.Unit)
		ew.printf("%-3s %9s %8s %9s %8s %9s\n", "x", "customers", "actual", "expected", "mean act", "mean exp")
		for _, b := range h.Bins {
			x := fmt.Sprint(b.Frequency)
			if b.OrMore {
				x += "+"
			}
			if b.Customers == 0 {
				ew.printf("%-3s %9d %8s %9s %8s %9s\n", x, 0, "-", "-", "-", "-")
				continue
			}
			ew.printf("%-3s %9d %8d %9.2f %8.3f %9.3f\n", x, b.Customers, b.Actual, b.Expected, b.ActualMean, b.ExpectedMean)
		}
		ew.printf("all %9d %8d %9.2f\n", in.Customers, h.Actual, h.Expected)
	} else {
		ew.printf("\n== Holdout check: none (no purchase after the calibration period; set -calibration-end earlier)\n")
	}

	c := r.CLV
	ew.printf("\n== CLV over %d months (discount %g a month, margin %g): total %.2f over %d customers", c.Months, c.DiscountRate, c.Margin, c.Total, c.Ranked)
	if c.ExcludedNonPositiveSpend > 0 {
		ew.printf(" (%d not ranked: repeat purchases add up to zero)", c.ExcludedNonPositiveSpend)
	}
	ew.printf("\n")
	ew.printf("%-10s %4s %7s %7s %8s %8s %9s %8s %9s\n", "customer", "x", "t_x", "T", "m", "P(alive)", "E[purch]", "E[spend]", "CLV")
	for _, cu := range c.Top {
		ew.printf("%-10s %4d %7.2f %7.2f %8.2f %8.3f %9.2f %8.2f %9.2f\n",
			cu.ID, cu.Frequency, cu.Recency, cu.T, cu.MonetaryValue, cu.ProbAlive, cu.ExpectedPurchases, cu.ExpectedSpend, cu.CLV)
	}
	return ew.err
}

func span(r RFMRange, verb string) string {
	if r.Customers == 0 {
		return "-"
	}
	if r.Min == r.Max {
		return fmt.Sprintf(verb, r.Min)
	}
	return fmt.Sprintf(verb+"-"+verb, r.Min, r.Max)
}

// errWriter keeps the first write error so the printing code stays flat.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
