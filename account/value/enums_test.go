package value_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmkit/crmkit/account/value"
	"github.com/crmkit/crmkit/internal/enumtest"
)

// TestEnumTextForms checks every value of every value enum, unset
// included, against the names written out here by hand.
func TestEnumTextForms(t *testing.T) {
	assert.Equal(t, []string{"unset", "numeric", "categorical"}, enumtest.Check[value.AttrKind](t, 2, true))
	assert.Equal(t, []string{"unset", "too new", "growth", "maturity", "decline", "lost"}, enumtest.Check[value.Stage](t, 5, true))
	assert.Equal(t, []string{"unset", "champions", "loyal", "potential loyalist", "new customer", "need attention", "can't lose them", "at risk", "hibernating", "lost"}, enumtest.Check[value.RFMSegment](t, 9, true))
}
