package deal_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/internal/enumtest"
)

// TestEnumTextForms checks every value of every deal enum, unset included,
// against the names written out here by hand.
func TestEnumTextForms(t *testing.T) {
	assert.Equal(t, []string{"unset", "pipeline", "best_case", "commit", "closed", "omitted"}, enumtest.Check[deal.ForecastCategory](t, 5, true))
	assert.Equal(t, []string{"unset", "day", "week", "month"}, enumtest.Check[deal.CadenceUnit](t, 3, true))
	assert.Equal(t, []string{"unset", "open", "won", "lost", "suspended", "terminated"}, enumtest.Check[deal.Status](t, 5, true))
	assert.Equal(t, []string{"unset", "new_business", "expansion", "renewal", "cross_sell"}, enumtest.Check[deal.DealType](t, 4, true))
}

func TestFieldValid(t *testing.T) {
	for _, f := range []deal.Field{deal.FieldAmount, deal.FieldCloseDate, deal.FieldContact, deal.FieldSourceLead, deal.FieldCampaign, deal.FieldTeam} {
		assert.True(t, f.Valid(), f)
	}
	assert.False(t, deal.Field("").Valid())
	assert.False(t, deal.Field("Amount").Valid(), "the text form is exact")
}
