package field

import (
	"fmt"
	"maps"
	"slices"

	"github.com/crmkit/crmkit"
)

// Migration says what happens to stored values when a schema change would
// orphan them (Schema.Migrate): storage applies it (Apply) to every
// stored aggregate of the kind, in the transaction that stores the new
// schema.
type Migration struct {
	// Drop names the fields whose values are removed: every field
	// removed or given another type must be named here.
	Drop []string `json:"drop,omitempty"`
	// Options maps, per enum or multi-select field, a removed option to
	// the option that replaces it, or to "" to remove it from the value
	// (an enum value becomes absent). Every option removed must be mapped.
	Options map[string]map[string]string `json:"options,omitempty"`
	// Fill gives the value of a field made required (without a default)
	// for the aggregates that hold none.
	Fill Values `json:"fill,omitempty"`
}

// Apply returns vs migrated: dropped fields removed, removed options
// replaced, missing required values filled. vs is unchanged; nil stays
// nil when nothing is filled.
func (m Migration) Apply(vs Values) Values {
	out := vs.Clone()
	for _, name := range m.Drop {
		delete(out, name)
	}
	for name, repl := range m.Options {
		v, ok := out[name]
		if !ok {
			continue
		}
		if !v.isList {
			if to, ok := repl[v.s]; ok {
				if to == "" {
					delete(out, name)
				} else {
					out[name] = Option(to)
				}
			}
			continue
		}
		l := make([]string, 0, len(v.list))
		for _, o := range v.list {
			if to, ok := repl[o]; ok {
				if to != "" {
					l = append(l, to)
				}
				continue
			}
			l = append(l, o)
		}
		out[name] = Options(l...)
	}
	for name, v := range m.Fill {
		if _, ok := out[name]; !ok {
			if out == nil {
				out = Values{}
			}
			out[name] = v
		}
	}
	return out
}

// Migrate replaces the fields of s by fields, by cmd, with m saying what
// happens to the values the change orphans, and returns the next version
// with its EventFieldsMigrated event (m in its payload). Every orphan
// (see Orphans) must be covered by m: a removed or retyped field dropped,
// a removed option mapped, a newly required field filled; m must lead
// only to values fields accept. Anything else is an error matching
// crmkit.ErrInvalid naming the field, and s is unchanged. Storage applies
// m to the stored aggregates of the kind (storage.MigrateFields).
func (s Schema) Migrate(fields []Def, m Migration, cmd crmkit.Cmd) (Schema, crmkit.Event, error) {
	if err := validateDefs(fields); err != nil {
		return Schema{}, crmkit.Event{}, err
	}
	next := Schema{Kind: s.Kind, Fields: fields}
	for _, old := range s.Fields {
		nw, ok := next.Field(old.Name)
		if !ok || nw.Type != old.Type {
			if !slices.Contains(m.Drop, old.Name) {
				return Schema{}, crmkit.Event{}, crmkit.Invalid("migration drop", "field %s removed or retyped: its values must be dropped", old.Name)
			}
			continue
		}
		for _, o := range old.Options {
			if slices.Contains(nw.Options, o) {
				continue
			}
			to, ok := m.Options[old.Name][o]
			if !ok {
				return Schema{}, crmkit.Event{}, crmkit.Invalid("migration options", "field %s: option %q removed and not mapped", old.Name, o)
			}
			if to != "" && !slices.Contains(nw.Options, to) {
				return Schema{}, crmkit.Event{}, crmkit.Invalid("migration options", "field %s: option %q mapped to %q, no option of the field", old.Name, o, to)
			}
		}
	}
	for _, nw := range fields {
		if !nw.Required || nw.Default != nil {
			continue
		}
		old, had := s.Field(nw.Name)
		if had && old.Required && old.Type == nw.Type && !slices.Contains(m.Drop, nw.Name) {
			continue
		}
		if _, ok := m.Fill[nw.Name]; !ok {
			return Schema{}, crmkit.Event{}, crmkit.Invalid("migration fill", "field %s made required without a default: give its value", nw.Name)
		}
	}
	for _, name := range sortedNames(m.Fill) {
		d, ok := next.Field(name)
		if !ok {
			return Schema{}, crmkit.Event{}, crmkit.Invalid("migration fill", "field %s not declared", name)
		}
		if err := d.Check(m.Fill[name]); err != nil {
			return Schema{}, crmkit.Event{}, fmt.Errorf("migration fill: %w", err)
		}
	}
	mc := Migration{Drop: slices.Clone(m.Drop), Fill: m.Fill.Clone()}
	if m.Options != nil {
		mc.Options = make(map[string]map[string]string, len(m.Options))
		for k, v := range m.Options {
			mc.Options[k] = maps.Clone(v)
		}
	}
	return s.next(fields, &mc, EventFieldsMigrated, cmd)
}
