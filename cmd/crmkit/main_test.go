package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func runMain(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDispatch(t *testing.T) {
	t.Run("no command", func(t *testing.T) {
		code, out, errOut := runMain()
		assert.Equal(t, 2, code)
		assert.Empty(t, out)
		assert.Contains(t, errOut, "Usage:")
	})
	t.Run("unknown command", func(t *testing.T) {
		code, out, errOut := runMain("forecast", "-x")
		assert.Equal(t, 2, code)
		assert.Empty(t, out)
		assert.Contains(t, errOut, `crmkit: unknown command "forecast"`)
		for _, name := range []string{"report", "clv", "diagram", "help"} {
			assert.Contains(t, errOut, "\t"+name+" ", "usage lists %s", name)
		}
	})
	t.Run("help", func(t *testing.T) {
		for _, h := range []string{"help", "-h", "--help"} {
			code, out, errOut := runMain(h)
			assert.Equal(t, 0, code, h)
			assert.Contains(t, out, "Usage:", h)
			assert.Empty(t, errOut, h)
		}
	})
	t.Run("help for a command", func(t *testing.T) {
		code, _, errOut := runMain("help", "clv")
		assert.Equal(t, 0, code)
		assert.Contains(t, errOut, "usage: crmkit clv")
		code, _, errOut = runMain("help", "nope")
		assert.Equal(t, 2, code)
		assert.Contains(t, errOut, `unknown command "nope"`)
	})
	t.Run("arguments reach the command", func(t *testing.T) {
		code, out, errOut := runMain("diagram")
		assert.Equal(t, 0, code, errOut)
		assert.True(t, strings.HasPrefix(out, "# State diagrams"))
		code, _, errOut = runMain("diagram", "extra")
		assert.Equal(t, 2, code)
		assert.Contains(t, errOut, `unexpected argument "extra"`)
		code, _, errOut = runMain("clv")
		assert.Equal(t, 2, code)
		assert.Contains(t, errOut, "-in is required")
	})
}
