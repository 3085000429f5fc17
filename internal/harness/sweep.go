package harness

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"
)

// SweepPackages are the library packages the method sweep covers, as
// directories relative to the module root ("." is package crmkit).
var SweepPackages = []string{
	".", "approval", "kpi", "lead", "lead/dedupe", "lead/scoring", "lead/routing", "deal", "deal/quote",
	"account", "account/clv", "campaign", "field", "quota", "quota/forecast", "funnel", "funnel/predict", "storage", "storage/deletion", "storage/erasure", "storage/memory",
	"storage/sqlite",
}

// TypeDecl is an exported type declared in a package.
type TypeDecl struct {
	// Name is the type's name.
	Name string
	// Generic reports a type with type parameters.
	Generic bool
}

// ExportedTypes lists the exported types declared in the non-test Go
// files of dir (one package), sorted by name: every type the sweep can
// call methods on. Interfaces (a method of a nil interface is the
// caller's nil dereference, not the library's) and aliases (the sweep
// reaches them under their own name) are left out.
func ExportedTypes(fsys fs.FS, dir string) ([]TypeDecl, error) {
	types, _, err := exported(fsys, dir)
	return types, err
}

// ExportedFuncs lists the exported functions (not methods) declared in
// the non-test Go files of dir, sorted by name. Generic functions are
// left out: the sweep has no type to instantiate them with.
func ExportedFuncs(fsys fs.FS, dir string) ([]string, error) {
	_, funcs, err := exported(fsys, dir)
	return funcs, err
}

// exported returns the declarations ExportedTypes and ExportedFuncs list.
func exported(fsys fs.FS, dir string) ([]TypeDecl, []string, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, nil, err
	}
	var (
		out   []TypeDecl
		funcs []string
	)
	fset := token.NewFileSet()
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		src, err := fs.ReadFile(fsys, path.Join(dir, n))
		if err != nil {
			return nil, nil, err
		}
		f, err := parser.ParseFile(fset, n, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, err
		}
		if f.Name.Name == "main" || strings.HasSuffix(f.Name.Name, "_test") {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok {
				if fd.Recv == nil && fd.Name.IsExported() && fd.Type.TypeParams == nil {
					funcs = append(funcs, fd.Name.Name)
				}
				continue
			}
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, s := range g.Specs {
				ts := s.(*ast.TypeSpec)
				if _, iface := ts.Type.(*ast.InterfaceType); iface || ts.Assign != 0 || !ts.Name.IsExported() {
					continue
				}
				out = append(out, TypeDecl{Name: ts.Name.Name, Generic: ts.TypeParams != nil})
			}
		}
	}
	slices.SortFunc(out, func(a, b TypeDecl) int { return strings.Compare(a.Name, b.Name) })
	slices.Sort(funcs)
	return out, funcs, nil
}

// SweepFinding is a method that panicked, hung or returned an error
// matching no root sentinel (or more than one) when the sweep called it.
type SweepFinding struct {
	// Key names the call: "deal.Pipeline.ID on nil" (a nil pointer
	// receiver), "deal.Pipeline.ID on zero" (the zero value) or
	// "deal.Pipeline.Move on zero with a nil context".
	Key string
	// Problem is "panic: ..." with the panic's first line, "hangs", or
	// what is wrong with the error returned.
	Problem string
	// Stack is the panicking goroutine's stack, for the test log.
	Stack string
}

// SweepKey returns the Key of a call of method on type t: on a nil
// pointer receiver when onNil, else on the zero value. The key of the
// call with a nil context is SweepKey(...) + NilContext.
func SweepKey(t reflect.Type, method string, onNil bool) string {
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	pkg := path.Base(t.PkgPath())
	on := "zero"
	if onNil {
		on = "nil"
	}
	return fmt.Sprintf("%s.%s.%s on %s", pkg, name, method, on)
}

// NilContext ends the SweepKey of a call with a nil context.
const NilContext = " with a nil context"

// Sweep calls every exported method of each type in types, except those
// named Must* (which panic by their name's promise), with zero arguments:
// the zero value of each parameter (nil pointers, slices, maps, functions,
// iterators and interfaces), context.Background() for a context.Context,
// and no variadic arguments. Each method declared on the pointer is called
// on a nil pointer receiver, and every method on the zero value (through
// a pointer to it); a method taking a context is called on the zero value
// once more with a nil context. An iterator (a func(yield func(...)
// bool)) a method returns is ranged over too, for at most a thousand
// elements, since iterators do their work late. Each call runs in its own
// goroutine with recover and the deadline timeout; Sweep returns the
// calls that panicked, did not return in time, or returned an error that
// matches not exactly one of Sentinels, sorted by Key, and skips the keys
// in skip.
//
// A hung call's goroutine is left running: the test reporting it fails.
func Sweep(types []reflect.Type, timeout time.Duration, skip map[string]string) []SweepFinding {
	var out []SweepFinding
	for _, t := range types {
		pt := reflect.PointerTo(t)
		for i := range pt.NumMethod() {
			m := pt.Method(i)
			if strings.HasPrefix(m.Name, "Must") {
				continue
			}
			_, onValue := t.MethodByName(m.Name)
			takesCtx := slices.Contains(slices.Collect(m.Type.Ins()), contextType)
			for _, c := range []struct{ onNil, nilCtx bool }{{true, false}, {false, false}, {false, true}} {
				// A value method called through a nil pointer panics in
				// the compiler's wrapper, before the method runs: that is
				// the caller's nil dereference, as with a nil interface.
				if c.onNil && onValue || c.nilCtx && !takesCtx {
					continue
				}
				key := SweepKey(t, m.Name, c.onNil)
				if c.nilCtx {
					key += NilContext
				}
				if _, ok := skip[key]; ok {
					continue
				}
				recv := reflect.New(t)
				if c.onNil {
					recv = reflect.Zero(pt)
				}
				if o, bad := sweepCall(m.Func, []reflect.Value{recv}, c.nilCtx, timeout); bad {
					o.f.Key = key
					out = append(out, o.f)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b SweepFinding) int { return strings.Compare(a.Key, b.Key) })
	return out
}

var contextType = reflect.TypeFor[context.Context]()

var errorType = reflect.TypeFor[error]()

// SweepFuncKey returns the Key of a call of the function f: its package
// and name, such as "deal.NewPipeline".
func SweepFuncKey(f any) string {
	name := runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name()
	return path.Base(name)
}

// SweepFuncs is Sweep for functions: it calls each of funcs (except
// those named Must*) with zero arguments and context.Background() for a
// context, and a function taking a context once more with a nil one. It
// returns the calls that panicked, hung or returned an error matching
// not exactly one of Sentinels, sorted by Key (SweepFuncKey, with
// NilContext appended for the second call), and skips the keys in skip.
func SweepFuncs(funcs []any, timeout time.Duration, skip map[string]string) []SweepFinding {
	var out []SweepFinding
	for _, f := range funcs {
		fn := reflect.ValueOf(f)
		name := SweepFuncKey(f)
		if _, short, _ := strings.Cut(name, "."); strings.HasPrefix(short, "Must") {
			continue
		}
		takesCtx := slices.Contains(slices.Collect(fn.Type().Ins()), contextType)
		for _, nilCtx := range []bool{false, true} {
			if nilCtx && !takesCtx {
				continue
			}
			key := name
			if nilCtx {
				key += NilContext
			}
			if _, ok := skip[key]; ok {
				continue
			}
			if o, bad := sweepCall(fn, nil, nilCtx, timeout); bad {
				o.f.Key = key
				out = append(out, o.f)
			}
		}
	}
	slices.SortFunc(out, func(a, b SweepFinding) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// sweepOutcome is what one call of the sweep gave: a finding, or the
// results.
type sweepOutcome struct {
	f       SweepFinding
	results []reflect.Value
}

// SweepValues is Sweep for ready values, as their constructors build
// them (a pipeline, a ladder, a store): every exported method of each
// value is called with zero arguments (context.Background() for a
// context, and once more a nil context). A non-nil result of a type of
// this module with exported methods (a repository a store hands out) is
// swept the same way, one level deep. Keys are the value's type and the
// method path, such as "memory.Store.Leads().Get on ready" (with
// NilContext appended for the nil-context call).
func SweepValues(values []any, timeout time.Duration, skip map[string]string) []SweepFinding {
	var out []SweepFinding
	for _, v := range values {
		rv := reflect.ValueOf(v)
		t := rv.Type()
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		name, _, _ := strings.Cut(t.Name(), "[")
		out = sweepValue(out, rv, path.Base(t.PkgPath())+"."+name, 1, timeout, skip)
	}
	slices.SortFunc(out, func(a, b SweepFinding) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// sweepValue sweeps the methods of v, named prefix, and the values they
// return down to depth more levels.
func sweepValue(out []SweepFinding, v reflect.Value, prefix string, depth int, timeout time.Duration, skip map[string]string) []SweepFinding {
	t := v.Type()
	for i := range t.NumMethod() {
		m := t.Method(i)
		if strings.HasPrefix(m.Name, "Must") {
			continue
		}
		takesCtx := slices.Contains(slices.Collect(m.Type.Ins()), contextType)
		for _, nilCtx := range []bool{false, true} {
			if nilCtx && !takesCtx {
				continue
			}
			key := prefix + "." + m.Name + " on ready"
			if nilCtx {
				key += NilContext
			}
			if _, ok := skip[key]; ok {
				continue
			}
			o, bad := sweepCall(m.Func, []reflect.Value{v}, nilCtx, timeout)
			if bad {
				o.f.Key = key
				out = append(out, o.f)
				continue
			}
			if depth == 0 || nilCtx {
				continue
			}
			for _, r := range o.results {
				if r.Kind() == reflect.Interface {
					r = r.Elem()
				}
				if !r.IsValid() || r.Kind() == reflect.Pointer && r.IsNil() || r.NumMethod() == 0 {
					continue
				}
				pt := r.Type()
				if pt.Kind() == reflect.Pointer {
					pt = pt.Elem()
				}
				if !strings.HasPrefix(pt.PkgPath(), "github.com/crmkit/crmkit") || r.Type().Implements(errorType) {
					continue
				}
				out = sweepValue(out, r, prefix+"."+m.Name+"()", depth-1, timeout, skip)
			}
		}
	}
	return out
}

// sweepCall calls fn with the arguments prefix (a method's receiver) and
// zero values for the rest (context.Background() for a context, or nil
// when nilCtx) in a goroutine and reports a panic, a hang or an error
// without exactly one root sentinel.
func sweepCall(fn reflect.Value, prefix []reflect.Value, nilCtx bool, timeout time.Duration) (sweepOutcome, bool) {
	ft := fn.Type()
	args := slices.Clone(prefix)
	for i := len(prefix); i < ft.NumIn(); i++ {
		if in := ft.In(i); in == contextType && !nilCtx {
			args = append(args, reflect.ValueOf(context.Background()))
		} else {
			args = append(args, reflect.Zero(in))
		}
	}
	done := make(chan sweepOutcome, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				msg, _, _ := strings.Cut(fmt.Sprint(p), "\n")
				done <- sweepOutcome{f: SweepFinding{Problem: "panic: " + msg, Stack: string(debug.Stack())}}
			}
		}()
		var res []reflect.Value
		if ft.IsVariadic() {
			res = fn.CallSlice(args)
		} else {
			res = fn.Call(args)
		}
		for _, r := range res {
			if r.Type() == errorType && !r.IsNil() {
				if n := countSentinels(r.Interface().(error)); n != 1 {
					done <- sweepOutcome{f: SweepFinding{Problem: fmt.Sprintf("error %q matches %d root sentinels, want exactly 1", r.Interface(), n)}}
					return
				}
			}
			rangeOver(r)
		}
		done <- sweepOutcome{results: res}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case o := <-done:
		return o, o.f.Problem != ""
	case <-timer.C:
		return sweepOutcome{f: SweepFinding{Problem: fmt.Sprintf("hangs (no answer within %s)", timeout)}}, true
	}
}

// rangeOver ranges over v, for at most a thousand elements, if v is a
// non-nil iterator: a function of one yield function returning bool.
func rangeOver(v reflect.Value) {
	t := v.Type()
	if t.Kind() != reflect.Func || v.IsNil() || t.NumIn() != 1 || t.NumOut() != 0 {
		return
	}
	y := t.In(0)
	if y.Kind() != reflect.Func || y.NumOut() != 1 || y.Out(0).Kind() != reflect.Bool {
		return
	}
	n := 0
	yield := reflect.MakeFunc(y, func([]reflect.Value) []reflect.Value {
		n++
		return []reflect.Value{reflect.ValueOf(n < 1000).Convert(y.Out(0))}
	})
	v.Call([]reflect.Value{yield})
}
