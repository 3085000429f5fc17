package quota_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmkit/crmkit/internal/enumtest"
	"github.com/crmkit/crmkit/quota"
)

// TestEnumTextForms checks every value of every quota enum, unset
// included, against the names written out here by hand.
func TestEnumTextForms(t *testing.T) {
	assert.Equal(t, []string{"unset", "keep total", "change total"}, enumtest.Check[quota.TotalPolicy](t, 2, true))
	assert.Equal(t, []string{"unset", "attainment", "revenue"}, enumtest.Check[quota.TierBasis](t, 2, true))
	assert.Equal(t, []string{"unset", "marginal", "retroactive"}, enumtest.Check[quota.TierMethod](t, 2, true))
	assert.Equal(t, []string{"unset", "tier", "cap", "clawback", "balance", "draw", "carry forward"}, enumtest.Check[quota.LineKind](t, 6, true))
	assert.Equal(t, []string{"unset", "equal", "custom", "seasonal", "contribution"}, enumtest.Check[quota.WeightKind](t, 4, true))
	assert.Equal(t, []string{"unset", "roll up", "own"}, enumtest.Check[quota.ManagerMode](t, 2, true))
	assert.Equal(t, []string{"unset", "halves", "quarters", "months"}, enumtest.Check[quota.Grain](t, 3, true))
}
