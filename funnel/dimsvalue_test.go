package funnel_test

import (
	"testing"

	"github.com/crmkit/crmkit/funnel"
	"github.com/stretchr/testify/assert"
)

func TestDimsValue(t *testing.T) {
	d := funnel.Dims{Owner: "ann", Source: "web", Campaign: "spring", Product: "pro", Pipeline: "smb", Type: "renewal", Competitor: "acme", Reason: "price"}
	for dim, want := range map[funnel.Dimension]string{
		funnel.ByOwner: "ann", funnel.BySource: "web", funnel.ByCampaign: "spring", funnel.ByProduct: "pro",
		funnel.ByPipeline: "smb", funnel.ByType: "renewal", funnel.ByCompetitor: "acme", funnel.ByReason: "price",
		funnel.ByPeriod: "", 0: "",
	} {
		assert.Equal(t, want, d.Value(dim), dim.String())
	}
}
