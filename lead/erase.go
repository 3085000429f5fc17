package lead

import (
	"fmt"
	"slices"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/field"
)

// EventLeadErased: the person's personal data was erased (Erase);
// payload ErasedPayload, which names the fields erased and holds none of
// their values.
const EventLeadErased = "LeadErased"

// ErasedPayload is the payload of EventLeadErased.
type ErasedPayload struct {
	// Fields are the names of the fields erased ("name", "email",
	// "phone", "custom.nickname"), sorted.
	Fields []string `json:"fields"`
}

// erasedError is the error of a command on an erased lead.
func erasedError(l *Lead) error {
	return fmt.Errorf("lead %s: personal data erased at %s: no more changes: %w",
		l.ID, l.ErasedAt.Format(time.RFC3339), crmkit.ErrIllegalTransition)
}

// PersonalData returns the personal texts of l: the person's name,
// e-mail address and phone, and the values of its custom fields named in
// personal (those a schema declares personal: field.Schema.Personal).
// They are what an erasure removes from the lead and its history.
func (l Lead) PersonalData(personal []string) []string {
	var out []string
	for _, s := range []string{l.Who.Name, l.Who.Email, l.Who.Phone} {
		if s != "" && s != crmkit.Erased && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, name := range personal {
		if v, ok := l.Custom[name]; ok {
			for _, s := range (field.Values{name: v}).Strings() {
				if !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// Erase removes the personal data of the person l is, by c, and returns
// the erased lead with its EventLeadErased event (which holds no personal
// data). The name becomes crmkit.Erased, the e-mail address and phone
// empty, the custom fields named in personal are removed, and every
// other text of the lead (the reason, attributes, touchpoint content and
// campaign; declare a custom text field that may hold personal data
// personal) has the personal texts (PersonalData, and also: the ones an
// erasure found in the lead's history) scrubbed by crmkit.ScrubText.
// Stage, dates, source, owner, journey times and counts stay, so every
// report over leads is the same after. An erased lead takes no more
// commands (crmkit.ErrIllegalTransition). The event log is the store's
// to scrub: erasure.Lead (storage/erasure) does both in one Update. An
// archived lead is erased too and stays archived. An erased lead, an invalid lead or
// command is an error and l is unchanged.
func (l Lead) Erase(personal, also []string, c crmkit.Cmd) (Lead, crmkit.Event, error) {
	// An archived lead is erased too: a person's right to erasure does
	// not wait for a restore, so the archive check is the one left out.
	probe := l
	probe.ArchivedAt = time.Time{}
	if err := probe.checkCmd(c); err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	texts := append(l.PersonalData(personal), also...)
	next := l.Clone()
	var fields []string
	if l.Who.Name != "" {
		fields = append(fields, FieldName)
	}
	if l.Who.Email != "" {
		fields = append(fields, FieldEmail)
	}
	if l.Who.Phone != "" {
		fields = append(fields, FieldPhone)
	}
	next.Who.Name, next.Who.Email, next.Who.Phone = crmkit.Erased, "", ""
	for _, name := range personal {
		if _, ok := next.Custom[name]; ok {
			delete(next.Custom, name)
			fields = append(fields, "custom."+name)
		}
	}
	if len(next.Custom) == 0 {
		next.Custom = nil
	}
	next.Who.Company = crmkit.ScrubText(next.Who.Company, texts)
	next.Who.Title = crmkit.ScrubText(next.Who.Title, texts)
	next.Who.Website = crmkit.ScrubText(next.Who.Website, texts)
	for k, v := range next.Who.Attributes {
		next.Who.Attributes[k] = crmkit.ScrubText(v, texts)
	}
	next.Reason = crmkit.ScrubText(next.Reason, texts)
	next.ReferredBy = crmkit.ScrubText(next.ReferredBy, texts)
	for i := range next.Journey {
		next.Journey[i].Content = crmkit.ScrubText(next.Journey[i].Content, texts)
		next.Journey[i].Campaign = crmkit.ScrubText(next.Journey[i].Campaign, texts)
	}
	next.ErasedAt = c.At
	next.UpdatedAt = c.At
	next.Version++
	slices.Sort(fields)
	ev, err := c.NewEvent(LeadKind, l.ID, EventLeadErased, next.Version, ErasedPayload{Fields: fields})
	if err != nil {
		return Lead{}, crmkit.Event{}, err
	}
	ev.Reason = crmkit.ScrubText(c.Reason, texts)
	return next, ev, nil
}
