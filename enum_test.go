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
