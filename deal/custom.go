package deal

import (
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/field"
)

// SetCustom replaces the deal's custom field values (package field) by
// vs, by c, in any status, and returns the changed deal with its
// field.EventValuesSet event. vs is checked against the tenant's schema
// by storage when the deal is saved; here only field names are checked
// (field.Values.Validate). Values equal to the current ones are an error
// matching crmkit.ErrInvalid, as is an invalid command; d is unchanged
// on error.
func (d Deal) SetCustom(vs field.Values, c Cmd) (Deal, crmkit.Event, error) {
	if err := c.check(&d); err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	if err := vs.Validate(); err != nil {
		return Deal{}, crmkit.Event{}, fmt.Errorf("deal %s: %w", d.ID, err)
	}
	if vs.Equal(d.Custom) {
		return Deal{}, crmkit.Event{}, crmkit.Invalid("custom", "deal %s already holds these values", d.ID)
	}
	out := d.Clone()
	out.Custom = vs.Clone()
	out.touch(c)
	e, err := out.event(field.EventValuesSet, c, "", "", field.SetPayload{Custom: out.Custom})
	if err != nil {
		return Deal{}, crmkit.Event{}, err
	}
	return out, e, nil
}

// applyCustom replays an field.EventValuesSet.
func (d *Deal) applyCustom(e *crmkit.Event, c Cmd) error {
	var pl field.SetPayload
	if err := e.DecodePayload(&pl); err != nil {
		return err
	}
	if err := pl.Custom.Validate(); err != nil {
		return err
	}
	d.Custom = pl.Custom
	d.touch(c)
	return nil
}
