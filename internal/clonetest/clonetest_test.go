package clonetest_test

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit/internal/clonetest"
	"github.com/stretchr/testify/assert"
)

type inner struct {
	Tags []string
}

type agg struct {
	Name  string
	At    time.Time
	Items []inner
	Attrs map[string]string
	Ptr   *inner
}

func sample() agg {
	return agg{Name: "a", At: time.Unix(1, 0), Items: []inner{{Tags: []string{"x"}}},
		Attrs: map[string]string{"k": "v"}, Ptr: &inner{Tags: []string{"p"}}}
}

func deep(a agg) agg {
	out := a
	out.Items = make([]inner, len(a.Items))
	for i, it := range a.Items {
		out.Items[i] = inner{Tags: slices.Clone(it.Tags)}
	}
	out.Attrs = maps.Clone(a.Attrs)
	p := inner{Tags: slices.Clone(a.Ptr.Tags)}
	out.Ptr = &p
	return out
}

// A deep clone passes; each way of sharing is caught, and so is a clone
// that is not equal.
func TestCheck(t *testing.T) {
	assert.NoError(t, clonetest.Check(sample(), deep))
	for name, bad := range map[string]func(agg) agg{
		"shallow":         func(a agg) agg { return a },
		"shared tags":     func(a agg) agg { c := deep(a); c.Items = slices.Clone(a.Items); return c },
		"shared map":      func(a agg) agg { c := deep(a); c.Attrs = a.Attrs; return c },
		"shared pointer":  func(a agg) agg { c := deep(a); c.Ptr = a.Ptr; return c },
		"not equal":       func(a agg) agg { c := deep(a); c.Name = "b"; return c },
		"dropped element": func(a agg) agg { c := deep(a); c.Items = nil; return c },
	} {
		assert.Error(t, clonetest.Check(sample(), bad), name)
	}
}
