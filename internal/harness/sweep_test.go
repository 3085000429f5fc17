package harness_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/account"
	"github.com/crmkit/crmkit/approval"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/internal/harness"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage/memory"
)

//go:generate go run ./sweepgen

// sweepSkips are the sweep's known findings, not fixed yet, by
// harness.SweepKey, each with the reason. A fix removes its line.
var sweepSkips = map[string]string{}

// TestSweepNilAndZero is issue 16's rule "nothing exported panics on
// input a caller can pass" for every method at once: harness.Sweep calls
// every exported method of every exported type of the library packages
// on a nil pointer receiver and on the zero value, with zero arguments
// (context.Background() for a context, and once more a nil context), and
// fails listing every method that panics, hangs or returns an error
// without exactly one root sentinel. Methods named Must* are left out:
// they panic by the promise of their name.
func TestSweepNilAndZero(t *testing.T) {
	var types []reflect.Type
	for _, dir := range harness.SweepPackages {
		types = append(types, sweepTypes[dir]...)
	}
	// Swept without the skips, so that a skip whose method no longer
	// fails is reported too: the table never outlives its findings.
	found := harness.Sweep(types, 10*time.Second, nil)
	var lines []string
	skipped := map[string]bool{}
	for _, f := range found {
		if _, ok := sweepSkips[f.Key]; ok {
			skipped[f.Key] = true
			continue
		}
		lines = append(lines, f.Key+": "+f.Problem)
		t.Logf("%s: %s\n%s", f.Key, f.Problem, f.Stack)
	}
	if len(lines) > 0 {
		t.Errorf("%d methods panic, hang or return an error without one root sentinel on a nil or zero receiver with zero arguments:\n\t%s", len(lines), strings.Join(lines, "\n\t"))
	}
	for key := range sweepSkips {
		if !strings.Contains(key, " on ready") && strings.Contains(key, " on ") && !skipped[key] {
			t.Errorf("sweepSkips holds %q, which no longer fails: remove its line", key)
		}
	}
}

// TestSweepCoversEveryType: the generated list holds exactly the types
// the packages declare now (run go generate in internal/harness after
// adding, moving or renaming one).
func TestSweepCoversEveryType(t *testing.T) {
	root := os.DirFS("../..")
	for _, dir := range harness.SweepPackages {
		decls, err := harness.ExportedTypes(root, dir)
		require.NoError(t, err)
		var want, got []string
		for _, d := range decls {
			want = append(want, d.Name)
		}
		for _, ty := range sweepTypes[dir] {
			name, _, _ := strings.Cut(ty.Name(), "[")
			got = append(got, name)
		}
		slices.Sort(got)
		assert.Equal(t, want, got, "types of %s: run go generate in internal/harness", dir)

		wantFuncs, err := harness.ExportedFuncs(root, dir)
		require.NoError(t, err)
		var gotFuncs []string
		for _, f := range sweepFuncs[dir] {
			_, name, _ := strings.Cut(harness.SweepFuncKey(f), ".")
			gotFuncs = append(gotFuncs, name)
		}
		slices.Sort(gotFuncs)
		assert.Equal(t, wantFuncs, gotFuncs, "functions of %s: run go generate in internal/harness", dir)
	}
}

// TestSweepFuncs is TestSweepNilAndZero for the exported functions of
// the library packages: each is called with zero arguments
// (context.Background() for a context, and once more a nil context); none
// may panic, hang or return an error without exactly one root sentinel.
// Functions named Must* are left out.
func TestSweepFuncs(t *testing.T) {
	var funcs []any
	for _, dir := range harness.SweepPackages {
		funcs = append(funcs, sweepFuncs[dir]...)
	}
	found := harness.SweepFuncs(funcs, 10*time.Second, sweepSkips)
	var lines []string
	for _, f := range found {
		lines = append(lines, f.Key+": "+f.Problem)
		t.Logf("%s: %s\n%s", f.Key, f.Problem, f.Stack)
	}
	if len(lines) > 0 {
		t.Errorf("%d functions panic, hang or return an error without one root sentinel with zero arguments:\n\t%s", len(lines), strings.Join(lines, "\n\t"))
	}
}

// TestSweepReady is TestSweepNilAndZero for ready values, built by their
// constructors: a pipeline and a set of pipelines, a ladder, lead
// sources, an account hierarchy, an approval request, a fake clock, a
// rate table, a memory DB and one of its tenants' stores, with the
// repositories and logs the store hands out (one level deep). Every
// method with zero arguments, and with a nil context, answers without a
// panic or a hang, and every error matches one root sentinel.
func TestSweepReady(t *testing.T) {
	clock := crmkit.NewFakeClock(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	pipelines, err := deal.NewPipelines(deal.DefaultPipeline())
	require.NoError(t, err)
	ladder, err := lead.NewLadder()
	require.NoError(t, err)
	db := memory.New()
	store, err := db.Tenant("sweep")
	require.NoError(t, err)
	sources, err := lead.NewSources("partner portal")
	require.NoError(t, err)
	tree, err := account.NewHierarchy(nil)
	require.NoError(t, err)
	at := clock.Now()
	req, _, err := approval.New("quote 1", []string{"manager"}, at.AddDate(0, 0, 7), crmkit.Cmd{By: "rob", At: at})
	require.NoError(t, err)
	values := []any{deal.DefaultPipeline(), pipelines, ladder, sources, tree, req, clock, new(crmkit.RateTable), db, store}
	found := harness.SweepValues(values, 10*time.Second, sweepSkips)
	var lines []string
	for _, f := range found {
		lines = append(lines, f.Key+": "+f.Problem)
		t.Logf("%s: %s\n%s", f.Key, f.Problem, f.Stack)
	}
	if len(lines) > 0 {
		t.Errorf("%d methods of ready values panic, hang or return an error without one root sentinel with zero arguments:\n\t%s", len(lines), strings.Join(lines, "\n\t"))
	}
}

// Types of the sweep's own test: one of each finding.
type (
	sweepProbe struct{ p *int }
	sweepHang  struct{}
)

func (s *sweepProbe) Deref() int     { return *s.p }
func (s sweepProbe) Value() int      { return 1 }
func (s *sweepProbe) MustDeref() int { return *s.p }
func (s *sweepProbe) Safe() int      { return 0 }
func (s *sweepProbe) Seq() func(func() bool) {
	return func(yield func() bool) {
		for yield() {
		}
		panic("late")
	}
}
func (sweepHang) Wait(ch chan int) int { return <-ch }

func (s *sweepProbe) Ctx(ctx context.Context) error { return ctx.Err() }
func (s *sweepProbe) Bad() error                    { return errors.New("plain") }
func (s *sweepProbe) Good() error                   { return crmkit.Invalid("x", "bad") }

// TestSweepFindsPanicsAndHangs checks the sweep against types whose
// findings are known by construction: Deref panics on nil and on zero
// (its field is nil), Seq's iterator panics after its thousandth element
// on both, Wait blocks on a nil channel, Ctx panics on a nil context (not
// on context.Background()), Bad returns an error of no root sentinel on
// both; Value is a value method (not called on nil), Safe and Good
// answer, MustDeref is left out by name.
func TestSweepFindsPanicsAndHangs(t *testing.T) {
	found := harness.Sweep([]reflect.Type{reflect.TypeFor[sweepProbe](), reflect.TypeFor[sweepHang]()}, 200*time.Millisecond,
		map[string]string{"harness_test.sweepProbe.Seq on zero": "skipped by the test"})
	var keys []string
	for _, f := range found {
		keys = append(keys, f.Key)
		switch {
		case strings.HasPrefix(f.Key, "harness_test.sweepHang"):
			assert.Contains(t, f.Problem, "hangs")
		case strings.Contains(f.Key, ".Bad "):
			assert.Equal(t, `error "plain" matches 0 root sentinels, want exactly 1`, f.Problem)
		default:
			assert.Contains(t, f.Problem, "panic: ")
		}
	}
	assert.Equal(t, []string{
		"harness_test.sweepHang.Wait on zero",
		"harness_test.sweepProbe.Bad on nil",
		"harness_test.sweepProbe.Bad on zero",
		"harness_test.sweepProbe.Ctx on zero with a nil context",
		"harness_test.sweepProbe.Deref on nil",
		"harness_test.sweepProbe.Deref on zero",
		"harness_test.sweepProbe.Seq on nil",
	}, keys)
}

func sweepPanics(p *int) int                 { return *p }
func sweepCtx(ctx context.Context) error     { return ctx.Err() }
func sweepFine(ctx context.Context, _ []int) {}
func MustSweep()                             { panic("by its name") }

// TestSweepFuncsFindsPanics checks SweepFuncs against functions whose
// findings are known by construction: sweepPanics dereferences its nil
// argument, sweepCtx a nil context (not context.Background()); sweepFine
// answers and MustSweep is left out by name.
func TestSweepFuncsFindsPanics(t *testing.T) {
	found := harness.SweepFuncs([]any{sweepPanics, sweepCtx, sweepFine, MustSweep}, time.Second, nil)
	var keys []string
	for _, f := range found {
		keys = append(keys, f.Key)
		assert.Contains(t, f.Problem, "panic: ")
	}
	assert.Equal(t, []string{"harness_test.sweepCtx with a nil context", "harness_test.sweepPanics"}, keys)
}

// sweepStore hands out a sweepRepo, as a store hands out repositories.
type (
	sweepStore struct{}
	sweepRepo  struct{}
	sweepGet   interface{ Get(context.Context) error }
)

func (sweepStore) Repo() sweepGet                  { return &sweepRepo{} }
func (sweepStore) Nil() sweepGet                   { return nil }
func (r *sweepRepo) Get(ctx context.Context) error { return ctx.Err() }

// TestSweepValuesFindsPanics checks SweepValues on a value whose
// repository's Get panics on a nil context: found one level down, under
// the method path that reached it; a nil result is not descended into.
func TestSweepValuesFindsPanics(t *testing.T) {
	found := harness.SweepValues([]any{sweepStore{}}, time.Second, nil)
	require.Len(t, found, 1)
	assert.Equal(t, "harness_test.sweepStore.Repo().Get on ready with a nil context", found[0].Key)
	assert.Contains(t, found[0].Problem, "panic: ")
}
