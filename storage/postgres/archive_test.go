package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/crmkit/crmkit"
	"github.com/crmkit/crmkit/deal"
	"github.com/crmkit/crmkit/field"
	"github.com/crmkit/crmkit/lead"
	"github.com/crmkit/crmkit/storage"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestArchivedCustomColumnsFollowTheBody checks the columns of schema
// version 20 against the body whatever the write path: deals created,
// imported with COPY (archived or not, with custom values or not), then
// archived, restored and given custom values in any order. After every
// step the Source yields, and List returns, exactly the deals the model
// says are not archived, with the custom values the model holds; and every
// stored row's archived and custom columns equal what its body says.
func TestArchivedCustomColumnsFollowTheBody(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDB(t)
	p := deal.DefaultPipeline()
	tiers := []string{"gold", "silver", "bronze"}
	iter := 0
	rapid.Check(t, func(rt *rapid.T) {
		iter++
		s, err := db.Tenant(fmt.Sprintf("cols%d", iter))
		require.NoError(rt, err)
		storeTestAccount(t, s)
		sc, ev, err := field.New(deal.DealKind, []field.Def{{Name: "tier", Type: field.TypeEnum, Options: tiers}},
			crmkit.Cmd{By: "test", At: t0})
		require.NoError(rt, err)
		_, err = s.FieldSchemas().Create(ctx, sc, "", ev)
		require.NoError(rt, err)

		deals := map[uuid.UUID]deal.Deal{} // the model: the last saved value
		var ids []uuid.UUID
		var imported []deal.Deal
		var events []crmkit.Event
		n := rapid.IntRange(1, 6).Draw(rt, "deals")
		for i := range n {
			d, e := testDeal(t, p, "ana", i)
			if tier := rapid.IntRange(-1, len(tiers)-1).Draw(rt, "tier"); tier >= 0 {
				d.Custom = field.Values{"tier": field.Option(tiers[tier])}
			}
			if rapid.Bool().Draw(rt, "imported") {
				if rapid.Bool().Draw(rt, "imported archived") {
					d.ArchivedAt = t0.Add(time.Hour)
				}
				imported, events = append(imported, d), append(events, e)
			} else {
				_, err := s.Deals().Create(ctx, d, "", e)
				require.NoError(rt, err)
			}
			deals[d.ID] = d
			ids = append(ids, d.ID)
		}
		if len(imported) > 0 {
			_, err := s.ImportDeals(ctx, imported, events)
			require.NoError(rt, err)
		}
		check := func() {
			want := map[uuid.UUID]field.Values{}
			for id, d := range deals {
				if !d.Archived() {
					want[id] = d.Custom
				}
			}
			got := map[uuid.UUID]field.Values{}
			for o, err := range s.Opportunities(ctx) {
				require.NoError(rt, err)
				got[o.Entity] = o.Custom
			}
			require.Equal(rt, len(want), len(got), "Source: deals not archived")
			for id, vs := range want {
				g, ok := got[id]
				require.True(rt, ok, "Source yields deal %s", id)
				require.True(rt, vs.Equal(g), "Source: custom values of %s: %v, want %v", id, g, vs)
			}
			page, _, err := s.Deals().List(ctx, storage.DealFilter{}, storage.Page{Size: 100})
			require.NoError(rt, err)
			require.Len(rt, page, len(want), "List: deals not archived")
			for _, d := range page {
				_, ok := want[d.ID]
				require.True(rt, ok, "List returns deal %s", d.ID)
			}
			var stale int
			require.NoError(rt, db.Pool().QueryRow(ctx, `SELECT count(*) FROM deals WHERE tenant_id = $1
				AND (archived <> (body ? 'archived_at') OR custom IS DISTINCT FROM body->'custom')`, s.Tenant()).Scan(&stale))
			require.Zero(rt, stale, "rows whose columns differ from their body")
		}
		check()
		steps := rapid.IntRange(0, 8).Draw(rt, "steps")
		for k := range steps {
			id := rapid.SampledFrom(ids).Draw(rt, "deal")
			d := deals[id]
			c := deal.Cmd{Cmd: crmkit.Cmd{By: "test", At: t0.Add(time.Duration(k+2) * time.Hour)}}
			var next deal.Deal
			var e crmkit.Event
			switch {
			case d.Archived():
				next, e, err = d.Restore(c)
			case rapid.Bool().Draw(rt, "archive"):
				next, e, err = d.Archive(c)
			default:
				vs := field.Values{"tier": field.Option(rapid.SampledFrom(tiers).Draw(rt, "new tier"))}
				if rapid.Bool().Draw(rt, "clear") {
					vs = nil
				}
				if vs.Equal(d.Custom) {
					continue
				}
				next, e, err = d.SetCustom(vs, c)
			}
			require.NoError(rt, err)
			require.NoError(rt, s.Deals().Save(ctx, next, d.Version, e))
			deals[id] = next
			check()
		}
	})
}

// TestArchivedColumnLeadsAccounts checks the archived column of leads and
// accounts (schema version 20) through List: an archived lead or account
// is left out, and back once restored.
func TestArchivedColumnLeadsAccounts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := newDB(t)
	s, err := db.Tenant("acme")
	require.NoError(t, err)
	l, e := testLead("ana")
	_, err = s.Leads().Create(ctx, l, "", e)
	require.NoError(t, err)
	c := crmkit.Cmd{By: "test", At: t0.Add(time.Hour)}
	archived, ae, err := l.Archive(c)
	require.NoError(t, err)
	require.NoError(t, s.Leads().Save(ctx, archived, l.Version, ae))
	page, _, err := s.Leads().List(ctx, storage.LeadFilter{}, storage.Page{})
	require.NoError(t, err)
	require.Empty(t, page, "the archived lead is left out")
	page, _, err = s.Leads().List(ctx, storage.LeadFilter{IncludeArchived: true}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, page, 1)
	c.At = c.At.Add(time.Hour)
	restored, re, err := archived.Restore(c)
	require.NoError(t, err)
	require.NoError(t, s.Leads().Save(ctx, restored, archived.Version, re))
	page, _, err = s.Leads().List(ctx, storage.LeadFilter{}, storage.Page{})
	require.NoError(t, err)
	require.Equal(t, []lead.Lead{restored}, page)

	storeTestAccount(t, s)
	accs, _, err := s.Accounts().List(ctx, storage.AccountFilter{}, storage.Page{})
	require.NoError(t, err)
	require.Len(t, accs, 1)
	a := accs[0]
	archivedAcc, aev, err := a.Archive(c)
	require.NoError(t, err)
	require.NoError(t, s.Accounts().Save(ctx, archivedAcc, a.Version, aev))
	accs, _, err = s.Accounts().List(ctx, storage.AccountFilter{}, storage.Page{})
	require.NoError(t, err)
	require.Empty(t, accs, "the archived account is left out")
	var stale int
	require.NoError(t, db.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM leads WHERE archived <> (body ? 'archived_at'))
		+ (SELECT count(*) FROM accounts WHERE archived <> (body ? 'archived_at'))`).Scan(&stale))
	require.Zero(t, stale)
}
