package account_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/internal/harness"
)

func errOf[T any](_ T, err error) error { return err }

// TestHardening covers account's domain-side bad inputs: nil iterators
// and nil and zero Hierarchy. Each is refused with a root sentinel before
// any work; none panics or hangs. Package value has the analytics' own.
func TestHardening(t *testing.T) {
	var (
		nilH *account.Hierarchy
		eur  = crmkit.MustCurrency("EUR")
		at   = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	)
	cases := []harness.Case{
		{Name: "JourneyStatsOf nil interactions", Call: func() error { return errOf(account.JourneyStatsOf(nil)) }},
		{Name: "RepeatSupportSignals nil interactions", Call: func() error {
			return errOf(account.RepeatSupportSignals(nil, nil, crmkit.Period{Start: at, End: at.AddDate(0, 1, 0)}, 2))
		}},
		{Name: "nil Hierarchy SetParent", Call: func() error { return nilH.SetParent(uuid.New(), uuid.Nil) }},
		{Name: "nil Hierarchy RollUp", Call: func() error { return errOf(nilH.RollUp(eur, nil)) }},
		{Name: "zero Hierarchy SetParent", Want: crmkit.ErrNotFound, Call: func() error { return new(account.Hierarchy).SetParent(uuid.New(), uuid.Nil) }},
	}
	harness.Run(t, cases)
}

// TestHardeningNilAccessors: accessors without an error return give the
// zero value on a nil or zero receiver instead of panicking.
func TestHardeningNilAccessors(t *testing.T) {
	var (
		nilH *account.Hierarchy
		id   = uuid.New()
	)
	assert.Zero(t, nilH.Len())
	_, ok := nilH.Parent(id)
	assert.False(t, ok)
	assert.Nil(t, nilH.Children(id))
	assert.Nil(t, nilH.Roots())
	assert.Nil(t, nilH.Ancestors(id))
	assert.Nil(t, nilH.Subtree(id))
}
