package funnel_test

import (
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/funnel"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A report splits by a custom enum field of the deals: the field named by
// Query.CustomField, read from each opportunity's Custom.
func TestSplitByCustomField(t *testing.T) {
	p := deal.DefaultPipeline()
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var ops []funnel.Opportunity
	for i, region := range []string{"emea", "apac", "emea", ""} {
		d, _, err := deal.New(p, deal.NewDeal{Name: "D", Type: deal.NewBusiness, Amount: crmkit.MustMoney("100.00", "EUR"),
			AccountID: uuid.New(), Owner: "ana"}, deal.Cmd{Cmd: crmkit.Cmd{By: "ana", At: at.Add(time.Duration(i) * time.Hour)}})
		require.NoError(t, err)
		if region != "" {
			d.Custom = field.Values{"region": field.Option(region)}
		}
		ops = append(ops, funnel.OpportunityOf(&d))
	}
	q := funnel.Query{AsOf: at.AddDate(0, 0, 1), By: []funnel.Dimension{funnel.ByCustom}, CustomField: "region"}
	rep, err := funnel.Summarize(p, slices.Values(ops), q)
	require.NoError(t, err)
	// By hand: emea 2 deals, apac 1, one deal without the field.
	want := map[string]int64{"": 1, "apac": 1, "emea": 2}
	require.Len(t, rep.Groups, 3)
	for _, g := range rep.Groups {
		assert.Equal(t, want[g.Key.Custom], g.Summary.Entities, g.Key.String())
	}
	assert.Equal(t, int64(4), rep.Total.Entities)
	s, ok := rep.Group(funnel.Key{Dims: funnel.Dims{Custom: "emea"}})
	require.True(t, ok)
	assert.Equal(t, crmkit.MustMoney("200.00", "EUR"), s.OpenAmount)

	// Match selects by it too; split with another dimension as well.
	q = funnel.Query{AsOf: at.AddDate(0, 0, 1), Match: funnel.Dims{Custom: "apac"}, CustomField: "region"}
	rep, err = funnel.Summarize(p, slices.Values(ops), q)
	require.NoError(t, err)
	assert.Equal(t, int64(1), rep.Total.Entities)
	q = funnel.Query{AsOf: at.AddDate(0, 0, 1), By: []funnel.Dimension{funnel.ByOwner, funnel.ByCustom}, CustomField: "region"}
	rep, err = funnel.Summarize(p, slices.Values(ops), q)
	require.NoError(t, err)
	assert.Len(t, rep.Groups, 3)

	_, err = funnel.Summarize(p, slices.Values(ops), funnel.Query{AsOf: at, CustomField: "Not A Name"})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}
