package clv_test

import (
	"bufio"
	"encoding/csv"
	"iter"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit/account/clv"
)

// summaryRow is one row of cdnow_customers_summary_with_transactions.csv.
type summaryRow struct {
	ID          int
	X           int
	Tx, T, Zbar float64
}

var (
	cdnowOnce sync.Once
	cdnowRows []summaryRow
	cdnowErr  error
)

// cdnowSummary reads the shipped 2,357-customer calibration summary
// (weeks, calibration ending 1997-09-30).
func cdnowSummary(tb testing.TB) []summaryRow {
	tb.Helper()
	cdnowOnce.Do(func() {
		f, err := os.Open("testdata/cdnow_customers_summary_with_transactions.csv")
		if err != nil {
			cdnowErr = err
			return
		}
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		if err != nil {
			cdnowErr = err
			return
		}
		for _, r := range recs[1:] {
			var row summaryRow
			for i, dst := range []any{&row.ID, &row.X, &row.Tx, &row.T, &row.Zbar} {
				s := strings.TrimSpace(r[i])
				switch p := dst.(type) {
				case *int:
					*p, err = strconv.Atoi(s)
				case *float64:
					*p, err = strconv.ParseFloat(s, 64)
				}
				if err != nil {
					cdnowErr = err
					return
				}
			}
			cdnowRows = append(cdnowRows, row)
		}
	})
	require.NoError(tb, cdnowErr)
	require.Len(tb, cdnowRows, 2357)
	return cdnowRows
}

// cdnowCustomers returns the shipped summary as clv.Customers.
func cdnowCustomers(tb testing.TB) []clv.Customer {
	rows := cdnowSummary(tb)
	cs := make([]clv.Customer, len(rows))
	for i, r := range rows {
		cs[i] = clv.Customer{ID: strconv.Itoa(r.ID), Frequency: r.X, Recency: r.Tx, T: r.T, MonetaryValue: r.Zbar}
	}
	return cs
}

// sampleTransactions streams CDNOW_sample.txt: master id, sample id,
// YYYYMMDD, number of CDs, dollar value. The customer key is the sample id,
// which is the ID of the summary files.
func sampleTransactions(tb testing.TB) iter.Seq[clv.Transaction] {
	tb.Helper()
	data, err := os.ReadFile("testdata/CDNOW_sample.txt")
	require.NoError(tb, err)
	return func(yield func(clv.Transaction) bool) {
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) != 5 {
				continue
			}
			day, err := time.Parse("20060102", f[2])
			if err != nil {
				tb.Errorf("bad date %q", f[2])
				return
			}
			amount, err := strconv.ParseFloat(f[4], 64)
			if err != nil {
				tb.Errorf("bad amount %q", f[4])
				return
			}
			if !yield(clv.Transaction{Customer: f[1], Time: day, Amount: amount}) {
				return
			}
		}
	}
}

// donations reads the BG/BB donations data: frequency, recency, periods,
// weights.
func donations(tb testing.TB) ([]clv.DiscreteCustomer, []float64) {
	tb.Helper()
	f, err := os.Open("testdata/donations.csv")
	require.NoError(tb, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(tb, err)
	var cs []clv.DiscreteCustomer
	var ws []float64
	for _, r := range recs[1:] {
		var v [4]int
		for i := range v {
			v[i], err = strconv.Atoi(strings.TrimSpace(r[i]))
			require.NoError(tb, err)
		}
		cs = append(cs, clv.DiscreteCustomer{Frequency: v[0], Recency: v[1], Periods: v[2]})
		ws = append(ws, float64(v[3]))
	}
	return cs, ws
}
