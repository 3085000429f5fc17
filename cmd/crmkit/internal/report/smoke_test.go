package report_test

import "testing"

func TestSmoke(t *testing.T) {
	for _, args := range [][]string{
		{"-deals", "testdata/pipeline/sales_pipeline.csv", "-products", "testdata/pipeline/products.csv", "-teams", "testdata/pipeline/sales_teams.csv", "-currency", "USD", "-stages", "Prospecting,Engaging"},
		{"-deals", "testdata/mql/closed_deals.csv", "-deals-outcome", "won", "-leads", "testdata/mql/leads.csv"},
		{"-leads", "testdata/leadsonly/leads.csv"},
		{"-deals", "testdata/presets/salesforce.csv", "-preset", "salesforce"},
		{"-deals", "testdata/presets/hubspot.csv", "-preset", "hubspot", "-currency", "USD"},
		{"-deals", "testdata/presets/pipedrive.tsv", "-preset", "pipedrive"},
		{"-deals", "testdata/presets/odoo.csv", "-preset", "odoo", "-currency", "EUR"},
		{"-deals", "testdata/ambiguous_dates.csv"},
		{"-deals", "testdata/delimiter_tie.csv"},
	} {
		out, errs, code := run(t, args...)
		t.Logf("%q -> %d\n%s\nSTDERR %s", args, code, out, errs)
	}
}
