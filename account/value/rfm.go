package value

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
)

// RFMInput is one customer's purchase summary: its key, the time of its
// last purchase, how many purchases it made and what it spent in total.
type RFMInput struct {
	Customer  string
	Last      time.Time
	Frequency int64
	Monetary  crmkit.Money
}

// RFMConfig sets the number of score bins per dimension, 2 to 9 each;
// zero means 5 (quintiles).
type RFMConfig struct {
	RecencyBins   int
	FrequencyBins int
	MonetaryBins  int
}

// RFMSegment is a named group of customers by their R and F scores.
type RFMSegment uint8

// The RFM segments. Scores are first scaled linearly to 1..5, 1 to 1 and
// bins to 5 (s' = 1 + round(4·(s−1)/(bins−1)), halves up);
// then, with R the scaled recency and F the scaled frequency score:
//
//	R 4-5: F 4-5 Champions, F 3 Loyal, F 2 PotentialLoyalist, F 1 NewCustomer
//	R 3:   F 3-5 Loyal, F 1-2 NeedAttention
//	R 1-2: F 4-5 CantLoseThem, F 3 AtRisk, F 1-2 Hibernating (R 2) or Lost (R 1)
const (
	_ RFMSegment = iota
	Champions
	Loyal
	PotentialLoyalist
	NewCustomer
	NeedAttention
	CantLoseThem
	AtRisk
	Hibernating
	Lost
)

// RFMSegmentOf names the segment of scaled scores r and f in 1..5 (see
// RFMSegment).
func RFMSegmentOf(r, f int) RFMSegment {
	switch {
	case r >= 4 && f >= 4:
		return Champions
	case r >= 4 && f == 3, r == 3 && f >= 3:
		return Loyal
	case r >= 4 && f == 2:
		return PotentialLoyalist
	case r >= 4:
		return NewCustomer
	case r == 3:
		return NeedAttention
	case f >= 4:
		return CantLoseThem
	case f == 3:
		return AtRisk
	case r == 2:
		return Hibernating
	}
	return Lost
}

// RFMScore is a customer's recency, frequency and monetary scores (1 is
// worst, the number of bins best), its code R*100+F*10+M and segment.
type RFMScore struct {
	Customer string
	R, F, M  int
	Code     int
	Segment  RFMSegment
}

// ScoreRFM scores every customer, returning the scores in input order.
//
// Bins and ties: in each dimension customers are ordered from worst
// (oldest last purchase, fewest purchases, least spent) to best. A
// customer whose value has L customers strictly worse than it, out of n,
// scores
//
//	score = 1 + floor(bins · L / n)
//
// so equal values always share a score: the score of the first of their
// group (the tie rule). It depends only on the values, never on the input
// order. When over half of the customers bought once (as in CDNOW) they
// all score F = 1 and the upper bins hold the rest; some middle scores may
// then be empty rather than splitting identical customers.
//
// Errors: ErrInvalid for an empty key, a zero last-purchase time, a
// negative frequency or amount, bins outside 2..9; ErrConflict for a key
// given twice; ErrCurrencyMismatch for amounts in several currencies.
func ScoreRFM(customers []RFMInput, cfg RFMConfig) ([]RFMScore, error) {
	bins := [3]int{cfg.RecencyBins, cfg.FrequencyBins, cfg.MonetaryBins}
	for i := range bins {
		if bins[i] == 0 {
			bins[i] = 5
		}
		if bins[i] < 2 || bins[i] > 9 {
			return nil, crmkit.Invalid("bins", "%d bins: want 2..9", bins[i])
		}
	}
	n := len(customers)
	if n == 0 {
		return nil, nil
	}
	cur := customers[0].Monetary.Currency()
	keys := make([][]keyed, 3)
	for d := range keys {
		keys[d] = make([]keyed, n)
	}
	for i, c := range customers {
		switch {
		case c.Customer == "":
			return nil, crmkit.Invalid(fmt.Sprintf("customers[%d]", i), "empty customer key")
		case c.Last.IsZero():
			return nil, crmkit.Invalid(fmt.Sprintf("customers[%d]", i), "customer %q has no last purchase", c.Customer)
		case c.Frequency < 0:
			return nil, crmkit.Invalid(fmt.Sprintf("customers[%d]", i), "customer %q has frequency %d", c.Customer, c.Frequency)
		case c.Monetary.Sign() < 0:
			return nil, crmkit.Invalid(fmt.Sprintf("customers[%d]", i), "customer %q spent %s", c.Customer, c.Monetary)
		case c.Monetary.Currency() != cur:
			return nil, fmt.Errorf("rfm: customer %q spent %s, others %s: %w", c.Customer, c.Monetary, cur, crmkit.ErrCurrencyMismatch)
		}
		keys[0][i] = keyed{c.Last.UnixNano(), int32(i)}
		keys[1][i] = keyed{c.Frequency, int32(i)}
		keys[2][i] = keyed{c.Monetary.Minor(), int32(i)}
	}
	if k, dup := duplicateKey(n, func(i int) string { return customers[i].Customer }); dup {
		return nil, fmt.Errorf("rfm: customer %q given twice: %w", k, crmkit.ErrConflict)
	}
	scores := make([]RFMScore, n)
	for d := range keys {
		ks := keys[d]
		slices.SortFunc(ks, func(a, b keyed) int { return cmp.Compare(a.v, b.v) })
		worse := 0
		for j := range ks {
			if j > 0 && ks[j].v != ks[j-1].v {
				worse = j
			}
			s := 1 + int(int64(bins[d])*int64(worse)/int64(n))
			switch d {
			case 0:
				scores[ks[j].i].R = s
			case 1:
				scores[ks[j].i].F = s
			default:
				scores[ks[j].i].M = s
			}
		}
	}
	for i := range scores {
		s := &scores[i]
		s.Customer = customers[i].Customer
		s.Code = s.R*100 + s.F*10 + s.M
		s.Segment = RFMSegmentOf(scale5(s.R, bins[0]), scale5(s.F, bins[1]))
	}
	return scores, nil
}

type keyed struct {
	v int64
	i int32
}

// scale5 maps a score in 1..bins to 1..5: 1 + round(4·(s−1)/(bins−1)).
func scale5(s, bins int) int { return 1 + ((s-1)*8+bins-1)/(2*(bins-1)) }
