package quotatest_test

import (
	"slices"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/quota"
	"github.com/crmkit/crmkit/quota/quotatest"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

func TestGeneratorsProduceValidInput(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := quotatest.Plan().Draw(t, "plan")
		require.NoError(t, p.Validate())
		recs := quotatest.History(p, 20).Draw(t, "history")
		_, err := p.Evaluate(slices.Values(recs), quota.EvalOptions{AsOf: p.Root.Period.End})
		require.NoError(t, err)

		cp := quotatest.CommissionPlan().Draw(t, "commission plan")
		require.NoError(t, cp.Validate())
		month := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		sales := quotatest.Sales(month, 10).Draw(t, "sales")
		for _, s := range sales {
			credits, err := s.Credits()
			require.NoError(t, err)
			var sum int64
			for _, c := range credits {
				sum += c.Minor()
			}
			require.Equal(t, s.Amount.Minor(), sum)
		}
		quotas := func(string, crmkit.Period) (crmkit.Money, error) { return crmkit.MustMoney("1000", "EUR"), nil }
		_, err = cp.Statements(month, slices.Values(sales), quotas, nil)
		require.NoError(t, err)
		require.NoError(t, quotatest.Ramp().Draw(t, "ramp").Validate())
	})
}
