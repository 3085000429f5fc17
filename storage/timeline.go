package storage

import (
	"context"
	"iter"
	"slices"

	"github.com/crmkit/crmkit"
	"github.com/google/uuid"
)

// Timeline yields a customer's journey through tx, in time order (At,
// then ID, as EventLog.Between orders): the events of account accountID
// itself and of its service interactions, deals and contracts (as
// InteractionFilter, DealFilter and ContractFilter select them by
// account). It reads them all before yielding the first (they are sorted
// across aggregates), so it holds one account's events in memory.
//
// A nil ctx or tx or a nil accountID yields one error matching
// crmkit.ErrInvalid; an account tx does not hold, one matching
// crmkit.ErrNotFound; a failed read, its error. An error ends the
// sequence.
func Timeline(ctx context.Context, tx Tx, accountID uuid.UUID) iter.Seq2[crmkit.Event, error] {
	return func(yield func(crmkit.Event, error) bool) {
		events, err := timeline(ctx, tx, accountID)
		if err != nil {
			yield(crmkit.Event{}, err)
			return
		}
		for _, e := range events {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// timeline reads and sorts the events Timeline yields.
func timeline(ctx context.Context, tx Tx, accountID uuid.UUID) ([]crmkit.Event, error) {
	if tx == nil {
		return nil, crmkit.Invalid("tx", "nil transaction")
	}
	if err := CheckContext(ctx); err != nil {
		return nil, err
	}
	if err := ValidateID("account", accountID); err != nil {
		return nil, err
	}
	if _, err := tx.Accounts().Get(ctx, accountID); err != nil {
		return nil, err
	}
	ids := []uuid.UUID{accountID}
	for i, err := range All(ctx, tx.Interactions(), InteractionFilter{Account: accountID}, MaxPageSize) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, i.ID)
	}
	for d, err := range All(ctx, tx.Deals(), DealFilter{Account: accountID, IncludeArchived: true}, MaxPageSize) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, d.ID)
	}
	for c, err := range All(ctx, tx.Contracts(), ContractFilter{Account: accountID}, MaxPageSize) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, c.ID)
	}
	var events []crmkit.Event
	for _, id := range ids {
		for e, err := range tx.Events().ByAggregate(ctx, id) {
			if err != nil {
				return nil, err
			}
			events = append(events, e)
		}
	}
	slices.SortStableFunc(events, func(a, b crmkit.Event) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return slices.Compare(a.ID[:], b.ID[:])
	})
	return events, nil
}
