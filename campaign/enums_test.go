package campaign_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmkit/crmkit/campaign"
	"github.com/crmkit/crmkit/internal/enumtest"
)

// TestEnumTextForms checks every value of the campaign enums against the
// names written out here by hand.
func TestEnumTextForms(t *testing.T) {
	assert.Equal(t, []string{"planned", "pending approval", "approved", "running", "completed", "cancelled"}, enumtest.Check[campaign.Status](t, 6, false))
	assert.Equal(t, []string{"submit", "approve", "reject", "start", "complete", "cancel"}, enumtest.Check[campaign.Trigger](t, 6, false))
}
