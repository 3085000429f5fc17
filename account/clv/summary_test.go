package clv_test

import (
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account/clv"
)

var (
	cdnowCalEnd  = time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC)
	cdnowHoldEnd = time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC)
)

func cdnowOptions() clv.SummaryOptions {
	return clv.SummaryOptions{CalibrationEnd: cdnowCalEnd, HoldoutEnd: cdnowHoldEnd, Unit: clv.Week}
}

// round2 rounds to 2 decimal places, as the shipped summary files are.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

func TestSummarizeReproducesShippedCDNOWSummary(t *testing.T) {
	s, err := clv.Summarize(sampleTransactions(t), cdnowOptions())
	require.NoError(t, err)
	rows := cdnowSummary(t)
	require.Len(t, s.Customers, len(rows))
	assert.Equal(t, 0, s.Excluded)
	assert.Equal(t, time.Date(1997, 1, 1, 0, 0, 0, 0, time.UTC), s.Start)
	assert.Equal(t, cdnowCalEnd, s.CalibrationEnd)
	assert.Equal(t, cdnowHoldEnd, s.HoldoutEnd)
	assert.InDelta(t, 39.0, s.Holdout, 1e-12) // 273 days

	byID := make(map[int]clv.Customer, len(s.Customers))
	for _, c := range s.Customers {
		id, err := strconv.Atoi(c.ID)
		require.NoError(t, err)
		byID[id] = c
	}
	mismatches := 0
	for _, r := range rows {
		c, ok := byID[r.ID]
		require.True(t, ok, "customer %d missing", r.ID)
		// Amounts like 18.135 sit on a rounding edge in binary floating point.
		if c.Frequency != r.X || round2(c.Recency) != r.Tx || round2(c.T) != r.T || math.Abs(c.MonetaryValue-r.Zbar) > 0.005+1e-9 {
			mismatches++
			if mismatches < 5 {
				t.Errorf("customer %d: got x=%d t_x=%.4f T=%.4f m=%.4f, shipped %d %.2f %.2f %.2f",
					r.ID, c.Frequency, c.Recency, c.T, c.MonetaryValue, r.X, r.Tx, r.T, r.Zbar)
			}
		}
	}
	assert.Zero(t, mismatches)

	// The plain summary file holds the same (x, t_x, T).
	f, err := os.Open("testdata/cdnow_customers_summary.csv")
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, 2358)
	for _, r := range recs[1:] {
		id, err := strconv.Atoi(r[0])
		require.NoError(t, err)
		c := byID[id]
		assert.Equal(t, r[1], strconv.Itoa(c.Frequency), "customer %d", id)
		tx, err := strconv.ParseFloat(r[2], 64)
		require.NoError(t, err)
		age, err := strconv.ParseFloat(r[3], 64)
		require.NoError(t, err)
		assert.Equal(t, tx, round2(c.Recency), "customer %d", id)
		assert.Equal(t, age, round2(c.T), "customer %d", id)
	}

	// Totals counted independently with awk over the distinct (customer,
	// day) pairs of CDNOW_sample.txt: 2,457 repeat purchases in the
	// calibration period (the figure of Fader, Hardie and Lee) and 1,882 in
	// the holdout period.
	calTotal, holdTotal := 0, 0
	for _, c := range s.Customers {
		calTotal += c.Frequency
		holdTotal += c.HoldoutFrequency
	}
	assert.Equal(t, 2457, calTotal)
	assert.Equal(t, 1882, holdTotal)
}

func at(date string, hour int) time.Time {
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		panic(err)
	}
	return d.Add(time.Duration(hour) * time.Hour)
}

func TestSummarizeHandExample(t *testing.T) {
	txs := []clv.Transaction{
		{Customer: "a", Time: at("2024-01-15", 9), Amount: 30},
		{Customer: "a", Time: at("2024-01-01", 10), Amount: 10},
		{Customer: "a", Time: at("2024-01-01", 18), Amount: 5}, // same day: merged with the 10
		{Customer: "a", Time: at("2024-01-08", 12), Amount: 20},
		{Customer: "a", Time: at("2024-02-05", 12), Amount: 40}, // holdout
		{Customer: "a", Time: at("2024-02-05", 13), Amount: 2},  // holdout, same day
		{Customer: "a", Time: at("2024-03-01", 12), Amount: 99}, // after the holdout: ignored
		{Customer: "b", Time: at("2024-02-01", 12), Amount: 50}, // first purchase after calibration
		{Customer: "c", Time: at("2024-01-29", 23), Amount: 7},  // on the last calibration day
		{Customer: "d", Time: at("2024-01-11", 8), Amount: 0},
		{Customer: "d", Time: at("2024-02-26", 8), Amount: 6}, // last holdout day
	}
	s, err := clv.Summarize(slices.Values(txs), clv.SummaryOptions{
		CalibrationEnd: at("2024-01-29", 0), HoldoutEnd: at("2024-02-26", 0), Unit: clv.Week,
	})
	require.NoError(t, err)
	assert.Equal(t, 1, s.Excluded)
	assert.Equal(t, at("2024-01-01", 0), s.Start)
	assert.InDelta(t, 4.0, s.Holdout, 1e-12)
	want := []clv.Customer{
		{ID: "a", Frequency: 2, Recency: 2, T: 4, MonetaryValue: 25, FirstPurchase: at("2024-01-01", 0), HoldoutFrequency: 1, HoldoutMonetaryValue: 42},
		{ID: "c", FirstPurchase: at("2024-01-29", 0)},
		{ID: "d", T: 18.0 / 7, FirstPurchase: at("2024-01-11", 0), HoldoutFrequency: 1, HoldoutMonetaryValue: 6},
	}
	assert.Equal(t, want, s.Customers)

	// In days instead of weeks.
	s, err = clv.Summarize(slices.Values(txs), clv.SummaryOptions{CalibrationEnd: at("2024-01-29", 0), Unit: clv.Day})
	require.NoError(t, err)
	assert.Equal(t, 14.0, s.Customers[0].Recency)
	assert.Equal(t, 28.0, s.Customers[0].T)
	assert.Zero(t, s.Customers[0].HoldoutFrequency, "no holdout period")
	assert.Zero(t, s.Holdout)
}

func TestSummarizeDayBoundariesFollowLocation(t *testing.T) {
	// 23:30 and 00:30 UTC are two days in UTC but the same evening in New
	// York (UTC-5).
	txs := []clv.Transaction{
		{Customer: "a", Time: at("2024-03-01", 0).Add(-30 * time.Minute), Amount: 1},
		{Customer: "a", Time: at("2024-03-01", 0).Add(30 * time.Minute), Amount: 2},
	}
	utc, err := clv.Summarize(slices.Values(txs), clv.SummaryOptions{CalibrationEnd: at("2024-03-10", 0), Unit: clv.Day})
	require.NoError(t, err)
	assert.Equal(t, 1, utc.Customers[0].Frequency)

	est := time.FixedZone("EST", -5*3600)
	ny, err := clv.Summarize(slices.Values(txs), clv.SummaryOptions{CalibrationEnd: at("2024-03-10", 12), Unit: clv.Day, Location: est})
	require.NoError(t, err)
	assert.Equal(t, 0, ny.Customers[0].Frequency)
	assert.Equal(t, time.Date(2024, 2, 29, 0, 0, 0, 0, est), ny.Customers[0].FirstPurchase)
	assert.Equal(t, 10.0, ny.Customers[0].T) // Feb 29 to Mar 10 (2024 is a leap year)
}

func TestSummarizeRejectsBadInput(t *testing.T) {
	good := clv.Transaction{Customer: "a", Time: at("2024-01-01", 0), Amount: 1}
	opts := clv.SummaryOptions{CalibrationEnd: at("2024-02-01", 0), Unit: clv.Week}
	cases := []struct {
		name  string
		txs   []clv.Transaction
		opts  clv.SummaryOptions
		field string
	}{
		{"empty id", []clv.Transaction{good, {Time: good.Time, Amount: 1}}, opts, "transactions[1].customer"},
		{"zero time", []clv.Transaction{{Customer: "a", Amount: 1}}, opts, "transactions[0].time"},
		{"NaN amount", []clv.Transaction{{Customer: "a", Time: good.Time, Amount: math.NaN()}}, opts, "transactions[0].amount"},
		{"infinite amount", []clv.Transaction{{Customer: "a", Time: good.Time, Amount: math.Inf(1)}}, opts, "transactions[0].amount"},
		{"negative amount", []clv.Transaction{{Customer: "a", Time: good.Time, Amount: -1}}, opts, "transactions[0].amount"},
		{"zero unit", []clv.Transaction{good}, clv.SummaryOptions{CalibrationEnd: opts.CalibrationEnd}, "unit"},
		{"NaN unit", []clv.Transaction{good}, clv.SummaryOptions{CalibrationEnd: opts.CalibrationEnd, Unit: clv.Unit(math.NaN())}, "unit"},
		{"no calibration end", []clv.Transaction{good}, clv.SummaryOptions{Unit: clv.Week}, "calibration end"},
		{"holdout before calibration", []clv.Transaction{good}, clv.SummaryOptions{CalibrationEnd: opts.CalibrationEnd, HoldoutEnd: at("2024-01-15", 0), Unit: clv.Week}, "holdout end"},
		{"no transactions", nil, opts, "transactions"},
		{"all after calibration", []clv.Transaction{{Customer: "a", Time: at("2024-03-01", 0), Amount: 1}}, opts, "transactions"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := clv.Summarize(slices.Values(tc.txs), tc.opts)
			require.Error(t, err)
			assert.True(t, errors.Is(err, crmkit.ErrInvalid), "%v", err)
			var ve *crmkit.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			assert.Equal(t, tc.field, ve.Field)
		})
	}
	_, err := clv.Summarize(nil, opts)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

// naiveSummary recomputes a summary the obvious way, in whole days.
func naiveSummary(txs []clv.Transaction, calEnd, holdEnd int) map[string]clv.Customer {
	days := map[string]map[int]float64{}
	for _, tx := range txs {
		d := int(tx.Time.Sub(at("2024-01-01", 0)).Hours()) / 24
		if d > holdEnd {
			continue
		}
		if days[tx.Customer] == nil {
			days[tx.Customer] = map[int]float64{}
		}
		days[tx.Customer][d] += tx.Amount
	}
	out := map[string]clv.Customer{}
	for id, m := range days {
		ds := slices.Sorted(maps.Keys(m))
		first := ds[0]
		if first > calEnd {
			continue
		}
		c := clv.Customer{ID: id, T: float64(calEnd - first)}
		var calSum, holdSum float64
		for _, d := range ds[1:] {
			if d <= calEnd {
				c.Frequency++
				c.Recency = float64(d - first)
				calSum += m[d]
			} else {
				c.HoldoutFrequency++
				holdSum += m[d]
			}
		}
		if c.Frequency > 0 {
			c.MonetaryValue = calSum / float64(c.Frequency)
		}
		if c.HoldoutFrequency > 0 {
			c.HoldoutMonetaryValue = holdSum / float64(c.HoldoutFrequency)
		}
		out[id] = c
	}
	return out
}

func TestSummarizePropertyMatchesNaiveAndIgnoresOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 40).Draw(t, "n")
		txs := make([]clv.Transaction, n)
		for i := range txs {
			txs[i] = clv.Transaction{
				Customer: fmt.Sprintf("c%d", rapid.IntRange(0, 5).Draw(t, "customer")),
				Time:     at("2024-01-01", 0).Add(time.Duration(rapid.IntRange(0, 60*24-1).Draw(t, "hour")) * time.Hour),
				Amount:   float64(rapid.IntRange(0, 10000).Draw(t, "cents")) / 100,
			}
		}
		calEnd := rapid.IntRange(0, 40).Draw(t, "calEnd")
		holdEnd := calEnd + rapid.IntRange(0, 30).Draw(t, "holdout")
		opts := clv.SummaryOptions{
			CalibrationEnd: at("2024-01-01", 0).AddDate(0, 0, calEnd),
			HoldoutEnd:     at("2024-01-01", 0).AddDate(0, 0, holdEnd),
			Unit:           clv.Day,
		}
		want := naiveSummary(txs, calEnd, holdEnd)
		s, err := clv.Summarize(slices.Values(txs), opts)
		if len(want) == 0 {
			if !errors.Is(err, crmkit.ErrInvalid) {
				t.Fatalf("no customer in calibration: want ErrInvalid, got %v", err)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Customers) != len(want) {
			t.Fatalf("got %d customers, want %d", len(s.Customers), len(want))
		}
		for _, c := range s.Customers {
			w := want[c.ID]
			if c.Frequency != w.Frequency || c.HoldoutFrequency != w.HoldoutFrequency ||
				c.Recency != w.Recency || c.T != w.T ||
				math.Abs(c.MonetaryValue-w.MonetaryValue) > 1e-9 || math.Abs(c.HoldoutMonetaryValue-w.HoldoutMonetaryValue) > 1e-9 {
				t.Fatalf("customer %s: got %+v, want %+v", c.ID, c, w)
			}
			if c.Recency > c.T || c.Recency < 0 || (c.Frequency == 0 && c.Recency != 0) {
				t.Fatalf("customer %s: inconsistent summary %+v", c.ID, c)
			}
		}
		// Any order of the same transactions gives the same summary.
		perm := rapid.Permutation(txs).Draw(t, "perm")
		s2, err := clv.Summarize(slices.Values(perm), opts)
		if err != nil {
			t.Fatal(err)
		}
		for i := range s.Customers {
			a, b := s.Customers[i], s2.Customers[i]
			if a.ID != b.ID || a.Frequency != b.Frequency || a.Recency != b.Recency || a.T != b.T ||
				math.Abs(a.MonetaryValue-b.MonetaryValue) > 1e-9 || a.HoldoutFrequency != b.HoldoutFrequency {
				t.Fatalf("order changed the summary: %+v vs %+v", a, b)
			}
		}
	})
}
