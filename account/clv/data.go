package clv

import (
	"fmt"
	"math"
	"slices"

	"github.com/crmkit/crmkit"
)

// field names a field of the i-th element of a list ("customers[3].t"), or
// of a single value (i < 0: "customer.t"). It is only called on errors, so
// validation costs no formatting.
func field(list string, i int, name string) string {
	if i < 0 {
		return list + "." + name
	}
	return fmt.Sprintf("%s[%d].%s", list, i, name)
}

// checkCustomer validates the (x, t_x, T) summary of the i-th customer of a
// list (i < 0 for a single customer).
func checkCustomer(list string, i int, c Customer) error {
	if c.Frequency < 0 {
		return crmkit.Invalid(field(list, i, "frequency"), "must not be negative, got %d (customer %q)", c.Frequency, c.ID)
	}
	if c.Frequency > MaxPurchases {
		return crmkit.Invalid(field(list, i, "frequency"), "%d repeat purchases is more than %d (customer %q)", c.Frequency, MaxPurchases, c.ID)
	}
	if math.IsNaN(c.T) || math.IsInf(c.T, 0) || c.T < 0 {
		return crmkit.Invalid(field(list, i, "t"), "age must be finite and not negative, got %v (customer %q)", c.T, c.ID)
	}
	if math.IsNaN(c.Recency) || math.IsInf(c.Recency, 0) || c.Recency < 0 {
		return crmkit.Invalid(field(list, i, "recency"), "must be finite and not negative, got %v (customer %q)", c.Recency, c.ID)
	}
	if c.Recency > c.T {
		return crmkit.Invalid(field(list, i, "recency"), "t_x %v is greater than the age T %v (customer %q)", c.Recency, c.T, c.ID)
	}
	if c.Frequency == 0 && c.Recency != 0 {
		return crmkit.Invalid(field(list, i, "recency"), "must be 0 when frequency is 0, got %v (customer %q)", c.Recency, c.ID)
	}
	return nil
}

// countData is a validated, compressed set of (x, t_x, T) summaries:
// identical rows are merged into patterns with summed weights, and the
// distinct values of x, t_x and T are indexed so that a likelihood
// evaluation computes each special function once per distinct value.
type countData struct {
	sumW float64
	// repeatW is the total weight of the rows with a repeat purchase.
	repeatW float64
	maxT    float64
	// patterns
	w            []float64
	xi, txi, tji []int32 // indices into xs, txs, ts
	// distinct values
	xs        []int
	txs, ts   []float64
	pairXTx   [][2]int32 // distinct (x index, t_x index) pairs
	pairXT    [][2]int32 // distinct (x index, T index) pairs
	pxtx, pxT []int32    // per pattern: index into pairXTx, pairXT
}

func distinctIndex[K comparable](vals []K) (uniq []K, idx map[K]int32) {
	idx = make(map[K]int32, len(vals))
	for _, v := range vals {
		if _, ok := idx[v]; !ok {
			idx[v] = int32(len(uniq))
			uniq = append(uniq, v)
		}
	}
	return uniq, idx
}

// newCountData validates customers and weights and compresses them; pairs
// asks for the (x, t_x) and (x, T) pair indices that only Pareto/NBD uses.
func newCountData(customers []Customer, weights []float64, pairs bool) (*countData, error) {
	if len(customers) == 0 {
		return nil, crmkit.Invalid("customers", "no customers")
	}
	type key struct {
		x     int
		tx, t float64
	}
	pat := make(map[key]int32, len(customers))
	var keys []key
	d := &countData{}
	for i, c := range customers {
		if err := checkCustomer("customers", i, c); err != nil {
			return nil, err
		}
		w := weight(weights, i)
		d.sumW += w
		if c.Frequency > 0 {
			d.repeatW += w
		}
		d.maxT = math.Max(d.maxT, c.T)
		k := key{c.Frequency, c.Recency, c.T}
		j, ok := pat[k]
		if !ok {
			j = int32(len(keys))
			pat[k] = j
			keys = append(keys, k)
			d.w = append(d.w, 0)
		}
		d.w[j] += w
	}
	if !(d.sumW > 0) || math.IsInf(d.sumW, 1) {
		return nil, crmkit.Invalid("weights", "must add up to a positive finite number, got %v", d.sumW)
	}
	xs := make([]int, len(keys))
	txs := make([]float64, len(keys))
	ts := make([]float64, len(keys))
	for i, k := range keys {
		xs[i], txs[i], ts[i] = k.x, k.tx, k.t
	}
	slices.Sort(xs)
	var xIdx map[int]int32
	d.xs, xIdx = distinctIndex(slices.Compact(xs))
	var txMap, tMap map[float64]int32
	d.txs, txMap = distinctIndex(txs)
	d.ts, tMap = distinctIndex(ts)
	d.xi = make([]int32, len(keys))
	d.txi = make([]int32, len(keys))
	d.tji = make([]int32, len(keys))
	for i, k := range keys {
		d.xi[i], d.txi[i], d.tji[i] = xIdx[k.x], txMap[k.tx], tMap[k.t]
	}
	if !pairs {
		return d, nil
	}
	pairsTx := make([][2]int32, len(keys))
	pairsT := make([][2]int32, len(keys))
	for i := range keys {
		pairsTx[i] = [2]int32{d.xi[i], d.txi[i]}
		pairsT[i] = [2]int32{d.xi[i], d.tji[i]}
	}
	var pxtxMap, pxTMap map[[2]int32]int32
	d.pairXTx, pxtxMap = distinctIndex(pairsTx)
	d.pairXT, pxTMap = distinctIndex(pairsT)
	d.pxtx = make([]int32, len(keys))
	d.pxT = make([]int32, len(keys))
	for i := range keys {
		d.pxtx[i] = pxtxMap[pairsTx[i]]
		d.pxT[i] = pxTMap[pairsT[i]]
	}
	return d, nil
}

// checkIdentified rejects data in which nobody bought twice: the purchase
// models' likelihood then has no maximum inside the parameter space.
func (d *countData) checkIdentified() error {
	if d.repeatW == 0 {
		return crmkit.Invalid("customers", "no customer with a repeat purchase (and a positive weight): the model cannot be fitted")
	}
	return nil
}
