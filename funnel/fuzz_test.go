package funnel_test

import (
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
)

// FuzzAnalyze feeds arbitrary record streams (decoded from bytes, 8 bytes
// a record) to SummarizeRecords: it must never panic, and every error must wrap a
// crmkit sentinel.
func FuzzAnalyze(f *testing.F) {
	f.Add([]byte{1, 0, 1, 0, 0, 0, 5, 0, 1, 1, 2, 0, 1, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 0})
	f.Add([]byte{2, 0, 1, 3, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0})
	f.Add([]byte{1, 0, 1, 0, 0, 0, 9, 1, 1, 0, 1, 0, 0, 0, 9, 1})
	stages := testStages()
	eur, usd := crmkit.MustCurrency("EUR"), crmkit.MustCurrency("USD")
	f.Fuzz(func(t *testing.T, data []byte) {
		var recs []funnel.Record
		for i := 0; i+8 <= len(data) && len(recs) < 200; i += 8 {
			b := data[i : i+8]
			var r funnel.Record
			r.Entity = uuid.UUID{15: b[0] % 4}
			r.Kind = funnel.Kind(b[1] % 14)
			r.At = t0.Add(time.Duration(b[2]) * time.Hour)
			r.Stage = int(int8(b[3])) % 6
			amt := int64(int16(binary.BigEndian.Uint16(b[4:6])))
			switch b[6] % 4 {
			case 1:
				r.Amount, _ = crmkit.NewMoney(amt, eur)
			case 2:
				r.Amount, _ = crmkit.NewMoney(amt, usd)
			}
			if b[7]%3 == 1 {
				r.Date = r.At.Add(time.Duration(b[7]) * time.Hour)
			}
			recs = append(recs, r)
		}
		funnel.SortRecords(recs)
		for _, q := range []funnel.Query{{AsOf: t0.Add(300 * time.Hour)}, {AsOf: t0.Add(100 * time.Hour), By: []funnel.Dimension{funnel.ByPeriod}, Quantiles: crmkit.QuantilesExact}} {
			_, err := funnel.SummarizeRecords(stages, func(yield func(funnel.Record) bool) {
				for _, r := range recs {
					if !yield(r) {
						return
					}
				}
			}, q)
			if err != nil && !isSentinel(err) {
				t.Fatalf("error without a sentinel: %v", err)
			}
		}
		if _, err := funnel.Movement(stages, func(yield func(funnel.Record) bool) {
			for _, r := range recs {
				if !yield(r) {
					return
				}
			}
		}, t0.Add(50*time.Hour), t0.Add(200*time.Hour)); err != nil && !isSentinel(err) {
			t.Fatalf("error without a sentinel: %v", err)
		}
	})
}

func isSentinel(err error) bool {
	for _, s := range []error{crmkit.ErrInvalid, crmkit.ErrConflict, crmkit.ErrIllegalTransition, crmkit.ErrCurrencyMismatch, crmkit.ErrOverflow} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
