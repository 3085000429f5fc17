package postgres

import (
	"encoding"
	"encoding/json"
	"reflect"
)

// codec turns an aggregate into its JSONB body and back. It is
// encoding/json over a mirror of the aggregate's type in which every named
// type of a basic kind that has its own JSON or text methods (an enum
// such as lead.Stage or deal.Status) is replaced by its underlying type:
// enum methods reject values such as a zero Temperature that an aggregate
// may well hold, while a store must keep every value it accepts. So enums
// are stored as their numbers; everything else (field names and tags,
// times, UUIDs, decimals, money) is encoding/json's usual form.
//
// Structs with unexported or embedded fields, and maps, are not mirrored:
// they are encoded as encoding/json does.
type codec[T any] struct {
	orig, mirror reflect.Type
	same         bool // no mirroring needed: json directly
}

func newCodec[T any]() *codec[T] {
	t := reflect.TypeFor[T]()
	m, changed := mirrorType(t)
	return &codec[T]{orig: t, mirror: m, same: !changed}
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	jsonUnmarsh   = reflect.TypeFor[json.Unmarshaler]()
	textUnmarsh   = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// hasJSONMethods reports whether encoding/json would use t's own methods.
func hasJSONMethods(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return t.Implements(jsonMarshaler) || t.Implements(textMarshaler) ||
		p.Implements(jsonMarshaler) || p.Implements(textMarshaler) ||
		p.Implements(jsonUnmarsh) || p.Implements(textUnmarsh)
}

// basicTypes are the unnamed types of the basic kinds.
var basicTypes = map[reflect.Kind]reflect.Type{
	reflect.Bool: reflect.TypeFor[bool](), reflect.String: reflect.TypeFor[string](),
	reflect.Int: reflect.TypeFor[int](), reflect.Int8: reflect.TypeFor[int8](), reflect.Int16: reflect.TypeFor[int16](),
	reflect.Int32: reflect.TypeFor[int32](), reflect.Int64: reflect.TypeFor[int64](),
	reflect.Uint: reflect.TypeFor[uint](), reflect.Uint8: reflect.TypeFor[uint8](), reflect.Uint16: reflect.TypeFor[uint16](),
	reflect.Uint32: reflect.TypeFor[uint32](), reflect.Uint64: reflect.TypeFor[uint64](),
	reflect.Float32: reflect.TypeFor[float32](), reflect.Float64: reflect.TypeFor[float64](),
}

// mirrorType returns the mirror of t and whether it differs from t.
func mirrorType(t reflect.Type) (reflect.Type, bool) {
	if t.Kind() == reflect.Pointer {
		// A pointer has its element's methods: look at the element.
		if m, c := mirrorType(t.Elem()); c {
			return reflect.PointerTo(m), true
		}
		return t, false
	}
	if hasJSONMethods(t) {
		if b, ok := basicTypes[t.Kind()]; ok {
			return b, true
		}
		return t, false
	}
	switch t.Kind() {
	case reflect.Struct:
		fields := make([]reflect.StructField, t.NumField())
		changed := false
		for i := range fields {
			f := t.Field(i)
			if !f.IsExported() || f.Anonymous {
				return t, false
			}
			m, c := mirrorType(f.Type)
			changed = changed || c
			fields[i] = reflect.StructField{Name: f.Name, Type: m, Tag: f.Tag}
		}
		if !changed {
			return t, false
		}
		return reflect.StructOf(fields), true
	case reflect.Slice:
		if m, c := mirrorType(t.Elem()); c {
			return reflect.SliceOf(m), true
		}
	case reflect.Array:
		if m, c := mirrorType(t.Elem()); c {
			return reflect.ArrayOf(t.Len(), m), true
		}
	}
	return t, false
}

// convert copies src into dst, where one's type mirrors the other's.
func convert(dst, src reflect.Value) {
	if dst.Type() == src.Type() {
		dst.Set(src)
		return
	}
	switch dst.Kind() {
	case reflect.Struct:
		for i := range dst.NumField() {
			convert(dst.Field(i), src.Field(i))
		}
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		dst.Set(reflect.MakeSlice(dst.Type(), src.Len(), src.Len()))
		for i := range src.Len() {
			convert(dst.Index(i), src.Index(i))
		}
	case reflect.Array:
		for i := range src.Len() {
			convert(dst.Index(i), src.Index(i))
		}
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		dst.Set(reflect.New(dst.Type().Elem()))
		convert(dst.Elem(), src.Elem())
	default:
		dst.Set(src.Convert(dst.Type()))
	}
}

// encode returns v's body.
func (c *codec[T]) encode(v *T) ([]byte, error) {
	if c.same {
		return json.Marshal(v)
	}
	m := reflect.New(c.mirror)
	convert(m.Elem(), reflect.ValueOf(v).Elem())
	return json.Marshal(m.Interface())
}

// decode reads a body into v.
func (c *codec[T]) decode(b []byte, v *T) error {
	if c.same {
		return json.Unmarshal(b, v)
	}
	m := reflect.New(c.mirror)
	if err := json.Unmarshal(b, m.Interface()); err != nil {
		return err
	}
	convert(reflect.ValueOf(v).Elem(), m.Elem())
	return nil
}
