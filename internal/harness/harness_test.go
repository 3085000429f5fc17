package harness_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/harness"
)

func TestCheck(t *testing.T) {
	assert.Error(t, harness.Check(nil, nil), "an accepted input is no refusal")
	assert.NoError(t, harness.Check(crmkit.Invalid("x", "bad"), nil))
	assert.NoError(t, harness.Check(fmt.Errorf("sum: %w", crmkit.ErrOverflow), crmkit.ErrOverflow))
	assert.Error(t, harness.Check(fmt.Errorf("sum: %w", crmkit.ErrOverflow), nil), "want ErrInvalid")
	assert.NoError(t, harness.Check(fmt.Errorf("sum: %w", crmkit.ErrOverflow), harness.ErrAny))
	assert.Error(t, harness.Check(errors.New("driver: bad"), harness.ErrAny), "matches no sentinel")
	assert.Error(t, harness.Check(errors.Join(crmkit.ErrInvalid, crmkit.ErrConflict), harness.ErrAny), "matches two sentinels")
}
