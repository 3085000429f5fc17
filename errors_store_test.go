package crmkit_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/crmkit/crmkit"
)

// The eight root sentinels, each matching itself and no other, also when
// wrapped; Sentinels hands out a new slice each time.
func TestSentinels(t *testing.T) {
	s := crmkit.Sentinels()
	assert.Equal(t, []error{crmkit.ErrInvalid, crmkit.ErrNotFound, crmkit.ErrConflict, crmkit.ErrIllegalTransition,
		crmkit.ErrForbidden, crmkit.ErrCurrencyMismatch, crmkit.ErrOverflow, crmkit.ErrUnavailable}, s)
	for i, a := range s {
		wrapped := fmt.Errorf("context: %w", a)
		for j, b := range s {
			assert.Equal(t, i == j, errors.Is(wrapped, b), "%v is %v", a, b)
		}
	}
	s[0] = nil
	assert.Equal(t, crmkit.ErrInvalid, crmkit.Sentinels()[0])
}
