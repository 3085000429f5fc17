package predict_test

import (
	"testing"

	"github.com/crmkit/crmkit/funnel"
	"github.com/crmkit/crmkit/funnel/predict"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCalibrateBeatsStageBaseline(t *testing.T) {
	split := start.AddDate(1, 0, 0)
	end := split.AddDate(0, 6, 0)
	h := markov(3, end)
	h.AmountEffect = 0.5
	h.ActivityPerDay = 0.5
	c, err := predict.Calibrate(four, h.Records(), split, end, predict.WinOptions{Categorical: []funnel.Dimension{funnel.ByOwner}})
	require.NoError(t, err)
	t.Logf("%+v", c)
	assert.Less(t, c.Brier.InexactFloat64(), c.BaselineBrier.InexactFloat64())
}
