package migrations

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseOrdersByVersion(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0002_b.sql":     {Data: []byte("two")},
		"m/0001_a.sql":     {Data: []byte("one")},
		"other/0009_z.sql": {Data: []byte("elsewhere")},
	}
	ms, err := Parse(fsys, "m", "x")
	require.NoError(t, err)
	assert.Equal(t, []Migration{
		{Version: 1, Name: "0001_a.sql", SQL: "one"},
		{Version: 2, Name: "0002_b.sql", SQL: "two"},
	}, ms)
}

func TestParseRejects(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"no number":  {"m/init.sql": {}},
		"zero":       {"m/0000_a.sql": {}},
		"gap":        {"m/0001_a.sql": {}, "m/0003_c.sql": {}},
		"repeated":   {"m/0001_a.sql": {}, "m/0001_b.sql": {}},
		"not from 1": {"m/0002_b.sql": {}},
		"empty":      {"other/0001_a.sql": {}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(fsys, "m", "drv")
			require.Error(t, err)
			assert.Contains(t, err.Error(), "drv")
			assert.Panics(t, func() { MustParse(fsys, "m", "drv") })
		})
	}
}
