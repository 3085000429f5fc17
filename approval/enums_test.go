package approval_test

import (
	"testing"

	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/internal/enumtest"
	"github.com/stretchr/testify/assert"
)

// TestEnumTextForms checks every Status, unset included, against the names
// written out here by hand.
func TestEnumTextForms(t *testing.T) {
	assert.Equal(t, []string{"unset", "pending", "approved", "rejected", "expired", "cancelled"}, enumtest.Check[approval.Status](t, 5, true))
}
