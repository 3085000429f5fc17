package storagetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"pgregory.net/rapid"
)

// model is the plain-map model of one tenant's leads the rapid test
// checks a store against.
type model struct {
	leads  map[uuid.UUID]lead.Lead
	keys   map[string]uuid.UUID
	events map[uuid.UUID]int // events per lead
}

// The small pools the generators draw from, so that keys, owners and
// stages collide often.
var (
	modelKeys    = []string{"", "", "k1", "k2", "k3"}
	modelOwners  = []string{"", "ana", "bo"}
	modelSources = []lead.Channel{lead.ChannelEmail, lead.ChannelReferral}
)

// modelRun is one rapid check: a fresh tenant, the model and the
// generators.
type modelRun struct {
	ctx context.Context
	s   storage.Store
	m   model
}

func (r *modelRun) ids() []uuid.UUID {
	return slices.SortedFunc(maps.Keys(r.m.leads), compareID)
}

// drawLead draws a new lead: usually a fresh ID, sometimes an ID that
// exists already.
func (r *modelRun) drawLead(t *rapid.T) (lead.Lead, crmkit.Event) {
	l, _ := newLead("Model", rapid.SampledFrom(modelOwners).Draw(t, "owner"),
		rapid.SampledFrom(lead.Stages()).Draw(t, "stage"), rapid.SampledFrom(modelSources).Draw(t, "source"))
	if existing := r.ids(); len(existing) > 0 && rapid.IntRange(0, 4).Draw(t, "reuse id") == 0 {
		l.ID = rapid.SampledFrom(existing).Draw(t, "existing id")
	}
	return l, leadEvent(l, lead.EventLeadCaptured)
}

// drawChange draws a change of an existing lead: the new value, the
// expected version passed to Save (right or stale) and its event.
func (r *modelRun) drawChange(t *rapid.T, id uuid.UUID) (lead.Lead, int64, crmkit.Event) {
	cur := r.m.leads[id]
	next, ev := changed(cur, rapid.SampledFrom(modelOwners).Draw(t, "new owner"), rapid.SampledFrom(lead.Stages()).Draw(t, "new stage"))
	expected := cur.Version
	switch rapid.IntRange(0, 3).Draw(t, "staleness") {
	case 0:
		expected = max(1, cur.Version-1) // stale when the lead was saved before
	case 1:
		expected = cur.Version + 1 // newer than stored
	}
	next.Version = expected + 1
	ev.Version = next.Version
	return next, expected, ev
}

// applyCreate applies a create to the model and returns what the store
// must answer: the lead returned, or the error kind.
func (m *model) applyCreate(l lead.Lead, key string) (lead.Lead, error) {
	if key != "" {
		if id, ok := m.keys[key]; ok {
			return m.leads[id], nil
		}
	}
	if _, ok := m.leads[l.ID]; ok {
		return lead.Lead{}, crmkit.ErrConflict
	}
	m.leads[l.ID] = l
	m.events[l.ID]++
	if key != "" {
		m.keys[key] = l.ID
	}
	return l, nil
}

// applySave applies a save to the model and returns the error kind the
// store must answer.
func (m *model) applySave(next lead.Lead, expected int64) error {
	cur, ok := m.leads[next.ID]
	switch {
	case !ok:
		return crmkit.ErrNotFound
	case cur.Version != expected:
		return crmkit.ErrConflict
	}
	m.leads[next.ID] = next
	m.events[next.ID]++
	return nil
}

func (m *model) clone() model {
	return model{maps.Clone(m.leads), maps.Clone(m.keys), maps.Clone(m.events)}
}

// checkErr fails t unless got matches the wanted error kind (nil for
// success).
func checkErr(t *rapid.T, want, got error, what string) {
	t.Helper()
	if want == nil && got != nil || want != nil && !errors.Is(got, want) {
		t.Fatalf("%s: got error %v, want %v", what, got, want)
	}
}

// checkLead fails t unless got has want's content.
func checkLead(t *rapid.T, want, got lead.Lead, what string) {
	t.Helper()
	w, g := fmt.Sprint(canonOf(want)), fmt.Sprint(canonOf(got))
	if w != g {
		t.Fatalf("%s: got\n%s\nwant\n%s", what, g, w)
	}
}

// check compares the whole store with the model: every lead and the
// number of events of each.
func (r *modelRun) check(t *rapid.T) {
	var got []lead.Lead
	for l, err := range storage.All(r.ctx, r.s.Leads(), storage.LeadFilter{}, storage.MaxPageSize) {
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		got = append(got, l)
	}
	want := r.ids()
	if len(got) != len(want) {
		t.Fatalf("the store holds %d leads, the model %d", len(got), len(want))
	}
	for i, id := range want {
		checkLead(t, r.m.leads[id], got[i], "lead "+id.String())
	}
	counts := map[uuid.UUID]int{}
	for e, err := range r.s.Events().Between(r.ctx, everything) {
		if err != nil {
			t.Fatalf("events: %v", err)
		}
		counts[e.AggregateID]++
	}
	if !maps.Equal(counts, r.m.events) {
		t.Fatalf("events per lead: got %v, want %v", counts, r.m.events)
	}
}

// testModel runs random command sequences against a store and the model,
// checking the whole store after every step. Each check uses a fresh
// tenant of the one database, so the database is set up once.
func testModel(t *testing.T, o Opener) {
	n := 0
	rapid.Check(t, func(t *rapid.T) {
		n++
		s, err := o(fmt.Sprintf("model-%d", n))
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		r := &modelRun{ctx: context.Background(), s: s, m: model{map[uuid.UUID]lead.Lead{}, map[string]uuid.UUID{}, map[uuid.UUID]int{}}}
		steps := rapid.IntRange(1, 12).Draw(t, "steps")
		for range steps {
			switch rapid.SampledFrom([]string{"create", "save", "get", "list", "update", "update-fail", "update-stale"}).Draw(t, "command") {
			case "create":
				r.create(t)
			case "save":
				r.save(t)
			case "get":
				r.get(t)
			case "list":
				r.list(t)
			case "update":
				r.update(t)
			case "update-fail":
				r.updateFail(t)
			case "update-stale":
				r.updateStale(t)
			}
			r.check(t)
		}
	})
}

func (r *modelRun) create(t *rapid.T) {
	l, ev := r.drawLead(t)
	key := rapid.SampledFrom(modelKeys).Draw(t, "key")
	want, wantErr := r.m.applyCreate(l, key)
	got, err := r.s.Leads().Create(r.ctx, l, key, ev)
	checkErr(t, wantErr, err, "create")
	if err == nil {
		checkLead(t, want, got, "create")
	}
}

func (r *modelRun) save(t *rapid.T) {
	ids := r.ids()
	if len(ids) == 0 || rapid.IntRange(0, 9).Draw(t, "unknown") == 0 {
		l, _ := newLead("Unknown", "ana", lead.StageSuspect, lead.ChannelEmail)
		next, ev := changed(l, "bo", lead.StageMQL)
		checkErr(t, crmkit.ErrNotFound, r.s.Leads().Save(r.ctx, next, 1, ev), "save of an unknown lead")
		return
	}
	next, expected, ev := r.drawChange(t, rapid.SampledFrom(ids).Draw(t, "id"))
	wantErr := r.m.applySave(next, expected)
	checkErr(t, wantErr, r.s.Leads().Save(r.ctx, next, expected, ev), "save")
}

func (r *modelRun) get(t *rapid.T) {
	ids := r.ids()
	if len(ids) == 0 || rapid.IntRange(0, 4).Draw(t, "unknown") == 0 {
		_, err := r.s.Leads().Get(r.ctx, crmkit.NewID())
		checkErr(t, crmkit.ErrNotFound, err, "get of an unknown lead")
		return
	}
	id := rapid.SampledFrom(ids).Draw(t, "id")
	got, err := r.s.Leads().Get(r.ctx, id)
	checkErr(t, nil, err, "get")
	checkLead(t, r.m.leads[id], got, "get")
}

func (r *modelRun) list(t *rapid.T) {
	f := storage.LeadFilter{Owner: rapid.SampledFrom(modelOwners).Draw(t, "owner filter")}
	if rapid.Bool().Draw(t, "by stage") {
		f.Stage = rapid.SampledFrom(lead.Stages()).Draw(t, "stage filter")
	}
	if rapid.Bool().Draw(t, "by source") {
		f.Source = rapid.SampledFrom(modelSources).Draw(t, "source filter")
	}
	size := rapid.IntRange(1, 4).Draw(t, "page size")
	var want []uuid.UUID
	for _, id := range r.ids() {
		if l := r.m.leads[id]; f.Match(&l) {
			want = append(want, id)
		}
	}
	var got []uuid.UUID
	var after storage.Cursor
	for pages := 0; ; pages++ {
		if pages > len(want)+1 {
			t.Fatalf("list: more pages than leads")
		}
		page, next, err := r.s.Leads().List(r.ctx, f, storage.Page{Size: size, After: after})
		checkErr(t, nil, err, "list")
		if len(page) > size {
			t.Fatalf("list: page of %d, size %d", len(page), size)
		}
		for _, l := range page {
			checkLead(t, r.m.leads[l.ID], l, "list")
			got = append(got, l.ID)
		}
		if next == "" {
			break
		}
		after = next
	}
	if !slices.Equal(want, got) {
		t.Fatalf("list %+v: got %v, want %v", f, got, want)
	}
}

// update runs a create and a save in one Update; it lands whole exactly
// when both succeed on the model.
func (r *modelRun) update(t *rapid.T) {
	l, ev := r.drawLead(t)
	key := rapid.SampledFrom(modelKeys).Draw(t, "key")
	ids := r.ids()
	trial := r.m.clone()
	_, createErr := trial.applyCreate(l, key)
	var saveErr error
	var next lead.Lead
	var expected int64
	var nev crmkit.Event
	if len(ids) > 0 {
		next, expected, nev = r.drawChange(t, rapid.SampledFrom(ids).Draw(t, "id"))
		if createErr == nil {
			saveErr = trial.applySave(next, expected)
		}
	}
	err := r.s.Update(r.ctx, func(tx storage.Tx) error {
		if _, err := tx.Leads().Create(r.ctx, l, key, ev); err != nil {
			return err
		}
		if len(ids) > 0 {
			return tx.Leads().Save(r.ctx, next, expected, nev)
		}
		return nil
	})
	want := createErr
	if want == nil {
		want = saveErr
	}
	checkErr(t, want, err, "update")
	if want == nil {
		r.m = trial
	}
}

// updateFail writes in an Update whose function then fails: nothing may
// change.
func (r *modelRun) updateFail(t *rapid.T) {
	l, ev := r.drawLead(t)
	ids := r.ids()
	err := r.s.Update(r.ctx, func(tx storage.Tx) error {
		_, _ = tx.Leads().Create(r.ctx, l, rapid.SampledFrom(modelKeys).Draw(t, "key"), ev)
		if len(ids) > 0 {
			cur := r.m.leads[rapid.SampledFrom(ids).Draw(t, "id")]
			next, nev := changed(cur, "bo", lead.StageNurture)
			_ = tx.Leads().Save(r.ctx, next, cur.Version, nev)
		}
		return errBoom
	})
	checkErr(t, errBoom, err, "failing update")
}

// updateStale creates a lead and then saves an existing one with a stale
// version in one Update: the conflict undoes the create.
func (r *modelRun) updateStale(t *rapid.T) {
	ids := r.ids()
	if len(ids) == 0 {
		return
	}
	l, ev := newLead("Stale", "ana", lead.StageSuspect, lead.ChannelEmail)
	cur := r.m.leads[rapid.SampledFrom(ids).Draw(t, "id")]
	next, nev := changed(cur, "bo", lead.StageMQL)
	next.Version, nev.Version = cur.Version+2, cur.Version+2
	err := r.s.Update(r.ctx, func(tx storage.Tx) error {
		if _, err := tx.Leads().Create(r.ctx, l, "", ev); err != nil {
			return err
		}
		return tx.Leads().Save(r.ctx, next, cur.Version+1, nev)
	})
	checkErr(t, crmkit.ErrConflict, err, "stale update")
}
