package predict

import (
	"bytes"
	"iter"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// Bin is one row of a reliability table: the deals whose predicted chance
// is in [Lo, Hi) (the last bin includes 1), their mean predicted chance
// and the share of them actually won. A calibrated model has Predicted
// close to Observed in every bin.
type Bin struct {
	Lo, Hi              decimal.Decimal
	Count               int
	Predicted, Observed decimal.Decimal
}

// Calibration measures a WinModel on a held-out time split against the
// stage-probability baseline, on the same deals.
type Calibration struct {
	// Split and End: the model is trained on the deals closed at or
	// before Split and tested on the deals open at Split and closed by End,
	// as they stood at Split.
	Split, End time.Time
	// Trained counts the training rows; Tested the deals tested;
	// Unresolved the deals open at Split still open at End (left out).
	Trained            int64
	Tested, Unresolved int
	// Brier is the mean squared difference between the predicted chance
	// and the outcome (1 won, 0 not), BaselineBrier the same for the
	// stages' configured probabilities; lower is better.
	Brier, BaselineBrier decimal.Decimal
	// Reliability and BaselineReliability are reliability tables of ten
	// equal bins.
	Reliability, BaselineReliability []Bin
}

// Calibrate trains a WinModel as of split and tests it on the deals open
// at split that closed by end: each is predicted from its state at split
// and compared with its outcome, beside its stage's configured
// probability. records is read three times (a slice's slices.Values, a
// store cursor that can be reopened). A split not before end and the
// errors of TrainWin are errors; so is a split with no deal to test.
func Calibrate(p *deal.Pipeline, records iter.Seq[funnel.Record], split, end time.Time, opt WinOptions) (Calibration, error) {
	if !split.Before(end) {
		return Calibration{}, crmkit.Invalid("split", "split %s is not before end %s", split.Format(time.RFC3339), end.Format(time.RFC3339))
	}
	w, err := TrainWin(p, records, split, opt)
	if err != nil {
		return Calibration{}, err
	}
	type pending struct {
		id       uuid.UUID
		p, base  float64
		resolved bool
	}
	var open []pending
	d, offs := w.dims()
	x := make([]float64, d)
	if _, _, err := scan(p, records, split, func(e *entity) error {
		if e.o.Status != funnel.Open || len(e.stays) == 0 {
			return nil
		}
		st := &e.stays[len(e.stays)-1]
		k := key(w.entityKey(&e.o, false), st, split.Sub(st.entered), e.activities)
		pr, _ := w.predict(&k, x, offs, false)
		base := 0.0
		if st.from < w.n {
			base = w.baseline[st.from]
		}
		open = append(open, pending{id: e.o.Entity, p: pr, base: base})
		return nil
	}); err != nil {
		return Calibration{}, err
	}
	c := Calibration{Split: split, End: end, Trained: w.rows}
	var model, baseline [10][3]float64 // count, sum predicted, sum won
	var brier, bbrier float64
	i := 0
	if _, _, err := scan(p, records, end, func(e *entity) error {
		for i < len(open) && bytes.Compare(open[i].id[:], e.o.Entity[:]) < 0 {
			i++
		}
		if i >= len(open) || open[i].id != e.o.Entity || !e.o.Status.Closed() {
			return nil
		}
		y := 0.0
		if e.o.Status == funnel.ClosedWon {
			y = 1
		}
		o := &open[i]
		o.resolved = true
		c.Tested++
		brier += (o.p - y) * (o.p - y)
		bbrier += (o.base - y) * (o.base - y)
		for _, t := range []struct {
			tab *[10][3]float64
			p   float64
		}{{&model, o.p}, {&baseline, o.base}} {
			b := min(9, int(t.p*10))
			t.tab[b][0]++
			t.tab[b][1] += t.p
			t.tab[b][2] += y
		}
		return nil
	}); err != nil {
		return Calibration{}, err
	}
	if c.Tested == 0 {
		return Calibration{}, crmkit.Invalid("split", "no deal open at %s closed by %s: nothing to test", split.Format(time.RFC3339), end.Format(time.RFC3339))
	}
	c.Unresolved = len(open) - c.Tested
	c.Brier = fraction(brier / float64(c.Tested))
	c.BaselineBrier = fraction(bbrier / float64(c.Tested))
	table := func(t *[10][3]float64) []Bin {
		out := make([]Bin, 10)
		for b := range out {
			out[b] = Bin{Lo: decimal.New(int64(b), -1), Hi: decimal.New(int64(b+1), -1), Count: int(t[b][0])}
			if t[b][0] > 0 {
				out[b].Predicted = fraction(t[b][1] / t[b][0])
				out[b].Observed = fraction(t[b][2] / t[b][0])
			}
		}
		return out
	}
	c.Reliability, c.BaselineReliability = table(&model), table(&baseline)
	return c, nil
}
