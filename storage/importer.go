package storage

import (
	"context"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/lead"
)

// Importer is an optional interface of a Store that stores many new leads
// or deals and their events at once, for bulk loads (a migration from
// another CRM, a list purchase), many times faster than one Create per
// row. Every store of crmkit implements it; find it by type assertion:
//
//	if im, ok := store.(storage.Importer); ok {
//		n, err := im.ImportLeads(ctx, leads, events)
//		...
//	}
//
// The Tx that Store.Update passes to its function is an Importer too, on
// every store of crmkit: an import through it is part of the Update's
// transaction, so it lands together with the Update's other writes (the
// accounts its deals name, say) or not at all:
//
//	err := store.Update(ctx, func(tx storage.Tx) error {
//		if _, err := tx.Accounts().Create(ctx, acc, "", created); err != nil {
//			return err
//		}
//		im, ok := tx.(storage.Importer)
//		if !ok {
//			return errors.New("no import in Update")
//		}
//		_, err := im.ImportDeals(ctx, deals, nil)
//		return err
//	})
//
// The contract, the same on every store:
//
//   - An import is one transaction: all of its rows and events are stored
//     or, on any error, none of them. Inside Update it is part of the
//     Update's transaction: a failed import leaves nothing of itself there
//     (the Update may go on, though it usually returns the error), and
//     what it stored is kept only if the Update commits.
//   - Every row and event is checked as Create and EventLog.Append check
//     it (ValidateLead, ValidateDeal, ValidateEvent): a bad one fails the
//     whole import with an error matching crmkit.ErrInvalid that names its
//     index, such as "leads[3]". Each is stored as Create stores it
//     (Canonical). The batch is not bounded by MaxEvents.
//   - A row ID or event ID that is already stored in the tenant, or
//     repeated in the input, fails the whole import with an error matching
//     crmkit.ErrConflict that names the row's or event's index, such as
//     "deals[7]" or "events[2]".
//   - A row whose events the log already holds (appended before the row
//     was stored) is refused as its Create is (HistoryExists: an error
//     matching crmkit.ErrInvalid naming its index), and the whole import
//     with it.
//   - References must resolve as for Create: every deal's account, and
//     its contact inside that account, stored in the tenant before the
//     import (or, inside Update, written earlier in the same Update); a
//     deal whose account or contact does not resolve (missing, or another
//     tenant's) fails the whole import with an error matching
//     crmkit.ErrInvalid.
//   - Imports take no idempotency keys.
//   - The events are a history import, as EventLog.Append takes them: they
//     need not be one per version of the rows (a CRM being migrated seldom
//     has every version's event), so CheckHistory does not apply.
//
// ImportLeads and ImportDeals return how many rows were stored: len(leads)
// or len(deals) on success, 0 on error.
type Importer interface {
	ImportLeads(ctx context.Context, leads []lead.Lead, events []crmkit.Event) (int64, error)
	ImportDeals(ctx context.Context, deals []deal.Deal, events []crmkit.Event) (int64, error)
}
