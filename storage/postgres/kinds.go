package postgres

import (
	"strconv"
	"strings"
	"time"

	"github.com/crmkit/crmkit/campaign"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
)

// param appends v to args and returns its placeholder.
func param(args *[]any, v any) string {
	*args = append(*args, v)
	return "$" + strconv.Itoa(len(*args))
}

var leadKind = (&kind[lead.Lead, storage.LeadFilter]{
	name:  lead.LeadKind,
	table: "leads",
	cols:  []column{{"stage", "text"}, {"source", "text"}, {"owner", "text"}},
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
			b.WriteString(" AND stage = " + param(&args, f.Stage.String()))
		}
		if f.Source != "" {
			b.WriteString(" AND source = " + param(&args, string(f.Source)))
		}
		if f.Owner != "" {
			b.WriteString(" AND owner = " + param(&args, f.Owner))
		}
		return customWhere(f.Custom, b, args)
	},
	custom: func(l *lead.Lead) field.Values { return l.Custom },
}).build()

var dealKind = (&kind[deal.Deal, storage.DealFilter]{
	name:  deal.DealKind,
	table: "deals",
	cols: append([]column{
		{"pipeline", "text"}, {"stage", "int2"}, {"status", "text"}, {"owner", "text"},
		{"expected_close", "timestamptz"}, {"account_id", "uuid"}, {"contact_id", "uuid"},
		{"pipeline_version", "int8"}, // schema version 8: NULL for 0, a pipeline never stored
	}, dealReportCols...), // schema version 12: what a report reads
	colValues: func(d *deal.Deal, dst []any) []any {
		dst = append(dst, d.PipelineID, int16(d.Stage), d.Status.String(), d.Owner, nullTime(d.CloseDate),
			[16]byte(d.AccountID), nullUUID(d.ContactID), nullVersion(d.PipelineVersion))
		return dealReportValues(d, dst)
	},
	checkCreate:    dealCheck,
	checkSave:      dealCheck,
	refs:           storage.DealReferences,
	id:             func(d *deal.Deal) uuid.UUID { return d.ID },
	version:        func(d *deal.Deal) int64 { return d.Version },
	validate:       storage.ValidateDeal,
	validateFilter: storage.DealFilter.Validate,
	split: func(f storage.DealFilter) []storage.DealFilter {
		return splitSet(f, func(f *storage.DealFilter) *[]int { return &f.Stages })
	},
	dated: func(f *storage.DealFilter) (string, func(*deal.Deal) time.Time) {
		if f.CloseFrom.IsZero() && f.CloseTo.IsZero() {
			return "", nil
		}
		return "expected_close", func(d *deal.Deal) time.Time { return d.CloseDate }
	},
	where: func(f *storage.DealFilter, b *strings.Builder, args []any) []any {
		if !f.IncludeArchived {
			b.WriteString(notArchived)
		}
		if f.Account != uuid.Nil {
			b.WriteString(" AND account_id = " + param(&args, f.Account) + "::uuid")
		}
		if f.Owner != "" {
			b.WriteString(" AND owner = " + param(&args, f.Owner))
		}
		if f.Pipeline != "" {
			b.WriteString(" AND pipeline = " + param(&args, f.Pipeline))
		}
		if len(f.Stages) > 0 {
			stages := make([]int16, len(f.Stages))
			for i, s := range f.Stages {
				stages[i] = int16(s)
			}
			b.WriteString(inSet(&args, "stage", "int2", stages))
		}
		if f.Status != 0 {
			b.WriteString(" AND status = " + param(&args, f.Status.String()))
		}
		return customWhere(f.Custom, b, dealClose(f, b, args))
	},
	custom: func(d *deal.Deal) field.Values { return d.Custom },
}).build()

// dealClose appends the conditions of the deal filter's close dates. A
// NULL expected_close (no close date) fails either comparison. Bounds go
// through storage.TimeBound: any time, compared exactly as
// DealFilter.Match compares it.
func dealClose(f *storage.DealFilter, b *strings.Builder, args []any) []any {
	if !f.CloseFrom.IsZero() {
		b.WriteString(" AND expected_close >= " + param(&args, storage.TimeBound(f.CloseFrom)))
	}
	if !f.CloseTo.IsZero() {
		b.WriteString(" AND expected_close < " + param(&args, storage.TimeBound(f.CloseTo)))
	}
	return args
}

// dealCheck is the reference check of a deal's write: its account, its
// contact inside that account, and the stored version of its pipeline.
func dealCheck(ph func(string) string) string {
	return `SELECT CASE
		WHEN NOT EXISTS (SELECT 1 FROM accounts WHERE tenant_id = $1 AND id = ` + ph("account_id") + `) THEN 'account_id'
		WHEN ` + ph("contact_id") + ` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM account_contacts
			WHERE tenant_id = $1 AND account_id = ` + ph("account_id") + ` AND id = ` + ph("contact_id") + `) THEN 'contact_id'
		WHEN ` + ph("pipeline_version") + ` IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pipeline_versions
			WHERE tenant_id = $1 AND pipeline = ` + ph("pipeline") + ` AND version = ` + ph("pipeline_version") + `) THEN 'pipeline_version'
		END`
}

// nullTime returns t, or nil (SQL NULL) for the zero time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

var planKind = (&kind[quota.Plan, storage.PlanFilter]{
	name:  quota.PlanKind,
	table: "plans",
	cols:  []column{{"fiscal_year", "int4"}, {"unit_currency", "text"}, {"unit_count", "text"}},
	colValues: func(p *quota.Plan, dst []any) []any {
		return append(dst, int32(p.FiscalYear), currencyCode(p.Unit.Currency), p.Unit.Count)
	},
	id:             func(p *quota.Plan) uuid.UUID { return p.ID },
	version:        func(p *quota.Plan) int64 { return p.Version },
	validate:       storage.ValidatePlan,
	validateFilter: storage.PlanFilter.Validate,
	where: func(f *storage.PlanFilter, b *strings.Builder, args []any) []any {
		if f.FiscalYear != 0 {
			b.WriteString(" AND fiscal_year = " + param(&args, int32(f.FiscalYear)))
		}
		if f.Unit != (quota.Unit{}) {
			b.WriteString(" AND unit_currency = " + param(&args, currencyCode(f.Unit.Currency)))
			b.WriteString(" AND unit_count = " + param(&args, f.Unit.Count))
		}
		return args
	},
}).build()

// currencyCode returns c's ISO 4217 code, "" for the zero Currency.
func currencyCode(c crmkit.Currency) string {
	if c.IsZero() {
		return ""
	}
	return c.Code()
}

var campaignKind = (&kind[campaign.Campaign, storage.CampaignFilter]{
	name:  campaign.CampaignKind,
	table: "campaigns",
	cols: []column{
		{"status", "text"}, {"owner", "text"}, {"code", "text"},
		{"schedule_start", "timestamptz"}, {"schedule_end", "timestamptz"},
	},
	colValues: func(c *campaign.Campaign, dst []any) []any {
		return append(dst, c.Status.String(), c.Owner, c.Code, c.Schedule.Start, c.Schedule.End)
	},
	id:             func(c *campaign.Campaign) uuid.UUID { return c.ID },
	version:        func(c *campaign.Campaign) int64 { return c.Version },
	validate:       storage.ValidateCampaign,
	validateFilter: storage.CampaignFilter.Validate,
	split: func(f storage.CampaignFilter) []storage.CampaignFilter {
		return splitSet(f, func(f *storage.CampaignFilter) *[]campaign.Status { return &f.Statuses })
	},
	where: func(f *storage.CampaignFilter, b *strings.Builder, args []any) []any {
		if len(f.Statuses) > 0 {
			statuses := make([]string, len(f.Statuses))
			for i, s := range f.Statuses {
				statuses[i] = s.String()
			}
			b.WriteString(inSet(&args, "status", "text", statuses))
		}
		if f.Owner != "" {
			b.WriteString(" AND owner = " + param(&args, f.Owner))
		}
		if f.Code != "" {
			b.WriteString(" AND code = " + param(&args, f.Code))
		}
		if !f.During.Start.IsZero() || !f.During.End.IsZero() {
			// crmkit.Period.Overlaps: both periods non-empty, each
			// starting before the other ends. The filter's own emptiness
			// is decided here, exactly; its bounds go through
			// storage.TimeBound and TimeBoundAfter.
			if f.During.IsEmpty() {
				b.WriteString(" AND false")
				return args
			}
			end := param(&args, storage.TimeBound(f.During.End))
			after := param(&args, storage.TimeBoundAfter(f.During.Start))
			b.WriteString(" AND schedule_start < schedule_end AND schedule_start < " + end + " AND schedule_end >= " + after)
		}
		return args
	},
}).build()
