package account

import (
	"fmt"
	"slices"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/field"
	"github.com/google/uuid"
)

// EventContactErased: a contact's personal data was erased
// (EraseContact); payload ContactErasedPayload, without any of it.
const EventContactErased = "ContactErased"

// ContactErasedPayload is the payload of EventContactErased.
type ContactErasedPayload struct {
	// Contact is the erased contact's ID.
	Contact uuid.UUID `json:"contact"`
	// Fields are the names of the fields erased ("custom.nickname",
	// "email", "name", "phone"), sorted.
	Fields []string `json:"fields"`
}

// PersonalData returns the personal texts of contact id of a: its name,
// e-mail address and phone, and the values of its custom fields named in
// personal (those the tenant's contact schema declares personal:
// field.Schema.Personal); none for an unknown or erased contact.
func (a Account) PersonalData(id uuid.UUID, personal ...string) []string {
	i := slices.IndexFunc(a.Contacts, func(c Contact) bool { return c.ID == id })
	if i < 0 || a.Contacts[i].Erased {
		return nil
	}
	var out []string
	add := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, s := range []string{a.Contacts[i].Name, a.Contacts[i].Email, a.Contacts[i].Phone} {
		add(s)
	}
	for _, name := range personal {
		if v, ok := a.Contacts[i].Custom[name]; ok {
			for _, s := range (field.Values{name: v}).Strings() {
				add(s)
			}
		}
	}
	return out
}

// EraseContact erases the personal data of the contact id of a, by c,
// and returns the account with its EventContactErased event (which holds
// none of it): the contact's name becomes crmkit.Erased, its e-mail and
// phone empty, it is marked Erased, its custom fields named in personal
// (declared personal by the tenant's contact schema) are removed, and
// its title, the account's
// departments and other texts that hold its personal texts
// (PersonalData and also, further texts an erasure found in the
// account's history) are scrubbed by crmkit.ScrubText. The contact stays
// (deals and interactions refer to it by ID). An unknown contact is
// crmkit.ErrNotFound, an erased one crmkit.ErrIllegalTransition, an
// invalid command crmkit.ErrInvalid; a is unchanged on error. The event
// log is the store's to scrub: erasure.Contact (storage/erasure) does
// both.
func (a Account) EraseContact(id uuid.UUID, personal, also []string, c crmkit.Cmd) (Account, crmkit.Event, error) {
	i := slices.IndexFunc(a.Contacts, func(ct Contact) bool { return ct.ID == id })
	if i < 0 {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s: no contact %s: %w", a.ID, id, crmkit.ErrNotFound)
	}
	if a.Contacts[i].Erased {
		return Account{}, crmkit.Event{}, fmt.Errorf("account %s: contact %s already erased: %w", a.ID, id, crmkit.ErrIllegalTransition)
	}
	texts := append(a.PersonalData(id, personal...), also...)
	out := a.clone()
	ct := &out.Contacts[i]
	var fields []string
	for _, f := range []struct {
		name string
		v    *string
	}{{"email", &ct.Email}, {"name", &ct.Name}, {"phone", &ct.Phone}} {
		if *f.v != "" {
			fields = append(fields, f.name)
		}
	}
	ct.Name, ct.Email, ct.Phone, ct.Erased = crmkit.Erased, "", "", true
	for _, name := range personal {
		if _, ok := ct.Custom[name]; ok {
			delete(ct.Custom, name)
			fields = append(fields, "custom."+name)
		}
	}
	if len(ct.Custom) == 0 {
		ct.Custom = nil
	}
	slices.Sort(fields)
	ct.Title = crmkit.ScrubText(ct.Title, texts)
	out.Name = crmkit.ScrubText(out.Name, texts)
	out.Website = crmkit.ScrubText(out.Website, texts)
	out, ev, err := out.record(EventContactErased, c, "", "", ContactErasedPayload{Contact: id, Fields: fields})
	if err != nil {
		return Account{}, crmkit.Event{}, err
	}
	ev.Reason = crmkit.ScrubText(c.Reason, texts)
	return out, ev, nil
}
