package quote_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmkit/crmkit/deal/quote"
	"github.com/crmkit/crmkit/internal/enumtest"
)

// TestEnumTextForms checks every value of every quote enum, unset
// included, against the names written out here by hand.
func TestEnumTextForms(t *testing.T) {
	assert.Equal(t, []string{"unset", "draft", "pending-approval", "approved", "rejected", "sent", "accepted", "declined", "expired"}, enumtest.Check[quote.Status](t, 8, true))
	assert.Equal(t, []string{"unset", "max-line-discount", "overall-discount"}, enumtest.Check[quote.DiscountBasis](t, 2, true))
}
