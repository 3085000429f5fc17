package postgres

import (
	"strings"
	"time"

	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// Accounts (their contacts inside the JSONB body) and contracts, tables
// accounts and contracts of schema version 3, on the store and on
// Update's tx (storage.Tx).

// contractCheck is the reference check of a contract's write: its
// account, and its deal when it has one.
func contractCheck(ph func(string) string) string {
	return `SELECT CASE
		WHEN NOT EXISTS (SELECT 1 FROM accounts WHERE tenant_id = $1 AND id = ` + ph("account_id") + `) THEN 'account_id'
		WHEN ` + ph("deal_id") + ` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM deals
			WHERE tenant_id = $1 AND id = ` + ph("deal_id") + `) THEN 'deal_id'
		END`
}

// nullUUID returns id as its 16 bytes (which pgx encodes directly, where
// uuid.UUID would go through its text form), or nil (SQL NULL) for
// uuid.Nil.
func nullUUID(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return [16]byte(id)
}

var accountKind = (&kind[account.Account, storage.AccountFilter]{
	name:  account.AccountKind,
	table: "accounts",
	cols: []column{
		{"owner", "text"}, {"segment", "text"}, {"parent", "uuid"}, {"relations", "text[]"},
		{"domain", "text"}, {"contact_emails", "text[]"}, {"contact_phones", "text[]"},
	},
	colValues: func(a *account.Account, dst []any) []any {
		// The dedupe keys (schema version 7), as storage.AccountKeys
		// normalises them, so the memory store and this one select alike.
		domain, emails, phones := storage.AccountKeys(a)
		if emails == nil {
			emails = []string{}
		}
		if phones == nil {
			phones = []string{}
		}
		return append(dst, a.Owner, a.Segment, nullUUID(a.Parent), a.Relations.Names(), domain, emails, phones)
	},
	id:             func(a *account.Account) uuid.UUID { return a.ID },
	version:        func(a *account.Account) int64 { return a.Version },
	validate:       storage.ValidateAccount,
	validateFilter: storage.AccountFilter.Validate,
	// The account's contacts go to account_contacts, which the contact
	// references of deals and interactions point at; a Save that drops a
	// contact a deal or an interaction refers to is refused.
	sideValues: func(a *account.Account, dst []any) []any {
		ids := make([]uuid.UUID, len(a.Contacts))
		for i, c := range a.Contacts {
			ids[i] = c.ID
		}
		return append(dst, ids)
	},
	sideCreate: func(ph func(string) string) string {
		return `contacts AS (INSERT INTO account_contacts (tenant_id, account_id, id)
	SELECT $1, $2::uuid, c FROM unnest(` + ph("side") + `::uuid[]) AS c WHERE EXISTS (SELECT 1 FROM w))`
	},
	// The records referring to a contact: deals and (schema version 9)
	// interactions.
	checkSave: func(ph func(string) string) string {
		return `SELECT b FROM (SELECT 'contacts ' || contact_id || ' deal ' || id AS b FROM deals
	WHERE tenant_id = $1 AND account_id = $2::uuid AND contact_id IS NOT NULL
		AND NOT (contact_id = ANY(` + ph("side") + `::uuid[]))
	UNION ALL
	SELECT 'contacts ' || contact_id || ' interaction ' || id FROM interactions
	WHERE tenant_id = $1 AND account_id = $2::uuid AND contact_id IS NOT NULL
		AND NOT (contact_id = ANY(` + ph("side") + `::uuid[]))) AS uses
	LIMIT 1`
	},
	sideSave: func(ph func(string) string) string {
		return `dropped AS (DELETE FROM account_contacts
	WHERE tenant_id = $1 AND account_id = $2::uuid AND NOT (id = ANY(` + ph("side") + `::uuid[])) AND EXISTS (SELECT 1 FROM w)),
added AS (INSERT INTO account_contacts (tenant_id, account_id, id)
	SELECT $1, $2::uuid, c FROM unnest(` + ph("side") + `::uuid[]) AS c WHERE EXISTS (SELECT 1 FROM w)
	ON CONFLICT DO NOTHING)`
	},
	where: func(f *storage.AccountFilter, b *strings.Builder, args []any) []any {
		if !f.IncludeArchived {
			b.WriteString(notArchived)
		}
		if f.Owner != "" {
			b.WriteString(" AND owner = " + param(&args, f.Owner))
		}
		if f.Segment != "" {
			b.WriteString(" AND segment = " + param(&args, f.Segment))
		}
		if f.Parent != uuid.Nil {
			b.WriteString(" AND parent = " + param(&args, f.Parent) + "::uuid")
		}
		if f.Relations != 0 {
			// account.Relation.Has: every bit of the filter is set.
			b.WriteString(" AND relations @> " + param(&args, f.Relations.Names()) + "::text[]")
		}
		// validateFilter ran first, so Keys has no error here.
		// Any of the keys (see AccountFilter): one BitmapOr over the
		// indexes of migration 0007.
		domain, email, phone, _ := f.Keys()
		var any []string
		if domain != "" {
			// The index is partial (domain <> ''): said again so that a
			// generic plan can use it.
			any = append(any, "(domain = "+param(&args, domain)+" AND domain <> '')")
		}
		if email != "" {
			any = append(any, "contact_emails @> ARRAY["+param(&args, email)+"::text]")
		}
		if phone != "" {
			any = append(any, "contact_phones @> ARRAY["+param(&args, phone)+"::text]")
		}
		if len(any) > 0 {
			b.WriteString(" AND (" + strings.Join(any, " OR ") + ")")
		}
		return customWhere(f.Custom, b, args)
	},
	custom: func(a *account.Account) field.Values { return a.Custom },
}).build()

var contractKind = (&kind[account.Contract, storage.ContractFilter]{
	name:  account.ContractKind,
	table: "contracts",
	cols: []column{
		{"account_id", "uuid"}, {"deal_id", "uuid"}, {"status", "text"}, {"renewal_date", "timestamptz"},
	},
	colValues: func(c *account.Contract, dst []any) []any {
		return append(dst, c.AccountID, nullUUID(c.DealID), c.Status.String(), c.Current().RenewalDate)
	},
	id:             func(c *account.Contract) uuid.UUID { return c.ID },
	version:        func(c *account.Contract) int64 { return c.Version },
	validate:       storage.ValidateContract,
	validateFilter: storage.ContractFilter.Validate,
	checkCreate:    contractCheck,
	checkSave:      contractCheck,
	refs:           storage.ContractReferences,
	split: func(f storage.ContractFilter) []storage.ContractFilter {
		return splitSet(f, func(f *storage.ContractFilter) *[]account.ContractStatus { return &f.Statuses })
	},
	dated: func(f *storage.ContractFilter) (string, func(*account.Contract) time.Time) {
		if f.RenewalFrom.IsZero() && f.RenewalTo.IsZero() {
			return "", nil
		}
		return "renewal_date", func(c *account.Contract) time.Time { return c.Current().RenewalDate }
	},
	where: func(f *storage.ContractFilter, b *strings.Builder, args []any) []any {
		if f.Account != uuid.Nil {
			b.WriteString(" AND account_id = " + param(&args, f.Account) + "::uuid")
		}
		if f.Deal != uuid.Nil {
			b.WriteString(" AND deal_id = " + param(&args, f.Deal) + "::uuid")
		}
		if len(f.Statuses) > 0 {
			statuses := make([]string, len(f.Statuses))
			for i, s := range f.Statuses {
				statuses[i] = s.String()
			}
			b.WriteString(inSet(&args, "status", "text", statuses))
		}
		return contractRenewal(f, b, args)
	},
}).build()

// contractRenewal appends the conditions of the contract filter's renewal
// dates. Bounds go through storage.TimeBound: any time, compared exactly
// as ContractFilter.Match compares it.
func contractRenewal(f *storage.ContractFilter, b *strings.Builder, args []any) []any {
	if !f.RenewalFrom.IsZero() {
		b.WriteString(" AND renewal_date >= " + param(&args, storage.TimeBound(f.RenewalFrom)))
	}
	if !f.RenewalTo.IsZero() {
		b.WriteString(" AND renewal_date < " + param(&args, storage.TimeBound(f.RenewalTo)))
	}
	return args
}

// Accounts returns the account repository,
// contacts included; each call on it is its own transaction.
func (s *Store) Accounts() storage.AccountRepository {
	return &repo[account.Account, storage.AccountFilter]{sc: s.scope(), k: accountKind}
}

// Contracts returns the contract repository;
// each call on it is its own transaction.
func (s *Store) Contracts() storage.ContractRepository {
	return &repo[account.Contract, storage.ContractFilter]{sc: s.scope(), k: contractKind}
}

// Accounts returns the account repository of the transaction.
func (v *txView) Accounts() storage.AccountRepository {
	return &repo[account.Account, storage.AccountFilter]{sc: v.sc, k: accountKind}
}

// Contracts returns the contract repository of the transaction.
func (v *txView) Contracts() storage.ContractRepository {
	return &repo[account.Contract, storage.ContractFilter]{sc: v.sc, k: contractKind}
}
