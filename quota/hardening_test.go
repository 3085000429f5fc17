package quota_test

import (
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/harness"
	"github.com/crmkit/crmkit/quota"
)

func errOf[T any](_ T, err error) error { return err }

// TestHardening covers quota's domain-side bad inputs: nil iterators and a
// zero plan. Each is refused with a root sentinel, none panics or hangs.
// The forecasting models' bounds are tested in quota/forecast.
func TestHardening(t *testing.T) {
	p := newPlan(t, "1200")
	asOf := time.Date(2025, 5, 16, 0, 0, 0, 0, time.UTC)
	at := time.Date(2025, 3, 15, 0, 0, 0, 0, time.UTC)
	var cases []harness.Case
	add := func(name string, want error, call func() error) {
		cases = append(cases, harness.Case{Name: name, Want: want, Call: call})
	}
	add("Evaluate nil records", nil, func() error { return errOf(p.Evaluate(nil, quota.EvalOptions{AsOf: asOf})) })
	add("zero Plan Evaluate", nil, func() error {
		return errOf(quota.Plan{}.Evaluate(slices.Values([]quota.Record{sale(at, "1")}), quota.EvalOptions{AsOf: asOf}))
	})
	add("Statements nil sales", nil, func() error { return errOf(accelerated().Statements(at, nil, nil, nil)) })
	add("Statement nil sales", nil, func() error { return errOf(accelerated().Statement("ana", at, nil, nil, crmkit.Money{})) })
	harness.Run(t, cases)
}
