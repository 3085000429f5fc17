package erasure

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// EventScrubber is the optional ability of a storage.Tx (inside
// storage.Store.Update) to
// replace the free text of stored events, the one exception to an
// append-only log, used by Lead and Contact. Every store of crmkit has
// it.
type EventScrubber interface {
	// ScrubEvents replaces the Reason and Payload of each stored event
	// (or one written earlier in the same Update) with the same ID by
	// those of the event given. An event whose ID the tenant's log does
	// not hold is an error matching crmkit.ErrNotFound; one that differs
	// from the stored event in anything but Reason and Payload, or whose
	// reason or payload storage.ValidateEvent refuses, is an error matching
	// crmkit.ErrInvalid. Either way nothing is changed.
	ScrubEvents(ctx context.Context, events ...crmkit.Event) error
}

// CheckScrub checks that scrubbed may replace stored (see
// EventScrubber): the same event but for its Reason and Payload, and a
// payload and reason within the stored domain (storage.ValidateEvent).
// Backends call it in ScrubEvents. Errors match crmkit.ErrInvalid.
func CheckScrub(stored, scrubbed crmkit.Event) error {
	a, b := stored, scrubbed
	a.Reason, a.Payload, b.Reason, b.Payload = "", nil, "", nil
	if a.ID != b.ID || a.AggregateID != b.AggregateID || a.AggregateKind != b.AggregateKind || a.Type != b.Type ||
		a.Actor != b.Actor || !a.At.Equal(b.At) || a.Version != b.Version || a.From != b.From || a.To != b.To {
		return crmkit.Invalid("scrubbed event", "event %s differs from the stored one in more than its reason and payload", stored.ID)
	}
	if err := storage.ValidateEvent(scrubbed); err != nil {
		return fmt.Errorf("scrubbed event: %w", err)
	}
	return nil
}

// personalKeys are the payload keys under which lead events hold a
// person's data (the Person's JSON names).
var personalKeys = []string{lead.FieldName, lead.FieldEmail, lead.FieldPhone}

// Lead erases the personal data of the person lead id is, by cmd,
// in one Update of s: the lead's name, e-mail and phone and its custom
// fields declared personal (the tenant's lead schema) are removed from
// its state (lead.Lead.Erase) and, with every earlier value of them found
// in its history, scrubbed from the Reason and Payload of each of its
// events (crmkit.Event.Scrub), and an EventLeadErased without personal
// data is appended. It returns the erased lead.
//
// A lead of another tenant is not found (crmkit.ErrNotFound) and nothing
// is written; an erased lead is crmkit.ErrIllegalTransition; a store
// whose transactions are no EventScrubber is crmkit.ErrInvalid. The
// person's data held elsewhere (the contact a converted lead became, a
// merged duplicate, an idempotency key) is the caller's to erase.
func Lead(ctx context.Context, s storage.Store, id uuid.UUID, cmd crmkit.Cmd) (lead.Lead, error) {
	if s == nil {
		return lead.Lead{}, crmkit.Invalid("store", "nil store")
	}
	var out lead.Lead
	err := s.Update(ctx, func(tx storage.Tx) error {
		sc, err := scrubberOf(tx)
		if err != nil {
			return fmt.Errorf("erase lead %s: %w", id, err)
		}
		l, err := tx.Leads().Get(ctx, id)
		if err != nil {
			return err
		}
		personal, err := personalFields(ctx, tx, lead.LeadKind)
		if err != nil {
			return err
		}
		var history []crmkit.Event
		var also []string
		for e, err := range tx.Events().ByAggregate(ctx, id) {
			if err != nil {
				return err
			}
			history = append(history, e)
			also = appendNew(also, crmkit.PersonalTexts(e.Payload, personalKeys...)...)
			also = appendNew(also, editedTexts(e, uuid.Nil)...)
			if e.Type == field.EventValuesSet {
				var pl field.SetPayload
				if e.DecodePayload(&pl) == nil {
					for _, name := range personal {
						if v, ok := pl.Custom[name]; ok {
							also = appendNew(also, field.Values{name: v}.Strings()...)
						}
					}
				}
			}
		}
		next, ev, err := l.Erase(personal, also, cmd)
		if err != nil {
			return err
		}
		texts := appendNew(l.PersonalData(personal), also...)
		if err := tx.Leads().Save(ctx, next, l.Version, ev); err != nil {
			return err
		}
		if err := scrubHistory(ctx, sc, history, texts); err != nil {
			return err
		}
		out = next
		return nil
	})
	if err != nil {
		return lead.Lead{}, fmt.Errorf("erase lead %s: %w", id, err)
	}
	return out, nil
}

// editedTexts returns the old and new values of the personal fields
// (personalKeys) an edit event changed (its payload a crmkit.EditPayload:
// lead.EventLeadEdited, account.EventContactEdited), of item when item is
// not uuid.Nil: an e-mail address an edit replaced is the person's too.
func editedTexts(e crmkit.Event, item uuid.UUID) []string {
	if e.Type != lead.EventLeadEdited && e.Type != account.EventContactEdited {
		return nil
	}
	var pl crmkit.EditPayload
	if e.DecodePayload(&pl) != nil {
		return nil
	}
	var out []string
	for _, c := range pl.Changes {
		if slices.Contains(personalKeys, c.Field) && (item == uuid.Nil || c.Item == item) {
			out = appendNew(out, c.From, c.To)
		}
	}
	return out
}

// scrubHistory rewrites, through sc, every event of history that holds
// one of texts (crmkit.Event.Scrub), in one call.
func scrubHistory(ctx context.Context, sc EventScrubber, history []crmkit.Event, texts []string) error {
	var scrubbed []crmkit.Event
	for _, e := range history {
		if se, changed := e.Scrub(texts); changed {
			scrubbed = append(scrubbed, se)
		}
	}
	if len(scrubbed) == 0 {
		return nil
	}
	return sc.ScrubEvents(ctx, scrubbed...)
}

// appendNew appends the texts of add not yet in to.
func appendNew(to []string, add ...string) []string {
	for _, s := range add {
		if s != "" && !slices.Contains(to, s) {
			to = append(to, s)
		}
	}
	return to
}

// isNotFound reports whether err matches crmkit.ErrNotFound.
func isNotFound(err error) bool { return errors.Is(err, crmkit.ErrNotFound) }

// scrubberOf returns tx's EventScrubber, or an error matching
// crmkit.ErrInvalid when its store has none.
func scrubberOf(tx storage.Tx) (EventScrubber, error) {
	sc, ok := tx.(EventScrubber)
	if !ok {
		return nil, fmt.Errorf("the store cannot scrub events (no erasure.EventScrubber): %w", crmkit.ErrInvalid)
	}
	return sc, nil
}

// personalFields returns the custom fields of kind's schema in tx that
// are declared personal: none without a schema.
func personalFields(ctx context.Context, tx storage.Tx, kind string) ([]string, error) {
	schema, err := tx.FieldSchemas().Get(ctx, field.SchemaID(kind))
	switch {
	case err == nil:
		return schema.Personal(), nil
	case isNotFound(err):
		return nil, nil
	}
	return nil, err
}

// Contact erases the personal data of contact contactID of account
// accountID, by cmd, in one Update of s, as Lead does for a lead: the
// contact's name, e-mail and phone and its custom fields declared
// personal (the tenant's schema of kind storage.ContactKind) are removed
// from the account (account.Account.EraseContact) and, with their earlier values found in
// the account's history (the payloads of events about that contact),
// scrubbed from the Reason and Payload of every event of the account; an
// EventContactErased without personal data is appended. It returns the
// account.
//
// An account of another tenant is crmkit.ErrNotFound, an unknown contact
// too, an erased one crmkit.ErrIllegalTransition; nothing is written. The
// contact stays in the account (deals and interactions refer to it); the
// person's data held elsewhere (an interaction's notes, the lead they
// converted from) is the caller's to erase.
func Contact(ctx context.Context, s storage.Store, accountID, contactID uuid.UUID, cmd crmkit.Cmd) (account.Account, error) {
	if s == nil {
		return account.Account{}, crmkit.Invalid("store", "nil store")
	}
	var out account.Account
	err := s.Update(ctx, func(tx storage.Tx) error {
		sc, err := scrubberOf(tx)
		if err != nil {
			return err
		}
		a, err := tx.Accounts().Get(ctx, accountID)
		if err != nil {
			return err
		}
		personal, err := personalFields(ctx, tx, storage.ContactKind)
		if err != nil {
			return err
		}
		var history []crmkit.Event
		var also []string
		for e, err := range tx.Events().ByAggregate(ctx, accountID) {
			if err != nil {
				return err
			}
			history = append(history, e)
			var about struct {
				ID      uuid.UUID    `json:"id"`
				Contact uuid.UUID    `json:"contact"`
				Custom  field.Values `json:"custom"`
			}
			if e.DecodePayload(&about) == nil && (about.ID == contactID || about.Contact == contactID) {
				also = appendNew(also, crmkit.PersonalTexts(e.Payload, personalKeys...)...)
				for _, name := range personal {
					if v, ok := about.Custom[name]; ok {
						also = appendNew(also, field.Values{name: v}.Strings()...)
					}
				}
			}
			also = appendNew(also, editedTexts(e, contactID)...)
		}
		next, ev, err := a.EraseContact(contactID, personal, also, cmd)
		if err != nil {
			return err
		}
		texts := appendNew(a.PersonalData(contactID, personal...), also...)
		if err := tx.Accounts().Save(ctx, next, a.Version, ev); err != nil {
			return err
		}
		if err := scrubHistory(ctx, sc, history, texts); err != nil {
			return err
		}
		out = next
		return nil
	})
	if err != nil {
		return account.Account{}, fmt.Errorf("erase contact %s of account %s: %w", contactID, accountID, err)
	}
	return out, nil
}
