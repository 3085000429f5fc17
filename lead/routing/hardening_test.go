package routing_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmkit/crmkit/internal/harness"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/lead/routing"
)

// must returns v, failing loudly on err: for tests whose call cannot fail.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func errOf[T any](_ T, err error) error { return err }

// TestHardeningNilAndZero calls every method of Router with nil or zero
// values: each is refused with ErrInvalid, none panics.
func TestHardeningNilAndZero(t *testing.T) {
	var (
		nilRouter *routing.Router
		l         = lead.Lead{Who: lead.Person{Name: "x"}}
	)
	router := must(routing.NewRouter(routing.Plan{Reps: []routing.Rep{{ID: "ana"}}}))
	harness.Run(t, []harness.Case{
		{Name: "nil Router Route", Call: func() error { return errOf(nilRouter.Route(&l)) }},
		{Name: "nil Router RouteAll", Call: func() error { return errOf(nilRouter.RouteAll(slices.Values([]lead.Lead{l}))) }},
		{Name: "nil Router Capacity", Call: func() error { return errOf(nilRouter.Capacity()) }},
		{Name: "nil Router Release", Call: func() error { return nilRouter.Release("ana") }},
		{Name: "zero Router Route", Call: func() error { return errOf(new(routing.Router).Route(&l)) }},
		{Name: "zero Router RouteAll", Call: func() error { return errOf(new(routing.Router).RouteAll(slices.Values([]lead.Lead{l}))) }},
		{Name: "zero Router Capacity", Call: func() error { return errOf(new(routing.Router).Capacity()) }},
		{Name: "zero Router Release", Call: func() error { return new(routing.Router).Release("ana") }},
		{Name: "Router RouteAll nil leads", Call: func() error { return errOf(router.RouteAll(nil)) }},
	})
}

// TestHardeningNilAccessors: the accessors without an error return give
// the zero value on a nil or zero receiver instead of panicking.
func TestHardeningNilAccessors(t *testing.T) {
	var nilRouter *routing.Router
	assert.Nil(t, nilRouter.Reps())
	assert.Empty(t, new(routing.Router).Reps())
}
