// Package deletion removes from a store a record created by mistake (a
// lead, deal or account): the Deleter every store of crmkit implements,
// and the one contract the stores share for it, the input check
// (Validate), the records that keep a record from going (Referrers,
// *InUseError) and the tombstone event left in its place (Tombstone).
//
// A Delete removes the record, its events, its idempotency key and the
// change feed's parked entries of those events, and keeps one tombstone
// event without personal data (kind Kind, type EventRecordDeleted,
// payload DeletedPayload), so the log says that the record existed and
// was deleted, by whom and when, without what it held. Archiving
// (lead.Lead.Archive, deal.Deal.Archive, account.Account.Archive) is the
// way to hide a record that was real: it keeps the history. Erasing a
// person's data from a record that stays is package storage/erasure.
//
// Backends (storage/memory, storage/sqlite, storage/postgres) implement
// Deleter on their Store and on the Tx of their Update, calling Validate,
// Referrers and Tombstone; storagetest.Run proves it on every store.
package deletion

import (
	"context"
	"fmt"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// Kind is the AggregateKind of the tombstone event a Delete leaves in
// the tenant's event log, under the deleted record's ID.
const Kind = "deletion"

// EventRecordDeleted is the type of the tombstone event of a Delete.
const EventRecordDeleted = "RecordDeleted"

// DeletedPayload is the payload of EventRecordDeleted: the kind of the
// deleted record and the version it had, which is the number of its
// events the Delete removed. It holds no personal data: the deleted
// record's ID is the event's AggregateID, and who deleted it, when and
// why are the event's Actor, At and Reason.
type DeletedPayload struct {
	Kind    string `json:"kind"`
	Version int64  `json:"version"`
}

// Deleter is an optional interface of a storage.Store: every store of
// crmkit implements it; find it by type assertion. Inside Update, the
// storage.Tx of every store of crmkit is a Deleter too
// (tx.(deletion.Deleter)): its
// Delete is part of the Update, so a delete and the Update's other writes
// land together or not at all, and the Update reads the record as
// deleted from then on.
//
// Delete is for a record created by mistake. Archiving (lead.Lead.Archive,
// deal.Deal.Archive, account.Account.Archive) is the way to hide a record
// that was real: it keeps the history.
type Deleter interface {
	// Delete removes the lead, deal or account (kind lead.LeadKind,
	// deal.DealKind or account.AccountKind) with id, its events, its
	// idempotency key and the change feed's parked entries of those
	// events, and appends one tombstone event in the same transaction:
	// kind Kind, the deleted ID as AggregateID, version 1, type
	// EventRecordDeleted, c's By, At and Reason (which should hold no
	// personal data), payload DeletedPayload. So the log says that the
	// record existed and was deleted, by whom and when, without what it
	// held; ByAggregate of the ID yields only the tombstone, and the ID
	// cannot be created again (see storage.HistoryExists).
	//
	// A record another record refers to (see Referrers) is not
	// deleted: the error is an *InUseError naming the first referrer,
	// matching crmkit.ErrConflict. An unknown id, or another tenant's, is
	// crmkit.ErrNotFound; another kind, a nil id or a command
	// crmkit.Cmd.Validate refuses crmkit.ErrInvalid. On error nothing is
	// written. A Store's Delete is its own transaction; a Tx's is part
	// of its Update (a failed Update undoes it).
	// A change-feed consumer that had not read the deleted events yet
	// never sees them; it sees the tombstone. The memory store closes
	// the feed's places up (every consumer keeps its place); the SQL
	// stores leave holes where the removed events were, which consumers
	// read over.
	Delete(ctx context.Context, kind string, id uuid.UUID, c crmkit.Cmd) error
}

// Referrer is one way a stored record refers to a record a Delete would
// remove: a record of kind Kind whose field Field (as its JSON names it)
// holds the deleted record's ID. A contact's reference names its account
// too, so a record referring to one of an account's contacts refers to
// the account.
type Referrer struct {
	Kind  string
	Field string
}

// Referrers returns the referrers that keep a record of kind from being
// deleted, the one list every store checks: an account is referred
// to by the account, contact_id of deals and interactions (account_id),
// contracts (account_id), child accounts (parent) and converted leads
// (conversion.account_id); a deal by contracts (deal_id), quotes
// (deal_id) and converted leads (conversion.opportunity_id); a lead by
// nothing. Another kind has none.
func Referrers(kind string) []Referrer {
	switch kind {
	case account.AccountKind:
		return []Referrer{
			{deal.DealKind, "account_id"}, {account.ContractKind, "account_id"},
			{account.InteractionKind, "account_id"}, {account.AccountKind, "parent"},
			{lead.LeadKind, "conversion.account_id"},
		}
	case deal.DealKind:
		return []Referrer{
			{account.ContractKind, "deal_id"}, {quote.QuoteKind, "deal_id"},
			{lead.LeadKind, "conversion.opportunity_id"},
		}
	}
	return nil
}

// InUseError reports a Delete refused because another record refers to
// the record: the record of kind ByKind with ID By refers to it through
// its field Field. It matches crmkit.ErrConflict. Nothing was deleted.
type InUseError struct {
	Kind  string
	ID    uuid.UUID
	By    uuid.UUID
	Field string
	// ByKind is the kind of the referring record.
	ByKind string
}

// Error implements error.
func (e *InUseError) Error() string {
	if e == nil {
		return "record in use: " + crmkit.ErrConflict.Error()
	}
	return fmt.Sprintf("cannot delete %s %s: %s %s refers to it (%s): %v", e.Kind, e.ID, e.ByKind, e.By, e.Field, crmkit.ErrConflict)
}

// Is reports whether target is crmkit.ErrConflict, the root sentinel of
// every *InUseError.
func (e *InUseError) Is(target error) bool { return target == crmkit.ErrConflict }

// Validate checks the input of Deleter.Delete: a kind Delete
// removes, a non-nil id and a command crmkit.Cmd.Validate accepts, with
// a time in the stored domain. Errors match crmkit.ErrInvalid.
func Validate(kind string, id uuid.UUID, c crmkit.Cmd) error {
	switch kind {
	case lead.LeadKind, deal.DealKind, account.AccountKind:
	default:
		// %.40q cuts a long kind short in the message.
		return crmkit.Invalid("kind", "delete: %.40q is not a kind Delete removes (lead, deal, account)", kind)
	}
	if err := storage.ValidateID(kind, id); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("delete %s %s: %w", kind, id, err)
	}
	_, err := Tombstone(kind, id, 1, c)
	return err
}

// Tombstone returns the tombstone event of the Delete of the record
// kind/id at version version by c (see Deleter), checked by
// storage.ValidateEvent and in storage.Canonical form.
func Tombstone(kind string, id uuid.UUID, version int64, c crmkit.Cmd) (crmkit.Event, error) {
	e, err := c.NewEvent(Kind, id, EventRecordDeleted, 1, DeletedPayload{Kind: kind, Version: version})
	if err != nil {
		return crmkit.Event{}, fmt.Errorf("delete %s %s: %w", kind, id, err)
	}
	if err := storage.ValidateEvent(e); err != nil {
		return crmkit.Event{}, fmt.Errorf("delete %s %s: %w", kind, id, err)
	}
	return storage.Canonical(e), nil
}
