// Package clonetest checks that an aggregate's Clone is deep: the clone
// equals the original, and changing anything reachable in the clone
// (slice elements, map entries, pointer targets, down to every string,
// number and bool) leaves the original as it was. The original is
// snapshotted by a reflection copy of its own, so the check does not rest
// on the Clone under test.
//
// Immutable value types with unexported fields (time.Time,
// decimal.Decimal, crmkit.Money, crmkit.Currency) are leaves: sharing
// them is safe, and nothing can change them in place.
package clonetest

import (
	"fmt"
	"reflect"
)

// Check reports, as an error, how clone failed on v: a clone that differs
// from v, or a change through the clone that shows in v. It changes only
// the clone.
func Check[T any](v T, clone func(T) T) error {
	before := snapshot(reflect.ValueOf(&v).Elem()).Interface().(T)
	c := clone(v)
	if !reflect.DeepEqual(c, v) {
		return fmt.Errorf("the clone differs from the original:\n%+v\n%+v", c, v)
	}
	mutate(reflect.ValueOf(&c).Elem())
	if !reflect.DeepEqual(v, before) {
		return fmt.Errorf("changing the clone changed the original:\nnow    %+v\nbefore %+v", v, before)
	}
	return nil
}

// leaf reports whether values of t are copied whole: a struct with
// unexported fields (an immutable value such as time.Time) or a kind
// without references.
func leaf(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			return true
		}
	}
	return false
}

// snapshot returns a deep copy of v made without Clone: new slices, maps
// and pointer targets all the way down to the leaves.
func snapshot(v reflect.Value) reflect.Value {
	out := reflect.New(v.Type()).Elem()
	switch {
	case leaf(v.Type()):
		out.Set(v)
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				out.Field(i).Set(snapshot(v.Field(i)))
			}
		}
	case v.Kind() == reflect.Array:
		for i := range v.Len() {
			out.Index(i).Set(snapshot(v.Index(i)))
		}
	case v.Kind() == reflect.Slice:
		if v.IsNil() {
			break
		}
		s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(snapshot(v.Index(i)))
		}
		out.Set(s)
	case v.Kind() == reflect.Map:
		if v.IsNil() {
			break
		}
		m := reflect.MakeMapWithSize(v.Type(), v.Len())
		it := v.MapRange()
		for it.Next() {
			m.SetMapIndex(it.Key(), snapshot(it.Value()))
		}
		out.Set(m)
	case v.Kind() == reflect.Pointer:
		if v.IsNil() {
			break
		}
		p := reflect.New(v.Type().Elem())
		p.Elem().Set(snapshot(v.Elem()))
		out.Set(p)
	default:
		out.Set(v)
	}
	return out
}

// mutate changes every settable string, number and bool reachable in v,
// in place: through slices, maps (each value replaced, and one entry
// added) and pointers, which a shallow copy shares with its original.
func mutate(v reflect.Value) {
	switch {
	case leaf(v.Type()):
		return
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				mutate(v.Field(i))
			}
		}
	case v.Kind() == reflect.Array || v.Kind() == reflect.Slice:
		for i := range v.Len() {
			mutate(v.Index(i))
		}
	case v.Kind() == reflect.Map:
		if v.IsNil() {
			return
		}
		var last reflect.Value
		it := v.MapRange()
		for it.Next() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			mutate(e)
			v.SetMapIndex(it.Key(), e)
			last = it.Key()
		}
		if last.IsValid() {
			k := reflect.New(v.Type().Key()).Elem()
			k.Set(last)
			mutate(k)
			v.SetMapIndex(k, reflect.New(v.Type().Elem()).Elem())
		}
	case v.Kind() == reflect.Pointer:
		if !v.IsNil() {
			mutate(v.Elem())
		}
	case v.Kind() == reflect.String:
		v.SetString(v.String() + "~")
	case v.CanInt():
		v.SetInt(v.Int() ^ 1)
	case v.CanUint():
		v.SetUint(v.Uint() ^ 1)
	case v.CanFloat():
		v.SetFloat(v.Float() + 1)
	case v.Kind() == reflect.Bool:
		v.SetBool(!v.Bool())
	}
}
