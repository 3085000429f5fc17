package quota_test

import (
	"encoding/json"
	"testing"

	"github.com/crmkit/crmkit/quota"
)

// FuzzPlanJSON feeds arbitrary bytes to Plan.UnmarshalJSON: it must never
// panic, and whatever it accepts must be a valid plan that encodes and
// decodes again to the same cells.
func FuzzPlanJSON(f *testing.F) {
	p := newPlan(f, "1000")
	p, _, err := p.Split(byAna, quota.Split{Dim: "rep", Members: []string{"a", "b"}, Weights: quota.EqualWeights()},
		quota.Split{Key: "rep=a", Grain: quota.Quarters, Weights: quota.EqualWeights()})
	if err != nil {
		f.Fatal(err)
	}
	good, err := json.Marshal(p)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"version":1,"history":[{"version":1}],"unit":{"count":"x"},"rounding":"half-even","fiscal_year":2025}`))
	f.Add(good[:len(good)/2])
	f.Fuzz(func(t *testing.T, b []byte) {
		var q quota.Plan
		if err := json.Unmarshal(b, &q); err != nil {
			return
		}
		if err := q.Validate(); err != nil {
			t.Fatalf("accepted an invalid plan: %v", err)
		}
		again, err := json.Marshal(q)
		if err != nil {
			t.Fatalf("cannot encode an accepted plan: %v", err)
		}
		var r quota.Plan
		if err := json.Unmarshal(again, &r); err != nil {
			t.Fatalf("cannot decode its own encoding: %v", err)
		}
		if d := quota.Diff(q, r); len(d) > 0 {
			t.Fatalf("cells changed in a round trip: %+v", d)
		}
	})
}
