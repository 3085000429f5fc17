package lead_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmkit/crmkit/internal/enumtest"
	"github.com/crmkit/crmkit/lead"
)

// TestEnumTextForms checks every value of every lead enum, unset included,
// against the names written out here by hand from the package docs.
func TestEnumTextForms(t *testing.T) {
	assert.Equal(t, []string{"unset", "suspect", "mql", "sql", "converted", "nurture", "disqualified"}, enumtest.Check[lead.Stage](t, 6, true))
	assert.Equal(t, []string{"unset", "marketing", "sales"}, enumtest.Check[lead.Side](t, 2, true))
	assert.Equal(t, []string{"unset", "cold", "warm", "hot"}, enumtest.Check[lead.Temperature](t, 3, true))
	assert.Equal(t, []string{"unset", "qualify", "accept", "nurture", "recycle", "disqualify", "convert"}, enumtest.Check[lead.Action](t, 6, true))
}

func TestStringEnumsValid(t *testing.T) {
	for _, k := range lead.TouchKinds() {
		assert.True(t, k.Valid(), k)
	}
	for _, k := range lead.EventKinds() {
		assert.True(t, k.Valid(), k)
	}
	assert.False(t, lead.TouchKind("").Valid())
	assert.False(t, lead.TouchKind("View").Valid(), "the text form is exact")
	assert.False(t, lead.EventKind("").Valid())
	assert.False(t, lead.EventKind("trade show").Valid())
	for _, c := range []lead.Channel{lead.ChannelEmail, lead.ChannelEvent, lead.ChannelSocial, lead.ChannelReferral, "our own"} {
		assert.True(t, c.Area().Valid(), c)
	}
	assert.False(t, lead.MarketingArea("").Valid())
}
