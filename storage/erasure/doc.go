// Package erasure erases a person from a store: the right to erasure of
// the GDPR (Art. 17) for the people a CRM holds, leads and the contacts of
// accounts.
//
// # What it does
//
// Lead erases the person a stored lead is, Contact the person a contact
// of a stored account is, each in one storage.Store.Update: the personal
// data is removed from the current state (lead.Lead.Erase,
// account.Account.EraseContact), scrubbed in place from every event of
// the record's history (crmkit.Event.Scrub), and the erasure is recorded
// by an event that holds none of it (lead.EventLeadErased,
// account.EventContactErased).
//
// # What it removes and what it keeps
//
// Removed: the name (it becomes crmkit.Erased), the e-mail address and
// the phone, the custom fields the tenant's schema declares personal
// (field.Def.Personal), and every occurrence of those texts, and of the
// earlier values the history shows, in the record's other texts and in
// the Reason and Payload of each of its events (crmkit.ScrubText).
//
// Kept: IDs, kinds, event types, actors, times, versions, From and To,
// stages, dates, sources and owners, so every report computed
// from the history (funnel conversion, time in stage, cohorts) gives the
// same figures after. An erased contact stays in its account, since deals
// and interactions refer to it by ID. The person's data held elsewhere
// (the contact a converted lead became, a merged duplicate, an
// interaction's notes, an idempotency key) is the caller's to erase.
//
// An erasure is final: the domain's commands refuse an erased lead or
// contact (crmkit.ErrIllegalTransition), and every store's Save runs
// CheckUnerase, so a raw Save that would bring the data back is an
// *UneraseError.
//
// # Why scrub in place
//
// In-place scrubbing was chosen over crypto-shredding (encrypting each
// person's payloads with a key of their own and destroying the key):
// payloads stay plain JSON that every store can filter, aggregate and
// index (PostgreSQL pushes reports into SQL over them), no key store is
// needed beside the database, and what is left after an erasure can be
// proved by searching the stored text (storagetest does, on every
// store). Its cost is that the event log, append-only otherwise, has
// this one exception: EventScrubber, which may change only an event's
// Reason and Payload (CheckScrub).
//
// # For backends
//
// A store supports erasure when the Tx of its Update is an EventScrubber
// whose ScrubEvents calls CheckScrub, and when its Save of a kind
// Erasable reports calls CheckUnerase with the stored value, inside the
// write's transaction. storage/memory, storage/sqlite and
// storage/postgres do; storagetest.RunErasure proves it on a store.
package erasure
