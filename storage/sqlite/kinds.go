package sqlite

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// The aggregate kinds the store holds, one declaration each: its table
// (see migrations/), the filter columns and their values, the shared
// validation of package storage, and the filter's SQL. A new repository
// is a new table in a migration, a kind here and its two accessors in
// store.go.

var leadKind = (&kind[lead.Lead, storage.LeadFilter]{
	name:  lead.LeadKind,
	table: "leads",
	cols:  []string{"stage", "source", "owner"},
	colValues: func(l *lead.Lead, dst []any) []any {
		return append(dst, l.Stage.String(), string(l.Source), l.Owner)
	},
	id:             func(l *lead.Lead) uuid.UUID { return l.ID },
	version:        func(l *lead.Lead) int64 { return l.Version },
	validate:       storage.ValidateLead,
	validateFilter: storage.LeadFilter.Validate,
	where: func(f *storage.LeadFilter, b *strings.Builder, args []any) []any {
		if !f.IncludeArchived {
			b.WriteString(notArchived)
		}
		if f.Stage != 0 {
			args = cond(b, args, " AND stage = ?", f.Stage.String())
		}
		if f.Source != "" {
			args = cond(b, args, " AND source = ?", string(f.Source))
		}
		if f.Owner != "" {
			args = cond(b, args, " AND owner = ?", f.Owner)
		}
		return customWhere(f.Custom, b, args)
	},
	custom: func(l *lead.Lead) field.Values { return l.Custom },
}).build()

var dealKind = (&kind[deal.Deal, storage.DealFilter]{
	name:  deal.DealKind,
	table: "deals",
	cols: []string{"pipeline", "stage", "status", "owner", "expected_close", "account_id", "contact_id",
		"pipeline_version"}, // schema version 3: NULL for 0, a pipeline never stored
	colValues: func(d *deal.Deal, dst []any) []any {
		return append(dst, d.PipelineID, int64(d.Stage), d.Status.String(), d.Owner, nullMicros(d.CloseDate),
			d.AccountID[:], nullID(d.ContactID), nullVersion(d.PipelineVersion))
	},
	refs:           storage.DealReferences,
	id:             func(d *deal.Deal) uuid.UUID { return d.ID },
	version:        func(d *deal.Deal) int64 { return d.Version },
	validate:       storage.ValidateDeal,
	validateFilter: storage.DealFilter.Validate,
	where: func(f *storage.DealFilter, b *strings.Builder, args []any) []any {
		if !f.IncludeArchived {
			b.WriteString(notArchived)
		}
		if f.Account != uuid.Nil {
			args = cond(b, args, " AND account_id = ?", f.Account[:])
		}
		if f.Owner != "" {
			args = cond(b, args, " AND owner = ?", f.Owner)
		}
		if f.Pipeline != "" {
			args = cond(b, args, " AND pipeline = ?", f.Pipeline)
		}
		if len(f.Stages) > 0 {
			stages := make([]any, len(f.Stages))
			for i, s := range f.Stages {
				stages[i] = int64(s)
			}
			args = in(b, args, "stage", stages)
		}
		if f.Status != 0 {
			args = cond(b, args, " AND status = ?", f.Status.String())
		}
		// A NULL expected_close (no close date) fails either comparison.
		// Bounds go through storage.TimeBound: any time, compared exactly
		// as DealFilter.Match compares it.
		if !f.CloseFrom.IsZero() {
			args = cond(b, args, " AND expected_close >= ?", micros(storage.TimeBound(f.CloseFrom)))
		}
		if !f.CloseTo.IsZero() {
			args = cond(b, args, " AND expected_close < ?", micros(storage.TimeBound(f.CloseTo)))
		}
		return customWhere(f.Custom, b, args)
	},
	custom: func(d *deal.Deal) field.Values { return d.Custom },
	dated: func(f *storage.DealFilter) (string, func(*deal.Deal) time.Time) {
		if f.CloseFrom.IsZero() && f.CloseTo.IsZero() {
			return "", nil
		}
		return "expected_close", func(d *deal.Deal) time.Time { return d.CloseDate }
	},
	datedIndex: func(f *storage.DealFilter) string {
		if f.Owner != "" {
			return "deals_owner_expected_close" // schema version 11
		}
		return ""
	},
}).build()

var planKind = (&kind[quota.Plan, storage.PlanFilter]{
	name:  quota.PlanKind,
	table: "plans",
	cols:  []string{"fiscal_year", "unit_currency", "unit_count"},
	colValues: func(p *quota.Plan, dst []any) []any {
		return append(dst, int64(p.FiscalYear), currencyCode(p.Unit.Currency), p.Unit.Count)
	},
	id:             func(p *quota.Plan) uuid.UUID { return p.ID },
	version:        func(p *quota.Plan) int64 { return p.Version },
	validate:       storage.ValidatePlan,
	validateFilter: storage.PlanFilter.Validate,
	where: func(f *storage.PlanFilter, b *strings.Builder, args []any) []any {
		if f.FiscalYear != 0 {
			args = cond(b, args, " AND fiscal_year = ?", int64(f.FiscalYear))
		}
		if f.Unit != (quota.Unit{}) {
			args = cond(b, args, " AND unit_currency = ?", currencyCode(f.Unit.Currency))
			args = cond(b, args, " AND unit_count = ?", f.Unit.Count)
		}
		return args
	},
}).build()

var campaignKind = (&kind[campaign.Campaign, storage.CampaignFilter]{
	name:  campaign.CampaignKind,
	table: "campaigns",
	cols:  []string{"status", "owner", "code", "schedule_start", "schedule_end"},
	colValues: func(c *campaign.Campaign, dst []any) []any {
		return append(dst, c.Status.String(), c.Owner, c.Code, micros(c.Schedule.Start), micros(c.Schedule.End))
	},
	id:             func(c *campaign.Campaign) uuid.UUID { return c.ID },
	version:        func(c *campaign.Campaign) int64 { return c.Version },
	validate:       storage.ValidateCampaign,
	validateFilter: storage.CampaignFilter.Validate,
	where: func(f *storage.CampaignFilter, b *strings.Builder, args []any) []any {
		if len(f.Statuses) > 0 {
			statuses := make([]any, len(f.Statuses))
			for i, s := range f.Statuses {
				statuses[i] = s.String()
			}
			args = in(b, args, "status", statuses)
		}
		if f.Owner != "" {
			args = cond(b, args, " AND owner = ?", f.Owner)
		}
		if f.Code != "" {
			args = cond(b, args, " AND code = ?", f.Code)
		}
		if !f.During.Start.IsZero() || !f.During.End.IsZero() {
			// crmkit.Period.Overlaps: both periods non-empty, each
			// starting before the other ends. The filter's own emptiness
			// is decided here, exactly; its bounds go through
			// storage.TimeBound and TimeBoundAfter.
			if f.During.IsEmpty() {
				b.WriteString(" AND 0")
				return args
			}
			b.WriteString(" AND schedule_start < schedule_end")
			args = cond(b, args, " AND schedule_start < ?", micros(storage.TimeBound(f.During.End)))
			args = cond(b, args, " AND schedule_end >= ?", micros(storage.TimeBoundAfter(f.During.Start)))
		}
		return args
	},
}).build()

var accountKind = (&kind[account.Account, storage.AccountFilter]{
	name:  account.AccountKind,
	table: "accounts",
	cols:  []string{"owner", "segment", "parent", "relations", "domain", "contact_emails", "contact_phones"},
	colValues: func(a *account.Account, dst []any) []any {
		// The dedupe keys, as storage.AccountKeys normalises them, so the
		// memory store and this one select alike.
		domain, emails, phones := storage.AccountKeys(a)
		return append(dst, a.Owner, a.Segment, nullID(a.Parent), relationsText(a.Relations), domain, jsonArray(emails), jsonArray(phones))
	},
	contacts: func(a *account.Account) []uuid.UUID {
		ids := make([]uuid.UUID, len(a.Contacts))
		for i, c := range a.Contacts {
			ids[i] = c.ID
		}
		return ids
	},
	id:             func(a *account.Account) uuid.UUID { return a.ID },
	version:        func(a *account.Account) int64 { return a.Version },
	validate:       storage.ValidateAccount,
	validateFilter: storage.AccountFilter.Validate,
	where: func(f *storage.AccountFilter, b *strings.Builder, args []any) []any {
		if !f.IncludeArchived {
			b.WriteString(notArchived)
		}
		if f.Owner != "" {
			args = cond(b, args, " AND owner = ?", f.Owner)
		}
		if f.Segment != "" {
			args = cond(b, args, " AND segment = ?", f.Segment)
		}
		if f.Parent != uuid.Nil {
			args = cond(b, args, " AND parent = ?", f.Parent[:])
		}
		// account.Relation.Has: every relation of the filter is there.
		for _, name := range f.Relations.Names() {
			args = cond(b, args, " AND instr(relations, ?) > 0", ","+name+",")
		}
		// Any of the keys (see AccountFilter); validateFilter ran first,
		// so Keys has no error here.
		domain, email, phone, _ := f.Keys()
		var anyOf []string
		if domain != "" {
			anyOf, args = append(anyOf, "domain = ?"), append(args, domain)
		}
		if email != "" {
			anyOf, args = append(anyOf, "EXISTS (SELECT 1 FROM json_each(contact_emails) WHERE value = ?)"), append(args, email)
		}
		if phone != "" {
			anyOf, args = append(anyOf, "EXISTS (SELECT 1 FROM json_each(contact_phones) WHERE value = ?)"), append(args, phone)
		}
		if len(anyOf) > 0 {
			b.WriteString(" AND (" + strings.Join(anyOf, " OR ") + ")")
		}
		return customWhere(f.Custom, b, args)
	},
	custom: func(a *account.Account) field.Values { return a.Custom },
}).build()

var contractKind = (&kind[account.Contract, storage.ContractFilter]{
	name:  account.ContractKind,
	table: "contracts",
	cols:  []string{"account_id", "deal_id", "status", "renewal_date"},
	colValues: func(c *account.Contract, dst []any) []any {
		return append(dst, c.AccountID[:], nullID(c.DealID), c.Status.String(), nullMicros(c.Current().RenewalDate))
	},
	refs:           storage.ContractReferences,
	id:             func(c *account.Contract) uuid.UUID { return c.ID },
	version:        func(c *account.Contract) int64 { return c.Version },
	validate:       storage.ValidateContract,
	validateFilter: storage.ContractFilter.Validate,
	where: func(f *storage.ContractFilter, b *strings.Builder, args []any) []any {
		if f.Account != uuid.Nil {
			args = cond(b, args, " AND account_id = ?", f.Account[:])
		}
		if f.Deal != uuid.Nil {
			args = cond(b, args, " AND deal_id = ?", f.Deal[:])
		}
		if len(f.Statuses) > 0 {
			statuses := make([]any, len(f.Statuses))
			for i, s := range f.Statuses {
				statuses[i] = s.String()
			}
			args = in(b, args, "status", statuses)
		}
		// Bounds go through storage.TimeBound: any time, compared exactly
		// as ContractFilter.Match compares it.
		if !f.RenewalFrom.IsZero() {
			args = cond(b, args, " AND renewal_date >= ?", micros(storage.TimeBound(f.RenewalFrom)))
		}
		if !f.RenewalTo.IsZero() {
			args = cond(b, args, " AND renewal_date < ?", micros(storage.TimeBound(f.RenewalTo)))
		}
		return args
	},
	dated: func(f *storage.ContractFilter) (string, func(*account.Contract) time.Time) {
		if f.RenewalFrom.IsZero() && f.RenewalTo.IsZero() {
			return "", nil
		}
		return "renewal_date", func(c *account.Contract) time.Time { return c.Current().RenewalDate }
	},
}).build()

// cond appends the condition sql (one ? placeholder) to b and v to args.
func cond(b *strings.Builder, args []any, sql string, v any) []any {
	b.WriteString(sql)
	return append(args, v)
}

// in appends " AND col IN (?, ...)" for vals to b and vals to args.
func in(b *strings.Builder, args []any, col string, vals []any) []any {
	b.WriteString(" AND " + col + " IN (?" + strings.Repeat(", ?", len(vals)-1) + ")")
	return append(args, vals...)
}

// micros returns t as the store keeps times: microseconds since
// 1970-01-01 UTC. Every time the store writes or compares is a canonical
// time (storage.CanonicalTime) or a storage.TimeBound, whole microseconds
// well inside int64's range.
func micros(t time.Time) int64 { return t.UnixMicro() }

// nullMicros returns micros(t), or nil (SQL NULL) for the zero time.
func nullMicros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return micros(t)
}

// fromMicros is the inverse of micros, in UTC.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullID returns id's 16 bytes, or nil (SQL NULL) for uuid.Nil.
func nullID(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return id[:]
}

// currencyCode returns c's ISO 4217 code, "" for the zero Currency.
func currencyCode(c crmkit.Currency) string {
	if c.IsZero() {
		return ""
	}
	return c.Code()
}

// jsonArray is the JSON array of ss ("[]" for none).
func jsonArray(ss []string) string {
	if len(ss) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(ss) // strings always encode
	return string(b)
}

// relationsText is the relations column: ",name,name," of r's names
// ("," for none), so that instr finds ",name," for each.
func relationsText(r account.Relation) string {
	return "," + strings.Join(append(r.Names(), ""), ",")
}
