package crmkit_test

import (
	"errors"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
)

func TestCmdValidate(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		cmd   crmkit.Cmd
		field string // "" when valid
	}{
		{"valid", crmkit.Cmd{By: "ana", At: at}, ""},
		{"valid with reason and inner space", crmkit.Cmd{By: "Ana Lopez", At: at, Reason: "annual plan"}, ""},
		{"valid non-ASCII", crmkit.Cmd{By: "józef", At: at}, ""},
		{"empty actor", crmkit.Cmd{At: at}, "by"},
		{"blank actor", crmkit.Cmd{By: " \t", At: at}, "by"},
		{"control character", crmkit.Cmd{By: "ana\x00", At: at}, "by"},
		{"line break", crmkit.Cmd{By: "ana\nben", At: at}, "by"},
		{"invalid UTF-8", crmkit.Cmd{By: "ana\xff", At: at}, "by"},
		{"zero time", crmkit.Cmd{By: "ana"}, "at"},
		{"zero value", crmkit.Cmd{}, "by"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cmd.Validate()
			if tt.field == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, crmkit.ErrInvalid)
			var ve *crmkit.ValidationError
			require.True(t, errors.As(err, &ve))
			assert.Equal(t, tt.field, ve.Field)
		})
	}
}

// TestCmdValidateProperty checks Validate against a second statement of
// the rule: an actor is accepted exactly when it is valid UTF-8, every rune
// is printable and at least one is not a space (strings.TrimSpace trims
// exactly the unicode.IsSpace runes); a time exactly when it is
// not zero.
func TestCmdValidateProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		by := rapid.String().Draw(t, "by")
		var at time.Time
		if rapid.Bool().Draw(t, "has time") {
			at = time.Unix(rapid.Int64Range(-1<<40, 1<<40).Draw(t, "sec"), 0)
		}
		printable, blank := utf8.ValidString(by), true
		for _, r := range by {
			if !unicode.IsPrint(r) {
				printable = false
			}
			if !unicode.IsSpace(r) {
				blank = false
			}
		}
		want := printable && !blank && !at.IsZero()
		err := crmkit.Cmd{By: by, At: at}.Validate()
		if want {
			require.NoError(t, err)
		} else {
			require.ErrorIs(t, err, crmkit.ErrInvalid)
		}
	})
}
