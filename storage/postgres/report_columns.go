package postgres

import (
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/funnel"
)

// dealReportCols are the columns of schema version 12 that hold what a
// funnel report reads of a deal (funnel.OpportunityOf), beside the
// columns the deals table already had (stage, status, owner, pipeline,
// expected_close). They are filter columns of dealKind, so every write
// path (Create, Save, ImportDeals) writes them from dealReportValues, the
// one place that derives them.
var dealReportCols = []column{
	{"amount_minor", "int8"}, {"currency", "text"},
	{"created_at", "timestamptz"}, {"stage_entered_at", "timestamptz"}, {"closed_at", "timestamptz"},
	{"deal_type", "text"}, {"campaign_id", "uuid"}, {"competitor", "text"}, {"reason", "text"},
}

// dealReportValues appends the values of dealReportCols for d: the
// fields of funnel.OpportunityOf(d) the older columns do not hold.
func dealReportValues(d *deal.Deal, dst []any) []any {
	o := funnel.OpportunityOf(d)
	cur := ""
	if c := o.Amount.Currency(); !c.IsZero() {
		cur = c.Code()
	}
	return append(dst, o.Amount.Minor(), cur,
		nullTime(o.Origin), nullTime(o.Entered), nullTime(o.Closed),
		o.Dims.Type, nullUUID(d.CampaignID), nullText(o.Dims.Competitor), nullText(o.Dims.Reason))
}

// nullText returns s, or nil (SQL NULL) for the empty string.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}
