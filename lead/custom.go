package lead

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/field"
)

// SetCustom replaces the lead's custom field values (package field) by
// vs, by c, and returns the changed lead with its field.EventValuesSet
// event. vs is checked against the tenant's schema by storage when the
// lead is saved; here only field names are checked (field.Values.Validate).
// Values equal to the current ones are an error matching
// crmkit.ErrInvalid, as is an invalid command; l is unchanged on error.
func (l Lead) SetCustom(vs field.Values, c crmkit.Cmd) (Lead, crmkit.Event, error) {
	if err := l.checkCmd(c); err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	if err := vs.Validate(); err != nil {
		return Lead{}, crmkit.Event{}, fmt.Errorf("lead %s: %w", l.ID, err)
	}
	if vs.Equal(l.Custom) {
		return Lead{}, crmkit.Event{}, crmkit.Invalid("custom", "lead %s already holds these values", l.ID)
	}
	next := l.Clone()
	next.Custom = vs.Clone()
	next.UpdatedAt = c.At
	next.Version++
	ev, err := c.NewEvent(LeadKind, l.ID, field.EventValuesSet, next.Version, field.SetPayload{Custom: next.Custom})
	if err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	ev.Reason = c.Reason
	return next, ev, nil
}
