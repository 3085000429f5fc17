package crmkit_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/internal/enumtest"
)

// colour is an enum whose zero value is unset; shape one whose zero value
// is a real value.
type colour uint8

const (
	red colour = iota + 1
	green
	blue
)

var colourNames = crmkit.NewEnum("test.colour", red, "red", "green", "blue")

func (c colour) MarshalText() ([]byte, error)  { return colourNames.MarshalText(c) }
func (c *colour) UnmarshalText(b []byte) error { return colourNames.UnmarshalText(b, c) }

type shape int

const (
	circle shape = iota
	square
)

var shapeNames = crmkit.NewEnum("test.shape", circle, "circle", "square")

func TestEnumTextForms(t *testing.T) {
	// Written out by hand from the tables above.
	for v, want := range map[colour]string{0: "unset", red: "red", green: "green", blue: "blue"} {
		assert.Equal(t, want, colourNames.String(v))
		b, err := colourNames.MarshalText(v)
		require.NoError(t, err)
		assert.Equal(t, want, string(b))
	}
	assert.Equal(t, "test.colour(4)", colourNames.String(4))
	_, err := colourNames.MarshalText(4)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	assert.False(t, colourNames.Valid(0))
	assert.True(t, colourNames.Valid(blue))
	assert.False(t, colourNames.Valid(4))
	assert.Equal(t, []colour{red, green, blue}, colourNames.Values())

	assert.Equal(t, "circle", shapeNames.String(0))
	assert.True(t, shapeNames.Valid(circle))
	assert.False(t, shapeNames.Valid(-1))
	assert.Equal(t, "test.shape(-1)", shapeNames.String(-1))
	_, err = shapeNames.Parse(crmkit.Unset)
	assert.ErrorIs(t, err, crmkit.ErrInvalid, "zero is a real value: no unset")

	v, err := colourNames.Parse("green")
	require.NoError(t, err)
	assert.Equal(t, green, v)
	for _, bad := range []string{"", "purple", "0", "1", "Green", " green", "Unset"} {
		_, err := colourNames.Parse(bad)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, bad)
	}
	c := blue
	assert.ErrorIs(t, c.UnmarshalText([]byte("purple")), crmkit.ErrInvalid)
	assert.Equal(t, blue, c, "unchanged on error")
	assert.ErrorIs(t, colourNames.UnmarshalText([]byte("red"), nil), crmkit.ErrInvalid)
}

func TestEnumJSON(t *testing.T) {
	type doc struct {
		C colour `json:"c"`
	}
	b, err := json.Marshal(doc{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"c":"unset"}`, string(b))
	var d doc
	assert.Error(t, json.Unmarshal([]byte(`{"c":2}`), &d), "a position number is not a text form")
}

func TestEnumRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := colour(rapid.Uint8().Draw(t, "v"))
		b, err := v.MarshalText()
		if v > blue {
			if err == nil {
				t.Fatalf("%d marshalled", v)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		var back colour
		if err := back.UnmarshalText(b); err != nil || back != v {
			t.Fatalf("%d -> %q -> %d, %v", v, b, back, err)
		}
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		back = 0
		if err := json.Unmarshal(j, &back); err != nil || back != v {
			t.Fatalf("%d -> %s -> %d, %v", v, j, back, err)
		}
	})
}

func TestNewEnumPanicsOnBadTables(t *testing.T) {
	assert.Panics(t, func() { crmkit.NewEnum[colour]("c", 1) })
	assert.Panics(t, func() { crmkit.NewEnum("c", red, "a", "a") })
	assert.Panics(t, func() { crmkit.NewEnum("c", red, "a", "") })
	assert.Panics(t, func() { crmkit.NewEnum("c", red, "unset") })
	assert.Panics(t, func() { crmkit.NewEnum("c", shape(-1), "x") })
	assert.Panics(t, func() { crmkit.NewEnum("c", uint8(255), "x", "y") })
}

// TestRootEnumTextForms checks every value of the root package's enums,
// unset included, against the names written out here by hand.
func TestRootEnumTextForms(t *testing.T) {
	assert.Equal(t, []string{"unset", "4-4-5", "4-5-4", "5-4-4"}, enumtest.Check[crmkit.RetailPattern](t, 3, true))
	assert.Equal(t, []string{"unset", "last", "nearest"}, enumtest.Check[crmkit.YearEndRule](t, 2, true))
	assert.Equal(t, []string{"unset", "half-even", "half-up", "down", "up", "floor", "ceiling"}, enumtest.Check[crmkit.RoundingMode](t, 6, true))
	assert.Equal(t, []string{"approx", "exact", "none"}, enumtest.Check[crmkit.Quantiles](t, 3, false))
}

// perm is a bit set: read 1, write 2, exec 4.
type perm uint8

var permNames = crmkit.NewFlags[perm]("test.perm", "read", "write", "exec")

func TestFlags(t *testing.T) {
	// Written out by hand from the table above.
	for v, want := range map[perm]string{0: "none", 1: "read", 3: "read|write", 5: "read|exec", 7: "read|write|exec"} {
		b, err := permNames.MarshalText(v)
		require.NoError(t, err)
		assert.Equal(t, want, string(b))
		got, err := permNames.Parse(want)
		require.NoError(t, err)
		assert.Equal(t, v, got)
	}
	assert.Equal(t, []string{"write", "exec"}, permNames.Names(6))
	assert.Equal(t, []string{}, permNames.Names(0))
	assert.Equal(t, "read|test.perm(0x8)", permNames.String(9))
	_, err := permNames.MarshalText(8)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	for _, bad := range []string{"", "Read", "read|read", "read,write", "none|read", "3", "read|"} {
		_, err := permNames.Parse(bad)
		assert.ErrorIs(t, err, crmkit.ErrInvalid, bad)
	}
	assert.ErrorIs(t, permNames.UnmarshalText([]byte("read"), nil), crmkit.ErrInvalid)
	rapid.Check(t, func(t *rapid.T) {
		v := perm(rapid.Uint8().Draw(t, "v"))
		b, err := permNames.MarshalText(v)
		if v >= 8 {
			if err == nil || permNames.Valid(v) {
				t.Fatalf("%d has a text form", v)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		var back perm
		if err := permNames.UnmarshalText(b, &back); err != nil || back != v {
			t.Fatalf("%d -> %q -> %d, %v", v, b, back, err)
		}
	})
	assert.Panics(t, func() { crmkit.NewFlags[perm]("p") })
	assert.Panics(t, func() { crmkit.NewFlags[perm]("p", "a", "a") })
	assert.Panics(t, func() { crmkit.NewFlags[perm]("p", "none") })
	assert.Panics(t, func() { crmkit.NewFlags[perm]("p", "a|b") })
	assert.Panics(t, func() { crmkit.NewFlags[perm]("p", "1", "2", "3", "4", "5", "6", "7", "8", "9") })
}
