// Package field holds custom fields: the fields a tenant declares for an
// aggregate kind (a lead, a deal, an account, a contact) beyond the ones
// crmkit defines, and the values an aggregate holds for them.
//
// A Schema is one tenant's declaration for one kind: a list of Defs (name,
// Type, enum options, required, a default, personal). It is a versioned
// aggregate with events, stored like the others (storage.Tx.Fields).
// Values are a map from field name to Value, held on the aggregates
// (lead.Lead.Custom, deal.Deal.Custom, account.Account.Custom) and on
// contacts (account.Contact.Custom: a contact is no aggregate of its own,
// so its schema is the one of kind "contact" and its values are checked,
// erased and migrated with its account), and checked against the schema with
// Schema.Check; storage checks them on every write, since the domain
// packages never load a schema.
//
// Every Value is text or a list of text in one canonical form per type,
// so that two equal values are equal strings in every store and a filter
// is an equality (or, for a multi-select, containment) test:
//
//	text          any string
//	number        a decimal in its shortest form: "12.5", "-3", "0"
//	money         an amount and its currency: "120.00 EUR"
//	date          a calendar date: "2026-12-05"
//	enum          one of the declared options
//	multi_select  a sorted list of distinct declared options
//
// A change of a schema that would orphan stored values (a field removed,
// an option removed, a type changed) is refused by Schema.Change; the
// explicit command Schema.Migrate makes it with a Migration that says
// what happens to the stored values (Migration.Apply), which storage runs
// over every stored aggregate of the kind.
//
// field imports only the root package crmkit, so every domain package may
// import it.
package field
