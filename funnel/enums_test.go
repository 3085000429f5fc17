package funnel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/internal/enumtest"
)

// TestEnumTextForms checks every value of every funnel enum, unset
// included, against the names written out here by hand.
func TestEnumTextForms(t *testing.T) {
	assert.Equal(t, []string{"opportunities", "contract volume", "roi"}, enumtest.Check[funnel.Ranking](t, 3, false))
	assert.Equal(t, []string{"unset", "owner", "source", "campaign", "product", "pipeline", "type", "competitor", "reason", "custom", "period"}, enumtest.Check[funnel.Dimension](t, 10, true))
	assert.Equal(t, []string{"unset", "weighted", "historical", "commit", "best case", "pipeline"}, enumtest.Check[funnel.Figure](t, 5, true))
	assert.Equal(t, []string{"unset", "created", "stage entered", "won", "lost", "suspended", "reactivated", "terminated", "close date changed", "amount changed", "activity", "dims changed"}, enumtest.Check[funnel.Kind](t, 11, true))
	assert.Equal(t, []string{"open", "suspended", "won", "lost", "terminated"}, enumtest.Check[funnel.Status](t, 5, false))
}

// TestRoleText: roles combine; the text lists them in bit order.
func TestRoleText(t *testing.T) {
	for r, want := range map[funnel.Role]string{
		0: "none", funnel.LeadCreation: "lead creation",
		funnel.LeadCreation | funnel.CloseTouch: "lead creation|close",
	} {
		b, err := r.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, want, string(b))
		var back funnel.Role
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, r, back)
	}
	assert.False(t, funnel.Role(8).Valid())
	_, err := funnel.Role(8).MarshalText()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}
