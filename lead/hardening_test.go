package lead_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/harness"
	"github.com/crmkit/crmkit/lead"
)

func errOf[T any](_ T, err error) error { return err }

// hAt is a fixed instant for the hardening cases.
var hAt = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)

// TestHardeningNilAndZero calls every entry point of lead that takes an
// iterator, and every method of LadderReport, with nil or zero values:
// each is refused with ErrInvalid, none panics. (lead/scoring and
// lead/routing have their own.)
func TestHardeningNilAndZero(t *testing.T) {
	var (
		nilReport *lead.LadderReport
		l         = lead.Lead{Who: lead.Person{Name: "x"}}
	)
	harness.Run(t, []harness.Case{
		{Name: "Count nil leads", Call: func() error { return errOf(lead.Count(nil, nil)) }},
		{Name: "Progress nil history", Call: func() error { return errOf(lead.Progress(nil)) }},
		{Name: "Merge zero time", Call: func() error { _, _, err := lead.Merge(crmkit.Cmd{By: "a"}, l); return err }},
		{Name: "Merge no leads", Call: func() error { _, _, err := lead.Merge(crmkit.Cmd{By: "a", At: hAt}); return err }},

		{Name: "nil LadderReport Conversion", Call: func() error { return errOf(nilReport.Conversion(lead.StageSuspect, lead.StageMQL)) }},
		{Name: "nil LadderReport LeadToCustomer", Call: func() error { return errOf(nilReport.LeadToCustomer()) }},
		{Name: "nil LadderReport TimeToStage", Call: func() error { _, err := nilReport.TimeToStage(lead.StageMQL); return err }},
	})
}

// TestHardeningNilAccessors: the accessors without an error return give
// the zero value on a nil or zero receiver instead of panicking.
func TestHardeningNilAccessors(t *testing.T) {
	var nilReport *lead.LadderReport
	assert.Zero(t, nilReport.Leads())
	assert.Zero(t, nilReport.Reached(lead.StageMQL))
	assert.Zero(t, nilReport.Entered(lead.StageMQL, crmkit.Period{Start: hAt, End: hAt.Add(time.Hour)}))
}
