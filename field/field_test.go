package field_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/field"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

var at = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)

func cmd() crmkit.Cmd { return crmkit.Cmd{By: "admin", At: at} }

func ptr(v field.Value) *field.Value { return &v }

func leadFields() []field.Def {
	return []field.Def{
		{Name: "tier", Type: field.TypeEnum, Options: []string{"gold", "silver"}, Required: true, Default: ptr(field.Option("silver"))},
		{Name: "tags", Type: field.TypeMultiSelect, Options: []string{"a", "b", "c"}},
		{Name: "seats", Type: field.TypeNumber},
		{Name: "budget", Type: field.TypeMoney},
		{Name: "born", Type: field.TypeDate, Personal: true},
		{Name: "nickname", Type: field.TypeText, Personal: true},
	}
}

func TestCheck(t *testing.T) {
	s, ev, err := field.New("lead", leadFields(), cmd())
	require.NoError(t, err)
	assert.Equal(t, int64(1), s.Version)
	assert.Equal(t, field.EventFieldsDeclared, ev.Type)
	assert.Equal(t, field.SchemaID("lead"), ev.AggregateID)

	good := field.Values{
		"tier":     field.Option("gold"),
		"tags":     field.Options("c", "a", "a"),
		"seats":    field.Number(decimal.RequireFromString("12.50")),
		"budget":   field.Amount(crmkit.MustMoney("1200", "EUR")),
		"born":     field.Date(time.Date(1990, 2, 3, 23, 0, 0, 0, time.UTC)),
		"nickname": field.Text("Bo"),
	}
	require.NoError(t, s.Check(good))
	// Canonical forms, written out by hand.
	assert.Equal(t, "12.5", good["seats"].String())
	assert.Equal(t, "1200.00 EUR", good["budget"].String())
	assert.Equal(t, "1990-02-03", good["born"].String())
	assert.Equal(t, []string{"a", "c"}, good["tags"].List())

	bad := []struct {
		name  string
		vs    field.Values
		field string
	}{
		{"unknown field", field.Values{"tier": field.Option("gold"), "colour": field.Text("x")}, "custom.colour"},
		{"option not in enum", field.Values{"tier": field.Option("bronze")}, "custom.tier"},
		{"required missing", field.Values{"seats": field.Text("3")}, "custom.tier"},
		{"number not canonical", field.Values{"tier": field.Option("gold"), "seats": field.Text("3.0")}, "custom.seats"},
		{"number not a number", field.Values{"tier": field.Option("gold"), "seats": field.Text("three")}, "custom.seats"},
		{"money without currency", field.Values{"tier": field.Option("gold"), "budget": field.Text("12.00")}, "custom.budget"},
		{"bad date", field.Values{"tier": field.Option("gold"), "born": field.Text("2026-02-30")}, "custom.born"},
		{"list for a text", field.Values{"tier": field.Option("gold"), "nickname": field.Options("x")}, "custom.nickname"},
		{"text for a list", field.Values{"tier": field.Option("gold"), "tags": field.Text("a")}, "custom.tags"},
		{"option not in multi", field.Values{"tier": field.Option("gold"), "tags": field.Options("a", "z")}, "custom.tags"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			err := s.Check(c.vs)
			var ve *crmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, crmkit.ErrInvalid)
			assert.Equal(t, c.field, ve.Field)
		})
	}
	var none *field.Schema
	assert.ErrorIs(t, none.Check(field.Values{"x": field.Text("y")}), crmkit.ErrInvalid)
	assert.NoError(t, none.Check(nil))

	assert.Equal(t, field.Values{"tier": field.Option("silver")}, s.WithDefaults(nil))
	assert.Equal(t, []string{"born", "nickname"}, s.Personal())
	assert.Equal(t, field.Values{"tier": field.Option("gold")}, s.ErasePersonal(field.Values{"tier": field.Option("gold"), "nickname": field.Text("Bo")}))
}

func TestDefValidate(t *testing.T) {
	for _, d := range []field.Def{
		{Name: "Bad", Type: field.TypeText},
		{Name: "x", Type: 0},
		{Name: "x", Type: field.TypeEnum},
		{Name: "x", Type: field.TypeText, Options: []string{"a"}},
		{Name: "x", Type: field.TypeEnum, Options: []string{"a", "a"}},
		{Name: "x", Type: field.TypeEnum, Options: []string{"a"}, Default: ptr(field.Option("b"))},
	} {
		_, _, err := field.New("lead", []field.Def{d}, cmd())
		assert.ErrorIs(t, err, crmkit.ErrInvalid, "%+v", d)
	}
	_, _, err := field.New("lead", []field.Def{{Name: "x", Type: field.TypeText}, {Name: "x", Type: field.TypeNumber}}, cmd())
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = field.New("lead", nil, crmkit.Cmd{})
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestChangeRefusesOrphans(t *testing.T) {
	s, _, err := field.New("lead", leadFields(), cmd())
	require.NoError(t, err)
	later := crmkit.Cmd{By: "admin", At: at.Add(time.Hour)}

	// Adding an option and an optional field orphans nothing.
	added := leadFields()
	added[0].Options = append(added[0].Options, "bronze")
	added = append(added, field.Def{Name: "note", Type: field.TypeText})
	s2, ev, err := s.Change(added, later)
	require.NoError(t, err)
	assert.Equal(t, int64(2), s2.Version)
	assert.Equal(t, field.EventFieldsChanged, ev.Type)
	assert.Equal(t, int64(1), s.Version, "input unchanged")

	removedOption := leadFields()
	removedOption[0].Options = []string{"gold"}
	removedOption[0].Default = nil
	removedField := leadFields()[1:]
	retyped := leadFields()
	retyped[2].Type = field.TypeText
	newRequired := append(leadFields(), field.Def{Name: "region", Type: field.TypeText, Required: true})
	for name, f := range map[string][]field.Def{"option": removedOption, "field": removedField, "type": retyped, "required": newRequired} {
		_, _, err := s.Change(f, later)
		assert.ErrorIs(t, err, crmkit.ErrConflict, name)
	}

	// Migrate makes it, with every orphan covered.
	_, _, err = s.Migrate(removedOption, field.Migration{}, later)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	m := field.Migration{Options: map[string]map[string]string{"tier": {"silver": "gold"}}}
	s3, ev, err := s.Migrate(removedOption, m, later)
	require.NoError(t, err)
	assert.Equal(t, field.EventFieldsMigrated, ev.Type)
	var p field.SchemaPayload
	require.NoError(t, ev.DecodePayload(&p))
	require.NotNil(t, p.Migration)
	assert.Equal(t, "gold", p.Migration.Options["tier"]["silver"])
	assert.Equal(t, field.Values{"tier": field.Option("gold")}, m.Apply(field.Values{"tier": field.Option("silver")}))
	require.NoError(t, s3.Check(m.Apply(field.Values{"tier": field.Option("silver")})))

	_, _, err = s.Migrate(removedField, field.Migration{}, later)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, _, err = s.Migrate(removedField, field.Migration{Drop: []string{"tier"}}, later)
	assert.NoError(t, err)
	_, _, err = s.Migrate(newRequired, field.Migration{Fill: field.Values{"region": field.Text("emea")}}, later)
	assert.NoError(t, err)
	_, _, err = s.Migrate(newRequired, field.Migration{Fill: field.Values{"region": field.Options("emea")}}, later)
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func TestValueJSONAndMatch(t *testing.T) {
	vs := field.Values{"tier": field.Option("gold"), "tags": field.Options("b", "a")}
	b, err := json.Marshal(vs)
	require.NoError(t, err)
	assert.JSONEq(t, `{"tier":"gold","tags":["a","b"]}`, string(b))
	var back field.Values
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.Equal(vs))
	assert.Error(t, json.Unmarshal([]byte(`{"x":3}`), &back))

	assert.True(t, vs.Match(nil))
	assert.True(t, vs.Match(field.Values{"tier": field.Option("gold")}))
	assert.False(t, vs.Match(field.Values{"tier": field.Option("silver")}))
	assert.True(t, vs.Match(field.Values{"tags": field.Option("a")}))
	assert.True(t, vs.Match(field.Values{"tags": field.Options("a", "b")}))
	assert.False(t, vs.Match(field.Values{"tags": field.Options("a", "c")}))
	assert.False(t, vs.Match(field.Values{"missing": field.Text("")}))
}

// A migration that Migrate accepts turns every value valid under the old
// schema into one valid under the new: the property that no stored value
// is orphaned.
func TestMigrationKeepsValuesValid(t *testing.T) {
	opts := []string{"a", "b", "c", "d"}
	rapid.Check(t, func(t *rapid.T) {
		oldOpts := rapid.SliceOfNDistinct(rapid.SampledFrom(opts), 1, 4, rapid.ID[string]).Draw(t, "old")
		newOpts := rapid.SliceOfNDistinct(rapid.SampledFrom(opts), 1, 4, rapid.ID[string]).Draw(t, "new")
		multi := rapid.Bool().Draw(t, "multi")
		typ := field.TypeEnum
		if multi {
			typ = field.TypeMultiSelect
		}
		old := []field.Def{{Name: "f", Type: typ, Options: oldOpts}}
		nw := []field.Def{{Name: "f", Type: typ, Options: newOpts}}
		s, _, err := field.New("deal", old, cmd())
		if err != nil {
			t.Fatal(err)
		}
		repl := map[string]string{}
		for _, o := range oldOpts {
			if !containsStr(newOpts, o) {
				repl[o] = rapid.SampledFrom(append([]string{""}, newOpts...)).Draw(t, "to_"+o)
			}
		}
		m := field.Migration{Options: map[string]map[string]string{"f": repl}}
		s2, _, err := s.Migrate(nw, m, crmkit.Cmd{By: "a", At: at.Add(time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		var v field.Value
		if multi {
			v = field.Options(rapid.SliceOfDistinct(rapid.SampledFrom(oldOpts), rapid.ID[string]).Draw(t, "v")...)
		} else {
			v = field.Option(rapid.SampledFrom(oldOpts).Draw(t, "v"))
		}
		vs := field.Values{"f": v}
		if err := s.Check(vs); err != nil {
			t.Fatal(err)
		}
		if err := s2.Check(m.Apply(vs)); err != nil {
			t.Fatalf("migrated %v: %v", m.Apply(vs), err)
		}
		if !vs.Equal(field.Values{"f": v}) {
			t.Fatal("Apply changed its input")
		}
	})
}

func containsStr(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func TestErrors(t *testing.T) {
	_, err := field.Text("x").Decimal()
	assert.True(t, errors.Is(err, crmkit.ErrInvalid))
	_, err = field.Text("12 XXX").Money()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
	_, err = field.Options("a").Time()
	assert.ErrorIs(t, err, crmkit.ErrInvalid)
}

func Example() {
	s, _, err := field.New("lead", []field.Def{
		{Name: "tier", Type: field.TypeEnum, Options: []string{"gold", "silver"}, Required: true},
		{Name: "seats", Type: field.TypeNumber},
	}, crmkit.Cmd{By: "admin", At: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Check(field.Values{"tier": field.Option("gold"), "seats": field.Number(decimal.NewFromInt(12))}))
	fmt.Println(s.Check(field.Values{"tier": field.Option("bronze")}))
	// Removing an option a stored lead may hold is refused by Change.
	_, _, err = s.Change([]field.Def{{Name: "tier", Type: field.TypeEnum, Options: []string{"gold"}, Required: true}},
		crmkit.Cmd{By: "admin", At: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)})
	fmt.Println(errors.Is(err, crmkit.ErrConflict))
	// Output:
	// <nil>
	// invalid custom.tier: "bronze" is not an option (gold, silver)
	// true
}

func ExampleSchema_Migrate() {
	at := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	s, _, _ := field.New("deal", []field.Def{{Name: "region", Type: field.TypeEnum, Options: []string{"emea", "apac", "latam"}}},
		crmkit.Cmd{By: "admin", At: at})
	// latam is folded into apac: an explicit migration of stored values.
	m := field.Migration{Options: map[string]map[string]string{"region": {"latam": "apac"}}}
	next, ev, err := s.Migrate([]field.Def{{Name: "region", Type: field.TypeEnum, Options: []string{"emea", "apac"}}}, m,
		crmkit.Cmd{By: "admin", At: at.Add(time.Hour)})
	fmt.Println(next.Version, ev.Type, err)
	fmt.Println(m.Apply(field.Values{"region": field.Option("latam")})["region"])
	// Output:
	// 2 FieldsMigrated <nil>
	// apac
}
